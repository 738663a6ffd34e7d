// Go binaries as bytes, for tests: a minimal ELF file with sections, and Go's build info
// header (the inline format of Go 1.18+) with its module info framed as the linker frames it.

export const START = Buffer.from('3077af0c9274080241e1c107e6d618e6', 'hex');
export const END = Buffer.from('f932433186182072008242104116d8f2', 'hex');
export const framed = (text: string) => Buffer.concat([START, Buffer.from(text), END]).toString('latin1');

export function uvarint(n: number): Buffer {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return Buffer.from(out);
}

/** A minimal ELF file: a null section, the given sections, then .shstrtab. */
export function elf(
  bits: 32 | 64,
  little: boolean,
  sections: { name: string; addr: number; data: Buffer }[],
  machine = 0,
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
  w16(18, machine);
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
export function inline(version: string, modinfo: string, ptrSize = 8): Buffer {
  const header = Buffer.alloc(32);
  header.write('\xff Go buildinf:', 0, 'latin1');
  header[14] = ptrSize;
  header[15] = 0x2;
  const v = Buffer.from(version);
  const m = Buffer.from(modinfo, 'latin1');
  return Buffer.concat([header, uvarint(v.length), v, uvarint(m.length), m]);
}

/** A Go binary for a target (ELF machine and class) whose build info is `modinfo` lines. */
export function goBinary(
  target: { machine: number; bits: 32 | 64 },
  goVersion: string,
  modinfo: string[],
): Buffer {
  return elf(
    target.bits,
    true,
    [
      {
        name: '.go.buildinfo',
        addr: 0x2000,
        data: inline(goVersion, framed(modinfo.join('\n') + '\n'), target.bits / 8),
      },
    ],
    target.machine,
  );
}
