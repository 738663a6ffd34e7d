// The lossless go.mod syntax tree (golang.org/x/mod/modfile read.go). Tokens and comments are
// bytes (Latin1, see bytes.ts). Comments are attached to the syntax they belong to, so that edits
// keep them.
import { type Latin1, runeCount } from './bytes';

/** A place in the input: line (from 1), rune within the line (from 1), byte offset (from 0). */
export interface Position {
  line: number;
  lineRune: number;
  byte: number;
}

/** Positions are never changed in place (posAdd copies), so the zero one is shared. */
const ZERO_POS: Position = Object.freeze({ line: 0, lineRune: 0, byte: 0 });

/** The position of syntax that was not parsed (added by an edit, or a blank line's marker). */
export const zeroPos = (): Position => ZERO_POS;

/** The position at the end of s, when s starts at p. */
export function posAdd(p: Position, s: string): Position {
  const q = { ...p };
  q.byte += s.length;
  const lastNL = s.lastIndexOf('\n');
  if (lastNL >= 0) {
    q.line += s.split('\n').length - 1;
    s = s.slice(lastNL + 1);
    q.lineRune = 1;
  }
  q.lineRune += runeCount(s);
  return q;
}

/** One // comment; token has no trailing newline. An empty token stands for a blank line. */
export interface Comment {
  start: Position;
  token: Latin1;
  /** An end-of-line comment (not a whole line). */
  suffix: boolean;
}

/** A parsed comment: its start kept as numbers, made into a position when asked for. */
export class CommentNode implements Comment {
  constructor(
    public token: Latin1,
    public suffix: boolean,
    private readonly line: number,
    private readonly lineRune: number,
    private readonly byte: number,
  ) {}
  get start(): Position {
    return { line: this.line, lineRune: this.lineRune, byte: this.byte };
  }
  /** start.byte, without making the position. */
  get startByte(): number {
    return this.byte;
  }
}

export interface Comments {
  /** Whole-line comments before the expression. */
  before: Comment[];
  /** End-of-line comments after the expression. */
  suffix: Comment[];
  /** For top-level expressions: whole-line comments after it. */
  after: Comment[];
}

/**
 * The empty list every Comments starts with, and the comments of every parsed line without any:
 * most lines have none, so one frozen array and one frozen Comments stand for all of them (a
 * large file's tree is then a third smaller). A list is replaced, never pushed to, while empty
 * (addComment), and a line's Comments is made its own before a list is set (ownComments).
 */
const NONE: Comment[] = Object.freeze([] as Comment[]) as Comment[];
const NO_COMMENTS: Comments = Object.freeze({ before: NONE, suffix: NONE, after: NONE });

export const newComments = (): Comments => ({ before: NONE, suffix: NONE, after: NONE });

/** The shared, frozen Comments of a parsed line that has none (see ownComments). */
export const noComments = (): Comments => NO_COMMENTS;

/** The comments of x, made its own first if x shares the empty ones: safe to set lists on. */
export function ownComments(x: { com: Comments }): Comments {
  if (x.com === NO_COMMENTS) x.com = newComments();
  return x.com;
}

/** Appends a comment to one of the lists of x's comments. */
export function addComment(x: { com: Comments }, list: keyof Comments, c: Comment): void {
  const com = ownComments(x);
  const l = com[list];
  if (l === NONE) com[list] = [c];
  else l.push(c);
}

/** A line of tokens, e.g. `require example.com/x v1.2.3`, or `example.com/x v1.2.3` in a block. */
export interface Line {
  kind: 'line';
  com: Comments;
  start: Position;
  /** Empty after an edit removed the line (dropped by cleanup). */
  token: Latin1[];
  inBlock: boolean;
  end: Position;
  /**
   * Notes gomod-cap's later edits (cap.ts) keep on the line instead of in maps from every line:
   * its place in the file and its block. Nothing else reads them.
   */
  capOrder?: number;
  capBlock?: unknown;
}

/** A parenthesised block, e.g. `require ( ... )`. */
export interface LineBlock {
  kind: 'block';
  com: Comments;
  start: Position;
  lparen: Paren;
  token: Latin1[];
  line: Line[];
  rparen: Paren;
}

/** A paren of a block: the `(` keeps suffix comments, the `)` whole-line comments before it. */
export interface Paren {
  kind: 'lparen' | 'rparen';
  com: Comments;
  pos: Position;
}

/** A top-level block of comments not attached to a statement. */
export interface CommentBlock {
  kind: 'comments';
  com: Comments;
  start: Position;
}

export type Stmt = Line | LineBlock | CommentBlock;
export type Expr = Stmt | Paren | FileSyntax;

/** A whole go.mod file. */
export interface FileSyntax {
  kind: 'file';
  name: string;
  com: Comments;
  stmt: Stmt[];
}

/**
 * A Line that keeps its start and end as numbers: a large file has hundreds of thousands of
 * lines, and two position objects fewer on each is a smaller tree for the garbage collector to
 * copy and mark. start and end are made when asked for (rarely: messages, comment placement).
 */
export class LineNode implements Line {
  readonly kind = 'line';
  private startLine: number;
  private startRune: number;
  private startByte: number;
  private endLine: number;
  private endRune: number;
  private endByte: number;
  capOrder: number | undefined = undefined;
  capBlock: unknown = undefined;

  constructor(
    public com: Comments,
    public token: Latin1[],
    public inBlock: boolean,
    start: Position,
    endLine: number,
    endRune: number,
    endByte: number,
  ) {
    this.startLine = start.line;
    this.startRune = start.lineRune;
    this.startByte = start.byte;
    this.endLine = endLine;
    this.endRune = endRune;
    this.endByte = endByte;
  }

  get start(): Position {
    return { line: this.startLine, lineRune: this.startRune, byte: this.startByte };
  }
  set start(p: Position) {
    this.startLine = p.line;
    this.startRune = p.lineRune;
    this.startByte = p.byte;
  }
  get end(): Position {
    return { line: this.endLine, lineRune: this.endRune, byte: this.endByte };
  }
  set end(p: Position) {
    this.endLine = p.line;
    this.endRune = p.lineRune;
    this.endByte = p.byte;
  }
  /** The end byte of span(this) when it is on one line, else -1 (without making positions). */
  singleLineEnd(): number {
    return this.startLine === this.endLine ? this.endByte : -1;
  }
}

export function newLine(token: Latin1[], inBlock = false): Line {
  return new LineNode(newComments(), token, inBlock, zeroPos(), 0, 0, 0);
}

export function newBlock(token: Latin1[]): LineBlock {
  return {
    kind: 'block',
    com: newComments(),
    start: zeroPos(),
    lparen: { kind: 'lparen', com: newComments(), pos: zeroPos() },
    token,
    line: [],
    rparen: { kind: 'rparen', com: newComments(), pos: zeroPos() },
  };
}

/** Start of an expression, without its comments: span(x)[0]. */
export function spanStart(x: Expr): Position {
  switch (x.kind) {
    case 'file':
      return x.stmt.length === 0 ? zeroPos() : spanStart(x.stmt[0]!);
    case 'lparen':
    case 'rparen':
      return x.pos;
    default:
      return x.start;
  }
}

/** Start and end of an expression, without its comments. */
export function span(x: Expr): [Position, Position] {
  switch (x.kind) {
    case 'file': {
      if (x.stmt.length === 0) return [zeroPos(), zeroPos()];
      return [span(x.stmt[0]!)[0], span(x.stmt[x.stmt.length - 1]!)[1]];
    }
    case 'line':
      return [x.start, x.end];
    case 'block':
      return [x.start, posAdd(x.rparen.pos, ')')];
    case 'lparen':
    case 'rparen':
      return [x.pos, posAdd(x.pos, ')')];
    case 'comments':
      return [x.start, x.start];
  }
}
