// The real @actions/artifact client, through uploadPluginArtifacts, against the results-service
// stand-in over loopback HTTP.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { DefaultArtifactClient } from '@actions/artifact';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { uploadPluginArtifacts, type ArtifactUpload, type PluginFile } from '../../src/publish/artifacts';
import { sha256File, writeChecksums } from '../../src/publish/checksums';
import { startResultsService, type ResultsService } from '../support/results-service';

const SERVER_TAG = 'v2.6.0';

let service: ResultsService;
let dir: string;
let savedEnv: NodeJS.ProcessEnv;

beforeEach(async () => {
  service = await startResultsService({ repository: 'flow-test/auth-plugin', runId: '777' });
  dir = mkdtempSync(join(tmpdir(), 'artifacts-wire-'));
  // @actions/artifact reads its configuration from process.env when it is called; this file's
  // worker has its own process.env, restored after every test.
  savedEnv = { ...process.env };
  Object.assign(process.env, service.env(), { RUNNER_TEMP: dir });
  delete process.env['GITHUB_RETENTION_DAYS'];
  delete process.env['ACTIONS_ARTIFACT_UPLOAD_CONCURRENCY'];
});

afterEach(async () => {
  process.env = savedEnv;
  await service.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Plugins with random content; one is over the client's 8 MiB chunk, so it goes up as two blocks. */
function makePlugins(sizes: Record<string, number>): PluginFile[] {
  const out = join(dir, 'build');
  mkdirSync(out, { recursive: true });
  return Object.entries(sizes).map(([target, size]) => {
    const fileName = `auth-${target}.so`;
    const path = join(out, fileName);
    writeFileSync(path, randomBytes(size));
    return { path, target, fileName };
  });
}

function byTarget(results: ArtifactUpload[], target: string) {
  const r = results.find((x) => x.kind === 'plugin' && x.target === target);
  if (!r) throw new Error(`no result for ${target}`);
  return r;
}

describe('uploadPluginArtifacts over the wire', () => {
  it('uploads every plugin unzipped as its own artifact, plus checksums.txt, with the retention asked for', async () => {
    const plugins = makePlugins({
      'linux-amd64': 9 * 1024 * 1024 + 123,
      'linux-arm-7': 70_001,
      'linux-386': 0,
    });
    const entries = await Promise.all(
      plugins.map(async (p) => ({ fileName: p.fileName, sha256: await sha256File(p.path) })),
    );
    const checksumsPath = await writeChecksums(join(dir, 'build'), entries);

    const started = Date.now();
    const results = await uploadPluginArtifacts(plugins, {
      name: 'auth',
      serverTag: SERVER_TAG,
      retentionDays: 5,
      checksums: { path: checksumsPath },
      env: process.env,
    });

    expect(results.map((r) => [r.kind, r.ok, r.error])).toEqual([
      ['plugin', true, undefined],
      ['plugin', true, undefined],
      ['plugin', true, undefined],
      ['checksums', true, undefined],
    ]);
    const names = results.map((r) => r.artifactName);
    expect(new Set(names).size).toBe(names.length);

    for (const [i, plugin] of plugins.entries()) {
      const result = results[i]!;
      const stored = service.artifact(result.artifactName);
      expect(stored, result.artifactName).toBeDefined();
      expect(stored!.bytes.equals(readFileSync(plugin.path))).toBe(true);
      expect(stored!.finalized).toBe(true);
      expect(stored!.zipped).toBe(false);
      expect(stored!.mimeType).toBe('application/octet-stream');
      expect(stored!.blobContentType).toBe('application/octet-stream');
      expect(result.id).toBe(stored!.id);
      expect(result.url).toBe(
        `https://github.com/flow-test/auth-plugin/actions/runs/777/artifacts/${stored!.id}`,
      );
      expect(result.size).toBe(readFileSync(plugin.path).length);
      expect(result.digest).toBe(await sha256File(plugin.path));
      const expires = Date.parse(stored!.expiresAt!);
      expect(expires - started).toBeGreaterThan(5 * 86_400_000 - 120_000);
      expect(expires - Date.now()).toBeLessThan(5 * 86_400_000 + 120_000);
    }
    // The big plugin went up in blocks, committed with one block list.
    const bigName = byTarget(results, 'linux-amd64').artifactName;
    const bigBlocks = service.requests().filter((r) => r.op === 'PutBlock' && r.artifact === bigName);
    expect(bigBlocks.length).toBe(2);

    const checksums = service.artifact(results[3]!.artifactName)!;
    expect(checksums.mimeType).toBe('text/plain');
    expect(checksums.zipped).toBe(false);
    // The checksums artifact lists the artifact names: what a download gives.
    expect(checksums.bytes.toString('utf8')).toBe(
      entries
        .map((e, i) => ({ name: results[i]!.artifactName, sha256: e.sha256 }))
        .sort((a, b) => (a.name < b.name ? -1 : 1))
        .map((e) => `${e.sha256}  ${e.name}\n`)
        .join(''),
    );

    // Download everything with the real client, as a user or a later job would, and verify with
    // the real sha256sum.
    const download = join(dir, 'download');
    const client = new DefaultArtifactClient();
    for (const r of results) {
      const got = await client.downloadArtifact(r.id!, { path: download });
      expect(got.downloadPath).toBe(download);
    }
    expect(readdirSync(download).sort()).toEqual([...names].sort());
    for (const [i, plugin] of plugins.entries()) {
      expect(readFileSync(join(download, results[i]!.artifactName)).equals(readFileSync(plugin.path))).toBe(
        true,
      );
    }
    const sumsFile = results[3]!.artifactName;
    const ok = spawnSync('sha256sum', ['-c', '--strict', sumsFile], { cwd: download, encoding: 'utf8' });
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    expect(ok.stdout.trim().split('\n').sort()).toEqual(
      results
        .slice(0, 3)
        .map((r) => `${r.artifactName}: OK`)
        .sort(),
    );

    // ...and a damaged download does not.
    const victim = join(download, results[1]!.artifactName);
    const damaged = readFileSync(victim);
    damaged[damaged.length - 1] = damaged[damaged.length - 1]! ^ 0xff;
    writeFileSync(victim, damaged);
    const bad = spawnSync('sha256sum', ['-c', sumsFile], { cwd: download, encoding: 'utf8' });
    expect(bad.status).not.toBe(0);
    expect(bad.stdout).toContain(`${results[1]!.artifactName}: FAILED`);
  });

  it('retries a blob block that failed with 503 and a CreateArtifact that failed with 500', async () => {
    const plugins = makePlugins({ 'linux-amd64': 50_000, 'linux-arm64': 60_000 });
    const amd64 = `auth_linux-amd64_${SERVER_TAG}.so`;
    const arm64 = `auth_linux-arm64_${SERVER_TAG}.so`;
    service.inject({ op: 'PutBlock', artifact: amd64, status: 503 });
    service.inject({ op: 'CreateArtifact', artifact: arm64, status: 500 });

    const results = await uploadPluginArtifacts(plugins, { name: 'auth', serverTag: SERVER_TAG });

    expect(results.map((r) => [r.artifactName, r.ok])).toEqual([
      [amd64, true],
      [arm64, true],
    ]);
    expect(service.pendingFaults()).toEqual([]);
    const ops = (name: string) =>
      service
        .requests()
        .filter((r) => r.artifact === name)
        .map((r) => `${r.op} ${r.status}`);
    expect(ops(amd64)).toEqual([
      'CreateArtifact 200',
      'PutBlock 503',
      'PutBlock 201',
      'PutBlockList 201',
      'FinalizeArtifact 200',
    ]);
    expect(ops(arm64)).toEqual([
      'CreateArtifact 500',
      'CreateArtifact 200',
      'PutBlock 201',
      'PutBlockList 201',
      'FinalizeArtifact 200',
    ]);
    for (const [i, p] of plugins.entries()) {
      expect(service.artifact(results[i]!.artifactName)!.bytes.equals(readFileSync(p.path))).toBe(true);
    }
  });

  it('reports a file that could not be uploaded and still uploads the others', async () => {
    const plugins = makePlugins({ 'linux-amd64': 1000, 'linux-arm64': 2000, 'linux-386': 3000 });
    const arm64 = `auth_linux-arm64_${SERVER_TAG}.so`;
    service.inject({ op: 'CreateArtifact', artifact: arm64, status: 403 });
    // A missing file is reported too, without stopping the rest.
    const missing: PluginFile = {
      path: join(dir, 'build', 'nope.so'),
      target: 'linux-riscv64',
      fileName: 'nope.so',
    };

    const entries = await Promise.all(
      plugins.map(async (p) => ({ fileName: p.fileName, sha256: await sha256File(p.path) })),
    );
    const checksumsPath = await writeChecksums(join(dir, 'build'), entries);

    const results = await uploadPluginArtifacts([...plugins, missing], {
      name: 'auth',
      serverTag: SERVER_TAG,
      checksums: { path: checksumsPath },
    });

    expect(results.map((r) => [r.kind === 'plugin' ? r.target : r.kind, r.ok])).toEqual([
      ['linux-amd64', true],
      ['linux-arm64', false],
      ['linux-386', true],
      ['linux-riscv64', false],
      ['checksums', true],
    ]);
    // The checksums artifact lists only what was uploaded.
    const listed = service
      .artifact(results[4]!.artifactName)!
      .bytes.toString('utf8')
      .trim()
      .split('\n')
      .map((l) => l.split('  ')[1]);
    expect(listed).toEqual([`auth_linux-386_${SERVER_TAG}.so`, `auth_linux-amd64_${SERVER_TAG}.so`]);
    const failed = byTarget(results, 'linux-arm64');
    expect(failed.error).toMatch(/CreateArtifact.*403/);
    expect(failed.id).toBeUndefined();
    expect(failed.url).toBeUndefined();
    expect(byTarget(results, 'linux-riscv64').error).toMatch(/nope\.so/);
    expect(service.artifact(arm64)).toBeUndefined();
    expect(
      service
        .artifacts()
        .filter((a) => a.finalized)
        .map((a) => a.name)
        .sort(),
    ).toEqual(
      [
        `auth_linux-386_${SERVER_TAG}.so`,
        `auth_linux-amd64_${SERVER_TAG}.so`,
        results[4]!.artifactName,
      ].sort(),
    );
  });

  it('reports an artifact name already used in the run (a matrix collision) per file', async () => {
    const plugins = makePlugins({ 'linux-amd64': 100 });
    const first = await uploadPluginArtifacts(plugins, { name: 'auth', serverTag: SERVER_TAG });
    expect(first[0]!.ok).toBe(true);
    // Another server tag is another name: no collision.
    const other = await uploadPluginArtifacts(plugins, { name: 'auth', serverTag: 'v2.7.0' });
    expect(other[0]!.ok).toBe(true);

    const again = await uploadPluginArtifacts(plugins, { name: 'auth', serverTag: SERVER_TAG });
    expect(again[0]!.ok).toBe(false);
    expect(again[0]!.error).toMatch(/409|already exists/);
    expect(service.artifacts().filter((a) => a.finalized)).toHaveLength(2);
  });

  it('fails fast on a dropped connection to the results service, for that file only', async () => {
    const plugins = makePlugins({ 'linux-amd64': 100, 'linux-arm64': 200 });
    service.inject({ op: 'FinalizeArtifact', artifact: `auth_linux-amd64_${SERVER_TAG}.so`, drop: true });
    const results = await uploadPluginArtifacts(plugins, { name: 'auth', serverTag: SERVER_TAG });
    expect(results.map((r) => r.ok)).toEqual([false, true]);
    expect(results[0]!.error).toMatch(/ECONNRESET|socket hang up/);
    expect(service.artifact(results[0]!.artifactName)?.finalized).toBe(false);
  });
  it('reports an upload that stalls past the client timeout (a delayed blob block), for that file only', async () => {
    const plugins = makePlugins({ 'linux-amd64': 100, 'linux-arm64': 200 });
    process.env['ACTIONS_ARTIFACT_UPLOAD_TIMEOUT_MS'] = '300';
    service.inject({ op: 'PutBlock', artifact: `auth_linux-amd64_${SERVER_TAG}.so`, delayMs: 2500 });
    const results = await uploadPluginArtifacts(plugins, { name: 'auth', serverTag: SERVER_TAG });
    expect(results.map((r) => r.ok)).toEqual([false, true]);
    expect(results[0]!.error).toMatch(/stalled/);
    expect(service.artifact(results[0]!.artifactName)?.finalized).toBe(false);
    expect(service.artifact(results[1]!.artifactName)?.finalized).toBe(true);
  });

  it('answers the list, get, download and delete calls of the real client for what was uploaded', async () => {
    const plugins = makePlugins({ 'linux-amd64': 1234, 'linux-arm64': 4321 });
    const results = await uploadPluginArtifacts(plugins, { name: 'auth', serverTag: SERVER_TAG });
    const client = new DefaultArtifactClient();

    const { artifacts } = await client.listArtifacts();
    expect(artifacts.map((a) => [a.name, a.id, a.size]).sort()).toEqual(
      results.map((r, i) => [r.artifactName, r.id, readFileSync(plugins[i]!.path).length]).sort(),
    );
    expect(artifacts.every((a) => a.createdAt instanceof Date && !Number.isNaN(a.createdAt.getTime()))).toBe(
      true,
    );

    const { artifact } = await client.getArtifact(results[1]!.artifactName);
    expect(artifact).toMatchObject({ name: results[1]!.artifactName, id: results[1]!.id, size: 4321 });
    expect(artifact.digest).toBe(`sha256:${await sha256File(plugins[1]!.path)}`);

    const removed = await client.deleteArtifact(results[0]!.artifactName);
    expect(removed.id).toBe(results[0]!.id);
    expect((await client.listArtifacts()).artifacts.map((a) => a.name)).toEqual([results[1]!.artifactName]);
    await expect(client.getArtifact(results[0]!.artifactName)).rejects.toThrow(/not found|No artifacts/i);
  });
});
