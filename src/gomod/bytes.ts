// Byte strings: the go.mod engine works on Latin-1 strings where every char code (0-255) is one
// byte of the file, exactly as Go's string type does. Positions are byte offsets, sorting is byte
// order, and bytes that are not valid UTF-8 survive a parse/print round trip unchanged.
//
// Three representations of a go.mod meet here, and the names say which one a function takes and
// gives: *Array is a Uint8Array (raw bytes, as read from disk), *Latin1 a Latin1 string (one char
// per byte), *Text an ordinary JavaScript string (UTF-16, what the rest of the action handles).
// Latin1 is a branded string: text cannot be passed where bytes are expected without a conversion.
import { isUtf8 } from 'node:buffer';

declare const latin1Brand: unique symbol;

/** A string of bytes: each char code (0-255) is one byte. Made by the functions below, or asLatin1. */
export type Latin1 = string & { readonly [latin1Brand]: true };

/**
 * Marks a string as Latin1 without converting it: for slices and joins of Latin1 strings, and
 * ASCII literals (which are the same in both).
 */
export const asLatin1 = (s: string): Latin1 => s as Latin1;

/** The rune Go's utf8 package returns for invalid input. */
export const RUNE_ERROR = 0xfffd;

/** Only ASCII (U+0000 to U+007F): the same as a byte string and as a JavaScript string. */
const ASCII = /^[^\u0080-\uffff]*$/;

/** A code unit that stands for a byte of invalid UTF-8 (see decodeGoMod), when not part of a pair. */
const ESCAPED = /[\udc80-\udcff]/;

const latin1FromUtf8 = (text: string): Latin1 => asLatin1(Buffer.from(text, 'utf8').toString('latin1'));

/**
 * UTF-8 encodes a JavaScript string into a byte string. A lone U+DC80-U+DCFF (how decodeGoMod
 * keeps a byte that is not valid UTF-8) becomes that byte again.
 */
export function latin1FromText(text: string): Latin1 {
  if (ASCII.test(text)) return asLatin1(text);
  if (!ESCAPED.test(text)) return latin1FromUtf8(text);
  let out = '';
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0xdc80 || c > 0xdcff) continue;
    const prev = i > 0 ? text.charCodeAt(i - 1) : 0;
    if (prev >= 0xd800 && prev <= 0xdbff) continue; // the second half of a pair
    out += latin1FromUtf8(text.slice(start, i)) + String.fromCharCode(c - 0xdc00);
    start = i + 1;
  }
  return asLatin1(out + latin1FromUtf8(text.slice(start)));
}

/**
 * A byte string as a JavaScript string without losing a byte: valid UTF-8 is decoded, and each
 * byte that is not valid UTF-8 becomes the lone code unit U+DC00 plus the byte (as Python's
 * "surrogateescape"), which latin1FromText turns back into the byte. Go keeps such bytes (in comments,
 * say); so does a go.mod read with decodeGoMod, capped, and written with encodeGoMod.
 */
export function textFromLatin1(bytes: Latin1): string {
  if (ASCII.test(bytes)) return bytes;
  const buf = Buffer.from(bytes, 'latin1');
  if (isUtf8(buf)) return buf.toString('utf8');
  let out = '';
  let start = 0;
  for (let i = 0; i < bytes.length;) {
    const c = bytes.charCodeAt(i);
    if (c < 0x80) {
      i++;
      continue;
    }
    const [r, size] = decodeRune(bytes, i);
    if (r !== RUNE_ERROR || size !== 1) {
      i += size;
      continue;
    }
    out += buf.toString('utf8', start, i) + String.fromCharCode(0xdc00 + c);
    i++;
    start = i;
  }
  return out + buf.toString('utf8', start);
}

/** A go.mod's bytes as text, every byte kept (see textFromLatin1); encodeGoMod gives the bytes back. */
export function decodeGoMod(data: Uint8Array): string {
  return textFromLatin1(latin1FromArray(data));
}

/** The bytes of go.mod text from decodeGoMod, capGoMod or fmtGoMod, invalid UTF-8 bytes kept. */
export function encodeGoMod(text: string): Buffer {
  return Buffer.from(latin1FromText(text), 'latin1');
}

/** Raw bytes as a Latin1 string. */
export function latin1FromArray(data: Uint8Array): Latin1 {
  return asLatin1(Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('latin1'));
}

/** The raw bytes of a Latin1 string. */
export function arrayFromLatin1(bytes: Latin1): Buffer {
  return Buffer.from(bytes, 'latin1');
}

/**
 * Decodes bytes as UTF-8 into text, invalid bytes as U+FFFD (for messages and the semantic views,
 * not for text that is written back: textFromLatin1 keeps every byte).
 */
export function lossyTextFromLatin1(bytes: Latin1): string {
  if (ASCII.test(bytes)) return bytes;
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

/**
 * Decodes the rune starting at byte offset i, like Go's utf8.DecodeRuneInString: returns
 * [rune, size]; invalid or truncated encodings give [RUNE_ERROR, 1], the end gives [RUNE_ERROR, 0].
 */
export function decodeRune(s: string, i: number, end = s.length): [number, number] {
  const n = end - i;
  if (n <= 0) return [RUNE_ERROR, 0];
  const c0 = s.charCodeAt(i);
  if (c0 < 0x80) return [c0, 1];
  if (c0 < 0xc2 || c0 > 0xf4) return [RUNE_ERROR, 1];
  const cont = (k: number): number => {
    if (k >= n) return -1;
    const c = s.charCodeAt(i + k);
    return c >= 0x80 && c <= 0xbf ? c & 0x3f : -1;
  };
  if (c0 < 0xe0) {
    const c1 = cont(1);
    return c1 < 0 ? [RUNE_ERROR, 1] : [((c0 & 0x1f) << 6) | c1, 2];
  }
  if (c0 < 0xf0) {
    if (n < 2) return [RUNE_ERROR, 1];
    const b1 = s.charCodeAt(i + 1);
    if ((c0 === 0xe0 && b1 < 0xa0) || (c0 === 0xed && b1 > 0x9f)) return [RUNE_ERROR, 1];
    const c1 = cont(1);
    const c2 = cont(2);
    if (c1 < 0 || c2 < 0) return [RUNE_ERROR, 1];
    return [((c0 & 0x0f) << 12) | (c1 << 6) | c2, 3];
  }
  if (n < 2) return [RUNE_ERROR, 1];
  const b1 = s.charCodeAt(i + 1);
  if ((c0 === 0xf0 && b1 < 0x90) || (c0 === 0xf4 && b1 > 0x8f)) return [RUNE_ERROR, 1];
  const c1 = cont(1);
  const c2 = cont(2);
  const c3 = cont(3);
  if (c1 < 0 || c2 < 0 || c3 < 0) return [RUNE_ERROR, 1];
  return [((c0 & 0x07) << 18) | (c1 << 12) | (c2 << 6) | c3, 4];
}

/** Decodes the last rune of s[0:end], like utf8.DecodeLastRuneInString: [rune, size]. */
export function decodeLastRune(s: string, end: number): [number, number] {
  if (end <= 0) return [RUNE_ERROR, 0];
  const last = s.charCodeAt(end - 1);
  if (last < 0x80) return [last, 1];
  const lim = Math.max(0, end - 4);
  let start = end - 1;
  while (start > lim && (s.charCodeAt(start) & 0xc0) === 0x80) start--;
  const [r, size] = decodeRune(s, start, end);
  if (start + size !== end) return [RUNE_ERROR, 1];
  return [r, size];
}

/** UTF-8 encodes one rune as a byte string (invalid runes encode as U+FFFD). */
export function encodeRune(r: number): string {
  if (r < 0 || r > 0x10ffff || (r >= 0xd800 && r <= 0xdfff)) r = RUNE_ERROR;
  if (r < 0x80) return String.fromCharCode(r);
  if (r < 0x800) return String.fromCharCode(0xc0 | (r >> 6), 0x80 | (r & 0x3f));
  if (r < 0x10000) {
    return String.fromCharCode(0xe0 | (r >> 12), 0x80 | ((r >> 6) & 0x3f), 0x80 | (r & 0x3f));
  }
  return String.fromCharCode(
    0xf0 | (r >> 18),
    0x80 | ((r >> 12) & 0x3f),
    0x80 | ((r >> 6) & 0x3f),
    0x80 | (r & 0x3f),
  );
}

/** Whether s is valid UTF-8 (utf8.ValidString). */
export function validUTF8(s: string): boolean {
  if (ASCII.test(s)) return true;
  for (let i = 0; i < s.length;) {
    const [r, size] = decodeRune(s, i);
    if (r === RUNE_ERROR && size === 1) return false;
    i += size;
  }
  return true;
}

/** Number of runes in s (utf8.RuneCountInString). */
export function runeCount(s: string): number {
  if (ASCII.test(s)) return s.length;
  let n = 0;
  for (let i = 0; i < s.length; n++) i += decodeRune(s, i)[1];
  return n;
}

const printRE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;
const spaceRE = /^\p{White_Space}$/u;

/** unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space. */
export function isPrint(r: number): boolean {
  if (r < 0x80) return r >= 0x20 && r < 0x7f;
  if (r > 0x10ffff || (r >= 0xd800 && r <= 0xdfff)) return false;
  return printRE.test(String.fromCodePoint(r));
}

/** unicode.IsSpace. */
export function isSpace(r: number): boolean {
  if (r < 0x100) {
    return r === 0x20 || (r >= 0x09 && r <= 0x0d) || r === 0x85 || r === 0xa0;
  }
  if (r > 0x10ffff || (r >= 0xd800 && r <= 0xdfff)) return false;
  return spaceRE.test(String.fromCodePoint(r));
}

/** strings.TrimSpace on a byte string. */
export function trimSpace(s: string): string {
  let start = 0;
  while (start < s.length) {
    const [r, size] = decodeRune(s, start);
    if (!isSpace(r)) break;
    start += size;
  }
  let end = s.length;
  while (end > start) {
    const [r, size] = decodeLastRune(s, end);
    if (!isSpace(r)) break;
    end -= size;
  }
  return s.slice(start, end);
}

/** strings.Fields on a byte string. */
export function fields(s: string): string[] {
  const out: string[] = [];
  let start = -1;
  for (let i = 0; i < s.length;) {
    const [r, size] = decodeRune(s, i);
    if (isSpace(r)) {
      if (start >= 0) out.push(s.slice(start, i));
      start = -1;
    } else if (start < 0) {
      start = i;
    }
    i += size;
  }
  if (start >= 0) out.push(s.slice(start));
  return out;
}

/** Go's string comparison (byte order), as -1, 0, +1. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
