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
import { elf, framed, inline } from '../support/elf';

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
