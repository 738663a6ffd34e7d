import { mkdir, open, readFile } from 'node:fs/promises';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeFsError, isFsError, plainFsError } from '../../src/fs/problems';

const caught = async (p: Promise<unknown>): Promise<unknown> =>
  p.then(
    () => undefined,
    (e: unknown) => e,
  );

describe('plain words for file-system errors (issue 12)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'problems-'));
  writeFileSync(join(dir, 'file'), 'x');

  it.each([
    ['ENOENT', 'x does not exist (expected a folder)'],
    ['ENOTDIR', 'a part of x is a file, not a folder (expected a folder)'],
    ['EISDIR', 'x is a folder, not a file (expected a folder)'],
    ['EEXIST', 'x already exists and is not a folder'],
    ['EACCES', "x cannot be used: permission denied for the runner's user (expected a folder)"],
  ])('%s', (code, text) => {
    expect(describeFsError(Object.assign(new Error(code), { code }), 'x', 'a folder')).toBe(text);
  });

  it('real errors: no bare code, the path and what was expected', async () => {
    const notDir = await caught(mkdir(join(dir, 'file', 'sub')));
    const isDir = await caught(readFile(dir));
    const exists = await caught(open(join(dir, 'file'), 'wx'));
    for (const e of [notDir, isDir, exists]) {
      expect(isFsError(e)).toBe(true);
      const m = plainFsError(e as NodeJS.ErrnoException);
      expect(m).not.toMatch(/\bE[A-Z]{3,}\b/);
      if ((e as NodeJS.ErrnoException).path) expect(m).toContain(dir);
    }
    expect(isFsError(new Error('plain'))).toBe(false);
  });
});
