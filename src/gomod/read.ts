// The go.mod lexer and parser (golang.org/x/mod/modfile read.go): builds the lossless syntax tree
// and attaches every comment to the syntax it belongs to. Input and tokens are byte strings.
import { decodeRune, isPrint, isSpace, trimSpace } from './bytes';
import { GoModError } from './errors';
import {
  type Comment,
  type CommentBlock,
  type Expr,
  type FileSyntax,
  type Line,
  type LineBlock,
  type Position,
  newBlock,
  newComments,
  span,
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

interface Token {
  kind: TokenKind;
  pos: Position;
  endPos: Position;
  text: string;
}

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

function describeRune(c: number): string {
  if (c >= 0x20 && c < 0x7f) return `'${String.fromCharCode(c)}'`;
  if (c < 0x100) return `'\\x${c.toString(16).padStart(2, '0')}'`;
  if (c < 0x10000) return `'\\u${c.toString(16).padStart(4, '0')}'`;
  return `'\\U${c.toString(16).padStart(8, '0')}'`;
}

class Input {
  private remaining = 0; // offset of the remaining input
  private tokenStart = 0;
  private token: Token;
  private pos: Position = { line: 1, lineRune: 1, byte: 0 };
  private comments: Comment[] = [];
  private file!: FileSyntax;
  private pre: Expr[] = [];
  private post: Expr[] = [];

  constructor(
    private readonly filename: string,
    private readonly complete: string,
  ) {
    this.token = { kind: EOF, pos: { ...this.pos }, endPos: { ...this.pos }, text: '' };
  }

  parse(): FileSyntax {
    this.readToken();
    this.parseFile();
    this.file.name = this.filename;
    this.assignComments();
    return this.file;
  }

  error(msg: string): never {
    throw new Abort(
      new GoModError(this.filename, [{ line: this.pos.line, column: this.pos.lineRune, reason: msg }]),
    );
  }

  private eof(): boolean {
    return this.remaining >= this.complete.length;
  }

  private peekRune(): number {
    if (this.eof()) return 0;
    return decodeRune(this.complete, this.remaining)[0];
  }

  private peekPrefix(prefix: string): boolean {
    return this.complete.startsWith(prefix, this.remaining);
  }

  private readRune(): number {
    if (this.eof()) this.error('internal lexer error: readRune at EOF');
    const [r, size] = decodeRune(this.complete, this.remaining);
    this.remaining += size;
    if (r === NL) {
      this.pos.line++;
      this.pos.lineRune = 1;
    } else {
      this.pos.lineRune++;
    }
    this.pos.byte += size;
    return r;
  }

  private startToken(): void {
    this.tokenStart = this.remaining;
    this.token = { kind: EOF, pos: { ...this.pos }, endPos: { ...this.pos }, text: '' };
  }

  private endToken(kind: TokenKind): void {
    this.token.kind = kind;
    let text = this.complete.slice(this.tokenStart, this.remaining);
    if (isComment(kind)) {
      if (text.endsWith('\r\n')) text = text.slice(0, -2);
      else if (text.endsWith('\n')) text = text.slice(0, -1);
    }
    this.token.text = text;
    this.token.endPos = { ...this.pos };
  }

  private peek(): TokenKind {
    return this.token.kind;
  }

  private lex(): Token {
    const tok = this.token;
    this.readToken();
    return tok;
  }

  private readToken(): void {
    while (!this.eof()) {
      const c = this.peekRune();
      if (c === 0x20 || c === 0x09 || c === 0x0d) {
        this.readRune();
        continue;
      }
      if (this.peekPrefix('//')) {
        this.startToken();
        // Is this comment the only thing on its line?
        const i = this.complete.lastIndexOf('\n', this.pos.byte - 1);
        const before = this.complete.slice(i + 1, this.pos.byte);
        const suffix = this.pos.byte > 0 && trimSpace(before).length > 0;
        this.readRune();
        this.readRune();
        while (!this.eof() && this.readRune() !== NL) {
          // consume the comment
        }
        if (!suffix) {
          this.endToken(COMMENT);
          return;
        }
        this.endToken(EOLCOMMENT);
        this.comments.push({ start: this.token.pos, token: this.token.text, suffix });
        return;
      }
      if (this.peekPrefix('/*')) this.error('mod files must use // comments (not /* */ comments)');
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
            this.pos = { ...this.token.pos };
            this.error('unexpected EOF in string');
          }
          if (this.peekRune() === NL) this.error('unexpected newline in string');
          const r = this.readRune();
          if (r === quote) break;
          if (r === 0x5c && quote !== 0x60) {
            if (this.eof()) {
              this.pos = { ...this.token.pos };
              this.error('unexpected EOF in string');
            }
            this.readRune();
          }
        }
        this.endToken(STRING);
        return;
      }
    }

    if (!isIdent(c)) this.error(`unexpected input character ${describeRune(c)}`);
    while (isIdent(this.peekRune())) {
      if (this.peekPrefix('//')) break;
      if (this.peekPrefix('/*')) this.error('mod files must use // comments (not /* */ comments)');
      this.readRune();
    }
    this.endToken(IDENT);
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
    this.order(this.file);
    const line: Comment[] = [];
    const suffix: Comment[] = [];
    for (const com of this.comments) (com.suffix ? suffix : line).push(com);

    let li = 0;
    for (const x of this.pre) {
      const [start] = span(x);
      while (li < line.length && start.byte >= line[li]!.start.byte) {
        x.com.before.push(line[li]!);
        li++;
      }
    }
    this.file.com.after.push(...line.slice(li));

    for (let i = this.post.length - 1; i >= 0; i--) {
      const x = this.post[i]!;
      if (x.kind === 'file') continue;
      const [start, end] = span(x);
      if (start.line !== end.line) continue;
      while (suffix.length > 0 && end.byte <= suffix[suffix.length - 1]!.start.byte) {
        x.com.suffix.push(suffix.pop()!);
      }
    }
    for (const x of this.post) x.com.suffix.reverse();
    this.file.com.before.push(...suffix);
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
          const tok = this.lex();
          cb ??= { kind: 'comments', com: newComments(), start: tok.pos };
          cb.com.before.push({ start: tok.pos, token: tok.text, suffix: false });
          break;
        }
        case EOF:
          if (cb) this.file.stmt.push(cb);
          return;
        default:
          this.parseStmt();
          if (cb) {
            this.file.stmt[this.file.stmt.length - 1]!.com.before = cb.com.before;
            cb = undefined;
          }
      }
    }
  }

  private parseStmt(): void {
    const first = this.lex();
    const start = first.pos;
    let end = first.endPos;
    const tokens = [first.text];
    for (;;) {
      const tok = this.lex();
      if (isEOL(tok.kind)) {
        this.file.stmt.push({ kind: 'line', com: newComments(), start, token: tokens, inBlock: false, end });
        return;
      }
      if (tok.kind === LPAREN) {
        const next = this.peek();
        if (isEOL(next)) {
          this.file.stmt.push(this.parseLineBlock(start, tokens, tok));
          return;
        } else if (next === RPAREN) {
          const rparen = this.lex();
          if (isEOL(this.peek())) {
            this.lex();
            const block = newBlock(tokens);
            block.start = start;
            block.lparen.pos = tok.pos;
            block.rparen.pos = rparen.pos;
            this.file.stmt.push(block);
            return;
          }
          tokens.push(tok.text, rparen.text);
        } else {
          tokens.push(tok.text);
        }
        continue;
      }
      tokens.push(tok.text);
      end = tok.endPos;
    }
  }

  private parseLineBlock(start: Position, token: string[], lparen: Token): LineBlock {
    const x = newBlock(token);
    x.start = start;
    x.lparen.pos = lparen.pos;
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
            comments.push({ start: { line: 0, lineRune: 0, byte: 0 }, token: '', suffix: false });
          }
          break;
        case COMMENT: {
          const tok = this.lex();
          comments.push({ start: tok.pos, token: tok.text, suffix: false });
          break;
        }
        case EOF:
          this.error(
            `syntax error (unterminated block started at ${this.filename}:${x.start.line}:${x.start.lineRune})`,
          );
          break;
        case RPAREN: {
          const rparen = this.lex();
          // A blank line right before the closing paren is not kept.
          if (comments.length === 1 && comments[0]!.token === '') comments = [];
          x.rparen.com.before = comments;
          x.rparen.pos = rparen.pos;
          if (!isEOL(this.peek())) this.error('syntax error (expected newline after closing paren)');
          this.lex();
          return x;
        }
        default: {
          const l = this.parseLine();
          x.line.push(l);
          l.com.before = comments;
          comments = [];
        }
      }
    }
  }

  private parseLine(): Line {
    const first = this.lex();
    if (isEOL(first.kind)) this.error('internal parse error: parseLine at end of line');
    const start = first.pos;
    let end = first.endPos;
    const tokens = [first.text];
    for (;;) {
      const tok = this.lex();
      if (isEOL(tok.kind)) {
        return { kind: 'line', com: newComments(), start, token: tokens, inBlock: true, end };
      }
      tokens.push(tok.text);
      end = tok.endPos;
    }
  }

  /** The position for internal errors. */
  where(): Position {
    return this.pos;
  }
}

/**
 * Parses go.mod bytes (a byte string) into the syntax tree; throws GoModError, and only that,
 * for any input.
 */
export function parseSyntax(file: string, data: string): FileSyntax {
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
