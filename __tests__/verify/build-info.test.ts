// Issue 21, item 2: Go's build info read from ELF bytes (the inline format of Go 1.18+ and the
// pointer format before it, 32/64-bit, little and big endian) and compared, as data.
import { describe, expect, it } from 'vitest';
import {
  compareBuildInfo,
  describeDifference,
  parseModinfo,
  readBuildInfo,
  type BuildInfo,
} from '../../src/verify/build-info';

const START = Buffer.from('3077af0c9274080241e1c107e6d618e6', 'hex');
const END = Buffer.from('f932433186182072008242104116d8f2', 'hex');
const framed = (text: string) => Buffer.concat([START, Buffer.from(text), END]).toString('latin1');

const MODINFO = [
  'path\texample.com/p',
  'mod\texample.com/p\t(devel)\t',
  'dep\tgithub.com/gin-gonic/gin\tv1.9.1\th1:4idEAncQnU5cB7BeOkPtxjfCSye0AAm1R0RVIqJ+Jmg=',
  'dep\tgolang.org/x/sys\tv0.20.0\th1:Od9JTbYCk261bKm4M/mw7AklTlFYIa0bIp9BgSm1S8Y=',
  'dep\texample.com/lib\tv1.0.0\t',
  '=>\t../lib\t\t',
  'build\t-buildmode=plugin',
  'build\t-compiler=gc',
  'build\t-ldflags="-w -s"',
  'build\tCGO_ENABLED=1',
  'build\tGOARCH=arm',
  'build\tGOARM=7',
  'build\tGOOS=linux',
  '',
].join('\n');

function uvarint(n: number): Buffer {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return Buffer.from(out);
}

/** A minimal ELF file: a null section, the given sections, then .shstrtab. */
function elf(
  bits: 32 | 64,
  little: boolean,
  sections: { name: string; addr: number; data: Buffer }[],
): Buffer {
  const names = ['', ...sections.map((s) => s.name), '.shstrtab'];
  const strtab = Buffer.from(names.map((n) => `${n}\0`).join(''), 'latin1');
  const head = bits === 64 ? 64 : 52;
  const shentsize = bits === 64 ? 64 : 40;
  const bodies: { offset: number; data: Buffer; addr: number; nameOff: number; type: number }[] = [];
  let offset = head;
  let nameOff = 1;
  for (const s of [
    ...sections.map((x) => ({ ...x, type: 1 })),
    { name: '.shstrtab', addr: 0, data: strtab, type: 3 },
  ]) {
    offset = Math.ceil(offset / 16) * 16;
    bodies.push({ offset, data: s.data, addr: s.addr, nameOff, type: s.type });
    nameOff += s.name.length + 1;
    offset += s.data.length;
  }
  const shoff = Math.ceil(offset / 16) * 16;
  const buf = Buffer.alloc(shoff + shentsize * (bodies.length + 1));
  const w16 = (o: number, v: number) => (little ? buf.writeUInt16LE(v, o) : buf.writeUInt16BE(v, o));
  const w32 = (o: number, v: number) => (little ? buf.writeUInt32LE(v, o) : buf.writeUInt32BE(v, o));
  const wword = (o: number, v: number) =>
    bits === 64
      ? little
        ? buf.writeBigUInt64LE(BigInt(v), o)
        : buf.writeBigUInt64BE(BigInt(v), o)
      : w32(o, v);
  buf.writeUInt32BE(0x7f454c46, 0);
  buf[4] = bits === 64 ? 2 : 1;
  buf[5] = little ? 1 : 2;
  buf[6] = 1;
  if (bits === 64) {
    buf.writeBigUInt64LE(0n, 0x20);
    wword(0x28, shoff);
    w16(0x3a, shentsize);
    w16(0x3c, bodies.length + 1);
    w16(0x3e, bodies.length);
  } else {
    w32(0x20, shoff);
    w16(0x2e, shentsize);
    w16(0x30, bodies.length + 1);
    w16(0x32, bodies.length);
  }
  for (const [i, b] of bodies.entries()) {
    b.data.copy(buf, b.offset);
    const o = shoff + (i + 1) * shentsize;
    w32(o, b.nameOff);
    w32(o + 4, b.type);
    wword(o + (bits === 64 ? 0x10 : 0x0c), b.addr);
    wword(o + (bits === 64 ? 0x18 : 0x10), b.offset);
    wword(o + (bits === 64 ? 0x20 : 0x14), b.data.length);
  }
  return buf;
}

/** The Go 1.18+ header: magic, pointer size, flags (inline), then the two strings. */
function inline(version: string, modinfo: string, ptrSize = 8): Buffer {
  const header = Buffer.alloc(32);
  header.write('\xff Go buildinf:', 0, 'latin1');
  header[14] = ptrSize;
  header[15] = 0x2;
  const v = Buffer.from(version);
  const m = Buffer.from(modinfo, 'latin1');
  return Buffer.concat([header, uvarint(v.length), v, uvarint(m.length), m]);
}

/** The format before Go 1.18: two pointers to Go string headers in a .data section. */
function pointers(version: string, modinfo: string, ptrSize: 4 | 8, little: boolean): Buffer {
  const base = 0x10000;
  const v = Buffer.from(version);
  const m = Buffer.from(modinfo, 'latin1');
  // .data at `base`: [vhdr (ptr,len)] [mhdr (ptr,len)] [v bytes] [m bytes]
  const data = Buffer.alloc(4 * ptrSize + v.length + m.length);
  const wp = (o: number, x: number) =>
    ptrSize === 8
      ? little
        ? data.writeBigUInt64LE(BigInt(x), o)
        : data.writeBigUInt64BE(BigInt(x), o)
      : little
        ? data.writeUInt32LE(x, o)
        : data.writeUInt32BE(x, o);
  wp(0, base + 4 * ptrSize);
  wp(ptrSize, v.length);
  wp(2 * ptrSize, base + 4 * ptrSize + v.length);
  wp(3 * ptrSize, m.length);
  v.copy(data, 4 * ptrSize);
  m.copy(data, 4 * ptrSize + v.length);
  const header = Buffer.alloc(32);
  header.write('\xff Go buildinf:', 0, 'latin1');
  header[14] = ptrSize;
  header[15] = little ? 0 : 1;
  const hp = (o: number, x: number) =>
    ptrSize === 8
      ? little
        ? header.writeBigUInt64LE(BigInt(x), o)
        : header.writeBigUInt64BE(BigInt(x), o)
      : little
        ? header.writeUInt32LE(x, o)
        : header.writeUInt32BE(x, o);
  hp(16, base);
  hp(16 + ptrSize, base + 2 * ptrSize);
  return elf(ptrSize === 8 ? 64 : 32, little, [
    { name: '.go.buildinfo', addr: 0x20000, data: header },
    { name: '.data', addr: base, data },
  ]);
}

describe('readBuildInfo', () => {
  it.each([
    ['64-bit little endian', 64, true],
    ['32-bit little endian', 32, true],
    ['64-bit big endian', 64, false],
  ] as const)('reads the inline format (Go 1.18+), %s', (_, bits, little) => {
    const file = elf(bits, little, [
      { name: '.text', addr: 0x1000, data: Buffer.from('code') },
      { name: '.go.buildinfo', addr: 0x2000, data: inline('go1.26.0', framed(MODINFO), bits / 8) },
    ]);
    const info = readBuildInfo(file)!;
    expect(info.goVersion).toBe('go1.26.0');
    expect(info.path).toBe('example.com/p');
    expect(info.main).toEqual({ path: 'example.com/p', version: '(devel)', sum: '' });
    expect(info.deps).toEqual([
      {
        path: 'github.com/gin-gonic/gin',
        version: 'v1.9.1',
        sum: 'h1:4idEAncQnU5cB7BeOkPtxjfCSye0AAm1R0RVIqJ+Jmg=',
      },
      {
        path: 'golang.org/x/sys',
        version: 'v0.20.0',
        sum: 'h1:Od9JTbYCk261bKm4M/mw7AklTlFYIa0bIp9BgSm1S8Y=',
      },
      {
        path: 'example.com/lib',
        version: 'v1.0.0',
        sum: '',
        replace: { path: '../lib', version: '', sum: '' },
      },
    ]);
    expect(info.settings).toContainEqual(['-ldflags', '-w -s']);
    expect(info.settings).toContainEqual(['GOARM', '7']);
  });

  it.each([
    ['64-bit little endian', 8, true],
    ['32-bit little endian', 4, true],
    ['32-bit big endian', 4, false],
  ] as const)('reads the pointer format (before Go 1.18), %s', (_, ptrSize, little) => {
    const info = readBuildInfo(pointers('go1.12', framed(MODINFO), ptrSize, little))!;
    expect(info.goVersion).toBe('go1.12');
    expect(info.deps.map((d) => d.path)).toEqual([
      'github.com/gin-gonic/gin',
      'golang.org/x/sys',
      'example.com/lib',
    ]);
  });

  it('finds the header without section names (16-byte aligned), and says when there is none', () => {
    const withInfo = elf(64, true, [
      { name: '.data', addr: 0x1000, data: inline('go1.22.4', framed(MODINFO)) },
    ]);
    expect(readBuildInfo(withInfo)?.goVersion).toBe('go1.22.4');
    expect(
      readBuildInfo(elf(64, true, [{ name: '.text', addr: 0x1000, data: Buffer.from('c code') }])),
    ).toBeUndefined();
  });

  it('module info without its frame is empty (as Go reads it); a non-ELF file is an error', () => {
    const file = elf(64, true, [{ name: '.go.buildinfo', addr: 0x2000, data: inline('go1.26.0', MODINFO) }]);
    expect(readBuildInfo(file)).toMatchObject({ goVersion: 'go1.26.0', path: '', deps: [] });
    expect(() => readBuildInfo(Buffer.from('#!/bin/sh\necho hi\n'.padEnd(80)))).toThrow(/not an ELF file/);
  });
});

describe('compareBuildInfo', () => {
  const server: BuildInfo = {
    goVersion: 'go1.26.0',
    ...parseModinfo(
      [
        'path\tgithub.com/gotify/server/v2',
        'mod\tgithub.com/gotify/server/v2\t(devel)\t',
        'dep\tgithub.com/gin-gonic/gin\tv1.9.1\th1:gin=',
        'dep\tgolang.org/x/sys\tv0.20.0\th1:sys=',
        'dep\tgithub.com/robfig/cron\tv1.2.0\th1:cron=',
        'build\t-compiler=gc',
        'build\t-ldflags="-w -s -X main.Version=2.9.1"',
        'build\tCGO_ENABLED=1',
        'build\tGOARCH=arm',
        'build\tGOOS=linux',
        'build\tGOARM=7',
      ].join('\n'),
    ),
  };
  const plugin = (lines: string[], goVersion = 'go1.26.0'): BuildInfo => ({
    goVersion,
    ...parseModinfo(
      [
        'path\texample.com/p',
        'mod\texample.com/p\t(devel)\t',
        'dep\tgithub.com/gin-gonic/gin\tv1.9.1\th1:gin=',
        'dep\texample.com/own\tv0.1.0\th1:own=',
        'build\t-buildmode=plugin',
        'build\t-compiler=gc',
        'build\t-ldflags="-w -s"',
        'build\tCGO_ENABLED=1',
        'build\tGOARCH=arm',
        'build\tGOOS=linux',
      ]
        .filter(
          (l) => !lines.some((x) => l.startsWith('build\t') && x.startsWith(l.slice(0, l.indexOf('=') + 1))),
        )
        .concat(lines)
        .join('\n'),
    ),
  });

  it('the same Go, code settings and shared modules: no difference (ldflags and own modules do not count)', () => {
    expect(compareBuildInfo(plugin(['build\tGOARM=7']), server)).toEqual([]);
  });

  it('a GOARM=5 build with -trimpath, another Go and another gin: every one named', () => {
    const p = plugin(
      ['build\t-trimpath=true', 'build\tGOARM=5', 'dep\tgolang.org/x/sys\tv0.21.0\th1:sys21='],
      'go1.26.1',
    );
    const d = compareBuildInfo(p, server).map(describeDifference);
    expect(d).toEqual([
      'Go version: the plugin was built with go1.26.1, the server with go1.26.0',
      'build setting -trimpath: the plugin has true, the server (not set)',
      'build setting GOARM: the plugin has 5, the server 7',
      'module golang.org/x/sys: the plugin links v0.21.0 h1:sys21=, the server v0.20.0 h1:sys=',
    ]);
  });

  it('CGO off, -race, tags: differences; the same version with another sum too; a replace is compared', () => {
    const p = plugin([
      'build\tGOARM=7',
      'build\t-race=true',
      'build\t-tags=netgo',
      'build\tCGO_ENABLED=0',
      'dep\tgithub.com/robfig/cron\tv1.2.0\th1:forked=',
      'dep\tgolang.org/x/sys\tv0.20.0\t',
      '=>\tgithub.com/me/sys\tv0.20.0\th1:mine=',
    ]);
    expect(compareBuildInfo(p, server).map((x) => x.name)).toEqual([
      '-race',
      '-tags',
      'CGO_ENABLED',
      'github.com/robfig/cron',
      'golang.org/x/sys',
    ]);
  });
});
