// Semantic versions exactly as golang.org/x/mod/semver reads them (leading "v", short forms
// "v1" and "v1.2" allowed, "+incompatible" build suffix kept by canonicalVersion).

interface Parsed {
  major: string;
  minor: string;
  patch: string;
  short: string;
  prerelease: string;
  build: string;
}

function parseInt_(v: string): [string, string] | undefined {
  if (v === '' || v[0]! < '0' || v[0]! > '9') return undefined;
  let i = 1;
  while (i < v.length && v[i]! >= '0' && v[i]! <= '9') i++;
  if (v[0] === '0' && i !== 1) return undefined;
  return [v.slice(0, i), v.slice(i)];
}

function isIdentChar(c: string): boolean {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c === '-';
}

function isBadNum(v: string): boolean {
  return /^[0-9]+$/.test(v) && v.length > 1 && v[0] === '0';
}

function isNum(v: string): boolean {
  return /^[0-9]*$/.test(v);
}

function parsePrerelease(v: string): [string, string] | undefined {
  if (v === '' || v[0] !== '-') return undefined;
  let i = 1;
  let start = 1;
  while (i < v.length && v[i] !== '+') {
    if (!isIdentChar(v[i]!) && v[i] !== '.') return undefined;
    if (v[i] === '.') {
      if (start === i || isBadNum(v.slice(start, i))) return undefined;
      start = i + 1;
    }
    i++;
  }
  if (start === i || isBadNum(v.slice(start, i))) return undefined;
  return [v.slice(0, i), v.slice(i)];
}

function parseBuild(v: string): [string, string] | undefined {
  if (v === '' || v[0] !== '+') return undefined;
  let i = 1;
  let start = 1;
  while (i < v.length) {
    if (!isIdentChar(v[i]!) && v[i] !== '.') return undefined;
    if (v[i] === '.') {
      if (start === i) return undefined;
      start = i + 1;
    }
    i++;
  }
  if (start === i) return undefined;
  return [v.slice(0, i), v.slice(i)];
}

/** vMAJOR.MINOR.PATCH without prerelease or build: most versions, read without slicing. */
const PLAIN = /^v(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$/;

function parse(v: string): Parsed | undefined {
  const m = PLAIN.exec(v);
  if (m) return { major: m[1]!, minor: m[2]!, patch: m[3]!, short: '', prerelease: '', build: '' };
  if (v === '' || v[0] !== 'v') return undefined;
  const p: Parsed = { major: '', minor: '', patch: '', short: '', prerelease: '', build: '' };
  let r = parseInt_(v.slice(1));
  if (!r) return undefined;
  [p.major, v] = r;
  if (v === '') return { ...p, minor: '0', patch: '0', short: '.0.0' };
  if (v[0] !== '.') return undefined;
  r = parseInt_(v.slice(1));
  if (!r) return undefined;
  [p.minor, v] = r;
  if (v === '') return { ...p, patch: '0', short: '.0' };
  if (v[0] !== '.') return undefined;
  r = parseInt_(v.slice(1));
  if (!r) return undefined;
  [p.patch, v] = r;
  if (v.length > 0 && v[0] === '-') {
    const pr = parsePrerelease(v);
    if (!pr) return undefined;
    [p.prerelease, v] = pr;
  }
  if (v.length > 0 && v[0] === '+') {
    const b = parseBuild(v);
    if (!b) return undefined;
    [p.build, v] = b;
  }
  if (v !== '') return undefined;
  return p;
}

export function isValid(v: string): boolean {
  return parse(v) !== undefined;
}

/** semver.Canonical: "" when invalid; build metadata dropped; short forms completed. */
export function canonical(v: string): string {
  if (PLAIN.test(v)) return v;
  const p = parse(v);
  if (!p) return '';
  if (p.build !== '') return v.slice(0, v.length - p.build.length);
  if (p.short !== '') return v + p.short;
  return v;
}

export function major(v: string): string {
  if (PLAIN.test(v)) return v.slice(0, v.indexOf('.'));
  const p = parse(v);
  return p ? v.slice(0, 1 + p.major.length) : '';
}

export function build(v: string): string {
  if (PLAIN.test(v)) return '';
  return parse(v)?.build ?? '';
}

function compareInt(x: string, y: string): number {
  if (x === y) return 0;
  if (x.length !== y.length) return x.length < y.length ? -1 : 1;
  return x < y ? -1 : 1;
}

function comparePrerelease(x: string, y: string): number {
  if (x === y) return 0;
  if (x === '') return 1;
  if (y === '') return -1;
  while (x !== '' && y !== '') {
    x = x.slice(1);
    y = y.slice(1);
    let i = x.indexOf('.');
    if (i < 0) i = x.length;
    const dx = x.slice(0, i);
    x = x.slice(i);
    let j = y.indexOf('.');
    if (j < 0) j = y.length;
    const dy = y.slice(0, j);
    y = y.slice(j);
    if (dx !== dy) {
      const ix = isNum(dx);
      const iy = isNum(dy);
      if (ix !== iy) return ix ? -1 : 1;
      if (ix && dx.length !== dy.length) return dx.length < dy.length ? -1 : 1;
      return dx < dy ? -1 : 1;
    }
  }
  return x === '' ? -1 : 1;
}

/** semver.Compare: invalid versions sort before valid ones and equal to each other. */
export function compare(v: string, w: string): number {
  const pv = parse(v);
  const pw = parse(w);
  if (!pv && !pw) return 0;
  if (!pv) return -1;
  if (!pw) return 1;
  return (
    compareInt(pv.major, pw.major) ||
    compareInt(pv.minor, pw.minor) ||
    compareInt(pv.patch, pw.patch) ||
    comparePrerelease(pv.prerelease, pw.prerelease)
  );
}
