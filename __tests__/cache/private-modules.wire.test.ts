// Issue 27: private module sources never go to the Actions cache. The module cache saved after a
// run with private patterns is opened from the cache stand-in (zstd + tar, as the runner's
// @actions/cache wrote it): the public module is there, the private one and Go's git checkouts
// (cache/vcs) are not. An authenticated module proxy (the netrc input) saves nothing.
import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { moduleCacheKeys, saveModuleCache } from '../../src/cache/module-cache';
import { recorder, useCacheTestBed, writeModuleTree } from './wire-helpers';

const bed = useCacheTestBed();
const keys = moduleCacheKeys({ goVersion: '1.24.4', goSum: 'x', os: 'linux' });

/** The paths inside the one saved archive. */
function archiveNames(): string[] {
  const [entry] = bed.service.entries();
  const tar = execFileSync('zstd', ['-dc'], { input: entry!.bytes, maxBuffer: 64 << 20 });
  return execFileSync('tar', ['-t'], { input: tar, maxBuffer: 64 << 20 })
    .toString()
    .split('\n')
    .filter((l) => l !== '');
}

async function privateRunTree(): Promise<void> {
  await writeModuleTree(bed.box.modCache, 'public');
  await writeModuleTree(bed.box.modCache, 'secret');
  await mkdir(join(bed.box.modCache, 'cache/vcs/0123abcd/objects'), { recursive: true });
  await writeFile(join(bed.box.modCache, 'cache/vcs/0123abcd/objects/pack'), 'git objects of a private repo');
}

describe('issue 27: the module cache of a run with private modules', () => {
  it('is saved without the modules the private patterns match, nor git checkouts', async () => {
    await privateRunTree();
    const log = recorder();
    const saved = await saveModuleCache(bed.box.modCache, keys, { hit: 'miss' }, log, {
      privatePatterns: ['example.com/secret'],
    });
    expect(saved).toEqual({ saved: true });
    const names = archiveNames();
    expect(names.some((n) => n.includes('example.com/public/lib@v1.2.3/lib.go'))).toBe(true);
    expect(names.some((n) => n.includes('cache/download/example.com/public/lib/@v/v1.2.3.zip'))).toBe(true);
    expect(names.filter((n) => n.includes('secret'))).toEqual([]);
    expect(names.filter((n) => n.includes('cache/vcs'))).toEqual([]);
    expect(log.infos).toContainEqual(
      expect.stringMatching(
        /^Go module cache: left out of the saved cache \(private: example\.com\/secret\): example\.com\/secret\/lib@v1\.2\.3, and Go's git checkouts \(cache\/vcs\)/,
      ),
    );
  });

  it('with the netrc input (an authenticated module proxy) is not saved, and the log says why', async () => {
    await privateRunTree();
    const log = recorder();
    const saved = await saveModuleCache(bed.box.modCache, keys, { hit: 'miss' }, log, {
      privatePatterns: [],
      privateProxy: true,
    });
    expect(saved).toEqual({ saved: false, skipped: 'private' });
    expect(bed.service.entries()).toEqual([]);
    expect(log.infos).toContainEqual(expect.stringMatching(/^Go module cache: not saved: the netrc input/));
  });
});
