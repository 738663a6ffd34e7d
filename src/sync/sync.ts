// Syncing the plugin's go.mod with the server's: gomod-cap (`cap`), a check that lists every
// mismatch (`check`), or nothing (`off`). The file is written atomically and only when it changes.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { capGoMod, decodeGoMod, encodeGoMod, type CapChange } from '../gomod';
import { writeFileAtomic } from '../fs/atomic-write';
import type { GoModSync } from '../inputs';

export interface SyncResult {
  mode: GoModSync;
  /** Absolute path of the plugin's go.mod. */
  goModPath: string;
  /** Every shared module whose version differed (cap: changed; check: none, it throws). */
  changes: CapChange[];
  written: boolean;
  /** The plugin's go.mod as it is after the sync (what was read, or what was written). */
  goModText: string;
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

/**
 * Runs the sync. `pluginGoModName` is the name used in messages and annotations (relative to the
 * workspace). In `check` mode a mismatch throws SyncError listing all of them.
 */
export async function syncGoMod(opts: {
  mode: GoModSync;
  pluginDir: string;
  pluginGoModName: string;
  serverGoMod: string;
  serverGoModName: string;
}): Promise<SyncResult> {
  const { path, text } = await readPluginGoMod(opts.pluginDir);
  if (opts.mode === 'off')
    return { mode: 'off', goModPath: path, changes: [], written: false, goModText: text };
  const result = capGoMod(opts.serverGoMod, text, {
    serverFile: opts.serverGoModName,
    pluginFile: opts.pluginGoModName,
  });
  if (opts.mode === 'check') {
    if (result.changes.length > 0) {
      throw new SyncError(
        `${opts.pluginGoModName} requires ${result.changes.length} module version${result.changes.length === 1 ? '' : 's'} other than the server's:\n` +
          result.changes
            .map((c) => `  ${c.module} ${c.from} -> server has ${c.to} (line ${c.line})`)
            .join('\n') +
          '\nSet go-mod-sync: cap to rewrite go.mod, or edit these lines.',
        result.changes,
      );
    }
    return { mode: 'check', goModPath: path, changes: [], written: false, goModText: text };
  }
  if (result.changed) await writeFileAtomic(path, encodeGoMod(result.text));
  return {
    mode: 'cap',
    goModPath: path,
    changes: result.changes,
    written: result.changed,
    goModText: result.text,
  };
}
