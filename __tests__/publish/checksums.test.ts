import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatChecksums, parseChecksums, sha256File, writeChecksums } from '../../src/publish/checksums';

const A = 'a'.repeat(64);
const B = '0123456789abcdef'.repeat(4);

describe('formatChecksums', () => {
  it('writes sha256sum text-mode lines, sorted by name in byte order', () => {
    expect(
      formatChecksums([
        { fileName: 'plugin-linux-arm64.so', sha256: A },
        { fileName: 'plugin-linux-386.so', sha256: B },
        { fileName: 'Plugin-linux-amd64.so', sha256: A },
      ]),
    ).toBe(`${A}  Plugin-linux-amd64.so\n` + `${B}  plugin-linux-386.so\n` + `${A}  plugin-linux-arm64.so\n`);
  });

  it('is empty for no files', () => {
    expect(formatChecksums([])).toBe('');
  });

  it('escapes names the way GNU sha256sum does', () => {
    expect(formatChecksums([{ fileName: 'a\\b\nc', sha256: A }])).toBe(`\\${A}  a\\\\b\\nc\n`);
  });

  it('refuses bad hashes, folders and duplicates', () => {
    expect(() => formatChecksums([{ fileName: 'a.so', sha256: A.toUpperCase() }])).toThrow(
      /64 lowercase hex/,
    );
    expect(() => formatChecksums([{ fileName: 'a.so', sha256: 'abc' }])).toThrow(/64 lowercase hex/);
    expect(() => formatChecksums([{ fileName: 'build/a.so', sha256: A }])).toThrow(/plain file name/);
    expect(() =>
      formatChecksums([
        { fileName: 'a.so', sha256: A },
        { fileName: 'a.so', sha256: B },
      ]),
    ).toThrow(/listed twice/);
  });
});

describe('sha256File and writeChecksums', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'checksums-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('hashes a file', async () => {
    const data = Buffer.alloc(3 * 1024 * 1024 + 7, 0x5a);
    writeFileSync(join(dir, 'x.so'), data);
    expect(await sha256File(join(dir, 'x.so'))).toBe(createHash('sha256').update(data).digest('hex'));
    await expect(sha256File(join(dir, 'missing.so'))).rejects.toThrow(/ENOENT/);
  });

  it('writes checksums.txt in the folder, replacing an old one, and leaves no temporary file', async () => {
    writeFileSync(join(dir, 'checksums.txt'), 'old');
    const path = await writeChecksums(dir, [{ fileName: 'a.so', sha256: A }]);
    expect(path).toBe(join(dir, 'checksums.txt'));
    expect(readFileSync(path, 'utf8')).toBe(`${A}  a.so\n`);
    expect(readdirSync(dir)).toEqual(['checksums.txt']);
  });

  it('leaves the old file alone when the entries are invalid', async () => {
    writeFileSync(join(dir, 'checksums.txt'), 'old');
    await expect(writeChecksums(dir, [{ fileName: 'a.so', sha256: 'nope' }])).rejects.toThrow();
    expect(readFileSync(join(dir, 'checksums.txt'), 'utf8')).toBe('old');
    expect(readdirSync(dir)).toEqual(['checksums.txt']);
  });
});

describe('parseChecksums', () => {
  it('reads back what formatChecksums writes, escapes included', () => {
    const entries = [
      { fileName: 'a b.so', sha256: A },
      { fileName: 'back\\slash\nnew\rline.so', sha256: B },
      { fileName: 'z.so', sha256: B },
    ];
    expect(parseChecksums(formatChecksums(entries))).toEqual(entries);
  });

  it('reads binary-mode lines and uppercase hex, and refuses anything else', () => {
    expect(parseChecksums(`${A.toUpperCase()} *x.so\n`)).toEqual([{ fileName: 'x.so', sha256: A }]);
    expect(() => parseChecksums(`${A}  a.so\nnot a line\n`)).toThrow(/line 2/);
    expect(() => parseChecksums(`${A} a.so\n`)).toThrow(/line 1/);
  });
});
