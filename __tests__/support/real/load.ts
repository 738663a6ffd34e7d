// The test oracle: starts a real gotify server headless with one plugin alone in its plugins
// folder and asks the server itself, through its API, what it loaded. Independent from the
// action (its verify stage included). The server runs in a builder image of the target, which
// has the cross C libraries: amd64 natively, arm64 and arm-7 under qemu-user, 386 through the
// i386 loader of the cross libc.
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { docker } from '../docker';
import { builderGoVersions, imageTag } from '../fixtures';
import { UI_PLACEHOLDER } from './servers';

/** One entry of the server's `GET /plugin` answer (the fields we read). */
export interface ServerPlugin {
  id: number;
  name: string;
  token: string;
  modulePath: string;
  enabled: boolean;
  [key: string]: unknown;
}

export interface LoadResult {
  /** The server started with the plugin in its folder and listed it in `GET /plugin`. */
  loaded: boolean;
  /** What `GET /plugin` answered (as admin), empty when the server did not start. */
  plugins: ServerPlugin[];
  /** The server's panic line (e.g. `panic: error while loading plugin x.so: plugin.Open(...): ...`). */
  panic?: string;
  /** Everything the server printed. */
  output: string;
  /** Time from start until it answered (or exited), ms. */
  durationMs: number;
}

/** How a target's binaries run inside its builder image. */
export function serverRunner(target: string): string[] {
  switch (target) {
    case 'linux-amd64':
      return [];
    case 'linux-arm64':
      return ['qemu-aarch64', '-L', '/usr/aarch64-linux-gnu'];
    case 'linux-arm-7':
      return ['qemu-arm', '-L', '/usr/arm-linux-gnueabihf'];
    case 'linux-386':
      // The i386 dynamic loader and libc of the cross toolchain (libc6-i386-cross).
      return ['/usr/i686-linux-gnu/lib/ld-linux.so.2', '--library-path', '/usr/i686-linux-gnu/lib'];
    default:
      throw new Error(`no way to run ${target} binaries here`);
  }
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => res(port));
    });
  });
}

let runImages: Promise<string[]> | undefined;
/** A builder image for `target` to run binaries in (any Go: only its C libraries are used). */
async function runImage(target: string): Promise<string> {
  runImages ??= builderGoVersions();
  const versions = await runImages;
  const v = versions.at(-1);
  if (!v) throw new Error('no builder images (run: bash .ci/docker.sh)');
  return imageTag(v, target);
}

/** Extracts the panic line, e.g. `panic: error while loading plugin ...`. */
export function panicLine(output: string): string | undefined {
  const line = output.split('\n').find((l) => l.startsWith('panic: '));
  return line?.trim();
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts the server binary `serverBinary` (built for `target`) on a free loopback port with a
 * fresh sqlite database and `pluginFile` alone in its plugins folder; polls `GET /plugin` as the
 * default user admin:admin until it answers, the server exits (a plugin that does not load
 * makes it panic at start), or `timeoutMs` passes. Always removes the container.
 */
export async function loadIntoRealServer(opts: {
  tag: string;
  target: string;
  serverBinary: string;
  /** A plugin file; without one the server starts with an empty plugins folder. */
  pluginFile?: string;
  timeoutMs?: number;
  /** Image to run in (default: a builder image of the target). */
  image?: string;
}): Promise<LoadResult> {
  const timeoutMs = opts.timeoutMs ?? 180_000;
  const data = mkdtempSync(join(tmpdir(), 'flow-real-load-'));
  const name = `flow-real-${opts.tag.replace(/[^\w.-]/g, '_')}-${opts.target}-${randomBytes(4).toString('hex')}`;
  const started = Date.now();
  try {
    mkdirSync(join(data, 'plugins'));
    mkdirSync(join(data, 'images'));
    // Servers up to v2.2 (packr, no go:embed) read the web UI at run time from ../ui/build
    // relative to their working directory (/data): the same placeholder as the built ones.
    for (const [file, content] of Object.entries(UI_PLACEHOLDER)) {
      mkdirSync(dirname(join(data, 'ui', file)), { recursive: true });
      writeFileSync(join(data, 'ui', file), content);
    }
    if (opts.pluginFile) copyFileSync(opts.pluginFile, join(data, 'plugins', basename(opts.pluginFile)));
    const port = await freePort();
    const image = opts.image ?? (await runImage(opts.target));
    const env = {
      GOTIFY_SERVER_PORT: String(port),
      GOTIFY_SERVER_LISTENADDR: '127.0.0.1',
      GOTIFY_DATABASE_DIALECT: 'sqlite3',
      GOTIFY_DATABASE_CONNECTION: '/data/gotify.db',
      GOTIFY_PLUGINSDIR: '/data/plugins',
      GOTIFY_UPLOADEDIMAGESDIR: '/data/images',
    };
    const up = await docker([
      'run',
      '-d',
      '--name',
      name,
      '--network',
      'host',
      ...Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]),
      '-v',
      `${data}:/data`,
      '-v',
      `${join(data, 'ui')}:/ui/build:ro`,
      '-v',
      `${resolve(opts.serverBinary)}:/srv/gotify:ro`,
      '-w',
      '/data',
      image,
      ...serverRunner(opts.target),
      '/srv/gotify',
    ]);
    if (up.exitCode !== 0) throw new Error(`docker run failed: ${up.output}`);
    const auth = `Basic ${Buffer.from('admin:admin').toString('base64')}`;
    while (Date.now() - started < timeoutMs) {
      const state = await docker(['inspect', '-f', '{{.State.Running}}', name]);
      if (state.stdout.trim() !== 'true') break;
      try {
        const res = await fetch(`http://127.0.0.1:${port}/plugin`, {
          headers: { authorization: auth },
          signal: AbortSignal.timeout(5000),
        });
        if (res.status === 200) {
          const plugins = (await res.json()) as ServerPlugin[];
          const output = (await docker(['logs', name])).output;
          return { loaded: plugins.length > 0, plugins, output, durationMs: Date.now() - started };
        }
      } catch {
        // not listening yet
      }
      await sleep(500);
    }
    const output = (await docker(['logs', name])).output;
    const panic = panicLine(output);
    const timedOut = Date.now() - started >= timeoutMs;
    return {
      loaded: false,
      plugins: [],
      ...(panic ? { panic } : {}),
      output: timedOut ? `${output}\n(no answer within ${timeoutMs} ms)` : output,
      durationMs: Date.now() - started,
    };
  } finally {
    await docker(['rm', '-f', name]);
    rmSync(data, { recursive: true, force: true });
  }
}
