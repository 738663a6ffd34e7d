// Issue 21, item 1: an update of a release is all or nothing as far as GitHub allows. The publish
// stage and the update itself run over real HTTP against the GitHub stand-in, with faults
// injected (5xx on one upload, on a rename, on a delete; a cancel between steps); each test reads
// the release's asset list and bytes before and after, and runs the update again.
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Octokit } from '@octokit/rest';
import { createGitHubClient } from '../../src/github/client';
import { findReleaseByTag } from '../../src/github/release-assets';
import { parseTempName, updateReleaseAssets, type ReleaseFile } from '../../src/github/release-update';
import { publishStage } from '../../src/publish/stage';
import { startGitHubStandIn, type GitHubStandIn } from '../support/github';
import { fakeContext } from '../stages/fake-toolkit';
import { built, server } from '../stages/fixtures';

const TOKEN = 'ghs_releaseUpdate789';
const REPO = 'me/hello';
const TAG = 'v1.0.0';
const tagPush = { GITHUB_REPOSITORY: REPO, GITHUB_REF: `refs/tags/${TAG}`, GITHUB_EVENT_NAME: 'push' };
const TARGETS = 'linux-amd64,linux-arm64';
const OLD = {
  'hello-linux-amd64.so': 'old amd64',
  'hello-linux-arm64.so': 'old arm64',
  'checksums.txt': 'old checksums',
  'README.md': 'not ours',
};

let gh: GitHubStandIn;
beforeEach(async () => {
  gh = await startGitHubStandIn({
    repos: {
      [REPO]: {
        token: TOKEN,
        releases: [
          {
            tag: TAG,
            draft: true,
            assets: Object.entries(OLD).map(([name, content]) => ({ name, content })),
          },
        ],
      },
    },
  });
});
afterEach(() => gh.close());

const client = (): Octokit =>
  createGitHubClient({
    baseUrl: gh.url,
    token: TOKEN,
    retryBaseMs: 1,
    writeSpacingMs: 0,
  }) as unknown as Octokit;

/** The release as a downloader sees it: name -> bytes, sorted by name. */
const snapshot = () =>
  Object.fromEntries(
    gh
      .uploadedAssets(REPO, TAG)
      .map((a) => [a.name, a.bytes.toString()] as const)
      .sort(([a], [b]) => a.localeCompare(b)),
  );

/** The publish stage for two targets whose plugins' bytes are their names plus `salt`. */
async function publish(overwrite: boolean, salt = 'new') {
  const workspace = mkdtempSync(join(tmpdir(), 'flow-update-'));
  const { ctx, rec } = fakeContext(
    { targets: TARGETS, 'upload-artifacts': 'false', overwrite: String(overwrite) },
    { workspace, env: tagPush },
  );
  mkdirSync(ctx.config.outputDir, { recursive: true });
  const results = TARGETS.split(',').map((t) => {
    const r = built(ctx.config.outputDir, t);
    const bytes = `${r.fileName} ${salt}`;
    writeFileSync(r.path, bytes);
    return { ...r, size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
  });
  const published = await publishStage(ctx, client(), {
    pluginName: 'hello',
    releases: [{ server, results, goModChanges: [] }],
  });
  return { published, rec };
}

const NEW = (salt = 'new') => ({
  'README.md': 'not ours',
  'hello-linux-amd64.so': `hello-linux-amd64.so ${salt}`,
  'hello-linux-arm64.so': `hello-linux-arm64.so ${salt}`,
});
const noTemporaries = () => expect(Object.keys(snapshot()).filter((n) => parseTempName(n))).toEqual([]);

describe('publish: the release is never left worse than before', () => {
  it('a full update: every file replaced, checksums.txt renamed into place last, no temporary asset left', async () => {
    const { published, rec } = await publish(true);
    expect(published.problems).toEqual([]);
    const after = snapshot();
    expect(after).toMatchObject(NEW());
    expect(after['checksums.txt']).toContain('hello-linux-arm64.so');
    noTemporaries();
    const swapped = rec.log.filter((l) => /^info: (Replaced|Added) /.test(l));
    expect(swapped.at(-1)).toBe('info: Replaced checksums.txt on release v1.0.0');
    expect(swapped).toHaveLength(3);
    expect(published.release?.outcome).toBe('updated');
    expect(published.release?.swapWindowMs).toBeGreaterThanOrEqual(0);
  });

  it('overwrite: true and a 5xx on one upload (after the retries): the release is exactly as it was', async () => {
    const before = snapshot();
    gh.inject({ method: 'POST', path: /name=hello-linux-arm64\.so/, status: 502, times: Infinity });
    const { published } = await publish(true);
    expect(snapshot()).toEqual(before);
    expect(published.release?.outcome).toBe('untouched');
    expect(published.problems.join('\n')).toMatch(/left as it was/);
    expect(gh.requestsTo('DELETE', /./).length).toBeGreaterThan(0); // the temporary amd64 upload, removed

    gh.clearFaults();
    const again = await publish(true);
    expect(again.published.problems).toEqual([]);
    expect(snapshot()).toMatchObject(NEW());
    noTemporaries();
  });

  it('overwrite: false and an existing plugin with other bytes: nothing is uploaded, checksums.txt included', async () => {
    const before = snapshot();
    const { published } = await publish(false);
    expect(snapshot()).toEqual(before);
    expect(gh.requestsTo('POST', /^\/uploads\//)).toHaveLength(0);
    expect(published.problems.join('\n')).toMatch(
      /hello-linux-amd64\.so, hello-linux-arm64\.so, checksums\.txt already exist on release v1\.0\.0 with other bytes and overwrite is false/,
    );
  });

  it('overwrite: false and the same bytes already there: nothing to do, and it is not a failure', async () => {
    await publish(true, 'same');
    const uploads = gh.requestsTo('POST', /^\/uploads\//).length;
    const { published } = await publish(false, 'same');
    expect(published.problems).toEqual([]);
    expect(published.release?.assets.map((a) => a.state)).toEqual(['unchanged', 'unchanged', 'unchanged']);
    expect(gh.requestsTo('POST', /^\/uploads\//)).toHaveLength(uploads);
  });

  it('a 5xx on a rename during the swap (the retries too): the state is reported file by file, and a re-run heals', async () => {
    // Both the rename of the new arm64 into place and the rename back of the old one fail.
    gh.inject({
      method: 'PATCH',
      path: /releases\/assets\//,
      bodyIncludes: '"name":"hello-linux-arm64.so"',
      status: 503,
      times: Infinity,
    });
    const { published, rec } = await publish(true);
    const after = snapshot();
    expect(published.release?.outcome).toBe('mixed');
    expect(after['hello-linux-amd64.so']).toBe('hello-linux-amd64.so new'); // swapped before the fault
    expect(after['hello-linux-arm64.so']).toBeUndefined();
    const kept = Object.keys(after).find((n) => parseTempName(n)?.kind === 'old');
    expect(kept).toMatch(/^hello-linux-arm64\.so\.flow-old-[0-9a-f]{8}$/);
    expect(after[kept!]).toBe('old arm64'); // the old plugin is not lost
    expect(after['checksums.txt']).toBe('old checksums'); // never swapped after a failure
    const problem = published.problems.join('\n');
    expect(problem).toMatch(/stopped during the swap/);
    expect(problem).toMatch(
      /hello-linux-amd64\.so new, hello-linux-arm64\.so MISSING \(old kept as hello-linux-arm64\.so\.flow-old-/,
    );
    expect(problem).toMatch(/checksums\.txt as before/);
    expect(rec.annotations.some((a) => a.level === 'warning' && a.message.includes('MISSING'))).toBe(true);

    gh.clearFaults();
    const again = await publish(true);
    expect(again.published.problems).toEqual([]);
    expect(again.rec.log.join('\n')).toMatch(
      /Healing: hello-linux-arm64\.so\.flow-old-\w+ .* renamed back to hello-linux-arm64\.so/,
    );
    expect(snapshot()).toMatchObject(NEW());
    noTemporaries();
  });

  it('a rename that fails once more than the client retries: the old asset is put back, the name is never lost', async () => {
    // 4 attempts by the client, then 4 more: the rename in fails, the rename back succeeds.
    gh.inject({
      method: 'PATCH',
      path: /releases\/assets\//,
      bodyIncludes: '"name":"hello-linux-arm64.so"',
      status: 502,
      times: 8,
    });
    const { published } = await publish(true);
    const after = snapshot();
    expect(after['hello-linux-arm64.so']).toBe('old arm64');
    expect(after['hello-linux-amd64.so']).toBe('hello-linux-amd64.so new');
    expect(published.release?.assets.map((a) => a.state)).toEqual(['replaced', 'as-before', 'as-before']);
    noTemporaries();
    gh.clearFaults();
    expect((await publish(true)).published.problems).toEqual([]);
    expect(snapshot()).toMatchObject(NEW());
  });

  it('a 5xx on a delete after the swap: the release is complete, the leftover is removed by the re-run', async () => {
    gh.inject({ method: 'DELETE', path: /releases\/assets\//, status: 500, times: 4 });
    const { published, rec } = await publish(true);
    expect(published.problems).toEqual([]);
    expect(snapshot()).toMatchObject(NEW());
    expect(Object.keys(snapshot()).filter((n) => parseTempName(n))).toHaveLength(1);
    expect(rec.log.join('\n')).toMatch(/Could not delete .*\.flow-old-.* \(a re-run removes it\)/);
    await publish(true);
    noTemporaries();
  });
});

describe('updateReleaseAssets: a cancel between steps', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flow-cancel-'));
  const files = (salt: string): ReleaseFile[] =>
    ['hello-linux-amd64.so', 'hello-linux-arm64.so', 'checksums.txt'].map((name) => {
      const path = join(dir, `${salt}-${name}`);
      const bytes = `${name} ${salt}`;
      writeFileSync(path, bytes);
      return { name, path, sha256: createHash('sha256').update(bytes).digest('hex') };
    });
  const release = () => findReleaseByTag(client(), { owner: 'me', repo: 'hello', tag: TAG });

  it('cancelled during the uploads: the temporary assets are removed, the release is as it was', async () => {
    const before = snapshot();
    let cancelled = false;
    gh.inject({ method: 'POST', path: /name=hello-linux-arm64/, onMatch: () => (cancelled = true) });
    const r = await updateReleaseAssets(client(), {
      release: await release(),
      files: files('c1'),
      mayReplace: true,
      last: ['checksums.txt'],
      cancelled: () => cancelled,
    });
    expect(r.release).toBe('untouched');
    expect(r.error).toMatch(/cancelled/);
    expect(snapshot()).toEqual(before);
  });

  it('cancelled during the swap: stops there, says so, and a re-run heals', async () => {
    let cancelled = false;
    gh.inject({
      method: 'PATCH',
      path: /releases\/assets\//,
      bodyIncludes: '"name":"hello-linux-amd64.so"',
      onMatch: () => (cancelled = true),
    });
    const r = await updateReleaseAssets(client(), {
      release: await release(),
      files: files('c2'),
      mayReplace: true,
      last: ['checksums.txt'],
      cancelled: () => cancelled,
    });
    expect(r.release).toBe('mixed');
    expect(r.files.map((f) => f.state)).toEqual(['replaced', 'as-before', 'as-before']);
    expect(snapshot()['hello-linux-arm64.so']).toBe('old arm64');
    noTemporaries();
    const again = await updateReleaseAssets(client(), {
      release: await release(),
      files: files('c2'),
      mayReplace: true,
      last: ['checksums.txt'],
    });
    expect(again.ok).toBe(true);
    expect(again.files.map((f) => f.state)).toEqual(['unchanged', 'replaced', 'replaced']);
    expect(snapshot()).toMatchObject({
      'hello-linux-amd64.so': 'hello-linux-amd64.so c2',
      'hello-linux-arm64.so': 'hello-linux-arm64.so c2',
      'checksums.txt': 'checksums.txt c2',
    });
  });

  it('untouchable names and names of temporary assets are refused before anything is written', async () => {
    const before = snapshot();
    const r = await updateReleaseAssets(client(), {
      release: await release(),
      files: files('c3'),
      mayReplace: true,
      untouchable: ['checksums.txt'],
    });
    expect(r).toMatchObject({ ok: false, release: 'untouched' });
    expect(r.error).toMatch(/checksums\.txt must not be written/);
    expect(snapshot()).toEqual(before);
    expect(gh.requestsTo('POST', /^\/uploads\//)).toHaveLength(0);
  });
});
