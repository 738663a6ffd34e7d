// The parts of golang.org/x/mod/module that go.mod parsing and `go mod edit -require` use.
import { build, canonical, major } from './semver';
import { decodeRune, validUTF8 } from './bytes';
import { excerpt } from './errors';

/** module.CanonicalVersion: semver.Canonical keeping a "+incompatible" suffix. */
export function canonicalVersion(v: string): string {
  let cv = canonical(v);
  if (build(v) === '+incompatible') cv += '+incompatible';
  return cv;
}

/** module.SplitPathVersion: [prefix, pathMajor, ok]. */
export function splitPathVersion(path: string): [string, string, boolean] {
  if (path.startsWith('gopkg.in/')) return splitGopkgIn(path);
  let i = path.length;
  let dot = false;
  while (i > 0 && ((path[i - 1]! >= '0' && path[i - 1]! <= '9') || path[i - 1] === '.')) {
    if (path[i - 1] === '.') dot = true;
    i--;
  }
  if (i <= 1 || i === path.length || path[i - 1] !== 'v' || path[i - 2] !== '/') return [path, '', true];
  const prefix = path.slice(0, i - 2);
  const pathMajor = path.slice(i - 2);
  if (dot || pathMajor.length <= 2 || pathMajor[2] === '0' || pathMajor === '/v1') return [path, '', false];
  return [prefix, pathMajor, true];
}

function splitGopkgIn(path: string): [string, string, boolean] {
  let i = path.length;
  if (path.endsWith('-unstable')) i -= '-unstable'.length;
  while (i > 0 && path[i - 1]! >= '0' && path[i - 1]! <= '9') i--;
  if (i <= 1 || path[i - 1] !== 'v' || path[i - 2] !== '.') return [path, '', false];
  const prefix = path.slice(0, i - 2);
  const pathMajor = path.slice(i - 2);
  if (pathMajor.length <= 2 || (pathMajor[2] === '0' && pathMajor !== '.v0')) return [path, '', false];
  return [prefix, pathMajor, true];
}

/** module.CheckPathMajor: undefined when v fits pathMajor, else the reason. */
export function checkPathMajor(v: string, pathMajor: string): string | undefined {
  if (pathMajor.startsWith('.v') && pathMajor.endsWith('-unstable')) {
    pathMajor = pathMajor.slice(0, -'-unstable'.length);
  }
  if (v.startsWith('v0.0.0-') && pathMajor === '.v1') return undefined;
  const m = major(v);
  if (pathMajor === '') {
    if (m === 'v0' || m === 'v1' || build(v) === '+incompatible') return undefined;
    pathMajor = 'v0 or v1';
  } else if (pathMajor[0] === '/' || pathMajor[0] === '.') {
    if (m === pathMajor.slice(1)) return undefined;
    pathMajor = pathMajor.slice(1);
  }
  return `version "${excerpt(v)}" invalid: should be ${pathMajor}, not ${major(v)}`;
}

const badWindowsNames = ['CON', 'PRN', 'AUX', 'NUL'];
for (let i = 1; i <= 9; i++) badWindowsNames.push(`COM${i}`, `LPT${i}`);

function importPathOK(r: number): boolean {
  return (
    (r >= 0x30 && r <= 0x39) ||
    (r >= 0x41 && r <= 0x5a) ||
    (r >= 0x61 && r <= 0x7a) ||
    r === 0x2d ||
    r === 0x2e ||
    r === 0x5f ||
    r === 0x7e ||
    r === 0x2b
  );
}

function checkElem(elem: string): string | undefined {
  if (elem === '') return 'empty path element';
  if (/^\.*$/.test(elem)) return `invalid path element "${elem}"`;
  if (elem.endsWith('.')) return 'trailing dot in path element';
  for (let i = 0; i < elem.length;) {
    const c = elem.charCodeAt(i);
    const [r, size] = c < 0x80 ? [c, 1] : decodeRune(elem, i);
    if (!importPathOK(r)) return `invalid char ${JSON.stringify(String.fromCodePoint(r))}`;
    i += size;
  }
  let short = elem;
  const dot = short.indexOf('.');
  if (dot >= 0) short = short.slice(0, dot);
  if (short.length <= 4 && badWindowsNames.includes(short.toUpperCase())) {
    return `"${short}" disallowed as path element component on Windows`;
  }
  const tilde = short.lastIndexOf('~');
  if (tilde >= 0 && tilde < short.length - 1 && /^[0-9]+$/.test(short.slice(tilde + 1))) {
    return 'trailing tilde and digits in path element';
  }
  return undefined;
}

/**
 * Paths checkImportPathSlow accepts, the usual ones, found by two regular expressions: ASCII
 * elements of letters, digits and - . _ + (no ~), that neither start nor end with a dot, the
 * first not starting with a dash; and no element named as a Windows device (CON, COM1.txt...).
 */
const PLAIN_PATH =
  /^[0-9A-Za-z_+](?:[0-9A-Za-z._+-]*[0-9A-Za-z_+-])?(?:\/[0-9A-Za-z_+-](?:[0-9A-Za-z._+-]*[0-9A-Za-z_+-])?)*$/;
const WINDOWS_NAME = /(?:^|\/)(?:con|prn|aux|nul|com[1-9]|lpt[1-9])(?:[./]|$)/i;

/** module.CheckImportPath on a byte string: undefined when valid, else the reason. */
export function checkImportPath(path: string): string | undefined {
  if (PLAIN_PATH.test(path) && !WINDOWS_NAME.test(path)) return undefined;
  return checkImportPathSlow(path);
}

/** checkImportPath, element by element. */
export function checkImportPathSlow(path: string): string | undefined {
  const reason = ((): string | undefined => {
    if (!validUTF8(path)) return 'invalid UTF-8';
    if (path === '') return 'empty string';
    if (path[0] === '-') return 'leading dash';
    if (path.includes('//')) return 'double slash';
    if (path.endsWith('/')) return 'trailing slash';
    for (const elem of path.split('/')) {
      const err = checkElem(elem);
      if (err) return err;
    }
    return undefined;
  })();
  return reason === undefined ? undefined : `malformed import path "${path}": ${reason}`;
}
