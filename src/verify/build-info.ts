// Go's build info, read from an ELF file the way `go version -m` reads it (Go's debug/buildinfo),
// and the comparison of a plugin's with its server's. It survives `-ldflags "-w -s"`, so every
// release binary has it: the Go version, the build settings and every linked module with its
// version and sum. A plugin that differs from the server in one of those that decide the code
// (the Go version, -trimpath, -race, GOARM, CGO_ENABLED, tags...) or in a module both link cannot
// load; this check needs no emulator, so it covers every target. Pure (bytes in, data out) but
// for checkBuildInfoFiles, the thin reader at the end.
import { readFile } from 'node:fs/promises';

export interface BuildInfoModule {
  path: string;
  version: string;
  sum: string;
  /** The replacement (`=>` line), when the module is replaced. */
  replace?: { path: string; version: string; sum: string };
}

export interface BuildInfo {
  /** `go1.26.0`. */
  goVersion: string;
  /** The main package's path (`path` line). */
  path: string;
  main?: BuildInfoModule;
  deps: BuildInfoModule[];
  /** `build` lines in order: `-trimpath` -> `true`, `GOARM` -> `7`. */
  settings: [key: string, value: string][];
}

export class BuildInfoError extends Error {
  override name = 'BuildInfoError';
}

const MAGIC = Buffer.from('\xff Go buildinf:', 'latin1');
const FLAGS_ENDIAN_BIG = 0x1;
const FLAGS_VERSION_INLINE = 0x2;

interface Elf {
  bits: 32 | 64;
  little: boolean;
  sections: { name: string; type: number; addr: bigint; offset: number; size: number }[];
}

function readElf(buf: Buffer): Elf {
  if (buf.length < 52 || buf.readUInt32BE(0) !== 0x7f454c46) throw new BuildInfoError('not an ELF file');
  const bits = buf[4] === 2 ? 64 : 32;
  const little = buf[5] === 1;
  const u16 = (o: number) => (little ? buf.readUInt16LE(o) : buf.readUInt16BE(o));
  const u32 = (o: number) => (little ? buf.readUInt32LE(o) : buf.readUInt32BE(o));
  const u64 = (o: number) => (little ? buf.readBigUInt64LE(o) : buf.readBigUInt64BE(o));
  const word = (o: number): bigint => (bits === 64 ? u64(o) : BigInt(u32(o)));
  const shoff = Number(bits === 64 ? u64(0x28) : BigInt(u32(0x20)));
  const shentsize = u16(bits === 64 ? 0x3a : 0x2e);
  const shnum = u16(bits === 64 ? 0x3c : 0x30);
  const shstrndx = u16(bits === 64 ? 0x3e : 0x32);
  const raw: { nameOff: number; type: number; addr: bigint; offset: number; size: number }[] = [];
  for (let i = 0; i < shnum; i++) {
    const o = shoff + i * shentsize;
    if (o + shentsize > buf.length) throw new BuildInfoError('the ELF section table is cut short');
    raw.push({
      nameOff: u32(o),
      type: u32(o + 4),
      addr: word(o + (bits === 64 ? 0x10 : 0x0c)),
      offset: Number(word(o + (bits === 64 ? 0x18 : 0x10))),
      size: Number(word(o + (bits === 64 ? 0x20 : 0x14))),
    });
  }
  const strtab = raw[shstrndx];
  const name = (off: number): string => {
    if (!strtab) return '';
    const start = strtab.offset + off;
    const end = buf.indexOf(0, start);
    return buf.toString('latin1', start, end < 0 ? start : end);
  };
  return {
    bits,
    little,
    sections: raw.map((s) => ({
      name: name(s.nameOff),
      type: s.type,
      addr: s.addr,
      offset: s.offset,
      size: s.size,
    })),
  };
}

function uvarint(buf: Buffer, at: number): [value: number, next: number] {
  let x = 0;
  let shift = 0;
  for (let i = at; i < buf.length && i < at + 10; i++) {
    const b = buf[i]!;
    x += (b & 0x7f) * 2 ** shift;
    if (b < 0x80) return [x, i + 1];
    shift += 7;
  }
  throw new BuildInfoError('the build info is cut short (a length)');
}

/**
 * The build info of an ELF Go binary (program, shared library or plugin), as `go version -m`
 * shows it; undefined when the file has none (not built by Go, or by a Go before 1.13).
 * Throws BuildInfoError when the file is not an ELF file or its build info is damaged.
 */
export function readBuildInfo(buf: Buffer): BuildInfo | undefined {
  const elf = readElf(buf);
  const section = elf.sections.find((s) => s.name === '.go.buildinfo');
  let at: number;
  if (section) at = section.offset;
  else {
    // A binary without section names: the header is 16-byte aligned in the data.
    at = -1;
    for (let i = buf.indexOf(MAGIC); i >= 0; i = buf.indexOf(MAGIC, i + 1)) {
      if (i % 16 === 0) {
        at = i;
        break;
      }
    }
    if (at < 0) return undefined;
  }
  if (at + 32 > buf.length || !buf.subarray(at, at + 14).equals(MAGIC)) return undefined;
  const ptrSize = buf[at + 14]!;
  const flags = buf[at + 15]!;
  let version: string;
  let modinfo: string;
  if (flags & FLAGS_VERSION_INLINE) {
    const [vlen, vstart] = uvarint(buf, at + 32);
    version = buf.toString('utf8', vstart, vstart + vlen);
    const [mlen, mstart] = uvarint(buf, vstart + vlen);
    if (mstart + mlen > buf.length) throw new BuildInfoError('the build info is cut short');
    modinfo = buf.toString('utf8', mstart, mstart + mlen);
  } else {
    // Before Go 1.18: two pointers to Go string headers, in the binary's address space.
    const big = (flags & FLAGS_ENDIAN_BIG) !== 0;
    const ptr = (o: number): bigint =>
      ptrSize === 8
        ? big
          ? buf.readBigUInt64BE(o)
          : buf.readBigUInt64LE(o)
        : BigInt(big ? buf.readUInt32BE(o) : buf.readUInt32LE(o));
    const offsetOf = (addr: bigint): number => {
      const s = elf.sections.find((x) => x.type !== 8 && x.addr <= addr && addr < x.addr + BigInt(x.size));
      if (!s) throw new BuildInfoError(`the build info points outside the file (0x${addr.toString(16)})`);
      return s.offset + Number(addr - s.addr);
    };
    const goString = (headerAddr: bigint): string => {
      const h = offsetOf(headerAddr);
      const data = ptr(h);
      const len = Number(ptr(h + ptrSize));
      if (len === 0) return '';
      const o = offsetOf(data);
      return buf.toString('utf8', o, o + len);
    };
    version = goString(ptr(at + 16));
    modinfo = goString(ptr(at + 16 + ptrSize));
  }
  // The module info is framed by 16-byte sentinels (and a newline before the end one).
  modinfo = modinfo.length >= 33 && modinfo[modinfo.length - 17] === '\n' ? modinfo.slice(16, -16) : '';
  return { ...parseModinfo(modinfo), goVersion: version };
}

/** runtime/debug.ParseBuildInfo on the module info text (the lines after the Go version). */
export function parseModinfo(text: string): Omit<BuildInfo, 'goVersion'> {
  const info: Omit<BuildInfo, 'goVersion'> = { path: '', deps: [], settings: [] };
  let last: BuildInfoModule | undefined;
  for (const line of text.split('\n')) {
    const f = line.split('\t');
    const mod = (): BuildInfoModule => ({ path: f[1] ?? '', version: f[2] ?? '', sum: f[3] ?? '' });
    switch (f[0]) {
      case 'path':
        info.path = f[1] ?? '';
        break;
      case 'mod':
        info.main = last = mod();
        break;
      case 'dep':
        last = mod();
        info.deps.push(last);
        break;
      case '=>':
        if (last) last.replace = mod();
        break;
      case 'build': {
        const kv = line.slice('build\t'.length);
        const eq = kv.indexOf('=');
        if (eq > 0) info.settings.push([kv.slice(0, eq), unquote(kv.slice(eq + 1))]);
        break;
      }
    }
  }
  return info;
}

function unquote(v: string): string {
  if (!v.startsWith('"')) return v;
  try {
    return JSON.parse(v) as string;
  } catch {
    return v;
  }
}

/**
 * Build settings that change the compiled code (and so the package fingerprints the loader
 * compares): a plugin must have the server's value for each. A setting absent on one side is
 * compared as absent ("not set"): `-trimpath=true` on the plugin alone is a difference.
 */
export const CODE_SETTINGS = [
  '-compiler',
  '-trimpath',
  '-race',
  '-msan',
  '-asan',
  '-tags',
  '-gcflags',
  '-asmflags',
  'CGO_ENABLED',
  'GOOS',
  'GOARCH',
  'GOARM',
  'GOARM64',
  'GOAMD64',
  'GO386',
  'GOMIPS',
  'GOMIPS64',
  'GOPPC64',
  'GORISCV64',
  'GOEXPERIMENT',
] as const;

export interface BuildInfoDifference {
  kind: 'go' | 'setting' | 'module';
  /** The setting's key or the module's path (`go` for the Go version). */
  name: string;
  plugin: string;
  server: string;
}

/** `v1.2.3 h1:...` (or `=> other v1.2.3 h1:...`): what a module resolves to in a binary. */
function resolved(m: BuildInfoModule): { at: string; sum: string } {
  const r = m.replace;
  return r ? { at: `=> ${r.path} ${r.version}`.trim(), sum: r.sum } : { at: m.version, sum: m.sum };
}

/**
 * Where a plugin's build info differs from its server's, in the things that decide whether the
 * server can load it: the Go version, the code-changing build settings, and every module both
 * link (version, replacement and sum; a sum missing on one side is not compared). Empty: the same.
 */
export function compareBuildInfo(plugin: BuildInfo, server: BuildInfo): BuildInfoDifference[] {
  const out: BuildInfoDifference[] = [];
  if (plugin.goVersion !== server.goVersion)
    out.push({ kind: 'go', name: 'go', plugin: plugin.goVersion, server: server.goVersion });
  const setting = (info: BuildInfo, key: string) => info.settings.find(([k]) => k === key)?.[1];
  for (const key of CODE_SETTINGS) {
    const p = setting(plugin, key);
    const s = setting(server, key);
    // -trimpath=false, -race=false... are what "not set" means.
    const norm = (v: string | undefined) => (v === undefined || v === 'false' ? '' : v);
    if (norm(p) !== norm(s))
      out.push({ kind: 'setting', name: key, plugin: p ?? '(not set)', server: s ?? '(not set)' });
  }
  const serverMods = new Map(server.deps.map((d) => [d.path, d]));
  for (const d of plugin.deps) {
    const s = serverMods.get(d.path);
    if (!s) continue;
    const a = resolved(d);
    const b = resolved(s);
    if (a.at !== b.at || (a.sum !== '' && b.sum !== '' && a.sum !== b.sum)) {
      out.push({
        kind: 'module',
        name: d.path,
        plugin: `${a.at}${a.sum ? ` ${a.sum}` : ''}`,
        server: `${b.at}${b.sum ? ` ${b.sum}` : ''}`,
      });
    }
  }
  return out;
}

/** One line per difference: `GOARM: the plugin has 5, the server 7`. */
export function describeDifference(d: BuildInfoDifference): string {
  if (d.kind === 'go')
    return `Go version: the plugin was built with ${d.plugin}, the server with ${d.server}`;
  if (d.kind === 'setting')
    return `build setting ${d.name}: the plugin has ${d.plugin}, the server ${d.server}`;
  return `module ${d.name}: the plugin links ${d.plugin}, the server ${d.server}`;
}

/** The outcome of comparing a plugin file with a server binary. */
export type BuildInfoCheck =
  | { status: 'matches' }
  | { status: 'differs'; differences: BuildInfoDifference[] }
  | { status: 'unknown'; reason: string };

/** What to do about a difference, in a sentence (pure). */
export function buildInfoFix(d: BuildInfoDifference, server: string): string {
  if (d.kind === 'go') return `build with the Go ${server} was built with (${d.server})`;
  if (d.kind === 'module')
    return `align ${d.name} with ${server} (go get ${d.name}@${d.server.split(' ')[0]}; go-mod-sync: align does it for every module both link)`;
  return `build with the server's ${d.name} (${d.server}): remove what sets it (build-flags, GOFLAGS, docker-args, the build image)`;
}

/** Thin I/O: reads both files and compares their build info. Never throws. */
export async function checkBuildInfoFiles(pluginPath: string, serverPath: string): Promise<BuildInfoCheck> {
  let plugin: BuildInfo | undefined;
  let server: BuildInfo | undefined;
  try {
    plugin = readBuildInfo(await readFile(pluginPath));
  } catch (e) {
    return { status: 'unknown', reason: `the plugin's build info cannot be read: ${(e as Error).message}` };
  }
  try {
    server = readBuildInfo(await readFile(serverPath));
  } catch (e) {
    return { status: 'unknown', reason: `the server's build info cannot be read: ${(e as Error).message}` };
  }
  if (!plugin) return { status: 'unknown', reason: 'the plugin has no Go build info' };
  if (!server)
    return { status: 'unknown', reason: 'the server binary has no Go build info (built by Go before 1.13?)' };
  const differences = compareBuildInfo(plugin, server);
  return differences.length === 0 ? { status: 'matches' } : { status: 'differs', differences };
}
