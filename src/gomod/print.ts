// Go's canonical go.mod printer (golang.org/x/mod/modfile print.go), on byte strings.
import { trimSpace } from './bytes';
import type { Comment, Expr, FileSyntax } from './syntax';

class Printer {
  out = '';
  private pending: Comment[] = [];
  private margin = 0;

  /** Position on the current line, in bytes. */
  private indent(): number {
    const nl = this.out.lastIndexOf('\n');
    return this.out.length - (nl + 1);
  }

  private tabs(): void {
    this.out += '\t'.repeat(this.margin);
  }

  /** Ends the current line, flushing end-of-line comments. */
  newline(): void {
    if (this.pending.length > 0) {
      this.out += ' ';
      this.pending.forEach((com, i) => {
        if (i > 0) {
          this.trim();
          this.out += '\n';
          this.tabs();
        }
        this.out += trimSpace(com.token);
      });
      this.pending = [];
    }
    this.trim();
    const b = this.out;
    if (!(b.length === 0 || (b.length >= 2 && b.endsWith('\n\n')))) {
      this.out += '\n';
    }
    this.tabs();
  }

  /** Removes trailing spaces and tabs from the current line. */
  private trim(): void {
    let n = this.out.length;
    while (n > 0 && (this.out[n - 1] === '\t' || this.out[n - 1] === ' ')) n--;
    this.out = this.out.slice(0, n);
  }

  file(f: FileSyntax): void {
    for (const com of f.com.before) {
      this.out += trimSpace(com.token);
      this.newline();
    }
    f.stmt.forEach((stmt, i) => {
      this.expr(stmt);
      if (stmt.kind !== 'comments') this.newline();
      for (const com of stmt.com.after) {
        this.out += trimSpace(com.token);
        this.newline();
      }
      if (i + 1 < f.stmt.length) this.newline();
    });
  }

  private expr(x: Expr): void {
    const before = x.com.before;
    if (before.length > 0) {
      this.trim();
      if (this.indent() > 0) this.out += '\n';
      this.tabs();
      for (const com of before) {
        this.out += trimSpace(com.token);
        this.newline();
      }
    }
    switch (x.kind) {
      case 'comments':
        break;
      case 'lparen':
        this.out += '(';
        break;
      case 'rparen':
        this.out += ')';
        break;
      case 'line':
        this.tokens(x.token);
        break;
      case 'block':
        this.tokens(x.token);
        this.out += ' ';
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
    this.pending.push(...x.com.suffix);
  }

  private tokens(tokens: string[]): void {
    let sep = '';
    for (const t of tokens) {
      if (t === ',' || t === ')' || t === ']' || t === '}') sep = '';
      this.out += sep + t;
      sep = ' ';
      if (t === '(' || t === '[' || t === '{') sep = '';
    }
  }
}

/** Formats a syntax tree in Go's standard style; returns a byte string. */
export function formatSyntax(f: FileSyntax): string {
  const p = new Printer();
  p.file(f);
  let b = p.out;
  let n = b.length;
  while (n > 0 && b[n - 1] === '\n' && (n === 1 || b[n - 2] === '\n')) n--;
  b = b.slice(0, n);
  return b;
}
