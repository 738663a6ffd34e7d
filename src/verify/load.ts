// Adapter: loads one plugin into one server and says what happened. A fresh run folder (the one
// plugin, a temp sqlite database, an empty working folder), a free loopback port, the server
// started in the target's builder image; then `GET /plugin` as the default user (admin:admin)
// until the server lists the plugin, or the container exits (its output holds the loader's
// panic), or the time bound runs out. The container is always removed.
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { Docker, DockerResult } from '../build/docker';
import type { Target } from '../build/targets';
import { removeContainerArgv, serverArgv } from './argv';

export type LoadOutcome =
  | { status: 'loaded'; modulePath: string; output: string; durationMs: number }
  | { status: 'exited'; exitCode: number; output: string; durationMs: number }
  | { status: 'not-listed'; output: string; durationMs: number }
  | { status: 'timeout'; output: string; durationMs: number };

export interface LoadRequest {
  image: string;
  target: Target;
  via: 'native' | 'emulator';
  serverBinary: string;
  pluginFile: string;
  pluginFileName: string;
  /** Parent folder for the run folder (under RUNNER_TEMP). */
  tempDir: string;
  timeoutMs: number;
  pollMs?: number;
  user?: { uid: number; gid: number };
}

/** A port nobody listens on right now, on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolvePort(port));
    });
  });
}

/**
 * `promise`, or undefined after `ms`; the timer is cleared when the promise wins (a pending timer
 * would keep the action's process alive after its work: 15 s at the end of every run).
 */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<undefined>((r) => (timer = setTimeout(() => r(undefined), ms))),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** The plugins the server lists, or undefined while it does not answer (yet). */
async function listPlugins(port: number): Promise<{ modulePath?: string; name?: string }[] | undefined> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/plugin`, {
      headers: { authorization: `Basic ${Buffer.from('admin:admin').toString('base64')}` },
      signal: AbortSignal.timeout(5000),
    });
    if (res.status !== 200) return undefined;
    const body: unknown = await res.json();
    return Array.isArray(body) ? (body as { modulePath?: string }[]) : undefined;
  } catch {
    return undefined;
  }
}

export async function loadPlugin(docker: Docker, req: LoadRequest): Promise<LoadOutcome> {
  await mkdir(req.tempDir, { recursive: true });
  const runDir = await mkdtemp(join(req.tempDir, `verify-${req.target.name}-`));
  try {
    for (const d of ['plugins', 'data', 'data/images', 'work']) await mkdir(join(runDir, d));
    await copyFile(req.pluginFile, join(runDir, 'plugins', req.pluginFileName));
    // A port taken between the check and the server's listen is retried once with another.
    let outcome = await startOnce(docker, req, runDir);
    if (outcome.status === 'exited' && /address already in use/i.test(outcome.output)) {
      await rm(join(runDir, 'data', 'gotify.db'), { force: true });
      outcome = await startOnce(docker, req, runDir);
    }
    return outcome;
  } finally {
    await rm(runDir, { recursive: true, force: true }).catch(() => undefined);
  }
}

async function startOnce(docker: Docker, req: LoadRequest, runDir: string): Promise<LoadOutcome> {
  const started = Date.now();
  const port = await freePort();
  const name = `flow-verify-${req.target.name}-${port}-${process.pid}`;
  const argv = serverArgv({
    name,
    image: req.image,
    target: req.target,
    via: req.via,
    serverBinary: req.serverBinary,
    runDir,
    port,
    ...(req.user && { user: req.user }),
  });
  let exited: DockerResult | undefined;
  const running = docker.run(argv).then((r) => {
    exited = r;
    return r;
  });
  const deadline = started + req.timeoutMs;
  const poll = req.pollMs ?? 250;
  let listed: { modulePath?: string }[] | undefined;
  let exitedFirst: DockerResult | undefined;
  try {
    while (!exited && Date.now() < deadline) {
      listed = await listPlugins(port);
      if (listed || exited) break;
      await within(running, Math.min(poll, Math.max(0, deadline - Date.now())));
    }
    // What happened before the container is removed (removing it ends `docker run` too).
    exitedFirst = listed ? undefined : exited;
  } finally {
    if (!exited) await docker.run(removeContainerArgv(name));
  }
  // The `docker run` client returns once the container is gone; bounded all the same.
  const r = await within(running, 15_000);
  const output = r?.output ?? '';
  const durationMs = Date.now() - started;
  if (listed) {
    const first = listed[0];
    if (first) return { status: 'loaded', modulePath: first.modulePath ?? '', output, durationMs };
    return { status: 'not-listed', output, durationMs };
  }
  if (exitedFirst) {
    return { status: 'exited', exitCode: exitedFirst.exitCode, output: exitedFirst.output, durationMs };
  }
  return { status: 'timeout', output, durationMs };
}
