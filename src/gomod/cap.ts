// gomod-cap (cmd/gomod-cap of the plugin API repository), ported: align the plugin's require
// versions with the server's, exactly as the original does with `go mod edit -require`.
import {
  type Latin1,
  arrayFromLatin1,
  asLatin1,
  latin1FromArray,
  latin1FromText,
  textFromLatin1,
} from './bytes';
import { GoModError } from './errors';
import { checkImportPath } from './module';
import { GoModFile, autoQuote, mustQuote, type Require } from './modfile';
import { type QuickRequire, quickRequires } from './quick';
import type { CommentBlock, Line, LineBlock, Stmt } from './syntax';

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
  /**
   * The server's requires when the caller has its go.mod parsed already (the action's resolve
   * stage): the server's text is then not read again.
   */
  serverRequires?: readonly QuickRequire[];
}

/**
 * The mismatches between the plugin's requires and the server's: every plugin require line
 * (direct or indirect, every block, file order, duplicates included) whose module the server
 * also requires at a different version string. The server's last line for a module wins.
 */
export function capChanges(server: GoModFile, plugin: GoModFile): CapChange[] {
  return findChanges(server.require, plugin).changes;
}

/** capChanges, with what applying them needs to know of the plugin's require lines. */
interface FoundChanges {
  changes: CapChange[];
  /** The plugin's require for each change. */
  requires: Require[];
  /** Paths the plugin requires on several lines (of those the server requires). */
  repeated: Set<string>;
}

function findChanges(server: readonly QuickRequire[], plugin: GoModFile): FoundChanges {
  // Path to an index into versions; the plugin's lines per path are counted in a typed array,
  // not in objects or another map (a large file has a hundred thousand paths).
  const index = new Map<string, number>();
  const versions: string[] = [];
  for (const r of server) {
    index.set(r.path, versions.length);
    versions.push(r.version);
  }
  const lines = new Uint32Array(versions.length);
  const found: FoundChanges = { changes: [], requires: [], repeated: new Set() };
  for (const r of plugin.require) {
    const i = index.get(r.path);
    if (i === undefined) continue;
    if (++lines[i]! === 2) found.repeated.add(r.path);
    const want = versions[i]!;
    if (want !== r.version) {
      found.changes.push({ module: r.path, from: r.version, to: want, line: r.line });
      found.requires.push(r);
    }
  }
  return found;
}

/** Whether `go mod edit -require=path@version` accepts the change (the original ignores a refusal). */
function accepted(c: CapChange): boolean {
  const version = latin1FromText(c.to);
  if (checkImportPath(latin1FromText(c.module)) !== undefined || mustQuote(version)) return false;
  return !version.startsWith('-') && !version.startsWith('/');
}

/** One `go mod edit -require=path@version`: parse, set the require, sort blocks, clean up, print. */
function editStep(pluginFile: string, text: Latin1 | GoModFile, c: CapChange): Latin1 {
  const f = typeof text === 'string' ? GoModFile.parseLatin1(pluginFile, text) : text;
  f.addRequire(c.module, c.to);
  f.sortBlocks();
  f.cleanup();
  return f.formatLatin1();
}

/**
 * The reference: applies changes as gomod-cap does, one `go mod edit -require` per change, each
 * reading what the previous one wrote. Costs a parse and a print of the whole file per change
 * (quadratic for large files with many changes); applyCapLatin1 gives the same bytes in linear time.
 * An edit that cannot read what the previous one wrote (a retract version `""` followed by a
 * comma prints as a line Go cannot read back) fails and changes nothing, as `go mod edit` does;
 * the original ignores the failure and goes on.
 */
export function applyCapLatin1Stepwise(pluginFile: string, plugin: Latin1, changes: CapChange[]): Latin1 {
  let cur = plugin;
  for (const c of changes) {
    if (!accepted(c)) continue;
    try {
      cur = editStep(pluginFile, cur, c);
    } catch (e) {
      if (!(e instanceof GoModError)) throw e;
    }
  }
  return cur;
}

/**
 * The edits after the first, on the tree of the first one's output as read back (readBack). That
 * text is sorted and clean, so each further `go mod edit -require` only sets the version of the path's first
 * line and removes its other lines: sorting then moves no remaining line (the kept line keeps its
 * path, its neighbours' order is unchanged), and cleanup only drops the removed lines and blocks
 * left empty, and turns a block left with one line into a single line. Those are done once at the
 * end, on the same tree. What re-reading each printed text would change is done here instead:
 * - a blank line that removing a block's first lines leaves at its top is dropped by the parser,
 *   so it goes before the next edit (and stays after the last one, as the last print keeps it);
 * - a block left with one line prints as a single line whose comments before a blank line read
 *   back as comment blocks of their own: when that line goes later, those comments stay.
 */
class LaterEdits {
  /** Live require entries per path, in file order (a list only for a path on several lines). */
  private readonly byPath = new Map<string, Require | Require[]>();
  /** Whether each line in a block has its BlockState (capBlock), done when a line is first removed. */
  private blocksNoted = false;
  /** Blocks whose lines the previous edit removed. */
  private readonly touched = new Set<BlockState>();
  /** Blocks that a cleanup turned into a single line. */
  private readonly merged: BlockState[] = [];

  /**
   * f read back (readBack), and its lines in file order. With only, the edits will name the
   * require of each path (apply's third argument) but for the paths in only: just those are
   * looked up by path.
   */
  constructor(
    private readonly f: GoModFile,
    order: Line[],
    only?: Set<string>,
  ) {
    let repeated: Require[][] | undefined;
    for (const r of only?.size === 0 ? [] : f.require) {
      if (only && !only.has(r.path)) continue;
      const had = this.byPath.get(r.path);
      if (had === undefined) {
        this.byPath.set(r.path, r);
      } else if (Array.isArray(had)) {
        had.push(r);
      } else {
        const list = [had, r];
        this.byPath.set(r.path, list);
        (repeated ??= []).push(list);
      }
    }
    // f.require is in the order of the file as parsed; sorting may have moved lines. Only the
    // order among the lines of one path matters here (the first one is kept).
    if (repeated) {
      for (let i = 0; i < order.length; i++) order[i]!.capOrder = i;
      for (const list of repeated) list.sort((a, b) => a.syntax.capOrder! - b.syntax.capOrder!);
    }
  }

  private block(line: Line): BlockState | undefined {
    if (!this.blocksNoted) {
      this.blocksNoted = true;
      for (const stmt of this.f.syntax.stmt) {
        if (stmt.kind === 'line') stmt.capBlock = undefined;
        if (stmt.kind !== 'block') continue;
        const state: BlockState = { block: stmt, live: stmt.line.length, first: 0 };
        for (const l of stmt.line) l.capBlock = state;
      }
    }
    return line.capBlock as BlockState | undefined;
  }

  /**
   * Whether every change is for a path the file requires. Always so for changes from capChanges:
   * each is for a path the plugin requires, and the first edit leaves a line for every path.
   */
  covers(changes: CapChange[]): boolean {
    for (const c of changes) if (!this.byPath.has(c.module)) return false;
    return true;
  }

  /**
   * `go mod edit -require=path@version` on a file read back from canonical text. require is the
   * path's require line when known (see the constructor).
   */
  apply(path: string, version: string, require?: Require): void {
    for (const b of this.touched) this.dropBlankTop(b);
    this.touched.clear();
    const entry =
      require !== undefined && (this.byPath.size === 0 || !this.byPath.has(path))
        ? require
        : this.byPath.get(path)!;
    const keep = Array.isArray(entry) ? entry[0]! : entry;
    keep.version = version;
    const p = autoQuote(latin1FromText(path));
    const v = latin1FromText(version);
    keep.syntax.token = keep.syntax.inBlock ? [p, v] : [asLatin1('require'), p, v];
    if (!Array.isArray(entry)) return;
    this.byPath.set(path, keep);
    for (let i = 1; i < entry.length; i++) {
      const r = entry[i]!;
      r.syntax.token = [];
      if (r.syntax.com.suffix.length > 0) r.syntax.com.suffix = [];
      r.path = '';
      r.version = '';
      r.indirect = false;
      const b = this.block(r.syntax);
      if (b) {
        b.live--;
        this.touched.add(b);
      }
    }
    for (const b of this.touched) {
      if (b.merged || b.live !== 1 || b.block.rparen.com.before.length > 0) continue;
      b.merged = this.firstLive(b);
      this.merged.push(b);
    }
  }

  /** Sorts and cleans up as the last edit does; the file is then ready to print. */
  finish(): void {
    const replace = new Map<LineBlock, CommentBlock | undefined>();
    for (const b of this.merged) {
      if (b.live > 0) continue;
      // The single line went: what stays is its comments up to the last blank line before it.
      const com = [...b.block.com.before, ...b.merged!.com.before];
      let last = com.length - 1;
      while (last >= 0 && com[last]!.token !== '') last--;
      const kept = com.slice(0, Math.max(last, 0));
      replace.set(
        b.block,
        kept.length === 0
          ? undefined
          : { kind: 'comments', com: { before: kept, suffix: [], after: [] }, start: b.block.start },
      );
    }
    if (replace.size > 0) {
      const stmts: Stmt[] = [];
      for (const stmt of this.f.syntax.stmt) {
        if (stmt.kind !== 'block' || !replace.has(stmt)) stmts.push(stmt);
        else if (replace.get(stmt)) stmts.push(replace.get(stmt)!);
      }
      this.f.syntax.stmt = stmts;
    }
    // The require blocks need no sorting: each path has one line left (edits change only its
    // version, so no two remaining lines change order), and the stable sort would only move the
    // removed lines (empty, before all others) to the top, which cleanup drops.
    this.f.sortBlocks(false);
    this.f.cleanup();
  }

  private firstLive(b: BlockState): Line {
    const lines = b.block.line;
    while (b.first < lines.length && lines[b.first]!.token.length === 0) b.first++;
    return lines[b.first]!;
  }

  /** What re-reading the printed block does to a blank line at its top. */
  private dropBlankTop(b: BlockState): void {
    // A block left with one line (and no comments before its `)`) prints as a single line.
    if (b.live === 0 || b.merged) return;
    const before = this.firstLive(b).com.before;
    if (before.length > 0 && before[0]!.token === '') before.shift();
  }
}

interface BlockState {
  block: LineBlock;
  /** Lines not removed. */
  live: number;
  /** No line before this index is live. */
  first: number;
  /** The line this block became when one line was left in it. */
  merged?: Line;
}

/**
 * Applies changes as gomod-cap does: one `go mod edit -require=path@version` per change, each
 * reading what the previous one wrote (parse, set the require, sort blocks, clean up, print).
 * A change `go mod edit` would refuse (a path that is not a valid import path) is skipped, as
 * the original ignores that command's failure. Works on byte strings, in linear time: the first
 * edit runs as such, the others on one tree read back from its output (see LaterEdits); the
 * result is byte-identical to applyCapLatin1Stepwise.
 */
export function applyCapLatin1(pluginFile: string, plugin: Latin1, changes: CapChange[]): Latin1 {
  return applyCap(pluginFile, plugin, {}, changes);
}

/**
 * applyCapLatin1; held.file, when there, is plugin parsed and not edited: it is edited here, and
 * let go of as soon as it is used (a large file's trees are not kept alive at once).
 */
function applyCap(
  pluginFile: string,
  plugin: Latin1,
  held: { file?: GoModFile },
  changes: CapChange[],
  found?: FoundChanges,
): Latin1 {
  // found: changes are capChanges' for held.file, with their require lines.
  const todo: CapChange[] = [];
  const requires: Require[] = [];
  changes.forEach((c, i) => {
    if (!accepted(c)) return;
    todo.push(c);
    if (found) requires.push(found.requires[i]!);
  });
  if (todo.length === 0) return plugin;
  const f = held.file ?? GoModFile.parseLatin1(pluginFile, plugin);
  held.file = undefined;
  // The first `go mod edit -require`, as such.
  f.addRequire(todo[0]!.module, todo[0]!.to);
  f.sortBlocks();
  f.cleanup();
  if (todo.length === 1) return f.formatLatin1();
  // A version token that does not print as itself: the later edits read what the first wrote.
  if (f.unquotedVersion) return applyCapLatin1Stepwise(pluginFile, f.formatLatin1(), todo.slice(1));
  const later = new LaterEdits(f, readBack(f), found?.repeated);
  if (!found && !later.covers(todo.slice(1))) {
    return applyCapLatin1Stepwise(pluginFile, f.formatLatin1(), todo.slice(1));
  }
  for (let i = 1; i < todo.length; i++) later.apply(todo[i]!.module, todo[i]!.to, requires[i]);
  later.finish();
  return f.formatLatin1();
}

/**
 * Makes a sorted, cleaned-up file what parsing its printed text gives, for what later edits
 * look at: the parser drops a blank line at the top of a block; a block that cleanup turned into
 * a single line keeps, before it, only the comments after the last blank line (those before it
 * read back as a comment block of their own). Returns the lines in file order (the order of
 * f.require after a parse: LaterEdits uses it for the lines of a path on several).
 */
function readBack(f: GoModFile): Line[] {
  const stmts: Stmt[] = [];
  const order: Line[] = [];
  for (const stmt of f.syntax.stmt) {
    if (stmt.kind === 'block') {
      const before = stmt.line[0]?.com.before;
      if (before && before.length > 0 && before[0]!.token === '') before.shift();
      for (const l of stmt.line) order.push(l);
    } else if (stmt.kind === 'line') {
      const before = stmt.com.before;
      let last = before.length - 1;
      while (last >= 0 && before[last]!.token !== '') last--;
      if (last >= 0) {
        const kept = before.slice(0, last);
        if (kept.some((c) => c.token !== '')) {
          stmts.push({ kind: 'comments', com: { before: kept, suffix: [], after: [] }, start: stmt.start });
        }
        stmt.com.before = before.slice(last + 1);
      }
      order.push(stmt);
    }
    stmts.push(stmt);
  }
  f.syntax.stmt = stmts;
  return order;
}

/**
 * Parses both files (the server's first, as gomod-cap does) and compares them. Of the server's,
 * only the requires are used: given (serverRequires), or from a file of the usual shape read
 * without its tree (quickRequires), or from its parse.
 */
function parseBoth(
  server: Latin1,
  plugin: Latin1,
  opts: CapOptions,
): { held: { file?: GoModFile }; found: FoundChanges } {
  const s =
    opts.serverRequires ??
    quickRequires(server) ??
    GoModFile.parseLatin1(opts.serverFile ?? 'server go.mod', server).require;
  const p = GoModFile.parseLatin1(opts.pluginFile ?? 'go.mod', plugin);
  return { held: { file: p }, found: findChanges(s, p) };
}

function capLatin1(
  server: Latin1,
  plugin: Latin1,
  opts: CapOptions,
): { changed: boolean; out: Latin1; changes: CapChange[] } {
  const { held, found } = parseBoth(server, plugin, opts);
  const changes = found.changes;
  if (changes.length === 0) return { changed: false, out: plugin, changes };
  const out = applyCap(opts.pluginFile ?? 'go.mod', plugin, held, changes, found);
  return { changed: out !== plugin, out, changes };
}

/**
 * Caps the plugin's go.mod to the server's versions. Pure: no I/O. Throws GoModError when
 * either file is not a valid go.mod. When nothing differs, `text` is `pluginText` itself.
 * Lossless for text read with decodeGoMod and written with encodeGoMod: bytes that are not
 * valid UTF-8 come back as they were, as `go mod edit` keeps them.
 */
export function capGoMod(serverText: string, pluginText: string, opts: CapOptions = {}): CapResult {
  const r = capLatin1(latin1FromText(serverText), latin1FromText(pluginText), opts);
  return { changed: r.changed, text: r.changed ? textFromLatin1(r.out) : pluginText, changes: r.changes };
}

/** capGoMod on raw bytes, byte-exact even for go.mod files that are not valid UTF-8. */
export function capGoModBytes(
  server: Uint8Array,
  plugin: Uint8Array,
  opts: CapOptions = {},
): { changed: boolean; data: Uint8Array; changes: CapChange[] } {
  const r = capLatin1(latin1FromArray(server), latin1FromArray(plugin), opts);
  return { changed: r.changed, data: r.changed ? arrayFromLatin1(r.out) : plugin, changes: r.changes };
}
