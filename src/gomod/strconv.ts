// Go's strconv.Quote and strconv.Unquote on byte strings (see bytes.ts), as go.mod tokens use them.
import { RUNE_ERROR, decodeRune, encodeRune, isPrint, validUTF8 } from './bytes';

/** Thrown by unquote for malformed input; its message is Go's "invalid syntax". */
export class UnquoteError extends Error {
  constructor() {
    super('invalid syntax');
  }
}

function unhex(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return -1;
}

const simpleEscapes: Record<string, number> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11 };

/** strconv.UnquoteChar: [value, multibyte, rest]; throws UnquoteError. */
function unquoteChar(s: string, quote: string): [number, boolean, string] {
  if (s.length === 0) throw new UnquoteError();
  const c = s.charCodeAt(0);
  if (s[0] === quote && (quote === "'" || quote === '"')) throw new UnquoteError();
  if (c >= 0x80) {
    const [r, size] = decodeRune(s, 0);
    return [r, true, s.slice(size)];
  }
  if (s[0] !== '\\') return [c, false, s.slice(1)];
  if (s.length <= 1) throw new UnquoteError();
  const e = s[1]!;
  s = s.slice(2);
  const simple = simpleEscapes[e];
  if (simple !== undefined) return [simple, false, s];
  if (e === 'x' || e === 'u' || e === 'U') {
    const n = e === 'x' ? 2 : e === 'u' ? 4 : 8;
    if (s.length < n) throw new UnquoteError();
    let v = 0;
    for (let j = 0; j < n; j++) {
      const x = unhex(s.charCodeAt(j));
      if (x < 0) throw new UnquoteError();
      v = v * 16 + x;
    }
    s = s.slice(n);
    if (e === 'x') return [v, false, s];
    if (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) throw new UnquoteError();
    return [v, true, s];
  }
  if (e >= '0' && e <= '7') {
    let v = e.charCodeAt(0) - 0x30;
    if (s.length < 2) throw new UnquoteError();
    for (let j = 0; j < 2; j++) {
      const x = s.charCodeAt(j) - 0x30;
      if (x < 0 || x > 7) throw new UnquoteError();
      v = (v << 3) | x;
    }
    s = s.slice(2);
    if (v > 255) throw new UnquoteError();
    return [v, false, s];
  }
  if (e === '\\') return [0x5c, false, s];
  if (e === "'" || e === '"') {
    if (e !== quote) throw new UnquoteError();
    return [e.charCodeAt(0), false, s];
  }
  throw new UnquoteError();
}

/** strconv.Unquote on a byte string; throws UnquoteError ("invalid syntax"). */
export function unquote(input: string): string {
  if (input.length < 2) throw new UnquoteError();
  const quote = input[0]!;
  const endIdx = input.indexOf(quote, 1);
  if (endIdx < 0) throw new UnquoteError();
  const end = endIdx + 1;
  if (quote === '`') {
    if (end !== input.length) throw new UnquoteError();
    return input.slice(1, end - 1).replace(/\r/g, '');
  }
  if (quote !== '"' && quote !== "'") throw new UnquoteError();
  const head = input.slice(0, end);
  if (!head.includes('\\') && !head.includes('\n')) {
    let valid: boolean;
    if (quote === '"') {
      valid = validUTF8(input.slice(1, end - 1));
    } else {
      const body = input.slice(1, end - 1);
      const [r, n] = decodeRune(body, 0);
      valid = 2 + n === end && (r !== RUNE_ERROR || n !== 1);
    }
    if (valid) {
      if (end !== input.length) throw new UnquoteError();
      return input.slice(1, end - 1);
    }
  }
  let rest = input.slice(1);
  let out = '';
  while (rest.length > 0 && rest[0] !== quote) {
    if (rest[0] === '\n') throw new UnquoteError();
    const [r, multibyte, tail] = unquoteChar(rest, quote);
    rest = tail;
    out += r < 0x80 || !multibyte ? String.fromCharCode(r) : encodeRune(r);
    if (quote === "'") break;
  }
  if (!(rest.length > 0 && rest[0] === quote)) throw new UnquoteError();
  rest = rest.slice(1);
  if (rest.length > 0) throw new UnquoteError();
  return out;
}

const hex = '0123456789abcdef';

function hexN(v: number, n: number): string {
  let s = '';
  for (let i = n - 1; i >= 0; i--) s += hex[(v >>> (4 * i)) & 0xf];
  return s;
}

/** strconv.Quote on a byte string; the result is a byte string. */
export function quote(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length;) {
    let r = s.charCodeAt(i);
    let width = 1;
    if (r >= 0x80) [r, width] = decodeRune(s, i);
    if (width === 1 && r === RUNE_ERROR) {
      out += '\\x' + hexN(s.charCodeAt(i), 2);
      i += 1;
      continue;
    }
    i += width;
    if (r === 0x22 || r === 0x5c) {
      out += '\\' + String.fromCharCode(r);
      continue;
    }
    if (isPrint(r)) {
      out += encodeRune(r);
      continue;
    }
    switch (r) {
      case 7:
        out += '\\a';
        break;
      case 8:
        out += '\\b';
        break;
      case 12:
        out += '\\f';
        break;
      case 10:
        out += '\\n';
        break;
      case 13:
        out += '\\r';
        break;
      case 9:
        out += '\\t';
        break;
      case 11:
        out += '\\v';
        break;
      default:
        if (r < 0x20 || r === 0x7f) out += '\\x' + hexN(r, 2);
        else if (r < 0x10000) out += '\\u' + hexN(r, 4);
        else out += '\\U' + hexN(r, 8);
    }
  }
  return out + '"';
}
