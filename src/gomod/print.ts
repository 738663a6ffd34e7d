// Go's canonical go.mod printer (golang.org/x/mod/modfile print.go), on byte strings.
// Go writes into a bytes.Buffer and trims it with Truncate. A JavaScript string sliced at every
// line end is copied whole each time (quadratic), so finished lines go to an array and only the
// current line is a string: every operation touches the current line alone.
import { type Latin1, asLatin1, trimSpace } from './bytes';
import type { Comment, Expr, FileSyntax } from './syntax';

class Printer {
  /** Finished lines, without their newlines. */
  private readonly done: string[] = [];
  /** The current line. */
  private cur = '';
  private pending: Comment[] = [];
  private margin = 0;

  /** The output so far. */
  text(): string {
    return this.done.length === 0 ? this.cur : this.done.join('\n') + '\n' + this.cur;
  }

  /** Ends the current line (writes a newline). */
  private nl(): void {
    this.done.push(this.cur);
    this.cur = '';
  }

  private tabs(): void {
    if (this.margin > 0) this.cur += '\t'.repeat(this.margin);
  }

  /** Ends the current line, flushing end-of-line comments. */
  newline(): void {
    if (this.pending.length > 0) {
      this.cur += ' ';
      this.pending.forEach((com, i) => {
        if (i > 0) {
          this.trim();
          this.nl();
          this.tabs();
        }
        this.cur += trimSpace(com.token);
      });
      this.pending = [];
    }
    this.trim();
    // Skip the blank line at the top of the file or after a blank line.
    const d = this.done;
    const empty = d.length === 0 && this.cur === '';
    const afterBlank = this.cur === '' && d.length >= 2 && d[d.length - 1] === '';
    if (!(empty || afterBlank)) this.nl();
    this.tabs();
  }

  /** Removes trailing spaces and tabs from the current line. */
  private trim(): void {
    const s = this.cur;
    let n = s.length;
    while (n > 0 && (s.charCodeAt(n - 1) === 0x09 || s.charCodeAt(n - 1) === 0x20)) n--;
    if (n < s.length) this.cur = s.slice(0, n);
  }

  file(f: FileSyntax): void {
    for (const com of f.com.before) {
      this.cur += trimSpace(com.token);
      this.newline();
    }
    f.stmt.forEach((stmt, i) => {
      this.expr(stmt);
      if (stmt.kind !== 'comments') this.newline();
      for (const com of stmt.com.after) {
        this.cur += trimSpace(com.token);
        this.newline();
      }
      if (i + 1 < f.stmt.length) this.newline();
    });
  }

  private expr(x: Expr): void {
    const before = x.com.before;
    if (before.length > 0) {
      this.trim();
      if (this.cur.length > 0) this.nl(); // the position on the current line is past its start
      this.tabs();
      for (const com of before) {
        this.cur += trimSpace(com.token);
        this.newline();
      }
    }
    switch (x.kind) {
      case 'comments':
        break;
      case 'lparen':
        this.cur += '(';
        break;
      case 'rparen':
        this.cur += ')';
        break;
      case 'line':
        this.tokens(x.token);
        break;
      case 'block':
        this.tokens(x.token);
        this.cur += ' ';
        this.expr(x.lparen);
        this.margin++;
        for (const l of x.line) {
          this.newline();
          this.expr(l);
        }
        this.margin--;
        this.newline();
        this.expr(x.rparen);
        break;
      case 'file':
        throw new Error('printer: unexpected file expression');
    }
    for (const com of x.com.suffix) this.pending.push(com);
  }

  private tokens(tokens: string[]): void {
    let sep = '';
    for (const t of tokens) {
      if (t === ',' || t === ')' || t === ']' || t === '}') sep = '';
      this.cur += sep + t;
      sep = ' ';
      if (t === '(' || t === '[' || t === '{') sep = '';
    }
  }
}

/** Formats a syntax tree in Go's standard style, as bytes. */
export function formatSyntax(f: FileSyntax): Latin1 {
  const p = new Printer();
  p.file(f);
  const b = p.text();
  // Trim trailing newlines; keep one.
  let n = b.length;
  while (n > 0 && b.charCodeAt(n - 1) === 0x0a && (n === 1 || b.charCodeAt(n - 2) === 0x0a)) n--;
  return asLatin1(n === b.length ? b : b.slice(0, n));
}
