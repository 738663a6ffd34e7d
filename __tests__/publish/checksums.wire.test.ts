// formatChecksums against the real GNU sha256sum: the same text it prints, and `sha256sum -c` accepts it.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { sha256File, writeChecksums, formatChecksums } from '../../src/publish/checksums';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'checksums-wire-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const NAMES = [
  'plugin-linux-amd64.so',
  'Plugin-linux-386.so',
  'with space.so',
  'back\\slash.so',
  'new\nline.so',
  'é.so',
  'empty.so',
];

it('prints exactly what sha256sum prints, and sha256sum -c verifies it', async () => {
  for (const name of NAMES)
    writeFileSync(join(dir, name), name === 'empty.so' ? Buffer.alloc(0) : randomBytes(4096));
  const entries = await Promise.all(
    NAMES.map(async (fileName) => ({ fileName, sha256: await sha256File(join(dir, fileName)) })),
  );

  const sorted = [...NAMES].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  const real = spawnSync('sha256sum', ['--', ...sorted], { cwd: dir, encoding: 'utf8' });
  expect(real.status).toBe(0);
  expect(formatChecksums(entries)).toBe(real.stdout);

  await writeChecksums(dir, entries);
  const check = spawnSync('sha256sum', ['-c', '--strict', 'checksums.txt'], { cwd: dir, encoding: 'utf8' });
  expect(check.stderr).toBe('');
  expect(check.status).toBe(0);

  writeFileSync(join(dir, 'with space.so'), 'changed');
  const bad = spawnSync('sha256sum', ['-c', 'checksums.txt'], { cwd: dir, encoding: 'utf8' });
  expect(bad.status).toBe(1);
  expect(bad.stdout).toContain('with space.so: FAILED');
});
