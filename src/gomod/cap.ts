// gomod-cap (cmd/gomod-cap of the plugin API repository), ported: align the plugin's require
// versions with the server's, exactly as the original does with `go mod edit -require`.
import { bytesFromArray, bytesToArray, fromBytes, toBytes } from './bytes';
import { checkImportPath } from './module';
import { GoModFile, mustQuote } from './modfile';

export interface CapChange {
  module: string;
  /** The plugin's version. */
  from: string;
  /** The server's version. */
  to: string;
  /** Line of the require in the plugin's original go.mod. */
  line: number;
}

export interface CapResult {
  /** Whether text differs from the input. */
  changed: boolean;
  /** The new plugin go.mod; the input itself when nothing changed. */
  text: string;
  /** Every require line whose version differs from the server's, in file order. */
  changes: CapChange[];
}

export interface CapOptions {
  serverFile?: string;
  pluginFile?: string;
}

/**
 * The mismatches between the plugin's requires and the server's: every plugin require line
 * (direct or indirect, every block, file order, duplicates included) whose module the server
 * also requires at a different version string. The server's last line for a module wins.
 */
export function capChanges(server: GoModFile, plugin: GoModFile): CapChange[] {
  const constraint = new Map<string, string>();
  for (const r of server.require) constraint.set(r.path, r.version);
  const changes: CapChange[] = [];
  for (const r of plugin.require) {
    const want = constraint.get(r.path);
    if (want !== undefined && want !== r.version) {
      changes.push({ module: r.path, from: r.version, to: want, line: r.line });
    }
  }
  return changes;
}

/**
 * Applies changes as gomod-cap does: one `go mod edit -require=path@version` per change, each
 * reading what the previous one wrote (parse, set the require, sort blocks, clean up, print).
 * A change `go mod edit` would refuse (a path that is not a valid import path) is skipped, as
 * the original ignores that command's failure. Works on byte strings.
 */
export function applyCapBytes(pluginFile: string, plugin: string, changes: CapChange[]): string {
  let cur = plugin;
  for (const c of changes) {
    const path = toBytes(c.module);
    const version = toBytes(c.to);
    if (checkImportPath(path) !== undefined || mustQuote(version)) continue;
    if (version.startsWith('-') || version.startsWith('/')) continue;
    const f = GoModFile.parseBytes(pluginFile, cur);
    f.addRequire(c.module, c.to);
    f.sortBlocks();
    f.cleanup();
    cur = f.formatBytes();
  }
  return cur;
}

function capBytes(
  server: string,
  plugin: string,
  opts: CapOptions,
): { changed: boolean; out: string; changes: CapChange[] } {
  const pluginFile = opts.pluginFile ?? 'go.mod';
  const s = GoModFile.parseBytes(opts.serverFile ?? 'server go.mod', server);
  const p = GoModFile.parseBytes(pluginFile, plugin);
  const changes = capChanges(s, p);
  if (changes.length === 0) return { changed: false, out: plugin, changes };
  const out = applyCapBytes(pluginFile, plugin, changes);
  return { changed: out !== plugin, out, changes };
}

/**
 * Caps the plugin's go.mod to the server's versions. Pure: no I/O. Throws GoModError when
 * either file is not a valid go.mod. When nothing differs, `text` is `pluginText` itself.
 */
export function capGoMod(serverText: string, pluginText: string, opts: CapOptions = {}): CapResult {
  const r = capBytes(toBytes(serverText), toBytes(pluginText), opts);
  return { changed: r.changed, text: r.changed ? fromBytes(r.out) : pluginText, changes: r.changes };
}

/** capGoMod on raw bytes, byte-exact even for go.mod files that are not valid UTF-8. */
export function capGoModBytes(
  server: Uint8Array,
  plugin: Uint8Array,
  opts: CapOptions = {},
): { changed: boolean; data: Uint8Array; changes: CapChange[] } {
  const r = capBytes(bytesFromArray(server), bytesFromArray(plugin), opts);
  return { changed: r.changed, data: r.changed ? bytesToArray(r.out) : plugin, changes: r.changes };
}
