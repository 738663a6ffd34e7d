import {
  lstatSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../src/fs/atomic-write';

describe('writeFileAtomic through a symlink (issue 12)', () => {
  it('keeps the symlink and replaces the file it points at, atomically', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'atomic-link-'));
    writeFileSync(join(dir, 'real.mod'), 'old');
    symlinkSync('real.mod', join(dir, 'go.mod'));
    await writeFileAtomic(join(dir, 'go.mod'), 'new');
    expect(lstatSync(join(dir, 'go.mod')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(dir, 'go.mod'))).toBe('real.mod');
    expect(readFileSync(join(dir, 'real.mod'), 'utf8')).toBe('new');
    expect(readdirSync(dir).sort()).toEqual(['go.mod', 'real.mod']);
  });
});
