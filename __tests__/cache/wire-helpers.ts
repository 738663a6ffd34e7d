// Shared by the module cache wire tests: a module-cache-shaped tree (read-only files and folders,
// as Go leaves them), a snapshot to compare trees, a step-like environment for @actions/cache, and
// a log that records what the adapter said.
import { createHash, randomBytes } from 'node:crypto';
import { chmod, lstat, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import type { CacheLog } from '../../src/cache/module-cache';
import { startCacheService, type CacheService } from '../support/cache-service';

export interface Recorded extends CacheLog {
  infos: string[];
  warnings: string[];
}

export function recorder(): Recorded {
  const infos: string[] = [];
  const warnings: string[] = [];
  return { infos, warnings, info: (m) => infos.push(m), warning: (m) => warnings.push(m) };
}

/** Sets `vars` (and deletes the cache variables not in it) in process.env; returns the undo. */
export function setEnv(vars: Record<string, string>): () => void {
  const names = new Set([
    ...Object.keys(vars),
    'ACTIONS_CACHE_URL',
    'ACTIONS_CACHE_MODE',
    'ACTIONS_CACHE_SERVICE_V2',
    'ACTIONS_RESULTS_URL',
    'ACTIONS_RUNTIME_TOKEN',
    'GITHUB_SERVER_URL',
  ]);
  const saved = new Map([...names].map((n) => [n, process.env[n]]));
  for (const n of names) {
    if (n in vars) process.env[n] = vars[n];
    else delete process.env[n];
  }
  return () => {
    for (const [n, v] of saved) {
      if (v === undefined) delete process.env[n];
      else process.env[n] = v;
    }
  };
}

export interface Sandbox {
  root: string;
  workspace: string;
  runnerTemp: string;
  /** The module cache folder, like plan.modCacheDir (under RUNNER_TEMP, outside the workspace). */
  modCache: string;
  env(): Record<string, string>;
  cleanup(): Promise<void>;
}

export async function sandbox(): Promise<Sandbox> {
  const root = await mkdtemp(join(tmpdir(), 'flow-modcache-'));
  const workspace = join(root, 'work', 'plugin');
  const runnerTemp = join(root, 'temp');
  await mkdir(workspace, { recursive: true });
  await mkdir(runnerTemp, { recursive: true });
  return {
    root,
    workspace,
    runnerTemp,
    modCache: join(runnerTemp, 'flow-plugin-build', 'gomodcache'),
    env: () => ({ GITHUB_WORKSPACE: workspace, RUNNER_TEMP: runnerTemp }),
    cleanup: async () => {
      await makeWritable(root);
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** Writes a tree shaped like GOMODCACHE, with the permissions go leaves (0444 files, 0555 module folders). */
export async function writeModuleTree(dir: string, seed: string): Promise<void> {
  const mod = join(dir, `example.com/${seed}/lib@v1.2.3`);
  const dl = join(dir, `cache/download/example.com/${seed}/lib/@v`);
  await mkdir(join(mod, 'internal/deep/er'), { recursive: true });
  await mkdir(dl, { recursive: true });
  const files: [string, string | Buffer][] = [
    [join(mod, 'go.mod'), `module example.com/${seed}/lib\n\ngo 1.22\n`],
    [join(mod, 'lib.go'), `package lib\n\nconst Seed = "${seed}"\n`],
    [join(mod, 'internal/deep/er/x.go'), 'package er\n'],
    [join(mod, 'testdata.bin'), randomBytes(300_000)],
    [join(dl, 'v1.2.3.zip'), randomBytes(50_000)],
    [join(dl, 'v1.2.3.mod'), `module example.com/${seed}/lib\n`],
    [join(dl, 'list'), 'v1.2.3\n'],
  ];
  for (const [p, c] of files) await writeFile(p, c);
  for (const [p] of files) if (!p.endsWith('list')) await chmod(p, 0o444);
  for (const d of [join(mod, 'internal/deep/er'), join(mod, 'internal/deep'), join(mod, 'internal'), mod]) {
    await chmod(d, 0o555);
  }
}

export type Snapshot = Record<string, string>;

/** Every entry under dir: relative path -> type, permission bits and (files) content digest. */
export async function snapshot(dir: string): Promise<Snapshot> {
  const out: Snapshot = {};
  async function walk(d: string): Promise<void> {
    for (const name of (await readdir(d)).sort()) {
      const p = join(d, name);
      const st = await lstat(p);
      const mode = (st.mode & 0o777).toString(8);
      if (st.isDirectory()) {
        out[relative(dir, p)] = `dir ${mode}`;
        await walk(p);
      } else {
        out[relative(dir, p)] = `file ${mode} ${createHash('sha256')
          .update(await readFile(p))
          .digest('hex')}`;
      }
    }
  }
  await walk(dir);
  return out;
}

/** Removes a tree go made read-only (as a non-root user would have to). */
export async function removeTree(dir: string): Promise<void> {
  await makeWritable(dir);
  await rm(dir, { recursive: true, force: true });
}

async function makeWritable(dir: string): Promise<void> {
  let st;
  try {
    st = await lstat(dir);
  } catch {
    return;
  }
  if (!st.isDirectory()) return;
  await chmod(dir, 0o755);
  for (const name of await readdir(dir)) await makeWritable(join(dir, name));
}

export interface CacheTestBed {
  /** The cache service stand-in of the running test. */
  service: CacheService;
  /** The running test's workspace, RUNNER_TEMP and module cache folder. */
  box: Sandbox;
  /** Replaces the step's environment for the rest of the running test. */
  useEnv(vars: Record<string, string>): void;
}

/**
 * Registers per-test hooks: a fresh cache service stand-in and sandbox, with the step's
 * environment pointing at them; undone after each test. Read the fields inside tests.
 */
export function useCacheTestBed(): CacheTestBed {
  let undoEnv: () => void = () => undefined;
  const bed = {
    useEnv(vars: Record<string, string>) {
      undoEnv();
      undoEnv = setEnv(vars);
    },
  } as CacheTestBed;
  beforeEach(async () => {
    bed.service = await startCacheService();
    bed.box = await sandbox();
    undoEnv = setEnv({ ...bed.service.env(), ...bed.box.env() });
  });
  afterEach(async () => {
    undoEnv();
    undoEnv = () => undefined;
    await bed.service.close().catch(() => undefined); // a test may have closed it already
    await bed.box.cleanup();
  });
  return bed;
}
