// Slower wire tests (the clients' own retry back-off runs for real): faults on the cache service
// and storage, and the storage calls the Azure SDK makes for large archives (Put Block / Put Block
// List) and for *.blob.core.windows.net downloads (ranged Get Blob, Get Blob Properties), driven
// through the same @azure/storage-blob that @actions/cache bundles.
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { moduleCacheKeys, restoreModuleCache, saveModuleCache } from '../../src/cache/module-cache';
import { CACHE_TWIRP_PREFIX } from '../support/cache-service';
import { recorder, removeTree, snapshot, writeModuleTree, useCacheTestBed } from './wire-helpers';

type StorageBlob = typeof import('@azure/storage-blob');
const { BlockBlobClient } = createRequire(resolve('node_modules/@actions/cache/lib/cache.js'))(
  '@azure/storage-blob',
) as StorageBlob;

const keysFor = (goSum: string) => moduleCacheKeys({ goVersion: '1.24.4', goSum, os: 'linux' });

const bed = useCacheTestBed();

async function twirp(method: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(new URL(`${CACHE_TWIRP_PREFIX.slice(1)}${method}`, bed.service.url), {
    method: 'POST',
    headers: {
      authorization: `Bearer ${bed.service.env()['ACTIONS_RUNTIME_TOKEN']}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, unknown>;
}

describe('cache service stand-in: storage as the Azure SDK uses it', () => {
  it('Put Block + Put Block List upload, then ranged downloads and properties return the same bytes', async () => {
    const data = randomBytes(10_000 + 37);
    const created = await twirp('CreateCacheEntry', { key: 'big', version: 'v1' });
    expect(created['ok']).toBe(true);
    const uploader = new BlockBlobClient(String(created['signed_upload_url']));
    await uploader.uploadData(data, { blockSize: 1024, maxSingleShotSize: 1024, concurrency: 3 });
    const puts = bed.service.requests().filter((r) => r.op === 'PutBlock');
    expect(puts).toHaveLength(10);
    expect(bed.service.requests().filter((r) => r.op === 'PutBlockList')).toEqual([
      expect.objectContaining({ status: 201 }),
    ]);
    // Not visible before it is finalized.
    expect(await twirp('GetCacheEntryDownloadURL', { key: 'big', version: 'v1' })).toMatchObject({
      ok: false,
    });
    expect(
      await twirp('FinalizeCacheEntryUpload', { key: 'big', version: 'v1', size_bytes: String(data.length) }),
    ).toMatchObject({ ok: true, entry_id: expect.stringMatching(/^\d+$/) });

    const found = await twirp('GetCacheEntryDownloadURL', {
      key: 'other',
      restore_keys: ['bi'],
      version: 'v1',
    });
    expect(found).toMatchObject({ ok: true, matched_key: 'big' });
    // A wrong version does not match.
    expect(await twirp('GetCacheEntryDownloadURL', { key: 'big', version: 'v2' })).toMatchObject({
      ok: false,
    });

    const reader = new BlockBlobClient(String(found['signed_download_url']));
    expect((await reader.getProperties()).contentLength).toBe(data.length);
    const whole = await reader.downloadToBuffer(0, data.length, { blockSize: 4096, concurrency: 2 });
    expect(whole.equals(data)).toBe(true);
    const middle = await reader.downloadToBuffer(5000, 100);
    expect(middle.equals(data.subarray(5000, 5100))).toBe(true);
    const ranges = bed.service
      .requests()
      .filter((r) => r.op === 'GetBlob')
      .map((r) => `${r.range} ${r.status}`);
    expect(ranges).toEqual(
      expect.arrayContaining([
        'bytes=0-4095 206',
        'bytes=4096-8191 206',
        'bytes=8192-10036 206',
        'bytes=5000-5099 206',
      ]),
    );

    // The download URL cannot write, the upload URL of a finalized entry neither.
    await expect(reader.upload(Buffer.from('x'), 1)).rejects.toMatchObject({ statusCode: 403 });
    await expect(uploader.upload(Buffer.from('x'), 1)).rejects.toMatchObject({ statusCode: 409 });
    expect(bed.service.entries()[0]!.bytes.equals(data)).toBe(true);
  });
});

describe('module cache over the wire: faults the clients retry', () => {
  it('a 503 on the archive download is retried and the restore still hits; a 500 is a miss, not an error', async () => {
    const keys = keysFor('retry-download');
    await writeModuleTree(bed.box.modCache, 'g');
    const tree = await snapshot(bed.box.modCache);
    expect(await saveModuleCache(bed.box.modCache, keys, { hit: 'miss' }, recorder())).toEqual({
      saved: true,
    });
    await removeTree(bed.box.modCache);
    bed.service.inject({ op: 'GetBlob', status: 503 });
    expect(await restoreModuleCache(bed.box.modCache, keys, recorder())).toEqual({
      hit: 'exact',
      matchedKey: keys.primary,
    });
    expect(await snapshot(bed.box.modCache)).toEqual(tree);
    expect(
      bed.service
        .requests()
        .filter((r) => r.op === 'GetBlob')
        .map((r) => r.status),
    ).toEqual([503, 200]);

    // @actions/cache does not retry a 500 on the download: the run goes on without the cache.
    await removeTree(bed.box.modCache);
    bed.service.inject({ op: 'GetBlob', status: 500 });
    await expect(restoreModuleCache(bed.box.modCache, keys, recorder())).resolves.toEqual({ hit: 'miss' });
  });

  it('a dropped upload connection is retried and the save succeeds', async () => {
    const keys = keysFor('retry-upload');
    await writeModuleTree(bed.box.modCache, 'h');
    bed.service.inject({ op: 'PutBlob', drop: true });
    const log = recorder();
    expect(await saveModuleCache(bed.box.modCache, keys, { hit: 'miss' }, log)).toEqual({ saved: true });
    expect(
      bed.service
        .requests()
        .filter((r) => r.op === 'PutBlob')
        .map((r) => r.status),
    ).toEqual(['dropped', 201]);
    expect(bed.service.entries().map((e) => [e.key, e.finalized])).toEqual([[keys.primary, true]]);
  });

  it('a 500 from the cache service on save (after all retries) is a warning and resolves', async () => {
    const keys = keysFor('server-error');
    await writeModuleTree(bed.box.modCache, 'i');
    bed.service.inject({ op: 'CreateCacheEntry', status: 500, times: 100 });
    const log = recorder();
    expect(await saveModuleCache(bed.box.modCache, keys, { hit: 'miss' }, log)).toEqual({ saved: false });
    expect(log.warnings).toEqual([expect.stringContaining(`not saved under ${keys.primary}`)]);
    expect(bed.service.requests().map((r) => `${r.op} ${r.status}`)).toEqual(
      Array(5).fill('CreateCacheEntry 500'),
    );
    expect(bed.service.entries()).toEqual([]);
  });

  it('a 500 on the upload itself (after all retries) is a warning and resolves', async () => {
    const keys = keysFor('storage-error');
    await writeModuleTree(bed.box.modCache, 'j');
    bed.service.inject({ op: 'PutBlob', status: 500, times: 100 });
    const log = recorder();
    expect(await saveModuleCache(bed.box.modCache, keys, { hit: 'miss' }, log)).toEqual({ saved: false });
    expect(log.warnings).toHaveLength(1);
    expect(bed.service.entries().map((e) => e.finalized)).toEqual([false]);
    // Nothing half-written can be restored.
    await removeTree(bed.box.modCache);
    expect(await restoreModuleCache(bed.box.modCache, keys, recorder())).toEqual({ hit: 'miss' });
  });
});
