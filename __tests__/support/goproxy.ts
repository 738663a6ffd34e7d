// A Go module proxy on disk, for `GOPROXY=file:///dir` (mount it into containers): no network.
// Layout per module version: `<module>/@v/list`, `<v>.info`, `<v>.mod`, `<v>.zip` (Go's module zip
// format: every entry prefixed `<module>@<version>/`). Also computes the go.sum lines (`h1:`
// hashes, Go's dirhash.Hash1) so fixtures can build with `-mod=readonly`.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';

export const LIB_MODULE = 'example.com/lib';
export const LIB_VERSIONS = ['v1.2.0', 'v1.3.0'] as const;
export type LibVersion = (typeof LIB_VERSIONS)[number];

/** The fake example.com/lib at one version: `Version` and `Greet` differ between versions. */
export function libFiles(version: string): Record<string, string> {
  return {
    'go.mod': `module ${LIB_MODULE}\n\ngo 1.19\n`,
    'lib.go': [
      '// Package lib is a fake dependency shared by the fixture server and plugin.',
      'package lib',
      '',
      '// Version differs between the module versions, so their packages differ.',
      `var Version = "${version}"`,
      '',
      '// Greet says hello, naming the library version.',
      'func Greet(name string) string {',
      '\treturn "hello " + name + " from lib " + Version',
      '}',
      '',
    ].join('\n'),
  };
}

// ---- zip writer (deflate, CRC-32)

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32(data: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of data) crc = CRC_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** A zip archive of the given files (name -> content), deflated, fixed timestamps. */
export function makeZip(files: Record<string, string | Uint8Array>): Buffer {
  const local: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  const dosTime = 0; // 00:00:00
  const dosDate = ((2024 - 1980) << 9) | (1 << 5) | 1; // 2024-01-01
  for (const [name, content] of Object.entries(files)) {
    const data = typeof content === 'string' ? Buffer.from(content, 'utf8') : Buffer.from(content);
    const packed = deflateRawSync(data);
    const nameBuf = Buffer.from(name, 'utf8');
    const crc = crc32(data);
    const header = Buffer.alloc(30);
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt16LE(20, 4); // version needed
    header.writeUInt16LE(0x0800, 6); // UTF-8 names
    header.writeUInt16LE(8, 8); // deflate
    header.writeUInt16LE(dosTime, 10);
    header.writeUInt16LE(dosDate, 12);
    header.writeUInt32LE(crc, 14);
    header.writeUInt32LE(packed.length, 18);
    header.writeUInt32LE(data.length, 22);
    header.writeUInt16LE(nameBuf.length, 26);
    header.writeUInt16LE(0, 28);
    local.push(header, nameBuf, packed);
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0);
    entry.writeUInt16LE(0x031e, 4); // made by: unix, 3.0
    entry.writeUInt16LE(20, 6);
    entry.writeUInt16LE(0x0800, 8);
    entry.writeUInt16LE(8, 10);
    entry.writeUInt16LE(dosTime, 12);
    entry.writeUInt16LE(dosDate, 14);
    entry.writeUInt32LE(crc, 16);
    entry.writeUInt32LE(packed.length, 20);
    entry.writeUInt32LE(data.length, 24);
    entry.writeUInt16LE(nameBuf.length, 28);
    entry.writeUInt16LE(0, 30); // extra
    entry.writeUInt16LE(0, 32); // comment
    entry.writeUInt16LE(0, 34); // disk
    entry.writeUInt16LE(0, 36); // internal attrs
    entry.writeUInt32LE((0o100644 << 16) >>> 0, 38); // external attrs: regular file 0644
    entry.writeUInt32LE(offset, 42);
    central.push(entry, nameBuf);
    offset += header.length + nameBuf.length + packed.length;
  }
  const centralSize = central.reduce((n, b) => n + b.length, 0);
  const count = Object.keys(files).length;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(count, 8);
  end.writeUInt16LE(count, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...local, ...central, end]);
}

// ---- go.sum hashes (golang.org/x/mod/sumdb/dirhash.Hash1)

function hash1(files: Record<string, string>): string {
  const sha = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
  const summary = Object.keys(files)
    .sort()
    .map((name) => `${sha(files[name]!)}  ${name}\n`)
    .join('');
  return 'h1:' + createHash('sha256').update(summary, 'utf8').digest('base64');
}

/** The two go.sum lines for a module version made of `files` (which include go.mod). */
export function goSumLines(module: string, version: string, files: Record<string, string>): string {
  const prefixed: Record<string, string> = {};
  for (const [name, content] of Object.entries(files)) prefixed[`${module}@${version}/${name}`] = content;
  const mod = files['go.mod'] ?? `module ${module}\n`;
  return (
    `${module} ${version} ${hash1(prefixed)}\n` + `${module} ${version}/go.mod ${hash1({ 'go.mod': mod })}\n`
  );
}

/** go.sum lines of the fake example.com/lib at `version`. */
export function libGoSum(version: string): string {
  return goSumLines(LIB_MODULE, version, libFiles(version));
}

// ---- proxy layout

/** Go's case-encoding of module paths in proxy URLs (`Foo` -> `!foo`). */
function escapePath(path: string): string {
  return path.replace(/[A-Z]/g, (c) => '!' + c.toLowerCase());
}

/** Adds one module version (files without the `<module>@<version>/` prefix) to a proxy dir. */
export function writeModuleVersion(
  proxyDir: string,
  module: string,
  version: string,
  files: Record<string, string>,
): void {
  const dir = join(proxyDir, escapePath(module), '@v');
  mkdirSync(dir, { recursive: true });
  const mod = files['go.mod'] ?? `module ${module}\n`;
  const zipFiles: Record<string, string> = {};
  for (const [name, content] of Object.entries({ ...files, 'go.mod': mod })) {
    zipFiles[`${module}@${version}/${name}`] = content;
  }
  writeFileSync(join(dir, `${version}.mod`), mod);
  writeFileSync(
    join(dir, `${version}.info`),
    JSON.stringify({ Version: version, Time: '2024-01-01T00:00:00Z' }) + '\n',
  );
  writeFileSync(join(dir, `${version}.zip`), makeZip(zipFiles));
  const listFile = join(dir, 'list');
  const known = existsSync(listFile) ? readFileSync(listFile, 'utf8').split('\n').filter(Boolean) : [];
  if (!known.includes(version)) known.push(version);
  writeFileSync(listFile, known.join('\n') + '\n');
}

/**
 * Writes a GOPROXY=file:// directory at `dir` with the fake example.com/lib at v1.2.0 and v1.3.0.
 * Returns `dir` (use `goProxyUrl(dir)` on the host, or mount it and use file:///goproxy).
 */
export function makeGoProxy(dir: string): string {
  for (const v of LIB_VERSIONS) writeModuleVersion(dir, LIB_MODULE, v, libFiles(v));
  return dir;
}

export function goProxyUrl(dir: string): string {
  return 'file://' + dir;
}

// ---- generated module graphs (go-mod-sync: align)

/**
 * One fake module version of a generated graph. Its package (named after the last path element)
 * imports the package of every module it requires, so a plugin and a server that link it at
 * different versions are told apart by Go's plugin loader.
 */
export interface FakeModule {
  path: string;
  version: string;
  /** Requirements: module path -> version (the go.mod `require` block). */
  requires?: Record<string, string>;
  /** The go.mod `go` line; default 1.17 (pruned module graphs). */
  go?: string;
}

/** The Go package name of a fake module: its last path element, letters and digits only. */
export function fakePackageName(path: string): string {
  const last = path
    .split('/')
    .at(-1)!
    .replace(/[^A-Za-z0-9]/g, '');
  return /^[A-Za-z]/.test(last) ? last.toLowerCase() : `m${last}`;
}

/** go.mod text of a module requiring `requires` (module path -> version). */
export function goModText(path: string, go: string, requires: Record<string, string> = {}): string {
  const reqs = Object.entries(requires);
  const block = reqs.length === 0 ? '' : `\nrequire (\n${reqs.map(([p, v]) => `\t${p} ${v}\n`).join('')})\n`;
  return `module ${path}\n\ngo ${go}\n${block}`;
}

/** The files of one fake module version: go.mod and a package whose Describe names every version it links. */
export function fakeModuleFiles(m: FakeModule): Record<string, string> {
  const deps = Object.keys(m.requires ?? {});
  const pkg = fakePackageName(m.path);
  const imports = deps.map((d) => `\t${fakePackageName(d)}_ "${d}"\n`).join('');
  const calls = deps.map((d) => ` + " " + ${fakePackageName(d)}_.Describe()`).join('');
  return {
    'go.mod': goModText(m.path, m.go ?? '1.17', m.requires),
    [`${pkg}.go`]: [
      `// Package ${pkg} is a generated fake module of a test graph.`,
      `package ${pkg}`,
      '',
      ...(deps.length > 0 ? [`import (\n${imports})`, ''] : []),
      '// Version differs between the module versions, so their packages differ.',
      `var Version = "${m.version}"`,
      '',
      '// Describe names this module version and every one it links.',
      'func Describe() string {',
      `\treturn "${m.path}@" + Version${calls}`,
      '}',
      '',
    ].join('\n'),
  };
}

/** Writes every module version of a generated graph into the proxy folder; returns `dir`. */
export function writeModuleGraph(dir: string, modules: readonly FakeModule[]): string {
  for (const m of modules) writeModuleVersion(dir, m.path, m.version, fakeModuleFiles(m));
  return dir;
}

/** go.sum lines for every version of a generated graph (a superset is fine for -mod=readonly). */
export function moduleGraphGoSum(modules: readonly FakeModule[]): string {
  return modules.map((m) => goSumLines(m.path, m.version, fakeModuleFiles(m))).join('');
}
