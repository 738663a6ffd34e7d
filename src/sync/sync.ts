// Syncing the plugin's go.mod with the server's: gomod-cap (`cap`), a check that lists every
// mismatch (`check`), or nothing (`off`). The file is written atomically and only when it changes.
// go.mod and go.sum are read here, once, and go.mod is parsed once per read or write: the result
// carries the parsed file and the module cache key (built from the synced go.mod and go.sum).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { moduleCacheKeys, type ModuleCacheKeys } from '../cache/module-cache';
import {
  capChanges,
  capGoMod,
  decodeGoMod,
  encodeGoMod,
  parseGoMod,
  type CapChange,
  type GoModFile,
} from '../gomod';
import { checkModulePaths } from '../gomod/module-paths';
import { writeFileAtomic } from '../fs/atomic-write';
import type { GoModSync } from '../inputs';
import type { AlignChange } from './align-plan';

export interface SyncResult {
  mode: GoModSync;
  /** Absolute path of the plugin's go.mod. */
  goModPath: string;
  /** Every shared module whose version differed (cap: changed; check: none, it throws). */
  changes: CapChange[];
  written: boolean;
  /** The plugin's go.mod as it is after the sync (what was read, or what was written). */
  goModText: string;
  /** goModText parsed (absent with go-mod-sync: off, which never parses it). */
  goMod?: GoModFile;
  /** The plugin's go.sum as read beside go.mod ('' when there is none). */
  goSum: string;
  /** The Go module cache key: the Go version and a digest of the synced go.mod and go.sum. */
  moduleCache?: ModuleCacheKeys;
  /** check with a build: the mismatches left for the whole module graph check after tidy. */
  deferred?: CapChange[];
}

export class SyncError extends Error {
  override name = 'SyncError';
  constructor(
    message: string,
    readonly mismatches: CapChange[] = [],
  ) {
    super(message);
  }
}

export async function readPluginGoMod(pluginDir: string): Promise<{ path: string; text: string }> {
  const path = join(pluginDir, 'go.mod');
  try {
    return { path, text: decodeGoMod(await readFile(path)) };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new SyncError(
      code === 'ENOENT'
        ? `There is no go.mod in ${pluginDir}: set working-directory to the plugin's folder (the one holding go.mod)`
        : `Cannot read ${path}: ${(e as Error).message}`,
    );
  }
}

/** The text the module and build cache keys hash: the synced go.mod and go.sum (they fix every module version). */
export function lockText(sync: Pick<SyncResult, 'goModText' | 'goSum'>): string {
  return `${sync.goModText}\n${sync.goSum}`;
}

/** The lines listing every mismatch (`  module v1 -> server has v2 (line 7)`), with a head line. */
export function mismatchList(pluginGoModName: string, changes: readonly CapChange[]): string {
  return (
    `${pluginGoModName} requires ${changes.length} module version${changes.length === 1 ? '' : 's'} other than the server's:\n` +
    changes.map((c) => `  ${c.module} ${c.from} -> server has ${c.to} (line ${c.line})`).join('\n')
  );
}

export interface SyncOptions {
  mode: GoModSync;
  pluginDir: string;
  /** The name used in messages and annotations (relative to the workspace). */
  pluginGoModName: string;
  /** The server's go.mod text (gomod-cap edits with it) and name. */
  serverGoMod: string;
  serverGoModName: string;
  /** The server's go.mod already parsed (by the resolve); parsed here when absent. */
  serverParsed?: GoModFile;
  /** The server's Go version: with it the result carries the module cache key. */
  goVersion?: string;
  /** go.mod as the pre-flight check read and parsed it (the file is not read again). */
  read?: { text: string; file: GoModFile };
  /** check mode: return the mismatches as `deferred` (the build checks the whole graph) instead of throwing. */
  deferMismatches?: boolean;
}

/** Runs the sync. In `check` mode a mismatch throws SyncError listing all of them (unless deferred). */
export async function syncGoMod(opts: SyncOptions): Promise<SyncResult> {
  const { path, text } = opts.read
    ? { path: join(opts.pluginDir, 'go.mod'), text: opts.read.text }
    : await readPluginGoMod(opts.pluginDir);
  const goSum = await readFile(join(opts.pluginDir, 'go.sum'), 'utf8').catch(() => '');
  const done = (r: Omit<SyncResult, 'goMod' | 'goSum' | 'moduleCache'>, goMod?: GoModFile): SyncResult => {
    const keys =
      opts.goVersion !== undefined
        ? moduleCacheKeys({
            goVersion: opts.goVersion,
            goSum: lockText({ goModText: r.goModText, goSum }),
            os: 'linux',
          })
        : undefined;
    return { ...r, ...(goMod && { goMod }), goSum, ...(keys && { moduleCache: keys }) };
  };
  const base = { goModPath: path, changes: [], written: false, goModText: text };
  // Every mode: a module path Go would refuse stops the run before any of it is logged.
  const read = opts.read?.file ?? parseGoMod(text, opts.pluginGoModName);
  checkModulePaths(read, opts.pluginGoModName);
  if (opts.mode === 'off') return done({ mode: 'off', ...base }, read);

  const server = opts.serverParsed ?? parseGoMod(opts.serverGoMod, opts.serverGoModName);
  const changes = capChanges(server, read);
  if (opts.mode === 'check') {
    if (changes.length > 0 && opts.deferMismatches)
      return done({ mode: 'check', ...base, deferred: changes }, read);
    if (changes.length > 0) {
      throw new SyncError(
        `${mismatchList(opts.pluginGoModName, changes)}\nSet go-mod-sync: cap to rewrite go.mod, or edit these lines.`,
        changes,
      );
    }
    return done({ mode: 'check', ...base }, read);
  }
  if (changes.length === 0) return done({ mode: opts.mode, ...base }, read);
  // gomod-cap's edit works on its own tree of the plugin's go.mod (as `go mod edit` does, once per
  // require); the server's requires are the ones parsed above.
  const result = capGoMod(opts.serverGoMod, text, {
    serverFile: opts.serverGoModName,
    pluginFile: opts.pluginGoModName,
    serverRequires: server.require,
  });
  if (!result.changed) return done({ mode: opts.mode, ...base, changes: result.changes }, read);
  await writeFileAtomic(path, encodeGoMod(result.text));
  // Parsed once per write: the build reads the go line and module path of what was written.
  return done(
    { mode: opts.mode, goModPath: path, changes: result.changes, written: true, goModText: result.text },
    parseGoMod(result.text, opts.pluginGoModName),
  );
}

/** The go-mod-changes output: every go.mod change with the step that made it, `cap` or `align` (with its reason). */
export function goModChangesOutput(
  changes: readonly CapChange[],
  align: readonly AlignChange[] = [],
): string {
  return JSON.stringify([
    ...changes.map(({ module, from, to }) => ({ module, from, to, step: 'cap' })),
    ...align.map(({ module, from, to, step, reason }) => ({ module, from, to, step, reason })),
  ]);
}
