// The semantic view of a go.mod (golang.org/x/mod/modfile rule.go): what each directive says,
// pointing into the syntax tree, and the edits `go mod edit` makes, with Go's semantics.
// Views hold readable strings; the syntax tree holds bytes (see bytes.ts).
import {
  type Latin1,
  asLatin1,
  decodeRune,
  fields,
  isPrint,
  latin1FromArray,
  latin1FromText,
  lossyTextFromLatin1,
  textFromLatin1,
  trimSpace,
} from './bytes';
import { GoModError, excerpt, type GoModProblem } from './errors';
import { checkPathMajor, canonicalVersion, splitPathVersion } from './module';
import { formatSyntax } from './print';
import { parseSyntax } from './read';
import { compare as semverCompare } from './semver';
import { quote, unquote } from './strconv';
import {
  type Comment,
  type FileSyntax,
  type Line,
  type LineBlock,
  type Stmt,
  newBlock,
  newLine,
  ownComments,
  zeroPos,
} from './syntax';

export interface ModuleStmt {
  path: string;
  /** The "Deprecated:" paragraph of the module's comments, or ''. */
  deprecated: string;
  line: number;
  syntax: Line;
}
export interface GoStmt {
  version: string;
  line: number;
  syntax: Line;
}
export interface ToolchainStmt {
  name: string;
  line: number;
  syntax: Line;
}
export interface Godebug {
  key: string;
  value: string;
  line: number;
  syntax: Line;
}
export interface Require {
  path: string;
  version: string;
  /** Has a `// indirect` comment. */
  indirect: boolean;
  /** Line in the parsed text (0 for a line added by an edit). */
  line: number;
  syntax: Line;
}
export interface Exclude {
  path: string;
  version: string;
  line: number;
  syntax: Line;
}
export interface Replace {
  oldPath: string;
  /** '' when the replace applies to every version. */
  oldVersion: string;
  newPath: string;
  /** '' for a directory replacement. */
  newVersion: string;
  line: number;
  syntax: Line;
}
export interface Retract {
  low: string;
  high: string;
  rationale: string;
  line: number;
  syntax: Line;
}
export interface Tool {
  path: string;
  line: number;
  syntax: Line;
}
export interface Ignore {
  path: string;
  line: number;
  syntax: Line;
}

export const GO_VERSION_RE = /^([1-9][0-9]*)\.(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))?([a-z]+[0-9]+)?$/;
export const TOOLCHAIN_RE = /^default$|^go1($|\.)/;

/** Printable ASCII characters mustQuote lets through without looking further. */
const ASCII_PLAIN = new Uint8Array(128);
for (let c = 0x21; c < 0x7f; c++) ASCII_PLAIN[c] = '"\'`()[]{},'.includes(String.fromCharCode(c)) ? 0 : 1;

/** Whether s must be quoted to be a single go.mod token (s is a byte string). */
export function mustQuote(s: string): boolean {
  for (let i = 0; i < s.length;) {
    const c = s.charCodeAt(i);
    // Printable ASCII other than quotes, spaces and punctuation: the usual case, no decoding.
    if (c > 0x20 && c < 0x7f && ASCII_PLAIN[c] === 1) {
      i++;
      continue;
    }
    const [r, size] = decodeRune(s, i);
    i += size;
    switch (r) {
      case 0x20:
      case 0x22:
      case 0x27:
      case 0x60:
        return true;
      case 0x28:
      case 0x29:
      case 0x5b:
      case 0x5d:
      case 0x7b:
      case 0x7d:
      case 0x2c:
        if (s.length > 1) return true;
        break;
      default:
        if (!isPrint(r)) return true;
    }
  }
  return s === '' || s.includes('//') || s.includes('/*');
}

/** s, or its quotation when it must be quoted (byte strings). */
export function autoQuote(s: Latin1): Latin1 {
  return mustQuote(s) ? asLatin1(quote(s)) : s;
}

/** Whether a replacement path is a directory (rooted, or starting with ./ or ../, any OS). */
export function isDirectoryPath(ns: string): boolean {
  return (
    ns === '.' ||
    ns.startsWith('./') ||
    ns.startsWith('.\\') ||
    ns === '..' ||
    ns.startsWith('../') ||
    ns.startsWith('..\\') ||
    ns.startsWith('/') ||
    ns.startsWith('\\') ||
    (ns.length >= 2 && /^[A-Za-z]$/.test(ns[0]!) && ns[1] === ':')
  );
}

/** Whether a line has a `// indirect` comment. */
export function isIndirect(line: Line): boolean {
  const first = line.com.suffix[0];
  if (!first) return false;
  const f = fields(first.token.startsWith('//') ? first.token.slice(2) : first.token);
  return (f.length === 1 && f[0] === 'indirect') || (f.length > 1 && f[0] === 'indirect;');
}

/** A directive-level problem (Go's modfile.Error): message without the position. */
class DirectiveError {
  constructor(
    readonly reason: string,
    readonly verb = '',
    readonly modPath = '',
  ) {}
  text(): string {
    const directive =
      this.modPath !== ''
        ? `${this.verb} ${excerpt(this.modPath)}: `
        : this.verb !== ''
          ? `${this.verb}: `
          : '';
    return directive + this.reason;
  }
}

const goQuote = (b: Latin1): string => lossyTextFromLatin1(asLatin1(quote(b)));
const invalidVersion = (version: Latin1, why: string): string =>
  `version ${goQuote(excerpt(version))} invalid: ${why}`;

/** Tokens of a line from an offset; writes go back into the line, like a Go slice. */
class Args {
  constructor(
    private readonly line: Line,
    private readonly offset: number,
  ) {}
  get length(): number {
    return this.line.token.length - this.offset;
  }
  get(i: number): Latin1 {
    return this.line.token[this.offset + i]!;
  }
  set(i: number, v: Latin1): void {
    this.line.token[this.offset + i] = v;
  }
  from(i: number): Args {
    return new Args(this.line, this.offset + i);
  }
}

/** parseString: unquotes a token and rewrites it in canonical quoting. Throws DirectiveError-free text. */
function parseString(args: Args, i: number): Latin1 {
  let t = args.get(i);
  if (t.startsWith('"')) {
    t = asLatin1(unquote(t));
  } else if (/["'`]/.test(t)) {
    throw new Error('unquoted string cannot contain quote');
  }
  args.set(i, autoQuote(t));
  return t;
}

function errText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** parseVersion with a nil fixer (versions must be canonical or canonicalisable). */
function parseVersion(verb: string, path: string, args: Args, i: number, keepAsIs: boolean): Latin1 {
  let t: Latin1;
  try {
    t = parseString(args, i);
  } catch (e) {
    throw new DirectiveError(invalidVersion(args.get(i), errText(e)), verb, path);
  }
  if (!keepAsIs) {
    const cv = canonicalVersion(t);
    if (cv === '') throw new DirectiveError(invalidVersion(t, 'must be of the form v1.2.3'), verb, path);
    t = asLatin1(cv);
  }
  args.set(i, t);
  return t;
}

function modulePathMajor(path: string): string {
  const [, major, ok] = splitPathVersion(path);
  if (!ok) throw new DirectiveError('invalid module path');
  return major;
}

function parseDirectiveComment(block: LineBlock | undefined, line: Line): Latin1 {
  let comments = line.com;
  if (block && comments.before.length === 0 && comments.suffix.length === 0) comments = block.com;
  const lines: string[] = [];
  for (const c of [...comments.before, ...comments.suffix]) {
    if (!c.token.startsWith('//')) continue;
    lines.push(trimSpace(c.token.slice(2)));
  }
  return asLatin1(lines.join('\n'));
}

function parseDeprecation(block: LineBlock | undefined, line: Line): Latin1 {
  const m = /(?:^|\n\n)Deprecated: *([\s\S]*?)(?:$|\n\n)/.exec(parseDirectiveComment(block, line));
  return asLatin1(m ? m[1]! : '');
}

function compareBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function compareLine(li: Line, lj: Line): number {
  for (let k = 0; k < li.token.length && k < lj.token.length; k++) {
    if (li.token[k] !== lj.token[k]) return compareBytes(li.token[k]!, lj.token[k]!);
  }
  return Math.sign(li.token.length - lj.token.length);
}

function compareLineExclude(li: Line, lj: Line): number {
  if (li.token.length !== 2 || lj.token.length !== 2) return compareLine(li, lj);
  if (li.token[0] !== lj.token[0]) return compareBytes(li.token[0]!, lj.token[0]!);
  return semverCompare(li.token[1]!, lj.token[1]!);
}

function compareLineRetract(li: Line, lj: Line): number {
  const interval = (l: Line): [string, string] => {
    if (l.token.length === 1) return [l.token[0]!, l.token[0]!];
    if (l.token.length === 5 && l.token[0] === '[' && l.token[2] === ',' && l.token[4] === ']') {
      return [l.token[1]!, l.token[3]!];
    }
    return ['', ''];
  };
  const [li0, li1] = interval(li);
  const [lj0, lj1] = interval(lj);
  const c = semverCompare(li0, lj0);
  if (c !== 0) return -c;
  return -semverCompare(li1, lj1);
}

/**
 * lines stably sorted by compareLine, or undefined when a token is empty (never so in a parsed
 * file) or holds a \x00 or \x01, the separators of the sort keys. The sort compares strings
 * (token \x01 token ... \x00 index) without calling back into JavaScript for each of a large
 * block's n log n comparisons: a token that is a prefix of another sorts first (\x01 and \x00
 * are below every other character), a line that is a prefix of another too (\x00 < \x01), and
 * equal lines keep their order (the index, two fixed-width code units).
 */
export function sortByLine(lines: Line[]): Line[] | undefined {
  const keys = new Array<string>(lines.length);
  for (let i = 0; i < lines.length; i++) {
    const token = lines[i]!.token;
    for (const t of token) if (t === '' || t.includes('\x00') || t.includes('\x01')) return undefined;
    const key = token.join('\x01');
    keys[i] = key + '\x00' + String.fromCharCode(i >>> 16, i & 0xffff);
  }
  keys.sort();
  return keys.map((k) => lines[(k.charCodeAt(k.length - 2) << 16) | k.charCodeAt(k.length - 1)]!);
}

function isSorted(lines: Line[], less: (a: Line, b: Line) => number): boolean {
  for (let i = 1; i < lines.length; i++) if (less(lines[i - 1]!, lines[i]!) > 0) return false;
  return true;
}

/** A parsed go.mod: the syntax tree plus the semantic views into it. */
export class GoModFile {
  module?: ModuleStmt;
  go?: GoStmt;
  toolchain?: ToolchainStmt;
  godebug: Godebug[] = [];
  require: Require[] = [];
  exclude: Exclude[] = [];
  replace: Replace[] = [];
  retract: Retract[] = [];
  tool: Tool[] = [];
  ignore: Ignore[] = [];
  /**
   * A retract version was written quoted and needs quotes (`""`, `"v1 x"`): Go keeps it as
   * unquoted text, which prints as something else (nothing, two tokens), so the printed file
   * does not read back as this tree.
   */
  unquotedVersion = false;

  constructor(readonly syntax: FileSyntax) {}

  /** Parses go.mod bytes; throws GoModError. */
  static parseLatin1(file: string, data: Latin1): GoModFile {
    const fs = parseSyntax(file, data);
    const f = new GoModFile(fs);
    const problems: GoModProblem[] = [];
    const fail = (line: Line | LineBlock, e: unknown): void => {
      let reason: string;
      if (e instanceof DirectiveError) reason = e.text();
      else if (e instanceof Error) reason = e.message;
      else reason = String(e);
      problems.push({
        line: line.start.line,
        column: line.start.lineRune,
        reason: lossyTextFromLatin1(asLatin1(reason)),
      });
    };
    for (const x of fs.stmt) {
      if (x.kind === 'line') {
        try {
          f.add(undefined, x, x.token[0]!, new Args(x, 1));
        } catch (e) {
          fail(x, e);
        }
      } else if (x.kind === 'block') {
        const known = ['module', 'godebug', 'require', 'exclude', 'replace', 'retract', 'tool', 'ignore'];
        if (x.token.length > 1 || !known.includes(x.token[0]!)) {
          fail(x, new DirectiveError(`unknown block type: ${excerpt(x.token.join(' '))}`));
          continue;
        }
        for (const l of x.line) {
          try {
            f.add(x, l, x.token[0]!, new Args(l, 0));
          } catch (e) {
            fail(l, e);
          }
        }
      }
    }
    if (problems.length > 0) throw new GoModError(file, problems);
    return f;
  }

  private add(block: LineBlock | undefined, line: Line, verb: string, args: Args): void {
    const lineNo = line.start.line;
    switch (verb) {
      default:
        throw new DirectiveError(`unknown directive: ${excerpt(verb)}`);
      case 'go': {
        if (this.go) throw new DirectiveError('repeated go statement');
        if (args.length !== 1) throw new DirectiveError('go directive expects exactly one argument');
        if (!GO_VERSION_RE.test(args.get(0))) {
          throw new DirectiveError(`invalid go version '${excerpt(args.get(0))}': must match format 1.23.0`);
        }
        this.go = { version: lossyTextFromLatin1(args.get(0)), line: lineNo, syntax: line };
        return;
      }
      case 'toolchain': {
        if (this.toolchain) throw new DirectiveError('repeated toolchain statement');
        if (args.length !== 1) throw new DirectiveError('toolchain directive expects exactly one argument');
        if (!TOOLCHAIN_RE.test(args.get(0))) {
          throw new DirectiveError(
            `invalid toolchain version '${excerpt(args.get(0))}': must match format go1.23.0 or default`,
          );
        }
        this.toolchain = { name: lossyTextFromLatin1(args.get(0)), line: lineNo, syntax: line };
        return;
      }
      case 'module': {
        if (this.module) throw new DirectiveError('repeated module statement');
        const deprecated = lossyTextFromLatin1(parseDeprecation(block, line));
        this.module = { path: '', deprecated, line: lineNo, syntax: line };
        if (args.length !== 1) throw new DirectiveError('usage: module module/path');
        this.module.path = lossyTextFromLatin1(this.quoted(args, 0));
        return;
      }
      case 'godebug': {
        if (args.length !== 1 || /["`',]/.test(args.get(0)))
          throw new DirectiveError('usage: godebug key=value');
        const kv = args.get(0);
        const eq = kv.indexOf('=');
        if (eq < 0) throw new DirectiveError('usage: godebug key=value');
        this.godebug.push({
          key: lossyTextFromLatin1(asLatin1(kv.slice(0, eq))),
          value: lossyTextFromLatin1(asLatin1(kv.slice(eq + 1))),
          line: lineNo,
          syntax: line,
        });
        return;
      }
      case 'require':
      case 'exclude': {
        if (args.length !== 2) throw new DirectiveError(`usage: ${verb} module/path v1.2.3`);
        const s = this.quoted(args, 0);
        const v = parseVersion(verb, s, args, 1, false);
        const pathMajor = modulePathMajor(s);
        const bad = checkPathMajor(v, pathMajor);
        if (bad !== undefined) throw new DirectiveError(bad, verb, s);
        const path = lossyTextFromLatin1(s);
        const version = lossyTextFromLatin1(v);
        if (verb === 'require') {
          this.require.push({ path, version, indirect: isIndirect(line), line: lineNo, syntax: line });
        } else {
          this.exclude.push({ path, version, line: lineNo, syntax: line });
        }
        return;
      }
      case 'replace':
        this.replace.push(this.parseReplace(line, verb, args));
        return;
      case 'retract': {
        const rationale = lossyTextFromLatin1(parseDirectiveComment(block, line));
        const [low, high, rest] = parseVersionInterval(verb, args);
        if (mustQuote(low) || mustQuote(high)) this.unquotedVersion = true;
        if (rest.length > 0) {
          throw new DirectiveError(`unexpected token after version: ${goQuote(excerpt(rest.get(0)))}`);
        }
        this.retract.push({
          low: lossyTextFromLatin1(low),
          high: lossyTextFromLatin1(high),
          rationale,
          line: lineNo,
          syntax: line,
        });
        return;
      }
      case 'tool':
      case 'ignore': {
        if (args.length !== 1) throw new DirectiveError(`${verb} directive expects exactly one argument`);
        const s = lossyTextFromLatin1(this.quoted(args, 0));
        (verb === 'tool' ? this.tool : this.ignore).push({ path: s, line: lineNo, syntax: line });
        return;
      }
    }
  }

  private quoted(args: Args, i: number): Latin1 {
    try {
      return parseString(args, i);
    } catch (e) {
      throw new DirectiveError(`invalid quoted string: ${errText(e)}`);
    }
  }

  private parseReplace(line: Line, verb: string, args: Args): Replace {
    let arrow = 2;
    if (args.length >= 2 && args.get(1) === '=>') arrow = 1;
    if (args.length < arrow + 2 || args.length > arrow + 3 || args.get(arrow) !== '=>') {
      throw new DirectiveError(
        `usage: ${verb} module/path [v1.2.3] => other/module v1.4\n\t or ${verb} module/path [v1.2.3] => ../local/directory`,
      );
    }
    const s = this.quoted(args, 0);
    let pathMajor: string;
    try {
      pathMajor = modulePathMajor(s);
    } catch (e) {
      throw new DirectiveError((e as DirectiveError).reason, verb, s);
    }
    let v = asLatin1('');
    if (arrow === 2) {
      v = parseVersion(verb, s, args, 1, false);
      const bad = checkPathMajor(v, pathMajor);
      if (bad !== undefined) throw new DirectiveError(bad, verb, s);
    }
    const ns = this.quoted(args, arrow + 1);
    let nv = asLatin1('');
    if (args.length === arrow + 2) {
      if (!isDirectoryPath(ns)) {
        if (ns.includes('@')) {
          throw new DirectiveError("replacement module must match format 'path version', not 'path@version'");
        }
        throw new DirectiveError(
          'replacement module without version must be directory path (rooted or starting with . or ..)',
        );
      }
      if (ns.includes('\\')) {
        throw new DirectiveError(
          'replacement directory appears to be Windows path (on a non-windows system)',
        );
      }
    }
    if (args.length === arrow + 3) {
      nv = parseVersion(verb, ns, args, arrow + 2, false);
      if (isDirectoryPath(ns)) {
        throw new DirectiveError(
          `replacement module directory path ${goQuote(excerpt(ns))} cannot have version`,
        );
      }
    }
    return {
      oldPath: lossyTextFromLatin1(s),
      oldVersion: lossyTextFromLatin1(v),
      newPath: lossyTextFromLatin1(ns),
      newVersion: lossyTextFromLatin1(nv),
      line: line.start.line,
      syntax: line,
    };
  }

  // ---- edits ----

  /** Adds a line to the syntax tree, next to the hint or the last statement of the same kind. */
  addLine(hint: Line | LineBlock | undefined, tokens: Latin1[]): Line {
    const stmts = this.syntax.stmt;
    if (!hint) {
      for (let i = stmts.length - 1; i >= 0; i--) {
        const stmt = stmts[i]!;
        if (
          (stmt.kind === 'line' || stmt.kind === 'block') &&
          stmt.token.length > 0 &&
          stmt.token[0] === tokens[0]
        ) {
          hint = stmt;
          break;
        }
      }
    }
    const newLineAfter = (i: number): Line => {
      const l = newLine(tokens);
      stmts.splice(i + 1, 0, l);
      return l;
    };
    if (hint) {
      for (let i = 0; i < stmts.length; i++) {
        const stmt = stmts[i]!;
        if (stmt.kind === 'line' && stmt === hint) {
          if (stmt.token.length === 0 || stmt.token[0] !== tokens[0]) return newLineAfter(i);
          stmt.inBlock = true;
          const block = newBlock(stmt.token.slice(0, 1));
          block.line = [stmt];
          stmt.token = stmt.token.slice(1);
          stmts[i] = block;
          const l = newLine(tokens.slice(1), true);
          block.line.push(l);
          return l;
        }
        if (stmt.kind === 'block') {
          if (stmt === hint) {
            if (stmt.token[0] !== tokens[0]) return newLineAfter(i);
            const l = newLine(tokens.slice(1), true);
            stmt.line.push(l);
            return l;
          }
          for (let j = 0; j < stmt.line.length; j++) {
            if (stmt.line[j] === hint) {
              if (stmt.token[0] !== tokens[0]) return newLineAfter(i);
              const l = newLine(tokens.slice(1), true);
              stmt.line.splice(j + 1, 0, l);
              return l;
            }
          }
        }
      }
    }
    const l = newLine(tokens);
    stmts.push(l);
    return l;
  }

  private updateLine(line: Line, tokens: Latin1[]): void {
    line.token = line.inBlock ? tokens.slice(1) : tokens;
  }

  private static markRemoved(line: Line): void {
    line.token = [];
    if (line.com.suffix.length > 0) line.com.suffix = [];
  }

  /**
   * Sets the first require line for path to version (keeping its comments, `// indirect`
   * included) and removes every other line for path; adds a line when there is none.
   * This is `go mod edit -require=path@version` before sorting and cleanup.
   */
  addRequire(path: string, version: string): void {
    let need = true;
    for (const r of this.require) {
      if (r.path !== path) continue;
      if (need) {
        r.version = version;
        this.updateLine(r.syntax, [
          asLatin1('require'),
          autoQuote(latin1FromText(path)),
          latin1FromText(version),
        ]);
        need = false;
      } else {
        GoModFile.markRemoved(r.syntax);
        r.path = '';
        r.version = '';
        r.indirect = false;
      }
    }
    if (need) this.addNewRequire(path, version, false);
  }

  /** Adds a require line at the end of the last require block, whatever lines already exist. */
  addNewRequire(path: string, version: string, indirect: boolean): void {
    const line = this.addLine(undefined, [
      asLatin1('require'),
      autoQuote(latin1FromText(path)),
      latin1FromText(version),
    ]);
    const r: Require = { path, version, indirect: false, line: 0, syntax: line };
    setIndirect(r, indirect);
    this.require.push(r);
  }

  /**
   * Makes the requirements exactly `req` (Go's SetRequire): the first line for each path keeps
   * its comments and block; other lines and paths not in req are removed; new paths are added.
   */
  setRequire(req: { path: string; version: string; indirect: boolean }[]): void {
    const need = new Map<string, { version: string; indirect: boolean }>();
    for (const r of req) {
      const prev = need.get(r.path);
      if (prev && prev.version !== r.version) {
        throw new Error(`setRequire called with conflicting versions for path ${r.path}`);
      }
      need.set(r.path, { version: r.version, indirect: r.indirect });
    }
    for (const r of this.require) {
      const e = need.get(r.path);
      if (e) {
        setVersion(r, e.version);
        setIndirect(r, e.indirect);
      } else {
        GoModFile.markRemoved(r.syntax);
        r.path = '';
        r.version = '';
        r.indirect = false;
      }
      need.delete(r.path);
    }
    for (const [path, e] of need) this.addNewRequire(path, e.version, e.indirect);
    this.sortBlocks();
  }

  /** Sets the go version (`go mod edit -go=`); throws on an invalid version. */
  setGo(version: string): void {
    if (!GO_VERSION_RE.test(version)) throw new Error(`invalid language version "${version}"`);
    if (!this.go) {
      const line = this.addLine(this.module?.syntax, [asLatin1('go'), latin1FromText(version)]);
      this.go = { version, line: 0, syntax: line };
    } else {
      this.go.version = version;
      this.updateLine(this.go.syntax, [asLatin1('go'), latin1FromText(version)]);
    }
  }

  /** Sets the toolchain (`go mod edit -toolchain=`); throws on an invalid name. */
  setToolchain(name: string): void {
    if (!TOOLCHAIN_RE.test(name)) throw new Error(`invalid toolchain name "${name}"`);
    if (!this.toolchain) {
      const line = this.addLine(this.go?.syntax ?? this.module?.syntax, [
        asLatin1('toolchain'),
        latin1FromText(name),
      ]);
      this.toolchain = { name, line: 0, syntax: line };
    } else {
      this.toolchain.name = name;
      this.updateLine(this.toolchain.syntax, [asLatin1('toolchain'), latin1FromText(name)]);
    }
  }

  dropGo(): void {
    if (this.go) GoModFile.markRemoved(this.go.syntax);
    this.go = undefined;
  }

  dropToolchain(): void {
    if (this.toolchain) GoModFile.markRemoved(this.toolchain.syntax);
    this.toolchain = undefined;
  }

  /**
   * Removes duplicate exclude, replace, tool and ignore lines, then sorts every block (but the
   * require blocks when sortRequire is false: for a caller that knows they are sorted).
   */
  sortBlocks(sortRequire = true): void {
    this.removeDups();
    const semanticExclude = this.go !== undefined && semverCompare('v' + this.go.version, 'v1.21') >= 0;
    for (const stmt of this.syntax.stmt) {
      if (stmt.kind !== 'block') continue;
      if (!sortRequire && stmt.token[0] === 'require') continue;
      let less = compareLine;
      if (stmt.token[0] === 'exclude' && semanticExclude) less = compareLineExclude;
      else if (stmt.token[0] === 'retract') less = compareLineRetract;
      // A stable sort leaves sorted lines as they are: check that first, in linear time.
      if (isSorted(stmt.line, less)) continue;
      const sorted = less === compareLine && stmt.line.length < 2 ** 32 ? sortByLine(stmt.line) : undefined;
      if (!sorted) stmt.line.sort(less);
      else for (let i = 0; i < sorted.length; i++) stmt.line[i] = sorted[i]!;
    }
  }

  private removeDups(): void {
    const kill = new Set<Line>();
    const seenExclude = new Set<string>();
    for (const x of this.exclude) {
      const key = JSON.stringify([x.path, x.version]);
      if (seenExclude.has(key)) kill.add(x.syntax);
      else seenExclude.add(key);
    }
    this.exclude = this.exclude.filter((x) => !kill.has(x.syntax));
    const seenReplace = new Set<string>();
    for (let i = this.replace.length - 1; i >= 0; i--) {
      const x = this.replace[i]!;
      const key = JSON.stringify([x.oldPath, x.oldVersion]);
      if (seenReplace.has(key)) kill.add(x.syntax);
      else seenReplace.add(key);
    }
    this.replace = this.replace.filter((x) => !kill.has(x.syntax));
    for (const list of ['tool', 'ignore'] as const) {
      const seen = new Set<string>();
      for (const t of this[list]) {
        if (seen.has(t.path)) kill.add(t.syntax);
        else seen.add(t.path);
      }
      this[list] = this[list].filter((t) => !kill.has(t.syntax));
    }
    const stmts: Stmt[] = [];
    for (const stmt of this.syntax.stmt) {
      if (stmt.kind === 'line' && kill.has(stmt)) continue;
      if (stmt.kind === 'block') {
        // (A block already empty goes too.)
        if (kill.size > 0) stmt.line = stmt.line.filter((l) => !kill.has(l));
        if (stmt.line.length === 0) continue;
      }
      stmts.push(stmt);
    }
    this.syntax.stmt = stmts;
  }

  /** Drops removed lines and empty blocks; a block left with one line becomes a single line. */
  cleanup(): void {
    this.godebug = this.godebug.filter((g) => g.key !== '');
    this.require = this.require.filter((r) => r.path !== '');
    this.exclude = this.exclude.filter((x) => x.path !== '');
    this.replace = this.replace.filter((r) => r.oldPath !== '');
    this.retract = this.retract.filter((r) => r.low !== '' || r.high !== '');
    const out: Stmt[] = [];
    for (const stmt of this.syntax.stmt) {
      if (stmt.kind === 'line' && stmt.token.length === 0) continue;
      if (stmt.kind === 'block') {
        const lines = stmt.line.filter((l) => l.token.length > 0);
        if (lines.length === 0) continue;
        if (lines.length === 1 && stmt.rparen.com.before.length === 0) {
          const l = lines[0]!;
          const merged: Line = {
            kind: 'line',
            com: {
              before: [...stmt.com.before, ...l.com.before],
              suffix: [...l.com.suffix, ...stmt.com.suffix],
              after: [...l.com.after, ...stmt.com.after],
            },
            start: { line: 0, lineRune: 0, byte: 0 },
            token: [...stmt.token, ...l.token],
            inBlock: false,
            end: { line: 0, lineRune: 0, byte: 0 },
          };
          Object.assign(l, merged);
          out.push(l);
          continue;
        }
        stmt.line = lines;
      }
      out.push(stmt);
    }
    this.syntax.stmt = out;
  }

  /** The file in Go's canonical format, as bytes. */
  formatLatin1(): Latin1 {
    return formatSyntax(this.syntax);
  }
}

function setVersion(r: Require, v: string): void {
  r.version = v;
  const line = r.syntax;
  if (line.token.length === 0) return;
  if (line.inBlock) {
    if (line.com.before.length === 1 && line.com.before[0]!.token.length === 0) line.com.before = [];
    if (line.token.length >= 2) line.token[1] = latin1FromText(v);
  } else if (line.token.length >= 3) {
    line.token[2] = latin1FromText(v);
  }
}

function setIndirect(r: Require, indirect: boolean): void {
  r.indirect = indirect;
  const line = r.syntax;
  if (isIndirect(line) === indirect) return;
  if (indirect) {
    if (line.com.suffix.length === 0) {
      ownComments(line).suffix = [{ start: zeroPos(), token: asLatin1('// indirect'), suffix: true }];
      return;
    }
    const com: Comment = line.com.suffix[0]!;
    const text = trimSpace(com.token.startsWith('//') ? com.token.slice(2) : com.token);
    com.token = asLatin1(text === '' ? '// indirect' : '// indirect; ' + text);
    return;
  }
  const first = line.com.suffix[0]!;
  const f = trimSpace(first.token.startsWith('//') ? first.token.slice(2) : first.token);
  if (f === 'indirect') {
    line.com.suffix = [];
    return;
  }
  const i = first.token.indexOf('indirect;');
  first.token = asLatin1('//' + first.token.slice(i + 'indirect;'.length));
}

function parseVersionInterval(verb: string, args: Args): [Latin1, Latin1, Args] {
  if (args.length === 0 || args.get(0) === '(') throw new DirectiveError("expected '[' or version");
  if (args.get(0) !== '[') {
    const v = parseVersion(verb, '', args, 0, true);
    return [v, v, args.from(1)];
  }
  let toks = args.from(1);
  if (toks.length === 0) throw new DirectiveError("expected version after '['");
  const low = parseVersion(verb, '', toks, 0, true);
  toks = toks.from(1);
  if (toks.length === 0 || toks.get(0) !== ',') throw new DirectiveError("expected ',' after version");
  toks = toks.from(1);
  if (toks.length === 0) throw new DirectiveError("expected version after ','");
  const high = parseVersion(verb, '', toks, 0, true);
  toks = toks.from(1);
  if (toks.length === 0 || toks.get(0) !== ']') throw new DirectiveError("expected ']' after version");
  return [low, high, toks.from(1)];
}

/** Parses go.mod text; throws GoModError (and nothing else) when it is not a valid go.mod. */
export function parseGoMod(text: string, file = 'go.mod'): GoModFile {
  return GoModFile.parseLatin1(file, latin1FromText(text));
}

/** Parses go.mod bytes exactly as Go does, invalid UTF-8 included; throws GoModError. */
export function parseGoModBytes(data: Uint8Array, file = 'go.mod'): GoModFile {
  return GoModFile.parseLatin1(file, latin1FromArray(data));
}

/** Prints a file's syntax tree in Go's canonical format (no sorting or cleanup). */
export function formatGoMod(file: GoModFile): string {
  return textFromLatin1(file.formatLatin1());
}

/** What `go mod edit -fmt` makes of a go.mod: parse, sort blocks, clean up, print. */
export function fmtGoMod(text: string, file = 'go.mod'): string {
  const f = parseGoMod(text, file);
  f.sortBlocks();
  f.cleanup();
  return formatGoMod(f);
}
