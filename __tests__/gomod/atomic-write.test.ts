import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileAtomic, writeFileAtomicSync } from '../../src/fs/atomic-write';

let dir = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'atomic-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('writeFileAtomic', () => {
  it('replaces a file (new inode), keeps its mode, leaves no temp file', async () => {
    const p = join(dir, 'go.mod');
    writeFileSync(p, 'old');
    chmodSync(p, 0o600);
    const ino = statSync(p).ino;
    await writeFileAtomic(p, 'new content');
    expect(readFileSync(p, 'utf8')).toBe('new content');
    expect(statSync(p).mode & 0o777).toBe(0o600);
    expect(statSync(p).ino).not.toBe(ino);
    expect(readdirSync(dir)).toEqual(['go.mod']);
  });

  it('creates a missing file and writes bytes as given', async () => {
    const p = join(dir, 'new.bin');
    await writeFileAtomic(p, Uint8Array.from([0, 255, 10]));
    expect([...readFileSync(p)]).toEqual([0, 255, 10]);
  });

  it('on error removes the temp file, leaves the target untouched and rethrows', async () => {
    const target = join(dir, 'target');
    mkdirSync(target);
    writeFileSync(join(target, 'inside'), 'keep');
    await expect(writeFileAtomic(target, 'x')).rejects.toThrow();
    expect(readdirSync(dir)).toEqual(['target']);
    expect(readFileSync(join(target, 'inside'), 'utf8')).toBe('keep');
  });

  it('fails without side effects when the folder does not exist', async () => {
    await expect(writeFileAtomic(join(dir, 'no', 'such', 'file'), 'x')).rejects.toThrow(/ENOENT/);
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('writeFileAtomicSync', () => {
  it('replaces a file (new inode), keeps its mode, leaves no temp file', () => {
    const p = join(dir, 'go.mod');
    writeFileSync(p, 'old');
    chmodSync(p, 0o640);
    const ino = statSync(p).ino;
    writeFileAtomicSync(p, Uint8Array.from([0x2f, 0x2f, 0xff, 10]));
    expect([...readFileSync(p)]).toEqual([0x2f, 0x2f, 0xff, 10]);
    expect(statSync(p).mode & 0o777).toBe(0o640);
    expect(statSync(p).ino).not.toBe(ino);
    expect(readdirSync(dir)).toEqual(['go.mod']);
  });

  it('on error removes the temp file, leaves the target untouched and rethrows', () => {
    const target = join(dir, 'target');
    mkdirSync(target);
    writeFileSync(join(target, 'inside'), 'keep');
    expect(() => writeFileAtomicSync(target, 'x')).toThrow();
    expect(readdirSync(dir)).toEqual(['target']);
    expect(() => writeFileAtomicSync(join(dir, 'no', 'such'), 'x')).toThrow(/ENOENT/);
    expect(readdirSync(dir)).toEqual(['target']);
  });
});
