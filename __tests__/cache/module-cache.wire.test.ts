// The real @actions/cache client (v2 service: twirp + blob storage, tar + zstd) through the
// adapter, against the local cache service stand-in over loopback HTTP.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { moduleCacheKeys, restoreModuleCache, saveModuleCache } from '../../src/cache/module-cache';
import { recorder, removeTree, snapshot, writeModuleTree, useCacheTestBed } from './wire-helpers';

const keysFor = (goSum: string | undefined, goVersion = '1.24.4') =>
  moduleCacheKeys({ goVersion, goSum, os: 'linux' });

const bed = useCacheTestBed();

const ops = () => bed.service.requests().map((r) => `${r.op} ${r.status}`);

describe('module cache over the wire', () => {
  it('miss, save, then an exact hit restores the identical tree (read-only files and folders) into an empty folder', async () => {
    const keys = keysFor('example.com/a v1.2.3 h1:abc=\n');
    const log = recorder();

    const first = await restoreModuleCache(bed.box.modCache, keys, log);
    expect(first).toEqual({ hit: 'miss' });
    expect(ops()).toEqual(['GetCacheEntryDownloadURL 200']);

    await writeModuleTree(bed.box.modCache, 'a');
    const before = await snapshot(bed.box.modCache);
    expect(Object.values(before).filter((v) => v.startsWith('file 444')).length).toBe(6);
    expect(Object.values(before).filter((v) => v === 'dir 555').length).toBe(4);

    const saved = await saveModuleCache(bed.box.modCache, keys, first, log);
    expect(saved).toEqual({ saved: true });
    expect(log.warnings).toEqual([]);
    const entries = bed.service.entries();
    expect(entries.map((e) => [e.key, e.finalized, e.declaredSize === e.bytes.length])).toEqual([
      [keys.primary, true, true],
    ]);
    // zstd-compressed tar (magic 28 b5 2f fd), uploaded as one Put Blob.
    expect(entries[0]!.bytes.subarray(0, 4).toString('hex')).toBe('28b52ffd');
    expect(ops().slice(1)).toEqual(['CreateCacheEntry 200', 'PutBlob 201', 'FinalizeCacheEntryUpload 200']);

    // Next run: a fresh, existing, empty folder.
    await removeTree(bed.box.modCache);
    await mkdir(bed.box.modCache, { recursive: true });
    const second = await restoreModuleCache(bed.box.modCache, keys, log);
    expect(second).toEqual({ hit: 'exact', matchedKey: keys.primary });
    expect(await snapshot(bed.box.modCache)).toEqual(before);
    expect(bed.service.requests().at(-1)).toMatchObject({ op: 'GetBlob', status: 200 });

    // And a folder that does not exist yet.
    await removeTree(bed.box.modCache);
    expect(await restoreModuleCache(bed.box.modCache, keys, log)).toEqual({
      hit: 'exact',
      matchedKey: keys.primary,
    });
    expect(await snapshot(bed.box.modCache)).toEqual(before);
    expect(log.warnings).toEqual([]);
  });

  it('an exact hit does not save again', async () => {
    const keys = keysFor('sum-1');
    const log = recorder();
    await writeModuleTree(bed.box.modCache, 'b');
    expect(await saveModuleCache(bed.box.modCache, keys, { hit: 'miss' }, log)).toEqual({ saved: true });
    await removeTree(bed.box.modCache);

    const restored = await restoreModuleCache(bed.box.modCache, keys, log);
    expect(restored.hit).toBe('exact');
    const count = bed.service.requests().length;
    expect(await saveModuleCache(bed.box.modCache, keys, restored, log)).toEqual({
      saved: false,
      skipped: 'exact-hit',
    });
    expect(bed.service.requests().length).toBe(count);
    expect(bed.service.entries()).toHaveLength(1);
  });

  it('a partial hit by restore key restores the older entry and then saves under the new primary key', async () => {
    const oldKeys = keysFor('old go.sum');
    const newKeys = keysFor('new go.sum');
    const otherGo = keysFor('new go.sum', '1.23.9');
    const log = recorder();
    await writeModuleTree(bed.box.modCache, 'old');
    await saveModuleCache(bed.box.modCache, oldKeys, { hit: 'miss' }, log);
    const oldTree = await snapshot(bed.box.modCache);
    await removeTree(bed.box.modCache);

    // Another Go version does not match the restore prefix.
    expect(await restoreModuleCache(bed.box.modCache, otherGo, log)).toEqual({ hit: 'miss' });

    const restored = await restoreModuleCache(bed.box.modCache, newKeys, log);
    expect(restored).toEqual({ hit: 'partial', matchedKey: oldKeys.primary });
    expect(await snapshot(bed.box.modCache)).toEqual(oldTree);

    await writeModuleTree(bed.box.modCache, 'new');
    expect(await saveModuleCache(bed.box.modCache, newKeys, restored, log)).toEqual({ saved: true });
    expect(bed.service.entries().map((e) => e.key)).toEqual([oldKeys.primary, newKeys.primary]);
    expect(log.warnings).toEqual([]);

    // The newest entry wins for the prefix now; the exact key still wins for itself.
    await removeTree(bed.box.modCache);
    expect(await restoreModuleCache(bed.box.modCache, keysFor('third go.sum'), log)).toEqual({
      hit: 'partial',
      matchedKey: newKeys.primary,
    });
    await removeTree(bed.box.modCache);
    expect(await restoreModuleCache(bed.box.modCache, oldKeys, log)).toEqual({
      hit: 'exact',
      matchedKey: oldKeys.primary,
    });
  });

  it('another job saving the same key first: the save is a warning and resolves', async () => {
    const keys = keysFor('contended');
    await writeModuleTree(bed.box.modCache, 'c');
    const a = recorder();
    const b = recorder();
    expect(await saveModuleCache(bed.box.modCache, keys, { hit: 'miss' }, a)).toEqual({ saved: true });
    expect(await saveModuleCache(bed.box.modCache, keys, { hit: 'miss' }, b)).toEqual({ saved: false });
    expect(b.warnings).toEqual([expect.stringContaining(`not saved under ${keys.primary}`)]);
    expect(bed.service.requests().at(-1)).toMatchObject({ op: 'CreateCacheEntry', status: 409 });
    expect(bed.service.entries()).toHaveLength(1);
  });

  it('rate limited (429) on save: a warning, nothing stored; the next run saves', async () => {
    const keys = keysFor('limited');
    await writeModuleTree(bed.box.modCache, 'd');
    bed.service.inject({ op: 'CreateCacheEntry', status: 429, retryAfter: 30 });
    const log = recorder();
    expect(await saveModuleCache(bed.box.modCache, keys, { hit: 'miss' }, log)).toEqual({ saved: false });
    expect(log.warnings).toHaveLength(1);
    expect(bed.service.entries()).toEqual([]);
    expect(await saveModuleCache(bed.box.modCache, keys, { hit: 'miss' }, recorder())).toEqual({
      saved: true,
    });
  });

  it('a rejected restore (403 on the lookup) is a miss, not an error', async () => {
    bed.service.inject({ op: 'GetCacheEntryDownloadURL', status: 403 });
    const log = recorder();
    await expect(restoreModuleCache(bed.box.modCache, keysFor('x'), log)).resolves.toEqual({ hit: 'miss' });
  });

  it('the cache service is down: restore is a miss and save a warning, both resolve', async () => {
    const keys = keysFor('down');
    await bed.service.close(); // connection refused from here on
    const log = recorder();
    expect(await restoreModuleCache(bed.box.modCache, keys, log)).toEqual({ hit: 'miss' });
    await writeModuleTree(bed.box.modCache, 'e');
    expect(await saveModuleCache(bed.box.modCache, keys, { hit: 'miss' }, log)).toEqual({ saved: false });
    expect(log.warnings).toEqual([expect.stringContaining('not saved')]);
  });

  it('no cache service on the runner: both steps are skipped quietly, without a request', async () => {
    bed.useEnv({
      ...bed.box.env(),
      ACTIONS_CACHE_SERVICE_V2: 'true',
      GITHUB_SERVER_URL: 'https://github.com',
    });
    const keys = keysFor('none');
    const log = recorder();
    expect(await restoreModuleCache(bed.box.modCache, keys, log)).toEqual({
      hit: 'miss',
      skipped: 'unavailable',
    });
    await writeModuleTree(bed.box.modCache, 'f');
    expect(await saveModuleCache(bed.box.modCache, keys, { hit: 'miss' }, log)).toEqual({
      saved: false,
      skipped: 'unavailable',
    });
    expect(log.warnings).toEqual([]);
    expect(bed.service.requests()).toEqual([]);
  });

  it('a folder that already holds modules is not restored over (and no request is made)', async () => {
    const keys = keysFor('present');
    await writeModuleTree(bed.box.modCache, 'p');
    const tree = await snapshot(bed.box.modCache);
    const log = recorder();
    expect(await restoreModuleCache(bed.box.modCache, keys, log)).toEqual({
      hit: 'miss',
      skipped: 'not-empty',
    });
    expect(bed.service.requests()).toEqual([]);
    expect(await snapshot(bed.box.modCache)).toEqual(tree);
  });

  it('an entry saved from another workspace unpacks elsewhere: a warning and a miss', async () => {
    const keys = keysFor('moved');
    await writeModuleTree(bed.box.modCache, 'm');
    expect(await saveModuleCache(bed.box.modCache, keys, { hit: 'miss' }, recorder())).toEqual({
      saved: true,
    });
    await removeTree(bed.box.modCache);
    // tar paths are relative to GITHUB_WORKSPACE; one level deeper puts them somewhere else.
    process.env['GITHUB_WORKSPACE'] = join(bed.box.root, 'work', 'nested', 'plugin');
    await mkdir(process.env['GITHUB_WORKSPACE'], { recursive: true });
    const log = recorder();
    expect(await restoreModuleCache(bed.box.modCache, keys, log)).toEqual({ hit: 'miss' });
    expect(log.warnings).toEqual([expect.stringContaining('still empty')]);
  });

  it('an empty or missing module cache is not saved', async () => {
    const log = recorder();
    expect(await saveModuleCache(bed.box.modCache, keysFor('e'), { hit: 'miss' }, log)).toEqual({
      saved: false,
      skipped: 'empty',
    });
    await mkdir(bed.box.modCache, { recursive: true });
    expect(await saveModuleCache(bed.box.modCache, keysFor('e'), { hit: 'miss' }, log)).toEqual({
      saved: false,
      skipped: 'empty',
    });
    expect(bed.service.requests()).toEqual([]);
  });
});
