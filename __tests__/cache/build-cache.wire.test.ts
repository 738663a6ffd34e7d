// The build cache adapter with the real @actions/cache client against the cache service stand-in:
// a GOCACHE-shaped tree saved, restored exactly or by its restore key, merged into what is there.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildCacheKeys, restoreBuildCache, saveBuildCache } from '../../src/cache/build-cache';
import { recorder, removeTree, snapshot, useCacheTestBed } from './wire-helpers';

const ID_A = `sha256:${'a'.repeat(64)}`;
const ID_B = `sha256:${'b'.repeat(64)}`;
const keysFor = (goSum: string, imageId = ID_A) =>
  buildCacheKeys({ goVersion: '1.24.4', images: [{ target: 'linux-amd64', imageId }], goSum, os: 'linux' });

/** A tree shaped like GOCACHE: README, trim.txt and two-hex-digit folders of `<hash>-a` / `-d` files. */
async function writeGoCache(dir: string, seed: string): Promise<void> {
  await mkdir(join(dir, '0a'), { recursive: true });
  await mkdir(join(dir, 'ff'), { recursive: true });
  await writeFile(
    join(dir, 'README'),
    'This directory holds cached build artifacts from the Go build system.\n',
  );
  await writeFile(join(dir, 'trim.txt'), '1795700000\n');
  await writeFile(join(dir, '0a', `0a${seed}-a`), `v1 0a${seed} out\n`);
  await writeFile(join(dir, 'ff', `ff${seed}-d`), Buffer.alloc(200_000, seed));
}

const bed = useCacheTestBed();
const dirOf = () => join(bed.box.runnerTemp, 'flow-plugin-build', 'gocache');

describe('build cache over the wire', () => {
  it('miss, save, then an exact hit restores the same tree; an exact hit is not saved again', async () => {
    const dir = dirOf();
    const keys = keysFor('sum 1');
    const log = recorder();
    expect(await restoreBuildCache(dir, keys, log)).toEqual({ hit: 'miss' });
    await writeGoCache(dir, '1');
    const before = await snapshot(dir);
    expect(await saveBuildCache(dir, keys, { hit: 'miss' }, log)).toEqual({ saved: true });
    expect(bed.service.entries().map((e) => [e.key, e.finalized])).toEqual([[keys.primary, true]]);

    await removeTree(dir);
    const restored = await restoreBuildCache(dir, keys, log);
    expect(restored).toEqual({ hit: 'exact', matchedKey: keys.primary });
    expect(await snapshot(dir)).toEqual(before);
    const count = bed.service.requests().length;
    expect(await saveBuildCache(dir, keys, restored, log)).toEqual({ saved: false, skipped: 'exact-hit' });
    expect(bed.service.requests()).toHaveLength(count);
    expect(log.warnings).toEqual([]);
  });

  it('a changed go.sum restores the entry of the same Go and images, then saves its own; other images miss', async () => {
    const dir = dirOf();
    const log = recorder();
    const old = keysFor('old sum');
    await writeGoCache(dir, '2');
    await saveBuildCache(dir, old, { hit: 'miss' }, log);
    const oldTree = await snapshot(dir);
    await removeTree(dir);

    expect(await restoreBuildCache(dir, keysFor('new sum', ID_B), log)).toEqual({ hit: 'miss' });
    const next = keysFor('new sum');
    const restored = await restoreBuildCache(dir, next, log);
    expect(restored).toEqual({ hit: 'partial', matchedKey: old.primary });
    expect(await snapshot(dir)).toEqual(oldTree);
    expect(log.infos).toContain(
      `Go build cache restored from ${old.primary} (restore key; ${next.primary} will be saved).`,
    );
    await writeGoCache(dir, '3');
    expect(await saveBuildCache(dir, next, restored, log)).toEqual({ saved: true });
    expect(bed.service.entries().map((e) => e.key)).toEqual([old.primary, next.primary]);
  });

  it('restores into a folder that already holds cache files, keeping them', async () => {
    const dir = dirOf();
    const keys = keysFor('merge');
    await writeGoCache(dir, '4');
    await saveBuildCache(dir, keys, { hit: 'miss' }, recorder());
    await removeTree(dir);
    await writeGoCache(dir, '5');
    expect((await restoreBuildCache(dir, keys, recorder())).hit).toBe('exact');
    const tree = await snapshot(dir);
    expect(Object.keys(tree)).toEqual(
      expect.arrayContaining(['0a/0a4-a', '0a/0a5-a', 'ff/ff4-d', 'ff/ff5-d']),
    );
  });

  it('the service down or refusing: a warning or a miss, never a throw', async () => {
    const dir = dirOf();
    bed.service.inject({ op: 'GetCacheEntryDownloadURL', status: 403 });
    expect(await restoreBuildCache(dir, keysFor('x'), recorder())).toEqual({ hit: 'miss' });
    await bed.service.close();
    await writeGoCache(dir, '6');
    const log = recorder();
    expect(await saveBuildCache(dir, keysFor('x'), { hit: 'miss' }, log)).toEqual({ saved: false });
    expect(log.warnings).toEqual([expect.stringContaining('Go build cache not saved')]);
  });

  it('no cache service on the runner: skipped quietly, without a request', async () => {
    bed.useEnv({
      ...bed.box.env(),
      ACTIONS_CACHE_SERVICE_V2: 'true',
      GITHUB_SERVER_URL: 'https://github.com',
    });
    const dir = dirOf();
    const log = recorder();
    expect(await restoreBuildCache(dir, keysFor('n'), log)).toEqual({ hit: 'miss', skipped: 'unavailable' });
    await writeGoCache(dir, '7');
    expect(await saveBuildCache(dir, keysFor('n'), { hit: 'miss' }, log)).toEqual({
      saved: false,
      skipped: 'unavailable',
    });
    expect(log.warnings).toEqual([]);
    expect(bed.service.requests()).toEqual([]);
  });
});
