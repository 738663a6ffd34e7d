// The go.mod lexer and parser (golang.org/x/mod/modfile read.go): builds the lossless syntax tree
// and attaches every comment to the syntax it belongs to. Input and tokens are byte strings.
import { type Latin1, asLatin1, decodeRune, isPrint, isSpace, runeCount, trimSpace } from './bytes';
import { GoModError } from './errors';
import {
  type Comment,
  type CommentBlock,
  type Expr,
  type FileSyntax,
  type Line,
  type LineBlock,
  CommentNode,
  LineNode,
  type Position,
  addComment,
  newBlock,
  newComments,
  noComments,
  ownComments,
  spanStart,
  zeroPos,
} from './syntax';

const EOF = -1;
const EOLCOMMENT = -2;
const IDENT = -3;
const STRING = -4;
const COMMENT = -5;
/** Token kinds: the negative constants above, or the char code of a newline or punctuation. */
type TokenKind = number;

const NL = 0x0a;
const LPAREN = 0x28;
const RPAREN = 0x29;

const isComment = (k: TokenKind): boolean => k === COMMENT || k === EOLCOMMENT;
const isEOL = (k: TokenKind): boolean => k === EOF || k === EOLCOMMENT || k === NL;

/** The end byte of span(x) when x is on one line, else -1 (span without allocating). */
function singleLineEnd(x: Expr): number {
  switch (x.kind) {
    case 'line':
      if (x instanceof LineNode) return x.singleLineEnd();
      return x.start.line === x.end.line ? x.end.byte : -1;
    case 'block':
      return x.start.line === x.rparen.pos.line ? x.rparen.pos.byte + 1 : -1;
    case 'lparen':
    case 'rparen':
      return x.pos.byte + 1;
    case 'comments':
      return x.start.byte;
    case 'file':
      return -1;
  }
}

/** c.start.byte, without making a position for a parsed comment. */
const startByte = (c: Comment): number => (c instanceof CommentNode ? c.startByte : c.start.byte);

/** Thrown inside the parser to unwind on the first syntax error. */
class Abort {
  constructor(readonly error: GoModError) {}
}

/** isIdent: most printable runes, except a handful of ASCII punctuation characters. */
function isIdent(c: number): boolean {
  switch (c) {
    case 0x20:
    case 0x28:
    case 0x29:
    case 0x5b:
    case 0x5d:
    case 0x7b:
    case 0x7d:
    case 0x2c:
      return false;
    default:
      return !isSpace(c) && isPrint(c);
  }
}

/** The rune as Go's %q shows it (strconv.QuoteRune); only runes that are not printable get here. */
function describeRune(c: number): string {
  const named: Record<number, string> = { 7: 'a', 8: 'b', 9: 't', 10: 'n', 11: 'v', 12: 'f', 13: 'r' };
  const hex = (width: number): string => c.toString(16).padStart(width, '0');
  if (named[c] !== undefined) return `'\\${named[c]}'`;
  if (c < 0x20 || c === 0x7f) return `'\\x${hex(2)}'`;
  if (c >= 0x20 && c < 0x7f) return `'${String.fromCharCode(c)}'`;
  if (c < 0x10000) return `'\\u${hex(4)}'`;
  return `'\\U${hex(8)}'`;
}

/** Go's message for a byte-order mark, and what to do about it. */
const BOM_ADVICE = ' (a byte-order mark: save the file as UTF-8 without it)';

/** ASCII characters that may be part of an identifier (isIdent below 0x80). */
const ASCII_IDENT = new Uint8Array(128);
for (let c = 0x21; c < 0x7f; c++) ASCII_IDENT[c] = isIdent(c) ? 1 : 0;

const SLASH = 0x2f;
const STAR = 0x2a;

class Input {
  // The position of the remaining input: byte offset, line (from 1) and rune in the line (from 1).
  private off = 0;
  private line = 1;
  private lineRune = 1;
  private tokenStart = 0;
  // The current token, in fields rather than an object per token (a large file has millions):
  // its kind, text, and start and end positions.
  private tKind: TokenKind = EOF;
  private tText = asLatin1('');
  private tLine = 1;
  private tRune = 1;
  private tByte = 0;
  private tEndLine = 1;
  private tEndRune = 1;
  private tEndByte = 0;
  /** Tokens of the line being parsed; each line gets an exact-size copy. */
  private readonly lineTokens: Latin1[] = [];
  private comments: Comment[] = [];
  private file!: FileSyntax;
  private pre: Expr[] = [];
  private post: Expr[] = [];

  constructor(
    private readonly filename: string,
    private readonly complete: string,
  ) {}

  parse(): FileSyntax {
    this.readToken();
    this.parseFile();
    this.file.name = this.filename;
    this.assignComments();
    return this.file;
  }

  error(msg: string): never {
    throw new Abort(new GoModError(this.filename, [{ line: this.line, column: this.lineRune, reason: msg }]));
  }

  private here(): Position {
    return { line: this.line, lineRune: this.lineRune, byte: this.off };
  }

  private eof(): boolean {
    return this.off >= this.complete.length;
  }

  private peekRune(): number {
    if (this.eof()) return 0;
    const c = this.complete.charCodeAt(this.off);
    return c < 0x80 ? c : decodeRune(this.complete, this.off)[0];
  }

  /** Whether the input continues with a slash and then c (`//` or `/*`). */
  private peekSlash(c: number): boolean {
    return this.complete.charCodeAt(this.off) === SLASH && this.complete.charCodeAt(this.off + 1) === c;
  }

  private readRune(): number {
    if (this.eof()) this.error('internal lexer error: readRune at EOF');
    const c = this.complete.charCodeAt(this.off);
    const [r, size] = c < 0x80 ? [c, 1] : decodeRune(this.complete, this.off);
    this.off += size;
    if (r === NL) {
      this.line++;
      this.lineRune = 1;
    } else {
      this.lineRune++;
    }
    return r;
  }

  private startToken(): void {
    this.tokenStart = this.off;
    this.tKind = EOF;
    this.tText = asLatin1('');
    this.tLine = this.line;
    this.tRune = this.lineRune;
    this.tByte = this.off;
  }

  /** The current token as a comment. */
  private newComment(suffix: boolean): CommentNode {
    return new CommentNode(this.tText, suffix, this.tLine, this.tRune, this.tByte);
  }

  /** The start of the current token. */
  private tokPos(): Position {
    return { line: this.tLine, lineRune: this.tRune, byte: this.tByte };
  }

  private endToken(kind: TokenKind): void {
    this.tKind = kind;
    let text = this.complete.slice(this.tokenStart, this.off);
    if (isComment(kind)) {
      if (text.endsWith('\r\n')) text = text.slice(0, -2);
      else if (text.endsWith('\n')) text = text.slice(0, -1);
    }
    this.tText = asLatin1(text);
    this.tEndLine = this.line;
    this.tEndRune = this.lineRune;
    this.tEndByte = this.off;
  }

  private peek(): TokenKind {
    return this.tKind;
  }

  /** Moves on to the next token (Go's lex, without returning the current one: read it first). */
  private lex(): void {
    this.readToken();
  }

  /** Whether only spaces come between the start of the current line and the offset. */
  private onlySpaceBefore(): boolean {
    const s = this.complete;
    let i = this.off - 1;
    for (; i >= 0; i--) {
      const c = s.charCodeAt(i);
      if (c === NL) return true;
      if (c >= 0x80) break; // a multi-byte space is possible: decode the line
      if (!(c === 0x20 || (c >= 0x09 && c <= 0x0d))) return false;
    }
    if (i < 0) return true;
    const nl = s.lastIndexOf('\n', i);
    return trimSpace(s.slice(nl + 1, this.off)).length === 0;
  }

  private readToken(): void {
    const s = this.complete;
    while (!this.eof()) {
      const c = s.charCodeAt(this.off);
      if (c === 0x20 || c === 0x09 || c === 0x0d) {
        this.off++;
        this.lineRune++;
        continue;
      }
      if (c === SLASH && this.peekSlash(SLASH)) {
        this.startToken();
        // Is this comment the only thing on its line?
        const suffix = this.off > 0 && !this.onlySpaceBefore();
        // The comment runs to the end of the line, newline included.
        const nl = s.indexOf('\n', this.off);
        if (nl < 0) {
          this.lineRune += runeCount(s.slice(this.off));
          this.off = s.length;
        } else {
          this.off = nl + 1;
          this.line++;
          this.lineRune = 1;
        }
        if (!suffix) {
          this.endToken(COMMENT);
          return;
        }
        this.endToken(EOLCOMMENT);
        this.comments.push(this.newComment(suffix));
        return;
      }
      if (c === SLASH && this.peekSlash(STAR))
        this.error('mod files must use // comments (not /* */ comments)');
      break;
    }

    this.startToken();
    if (this.eof()) {
      this.endToken(EOF);
      return;
    }

    const c = this.peekRune();
    switch (c) {
      case NL:
      case LPAREN:
      case RPAREN:
      case 0x5b:
      case 0x5d:
      case 0x7b:
      case 0x7d:
      case 0x2c:
        this.readRune();
        this.endToken(c);
        return;
      case 0x22:
      case 0x60: {
        const quote = c;
        this.readRune();
        for (;;) {
          if (this.eof()) {
            this.restore(this.tokPos());
            this.error('unexpected EOF in string');
          }
          if (this.peekRune() === NL) this.error('unexpected newline in string');
          const r = this.readRune();
          if (r === quote) break;
          if (r === 0x5c && quote !== 0x60) {
            if (this.eof()) {
              this.restore(this.tokPos());
              this.error('unexpected EOF in string');
            }
            this.readRune();
          }
        }
        this.endToken(STRING);
        return;
      }
    }

    if (!isIdent(c)) {
      this.error(`unexpected input character ${describeRune(c)}${c === 0xfeff ? BOM_ADVICE : ''}`);
    }
    for (;;) {
      // ASCII runs first, one rune at a time for the rest.
      const a = s.charCodeAt(this.off);
      if (a < 0x80) {
        if (ASCII_IDENT[a] !== 1) break;
        if (a === SLASH) {
          if (this.peekSlash(SLASH)) break;
          if (this.peekSlash(STAR)) this.error('mod files must use // comments (not /* */ comments)');
        }
        this.off++;
        this.lineRune++;
        continue;
      }
      if (Number.isNaN(a) || !isIdent(this.peekRune())) break;
      this.readRune();
    }
    this.endToken(IDENT);
  }

  private restore(p: Position): void {
    this.off = p.byte;
    this.line = p.line;
    this.lineRune = p.lineRune;
  }

  // Comment assignment: whole-line comments go to the syntax right after them (preorder),
  // end-of-line comments to the syntax right before them (postorder).

  private order(x: Expr): void {
    this.pre.push(x);
    switch (x.kind) {
      case 'file':
        for (const stmt of x.stmt) this.order(stmt);
        break;
      case 'block':
        this.order(x.lparen);
        for (const l of x.line) this.order(l);
        this.order(x.rparen);
        break;
      default:
        break;
    }
    this.post.push(x);
  }

  private assignComments(): void {
    const line: Comment[] = [];
    const suffix: Comment[] = [];
    for (const com of this.comments) (com.suffix ? suffix : line).push(com);
    if (line.length === 0 && suffix.length === 0) return;
    this.order(this.file);

    let li = 0;
    for (const x of this.pre) {
      if (li >= line.length) break;
      const start = spanStart(x);
      while (li < line.length && start.byte >= startByte(line[li]!)) {
        addComment(x, 'before', line[li]!);
        li++;
      }
    }
    for (; li < line.length; li++) addComment(this.file, 'after', line[li]!);

    for (let i = this.post.length - 1; i >= 0; i--) {
      const x = this.post[i]!;
      if (x.kind === 'file') continue;
      if (suffix.length === 0) break;
      const end = singleLineEnd(x);
      if (end < 0) continue;
      while (suffix.length > 0 && end <= startByte(suffix[suffix.length - 1]!)) {
        addComment(x, 'suffix', suffix.pop()!);
      }
    }
    for (const x of this.post) if (x.com.suffix.length > 1) x.com.suffix.reverse();
    for (const com of suffix) addComment(this.file, 'before', com);
  }

  private parseFile(): void {
    this.file = { kind: 'file', name: '', com: newComments(), stmt: [] };
    let cb: CommentBlock | undefined;
    for (;;) {
      switch (this.peek()) {
        case NL:
          this.lex();
          if (cb) {
            this.file.stmt.push(cb);
            cb = undefined;
          }
          break;
        case COMMENT: {
          const start = this.tokPos();
          cb ??= { kind: 'comments', com: newComments(), start };
          addComment(cb, 'before', this.newComment(false));
          this.lex();
          break;
        }
        case EOF:
          if (cb) this.file.stmt.push(cb);
          return;
        default:
          this.parseStmt();
          if (cb) {
            ownComments(this.file.stmt[this.file.stmt.length - 1]!).before = cb.com.before;
            cb = undefined;
          }
      }
    }
  }

  /** The end of the last token taken into a line, as a position. */
  private endLine = 0;
  private endRune = 0;
  private endByte = 0;

  /** Takes the current token into the line being parsed. */
  private take(): void {
    this.lineTokens.push(this.tText);
    this.endLine = this.tEndLine;
    this.endRune = this.tEndRune;
    this.endByte = this.tEndByte;
    this.lex();
  }

  /** A parsed line, ending where the last token taken ended. */
  private newLine(start: Position, tokens: Latin1[], inBlock: boolean): Line {
    return new LineNode(noComments(), tokens, inBlock, start, this.endLine, this.endRune, this.endByte);
  }

  private parseStmt(): void {
    const start = this.tokPos();
    const tokens = this.lineTokens;
    tokens.length = 0;
    this.take();
    for (;;) {
      const kind = this.tKind;
      if (isEOL(kind)) {
        this.lex();
        this.file.stmt.push(this.newLine(start, tokens.slice(), false));
        return;
      }
      if (kind === LPAREN) {
        // The paren is not the end of the line's span (as in Go, where it is not `last`).
        const lparen = this.tokPos();
        const lparenText = this.tText;
        this.lex();
        const next = this.peek();
        if (isEOL(next)) {
          this.file.stmt.push(this.parseLineBlock(start, tokens.slice(), lparen));
          return;
        } else if (next === RPAREN) {
          const rparen = this.tokPos();
          const rparenText = this.tText;
          this.lex();
          if (isEOL(this.peek())) {
            this.lex();
            const block = newBlock(tokens.slice());
            block.start = start;
            block.lparen.pos = lparen;
            block.rparen.pos = rparen;
            this.file.stmt.push(block);
            return;
          }
          tokens.push(lparenText, rparenText);
        } else {
          tokens.push(lparenText);
        }
        continue;
      }
      this.take();
    }
  }

  private parseLineBlock(start: Position, token: Latin1[], lparen: Position): LineBlock {
    const x = newBlock(token);
    x.start = start;
    x.lparen.pos = lparen;
    let comments: Comment[] = [];
    for (;;) {
      switch (this.peek()) {
        case EOLCOMMENT:
          this.lex();
          break;
        case NL:
          this.lex();
          if (
            (comments.length === 0 && x.line.length > 0) ||
            (comments.length > 0 && comments[comments.length - 1]!.token !== '')
          ) {
            comments.push({ start: zeroPos(), token: asLatin1(''), suffix: false });
          }
          break;
        case COMMENT: {
          comments.push(this.newComment(false));
          this.lex();
          break;
        }
        case EOF:
          this.error(
            `syntax error (unterminated block started at ${this.filename}:${x.start.line}:${x.start.lineRune})`,
          );
          break;
        case RPAREN: {
          const rparen = this.tokPos();
          this.lex();
          // A blank line right before the closing paren is not kept.
          if (comments.length === 1 && comments[0]!.token === '') comments = [];
          if (comments.length > 0) x.rparen.com.before = comments;
          x.rparen.pos = rparen;
          if (!isEOL(this.peek())) this.error('syntax error (expected newline after closing paren)');
          this.lex();
          return x;
        }
        default: {
          const l = this.parseLine();
          x.line.push(l);
          if (comments.length > 0) {
            ownComments(l).before = comments;
            comments = [];
          }
        }
      }
    }
  }

  private parseLine(): Line {
    if (isEOL(this.tKind)) this.error('internal parse error: parseLine at end of line');
    const start = this.tokPos();
    const tokens = this.lineTokens;
    tokens.length = 0;
    this.take();
    for (;;) {
      if (isEOL(this.tKind)) {
        this.lex();
        return this.newLine(start, tokens.slice(), true);
      }
      this.take();
    }
  }

  /** The position for internal errors. */
  where(): Position {
    return this.here();
  }
}

/**
 * Parses go.mod bytes (a Latin1 string) into the syntax tree; throws GoModError, and only that,
 * for any input.
 */
export function parseSyntax(file: string, data: Latin1): FileSyntax {
  const input = new Input(file, data);
  try {
    return input.parse();
  } catch (e) {
    if (e instanceof Abort) throw e.error;
    const p = input.where();
    throw new GoModError(file, [
      {
        line: p.line,
        column: p.lineRune,
        reason: `internal error: ${e instanceof Error ? e.message : String(e)}`,
      },
    ]);
  }
}
