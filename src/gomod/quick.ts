// The server's requires without its syntax tree: gomod-cap only reads the server's require
// versions, and a large server go.mod's tree is most of the work (and of the garbage). Only
// files of the usual shape are read here; anything else is read by the parser, so that every
// error is reported by it, exactly as before.
import type { Latin1 } from './bytes';
import { GO_VERSION_RE } from './modfile';
import { canonicalVersion, checkPathMajor, splitPathVersion } from './module';

/** A path or version in the usual shape: no quotes, spaces, punctuation or comment starts. */
const TOKEN = /^[A-Za-z0-9._~+\-/]+$/;
/** Printable ASCII, tabs and newlines only (no carriage return, no byte above 0x7e). */
const PLAIN = /^[\t\n\x20-\x7e]*$/;
/**
 * A require, in a block (the tab) or on its own line: a path of TOKEN characters without empty
 * elements (so without `//`), a version of TOKEN characters but the slash; a comment after it
 * is ignored.
 */
const IN_BLOCK = /^\t([A-Za-z0-9._~+-]+(?:\/[A-Za-z0-9._~+-]+)*) (v[A-Za-z0-9._~+-]+)(?: \/\/.*)?$/;
const SINGLE = /^require ([A-Za-z0-9._~+-]+(?:\/[A-Za-z0-9._~+-]+)*) (v[A-Za-z0-9._~+-]+)(?: \/\/.*)?$/;
/** A line that is only a comment, maybe indented. */
const COMMENT = /^[\t ]*\/\//;

export interface QuickRequire {
  path: string;
  version: string;
}

/**
 * The requires of a go.mod in the usual shape (what `go mod tidy` writes: module, go, require
 * lines and blocks, comments, blank lines; plain ASCII; canonical versions), in file order, as
 * GoModFile.parseLatin1(...).require would give them (path and version). undefined for any other
 * file, valid or not: the caller parses it. Every line accepted here parses without a problem in
 * the parser, to the same path and version.
 */
export function quickRequires(data: Latin1): QuickRequire[] | undefined {
  if (!PLAIN.test(data)) return undefined;
  const out: QuickRequire[] = [];
  let module = false;
  let go = false;
  let block = false;
  // path and version are TOKENs (IN_BLOCK, SINGLE).
  const add = (path: string, version: string): boolean => {
    if (canonicalVersion(version) !== version) return false;
    const [, major, ok] = splitPathVersion(path);
    if (!ok || checkPathMajor(version, major) !== undefined) return false;
    out.push({ path, version });
    return true;
  };
  for (let start = 0; start < data.length;) {
    let end = data.indexOf('\n', start);
    if (end < 0) end = data.length;
    const line = data.slice(start, end);
    start = end + 1;
    if (line === '' || COMMENT.test(line)) continue;
    if (block) {
      if (line === ')') {
        block = false;
        continue;
      }
      const m = IN_BLOCK.exec(line);
      if (!m || !add(m[1]!, m[2]!)) return undefined;
      continue;
    }
    if (line === 'require (') {
      block = true;
      continue;
    }
    if (line.startsWith('require ')) {
      const m = SINGLE.exec(line);
      if (!m || !add(m[1]!, m[2]!)) return undefined;
      continue;
    }
    if (line.startsWith('module ') && !module) {
      const path = line.slice('module '.length);
      if (!TOKEN.test(path) || path.includes('//')) return undefined;
      module = true;
      continue;
    }
    if (line.startsWith('go ') && !go) {
      if (!GO_VERSION_RE.test(line.slice('go '.length))) return undefined;
      go = true;
      continue;
    }
    return undefined;
  }
  return block ? undefined : out;
}
