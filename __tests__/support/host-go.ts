// Locates the host Go installed by .ci/install-go.sh and runs it hermetically: local toolchain
// only, no proxy, no network, a throwaway HOME/GOPATH/GOCACHE per caller.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** The lowest Go whose go.mod rules our engine follows (1.25 added `ignore`). */
export const MIN_GO = [1, 25] as const;

export interface HostGo {
  bin: string;
  /** e.g. [1, 26] */
  version: [number, number];
}

/** Finds the newest Debian Go (/usr/lib/go-X.Y/bin/go) >= MIN_GO, or throws saying how to get one. */
export function findHostGo(root = '/usr/lib'): HostGo {
  const found: HostGo[] = [];
  for (const name of existsSync(root) ? readdirSync(root) : []) {
    const m = /^go-(\d+)\.(\d+)$/.exec(name);
    const bin = join(root, name, 'bin', 'go');
    if (m && existsSync(bin)) found.push({ bin, version: [Number(m[1]), Number(m[2])] });
  }
  found.sort((a, b) => b.version[0] - a.version[0] || b.version[1] - a.version[1]);
  const best = found[0];
  if (
    !best ||
    best.version[0] < MIN_GO[0] ||
    (best.version[0] === MIN_GO[0] && best.version[1] < MIN_GO[1])
  ) {
    throw new Error(
      `no host Go >= ${MIN_GO.join('.')} under ${root} (found: ${found.map((g) => g.version.join('.')).join(', ') || 'none'}); run: bash .ci/install-go.sh`,
    );
  }
  return best;
}

/** Environment for a hermetic go command rooted at home (created if needed). */
export function hermeticGoEnv(home: string): NodeJS.ProcessEnv {
  mkdirSync(home, { recursive: true });
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    GOPATH: join(home, 'gopath'),
    GOCACHE: join(home, 'gocache'),
    GOMODCACHE: join(home, 'gopath', 'pkg', 'mod'),
    GOTOOLCHAIN: 'local',
    GOFLAGS: '',
    GOPROXY: 'off',
    GOSUMDB: 'off',
    GONOSUMDB: '',
    GOPRIVATE: '',
    GOWORK: 'off',
    GOENV: 'off',
    GO111MODULE: 'on',
  };
}

export interface GoRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `go args...` in cwd with env; never rejects (a failure is a non-zero code). */
export function runGo(go: HostGo, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<GoRun> {
  return new Promise((resolve) => {
    execFile(go.bin, args, { cwd, env, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Runs tasks with at most `limit` at a time, keeping results in order. */
export async function pool<T, R>(
  items: T[],
  limit: number,
  task: (item: T, i: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await task(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
