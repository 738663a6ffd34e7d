// The host side of the real test bed: where it lives on the machine, the host Go that fetches
// module sources through the module proxy into the bed's module cache, and small process helpers.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { findHostGo } from '../host-go';

/**
 * The bed's folder, outside any checkout so that a clean clone on this machine is warm:
 * FLOW_REAL_BED, default /var/cache/flow-real-bed. Layout:
 *   gomod/                        module cache (GOMODCACHE) filled through the module proxy;
 *                                 gomod/cache/download doubles as a file GOPROXY for containers
 *   src/<tag>/                    server source of a release (module zip + UI placeholder)
 *   servers/<tag>/<target>-<fp>-<src>/  binary, release zip and build.json; fp = builder
 *                                 toolchain, src = what the bed adds to the source
 *   fingerprints/<image id>       toolchain fingerprint of a builder image
 *   plugins/<id>/                 a plugin's source, ready to copy
 */
export function bedRoot(): string {
  return process.env.FLOW_REAL_BED || '/var/cache/flow-real-bed';
}

export const modCacheDir = (root = bedRoot()) => join(root, 'gomod');
/** The module cache's download folder: a valid GOPROXY=file:// layout. */
export const goproxyDir = (root = bedRoot()) => join(root, 'gomod', 'cache', 'download');

/** The host Go: GO_BIN, else /usr/local/go/bin/go, else the newest Debian Go (.ci/install-go.sh). */
export function hostGoBin(): string {
  if (process.env.GO_BIN) return process.env.GO_BIN;
  if (existsSync('/usr/local/go/bin/go')) return '/usr/local/go/bin/go';
  return findHostGo().bin;
}

export interface ProcResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a program (argv, no shell); never rejects: a failure is a non-zero code. */
export function run(
  bin: string,
  args: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<ProcResult> {
  return new Promise((resolve) => {
    execFile(
      bin,
      args,
      { cwd: opts.cwd, env: opts.env, maxBuffer: 64 << 20, timeout: opts.timeoutMs ?? 600_000 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/**
 * Environment of the host `go` for the bed: the machine's proxy settings, the bed's module
 * cache (writable entries so that the cache can be removed), the local toolchain only.
 */
export function hostGoEnv(root = bedRoot(), extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const home = join(root, 'home');
  mkdirSync(home, { recursive: true });
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    GOPATH: join(root, 'gopath'),
    GOMODCACHE: modCacheDir(root),
    GOCACHE: join(root, 'gocache'),
    GOFLAGS: '-modcacherw',
    GOTOOLCHAIN: 'local',
    GOWORK: 'off',
    GOENV: 'off',
    ...(process.env.GOPROXY ? { GOPROXY: process.env.GOPROXY } : {}),
    ...(process.env.SSL_CERT_FILE ? { SSL_CERT_FILE: process.env.SSL_CERT_FILE } : {}),
    ...extra,
  };
}

/** `go args...` on the host; throws with the output on failure. */
export async function hostGo(
  args: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; root?: string } = {},
): Promise<string> {
  const r = await run(hostGoBin(), args, {
    cwd: opts.cwd,
    env: opts.env ?? hostGoEnv(opts.root),
  });
  if (r.code !== 0) {
    throw new Error(`go ${args.join(' ')} (in ${opts.cwd ?? '.'}) failed:\n${r.stderr}${r.stdout}`);
  }
  return r.stdout;
}

export interface ModuleDownload {
  Path: string;
  Version: string;
  Dir: string;
  Sum: string;
  GoMod: string;
  Info: string;
  Error?: string;
  Origin?: { Hash?: string; Ref?: string };
}

/** `go mod download -json module@version` into the bed's module cache. */
export async function downloadModule(
  module: string,
  version: string,
  opts: { root?: string; noSumDb?: boolean } = {},
): Promise<ModuleDownload> {
  const env = hostGoEnv(opts.root, opts.noSumDb ? { GONOSUMDB: module } : {});
  const r = await run(hostGoBin(), ['mod', 'download', '-json', `${module}@${version}`], {
    env,
    cwd: bedRoot(),
  });
  const info = JSON.parse(r.stdout || '{}') as ModuleDownload;
  if (r.code !== 0 || info.Error || !info.Dir) {
    throw new Error(`go mod download ${module}@${version} failed: ${info.Error ?? r.stderr}`);
  }
  return info;
}

/** Writes a file atomically (temp file + rename). */
export function writeAtomic(file: string, content: string | Uint8Array): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, content);
  renameSync(tmp, file);
}

/** Replaces `dir` with the folder `tmp` (same file system). */
export function replaceDir(tmp: string, dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dirname(dir), { recursive: true });
  renameSync(tmp, dir);
}
