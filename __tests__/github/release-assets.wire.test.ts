// Finding the release to write to, through the real client over HTTP against the GitHub stand-in
// (writing is the release store's: __tests__/release-store).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGitHubClient } from '../../src/github/client';
import { findReleaseByTag, ReleaseNotFoundError } from '../../src/github/release-assets';
import { startGitHubStandIn, type FixtureRepo, type GitHubStandIn } from '../support/github';

const TOKEN = 'ghs_uploadToken456';
const REPO = 'flow/plugin';
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
