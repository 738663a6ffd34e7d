// Release-asset uploads through the real client over HTTP against the GitHub stand-in.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGitHubClient } from '../../src/github/client';
import {
  findReleaseByTag,
  ReleaseNotFoundError,
  uploadReleaseAssets,
  type UploadFile,
} from '../../src/github/release-assets';
import { formatUploadFailure } from '../../src/publish/upload-report';
import { startGitHubStandIn, type FixtureRepo, type GitHubStandIn } from '../support/github';

const TOKEN = 'ghs_uploadToken456';
const REPO = 'flow/plugin';
const dir = mkdtempSync(join(tmpdir(), 'assets-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes a file with distinct content and returns its upload description. */
function file(
  name: string,
  content = `${name} built at ${Date.now()} ${Math.random()}`,
  contentType = 'application/octet-stream',
): UploadFile & { content: string } {
  const path = join(dir, name);
  writeFileSync(path, content);
  return { path, name, contentType, content };
}

const fixture = (): FixtureRepo => ({
  token: TOKEN,
  releases: [
    { tag: 'v0.9.0', assets: [{ name: 'old.so', content: 'old' }] },
    {
      tag: 'v1.0.0',
      draft: true,
      assets: [
        { name: 'plugin-linux-amd64.so', content: 'previous build' },
        { name: 'plugin-linux-arm64.so', content: 'half', state: 'starter' },
      ],
    },
    { tag: 'v2.0.0', immutable: true, assets: [{ name: 'kept.so', content: 'kept' }] },
    ...Array.from({ length: 120 }, (_, i) => ({ tag: `v3.${i}.0` })),
  ],
});

let gh: GitHubStandIn;
beforeEach(async () => {
  gh = await startGitHubStandIn({ repos: { [REPO]: fixture() } });
});
afterEach(() => gh.close());

const client = (log?: (m: string) => void) =>
  createGitHubClient({ baseUrl: gh.url, token: TOKEN, retryBaseMs: 5, writeSpacingMs: 0, log });
const find = (tag: string) => findReleaseByTag(client(), { owner: 'flow', repo: 'plugin', tag });

describe('findReleaseByTag', () => {
  it('a published release comes from the tag endpoint', async () => {
    const r = await find('v3.5.0');
    expect(r).toMatchObject({ tag_name: 'v3.5.0', draft: false });
    expect(gh.requestsTo('GET', /\/releases\?/)).toHaveLength(0);
  });

  it('a draft release is found by listing releases (the tag endpoint hides drafts)', async () => {
    const r = await find('v1.0.0');
    expect(r).toMatchObject({ tag_name: 'v1.0.0', draft: true });
    expect(r.upload_url).toBe(`${gh.url}/uploads/repos/flow/plugin/releases/${r.id}/assets{?name,label}`);
    expect(gh.requestsTo('GET', '/repos/flow/plugin/releases/tags/v1.0.0')[0]!.status).toBe(404);
    expect(gh.requestsTo('GET', /^\/repos\/flow\/plugin\/releases\?/).length).toBe(2); // 123 releases, found on page 2
  });

  it('no release for the tag: says to create one (a draft)', async () => {
    await expect(find('v9.0.0')).rejects.toThrow(ReleaseNotFoundError);
    await expect(find('v9.0.0')).rejects.toThrow(
      'flow/plugin has no release for tag v9.0.0 (drafts included). Create the release first - a draft is best',
    );
  });
});

describe('uploadReleaseAssets', () => {
  it('uploads new files with their content type and length, and returns download URLs', async () => {
    const release = await find('v0.9.0');
    const files = [file('a-linux-amd64.so'), file('checksums.txt', 'abc  a-linux-amd64.so\n', 'text/plain')];
    const results = await uploadReleaseAssets(client(), { release, files, overwrite: true });
    expect(results).toEqual([
      {
        name: 'a-linux-amd64.so',
        ok: true,
        size: files[0]!.content.length,
        url: `${gh.url}/web/flow/plugin/releases/download/v0.9.0/a-linux-amd64.so`,
      },
      {
        name: 'checksums.txt',
        ok: true,
        size: files[1]!.content.length,
        url: `${gh.url}/web/flow/plugin/releases/download/v0.9.0/checksums.txt`,
      },
    ]);
    const stored = gh.uploadedAssets(REPO, 'v0.9.0');
    expect(stored.map((a) => [a.name, a.contentType, a.bytes.toString()])).toEqual([
      ['old.so', 'application/octet-stream', 'old'],
      ['a-linux-amd64.so', 'application/octet-stream', files[0]!.content],
      ['checksums.txt', 'text/plain', files[1]!.content],
    ]);
    const posts = gh.requestsTo('POST', /^\/uploads\/repos\/flow\/plugin\/releases\/\d+\/assets\?name=/);
    expect(posts.map((p) => p.headers['content-length'])).toEqual(files.map((f) => String(f.content.length)));
    expect(posts.every((p) => p.headers.authorization === `token ${TOKEN}`)).toBe(true);
    expect(formatUploadFailure(results, 'v0.9.0')).toBeUndefined();
  });

  it('replaces an existing asset (delete, then upload) and cleans up a broken one, on a draft', async () => {
    const release = await find('v1.0.0');
    const lines: string[] = [];
    const files = [file('plugin-linux-amd64.so'), file('plugin-linux-arm64.so')];
    const results = await uploadReleaseAssets(client(), {
      release,
      files,
      overwrite: true,
      log: (m) => lines.push(m),
    });
    expect(results.map((r) => r.ok)).toEqual([true, true]);
    const stored = gh.uploadedAssets(REPO, 'v1.0.0');
    expect(stored.map((a) => [a.name, a.state, a.bytes.toString()])).toEqual(
      files.map((f) => [f.name, 'uploaded', f.content]),
    );
    expect(gh.requestsTo('DELETE', /releases\/assets\/\d+$/)).toHaveLength(2);
    // Both were deleted up front: no upload ran into already_exists.
    expect(gh.requestsTo('POST', /^\/uploads\//).map((r) => r.status)).toEqual([201, 201]);
    expect(lines.join('\n')).toMatch(/Deleting the existing asset plugin-linux-amd64\.so .*state uploaded/);
    expect(lines.join('\n')).toMatch(/Deleting broken asset plugin-linux-arm64\.so .*state starter/);
  });

  it('a re-run replaces what the first run uploaded', async () => {
    const release = await find('v0.9.0');
    await uploadReleaseAssets(client(), { release, files: [file('x.so', 'first')], overwrite: true });
    const again = await uploadReleaseAssets(client(), {
      release,
      files: [file('x.so', 'second')],
      overwrite: true,
    });
    expect(again[0]!.ok).toBe(true);
    expect(
      gh
        .uploadedAssets(REPO, 'v0.9.0')
        .filter((a) => a.name === 'x.so')
        .map((a) => a.bytes.toString()),
    ).toEqual(['second']);
  });

  it('overwrite false: an existing asset fails naming the file; a broken leftover is still replaced', async () => {
    const release = await find('v1.0.0');
    const files = [file('plugin-linux-amd64.so'), file('plugin-linux-arm64.so'), file('plugin-linux-386.so')];
    const results = await uploadReleaseAssets(client(), { release, files, overwrite: false });
    expect(results.map((r) => [r.name, r.ok])).toEqual([
      ['plugin-linux-amd64.so', false],
      ['plugin-linux-arm64.so', true],
      ['plugin-linux-386.so', true],
    ]);
    expect(results[0]!.error).toBe(
      'plugin-linux-amd64.so already exists on release v1.0.0 and overwrite is false: set overwrite: true to replace it, or delete the asset.',
    );
    expect(
      gh
        .uploadedAssets(REPO, 'v1.0.0')
        .find((a) => a.name === 'plugin-linux-amd64.so')!
        .bytes.toString(),
    ).toBe('previous build');
    expect(formatUploadFailure(results, 'v1.0.0')).toBe(
      [
        '1 of 3 release assets were not uploaded to v1.0.0.',
        'Uploaded: plugin-linux-arm64.so, plugin-linux-386.so.',
        'Not uploaded:',
        `  - plugin-linux-amd64.so: ${results[0]!.error}`,
      ].join('\n'),
    );
  });

  it('already_exists race: refreshes the list, deletes the newcomer and retries once', async () => {
    const release = await find('v0.9.0');
    const f = file('race.so', 'ours');
    // Just before our upload lands, a parallel job uploads the same name.
    gh.inject({
      method: 'POST',
      path: /^\/uploads\/.*name=race\.so/,
      onMatch: () => gh.addAsset(REPO, 'v0.9.0', { name: 'race.so', content: 'theirs' }),
    });
    const lines: string[] = [];
    const results = await uploadReleaseAssets(client(), {
      release,
      files: [f],
      overwrite: true,
      log: (m) => lines.push(m),
    });
    expect(results[0]).toMatchObject({ name: 'race.so', ok: true });
    const posts = gh.requestsTo('POST', /name=race\.so/);
    expect(posts.map((p) => p.status)).toEqual([422, 201]);
    expect(
      gh
        .uploadedAssets(REPO, 'v0.9.0')
        .filter((a) => a.name === 'race.so')
        .map((a) => a.bytes.toString()),
    ).toEqual(['ours']);
    expect(lines.join('\n')).toContain('race.so appeared on release v0.9.0 meanwhile');
  });

  it('already_exists race with overwrite false: reports the file instead of replacing it', async () => {
    const release = await find('v0.9.0');
    gh.inject({
      method: 'POST',
      path: /^\/uploads\//,
      onMatch: () => gh.addAsset(REPO, 'v0.9.0', { name: 'race.so', content: 'theirs' }),
    });
    const results = await uploadReleaseAssets(client(), {
      release,
      files: [file('race.so')],
      overwrite: false,
    });
    expect(results[0]).toMatchObject({
      ok: false,
      error: expect.stringContaining('race.so already exists on release v0.9.0'),
    });
    expect(
      gh
        .uploadedAssets(REPO, 'v0.9.0')
        .find((a) => a.name === 'race.so')!
        .bytes.toString(),
    ).toBe('theirs');
  });

  it('an immutable published release: no request is made, every file says to use a draft', async () => {
    const release = await find('v2.0.0');
    expect(release.immutable).toBe(true);
    const results = await uploadReleaseAssets(client(), {
      release,
      files: [file('a.so'), file('b.so')],
      overwrite: true,
    });
    expect(results.every((r) => !r.ok)).toBe(true);
    expect(results[0]!.error).toBe(
      'Release v2.0.0 of flow/plugin is published and immutable, so no asset can be added or replaced. Upload to a ' +
        'draft release and publish it after the upload (create the release with draft: true, run this step with ' +
        'release-tag set to its tag, then publish).',
    );
    expect(gh.requestsTo('POST', /^\/uploads\//)).toHaveLength(0);
  });

  it('the upload host rejecting an immutable release (422) gives the same advice and stops', async () => {
    const release = { ...(await find('v2.0.0')), immutable: undefined };
    const results = await uploadReleaseAssets(client(), {
      release,
      files: [file('a.so'), file('b.so')],
      overwrite: true,
    });
    expect(results.map((r) => r.error)).toEqual([
      expect.stringContaining('is published and immutable'),
      expect.stringContaining('is published and immutable'),
    ]);
    expect(gh.requestsTo('POST', /^\/uploads\//).map((r) => r.status)).toEqual([422]);
    expect(gh.uploadedAssets(REPO, 'v2.0.0').map((a) => a.name)).toEqual(['kept.so']);
  });

  it('5xx and dropped connections on uploads and deletes are retried', async () => {
    const release = await find('v1.0.0');
    gh.inject({ method: 'POST', path: /^\/uploads\//, status: 502, times: 2 });
    gh.inject({ method: 'DELETE', path: /releases\/assets\//, drop: true });
    const lines: string[] = [];
    const f = file('plugin-linux-amd64.so');
    const results = await uploadReleaseAssets(
      client((m) => lines.push(m)),
      { release, files: [f], overwrite: true },
    );
    expect(results[0]).toMatchObject({ ok: true });
    expect(gh.requestsTo('POST', /^\/uploads\//).map((r) => r.status)).toEqual([502, 502, 201]);
    expect(gh.requestsTo('DELETE', /releases\/assets\//).map((r) => r.status)).toEqual([0, 204]);
    expect(
      gh
        .uploadedAssets(REPO, 'v1.0.0')
        .find((a) => a.name === f.name)!
        .bytes.toString(),
    ).toBe(f.content);
    expect(lines.filter((l) => l.includes('(attempt'))).toHaveLength(3);
  });

  it('a file that keeps failing is reported while the others are uploaded', async () => {
    const release = await find('v0.9.0');
    gh.inject({ method: 'POST', path: /name=bad\.so/, status: 500, times: Infinity });
    const results = await uploadReleaseAssets(client(), {
      release,
      files: [
        file('good.so'),
        file('bad.so'),
        { path: join(dir, 'missing.so'), name: 'missing.so', contentType: 'application/octet-stream' },
      ],
      overwrite: true,
    });
    expect(results.map((r) => r.ok)).toEqual([true, false, false]);
    expect(results[1]!.error).toMatch(
      /^GitHub answered 500 while uploading bad\.so to release v0\.9\.0 of flow\/plugin and kept failing after retries/,
    );
    expect(results[2]!.error).toMatch(/^cannot read .*missing\.so: ENOENT/);
    expect(gh.requestsTo('POST', /name=bad\.so/)).toHaveLength(4);
    expect(formatUploadFailure(results, 'v0.9.0')).toMatch(
      /^2 of 3 release assets were not uploaded to v0\.9\.0\.\nUploaded: good\.so\.\nNot uploaded:\n {2}- bad\.so: GitHub answered 500/,
    );
  });

  it('keeps writeSpacingMs between write requests (GitHub asks for a gap between content writes)', async () => {
    const release = await find('v1.0.0');
    const spaced = createGitHubClient({ baseUrl: gh.url, token: TOKEN, retryBaseMs: 5, writeSpacingMs: 150 });
    await uploadReleaseAssets(spaced, {
      release,
      files: [file('plugin-linux-amd64.so'), file('n.so')],
      overwrite: true,
    });
    const writes = gh.requests.filter((r) => r.method !== 'GET');
    expect(writes.map((w) => w.method)).toEqual(['DELETE', 'POST', 'POST']);
    // The client spaces the starts of its writes by 150 ms; arrival times carry connection set-up
    // jitter (the DELETE goes to the API host, the POSTs to the upload host), so allow 50 ms of it:
    // without spacing the gap is a few milliseconds.
    for (let i = 1; i < writes.length; i++)
      expect(writes[i]!.at - writes[i - 1]!.at).toBeGreaterThanOrEqual(100);
  });

  it('without a token the upload is refused with the token hint', async () => {
    const release = await find('v0.9.0');
    const anon = createGitHubClient({ baseUrl: gh.url, retryBaseMs: 5, writeSpacingMs: 0 });
    const results = await uploadReleaseAssets(anon, { release, files: [file('a.so')], overwrite: true });
    expect(results[0]!.error).toMatch(
      /^GitHub requires a token \(401 Requires authentication\) while uploading a\.so to release v0\.9\.0 of flow\/plugin\. Set github-token to a token that can access flow\/plugin/,
    );
  });
});
