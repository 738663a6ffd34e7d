// The module cache adapter bundled the way scripts/bundle.mjs bundles the action (esbuild, CJS,
// import.meta.url shim), run in fresh node processes against the stand-in - as a non-root user
// (nobody) when the tests run as root, so Go's read-only files and folders are really read-only.
import { spawn } from 'node:child_process';
import { chown, lstat, mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'esbuild';
import { bundleOptions } from '../../scripts/bundle-options.mjs';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { moduleCacheKeys } from '../../src/cache/module-cache';
import { startCacheService, type CacheService } from '../support/cache-service';
import { removeTree, sandbox, snapshot, writeModuleTree, type Sandbox } from './wire-helpers';

const asRoot = process.getuid?.() === 0;
const NOBODY = 65534;

let service: CacheService;
let box: Sandbox;

beforeEach(async () => {
  service = await startCacheService();
  box = await sandbox();
});

afterEach(async () => {
  await service.close();
  await box.cleanup();
});

const DRIVER = `
const m = require(process.argv[2]);
const [, , , mode, dir, goSum, restoredJson] = process.argv;
const log = { infos: [], warnings: [], info(s) { this.infos.push(s); }, warning(s) { this.warnings.push(s); } };
(async () => {
  const keys = m.moduleCacheKeys({ goVersion: '1.24.4', goSum, os: 'linux' });
  const result = mode === 'restore'
    ? await m.restoreModuleCache(dir, keys, log)
    : await m.saveModuleCache(dir, keys, JSON.parse(restoredJson), log);
  process.stdout.write('\\nRESULT ' + JSON.stringify({ result, warnings: log.warnings, uid: process.getuid() }) + '\\n');
})();
`;

async function chownTree(p: string, uid: number): Promise<void> {
  await chown(p, uid, uid);
  if ((await lstat(p)).isDirectory()) for (const n of await readdir(p)) await chownTree(join(p, n), uid);
}

function run(
  bundle: string,
  driver: string,
  args: string[],
): Promise<{ result: unknown; warnings: string[]; uid: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [driver, bundle, ...args], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...service.env(), ...box.env() },
      cwd: box.workspace,
      ...(asRoot && { uid: NOBODY, gid: NOBODY }),
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('RESULT '));
      if (code !== 0 || !line) reject(new Error(`driver exited ${code}: ${err}\n${out}`));
      else
        resolve(
          JSON.parse(line.slice('RESULT '.length)) as { result: unknown; warnings: string[]; uid: number },
        );
    });
  });
}

it('the bundled adapter saves and restores read-only module trees from a fresh node process', async () => {
  const bundle = join(box.root, 'mc.cjs');
  const driver = join(box.root, 'driver.cjs');
  await build({
    ...bundleOptions,
    logLevel: 'error',
    entryPoints: ['src/cache/module-cache.ts'],
    outfile: bundle,
  });
  await writeFile(driver, DRIVER);
  await writeModuleTree(box.modCache, 'bundled');
  const tree = await snapshot(box.modCache);
  if (asRoot) await chownTree(box.root, NOBODY);

  const goSum = 'example.com/bundled/lib v1.2.3 h1:q=\n';
  const primary = moduleCacheKeys({ goVersion: '1.24.4', goSum, os: 'linux' }).primary;
  const miss = await run(bundle, driver, ['restore', box.modCache, goSum]);
  expect(miss).toMatchObject({ result: { hit: 'miss' }, warnings: [] });
  expect(miss.uid).not.toBe(0);
  expect(await run(bundle, driver, ['save', box.modCache, goSum, JSON.stringify(miss.result)])).toMatchObject(
    {
      result: { saved: true },
      warnings: [],
    },
  );
  expect(service.entries().map((e) => [e.key, e.finalized])).toEqual([[primary, true]]);

  await removeTree(box.modCache);
  await mkdir(box.modCache);
  if (asRoot) await chown(box.modCache, NOBODY, NOBODY);
  const hit = await run(bundle, driver, ['restore', box.modCache, goSum]);
  expect(hit).toMatchObject({ result: { hit: 'exact', matchedKey: primary }, warnings: [] });
  expect(await snapshot(box.modCache)).toEqual(tree);
  expect((await lstat(join(box.modCache, 'example.com/bundled/lib@v1.2.3/lib.go'))).uid).toBe(hit.uid);

  // A folder that already holds modules (read-only folders included) is used as it is: tar could
  // not unpack over it as a normal user.
  const requests = service.requests().length;
  const again = await run(bundle, driver, ['restore', box.modCache, goSum]);
  expect(again).toMatchObject({ result: { hit: 'miss', skipped: 'not-empty' }, warnings: [] });
  expect(service.requests().length).toBe(requests);
  expect(await snapshot(box.modCache)).toEqual(tree);
});
