import { describe, expect, it } from 'vitest';
import {
  DEFAULT_TARGETS,
  expectedElf,
  parseTarget,
  parseTargets,
  readElfHeader,
} from '../../src/build/targets';

describe('parseTargets', () => {
  it('parses the defaults in order', () => {
    expect(parseTargets(DEFAULT_TARGETS)).toEqual([
      { name: 'linux-amd64', os: 'linux', arch: 'amd64' },
      { name: 'linux-arm-7', os: 'linux', arch: 'arm', goarm: '7' },
      { name: 'linux-arm64', os: 'linux', arch: 'arm64' },
      { name: 'linux-386', os: 'linux', arch: '386' },
    ]);
  });

  it.each([
    ['linux-amd64\nlinux-arm64', ['linux-amd64', 'linux-arm64']],
    [' linux-amd64 , \n\n linux-riscv64,', ['linux-amd64', 'linux-riscv64']],
    ['linux-arm-6\r\nlinux-arm-5', ['linux-arm-6', 'linux-arm-5']],
    ['LINUX-AMD64', ['linux-amd64']],
    ['linux-amd64,linux-amd64,linux-386', ['linux-amd64', 'linux-386']],
  ])('%j -> %j', (input, names) => {
    expect(parseTargets(input).map((t) => t.name)).toEqual(names);
  });

  it.each([
    ['', /no target given: write e.g. linux-amd64/],
    [' , \n', /no target given/],
    ['linux-arm', /needs its GOARM level: write linux-arm-7/],
    ['linux-arm-8', /GOARM must be 5, 6 or 7/],
    ['linux-arm64-7', /only arm takes a third part \(GOARM\); write linux-arm64/],
    ['windows-amd64', /linux only here; write linux-amd64/],
    ['linux-x86_64', /unknown architecture "x86_64"/],
    ['amd64', /not a target: write <os>-<arch>/],
    ['linux-arm-7-x', /not a target/],
  ])('refuses %j', (input, message) => {
    expect(() => parseTargets(input)).toThrow(message);
  });
});

describe('ELF', () => {
  const header = (cls: number, data: number, machine: number): Uint8Array => {
    const b = new Uint8Array(64);
    b.set([0x7f, 0x45, 0x4c, 0x46, cls, data]);
    if (data === 1) b.set([machine & 0xff, machine >> 8], 18);
    else b.set([machine >> 8, machine & 0xff], 18);
    return b;
  };

  it('reads machine and class', () => {
    expect(readElfHeader(header(2, 1, 62))).toEqual({ machine: 62, bits: 64 });
    expect(readElfHeader(header(1, 1, 40))).toEqual({ machine: 40, bits: 32 });
    expect(readElfHeader(header(2, 2, 22))).toEqual({ machine: 22, bits: 64 });
    expect(readElfHeader(new TextEncoder().encode('#!/bin/sh\necho not an elf file at all'))).toBeUndefined();
    expect(readElfHeader(new Uint8Array(4))).toBeUndefined();
  });

  it('expects the machine of each default target', () => {
    expect(parseTargets(DEFAULT_TARGETS).map((t) => expectedElf(t))).toEqual([
      { machine: 62, bits: 64 },
      { machine: 40, bits: 32 },
      { machine: 183, bits: 64 },
      { machine: 3, bits: 32 },
    ]);
    expect(expectedElf(parseTarget('linux-riscv64'))).toEqual({ machine: 243, bits: 64 });
  });
});
