// Reading the plugin release once: its assets, plugins.json and checksums.txt, each checked as
// untrusted input (names as plain file names, tags as tags, the index's shape, checksums.txt in
// sha256sum form). What cannot be trusted is refused here, where it is first read, with a message
// whose quoted parts are escaped (a tag `v1\n::warning` must never become a workflow command).
import type { Octokit } from '@octokit/rest';
import { isAuthenticated } from '../github/client';
import { explainGitHubError, isHttpError } from '../github/errors';
import type { ReleaseRef } from '../github/release-assets';
import { escapeControl } from '../log-text';
import { CHECKSUMS_FILE_NAME, parseChecksums } from '../publish/checksums';
import { parsePluginIndex, PLUGIN_INDEX_FILE_NAME } from '../publish/plugin-index';
import type { Snapshot, StoredAsset } from './next-state';
import { PLAIN_TAG } from './names';

export type AssetData = Awaited<ReturnType<Octokit['rest']['repos']['listReleaseAssets']>>['data'][number];

export class ReleaseStoreError extends Error {
  override name = 'ReleaseStoreError';
}

/** owner and repo of a release, from its API URL. */
export function releaseRepo(release: Pick<ReleaseRef, 'url'>): { owner: string; repo: string } {
  const m = /\/repos\/([^/]+)\/([^/]+)\/releases\/\d+$/.exec(release.url);
  if (!m) throw new Error(`release.url "${release.url}" is not a GitHub release API URL`);
  return { owner: decodeURIComponent(m[1]!), repo: decodeURIComponent(m[2]!) };
}

export function storedAsset(a: AssetData): StoredAsset {
  const digest = /^sha256:([0-9a-f]{64})$/.exec(a.digest ?? '');
  return {
    id: a.id,
    name: a.name,
    size: a.size,
    ...(digest && { sha256: digest[1]! }),
    state: a.state,
    createdAt: a.created_at,
    url: a.browser_download_url,
  };
}

/** Every asset of the release (all pages). */
export async function listAssets(octokit: Octokit, release: ReleaseRef): Promise<AssetData[]> {
  const { owner, repo } = releaseRepo(release);
  try {
    return await octokit.paginate(octokit.rest.repos.listReleaseAssets, {
      owner,
      repo,
      release_id: release.id,
      per_page: 100,
    });
  } catch (e) {
    throw explainGitHubError(e, {
      authenticated: await isAuthenticated(octokit),
      doing: `listing the assets of release ${release.tag_name}`,
      repository: `${owner}/${repo}`,
    });
  }
}

/** The bytes of an asset; undefined when it vanished between the listing and the download. */
export async function downloadAsset(
  octokit: Octokit,
  release: ReleaseRef,
  asset: { id: number; name: string },
): Promise<Buffer | undefined> {
  const { owner, repo } = releaseRepo(release);
  try {
    const { data } = await octokit.rest.repos.getReleaseAsset({
      owner,
      repo,
      asset_id: asset.id,
      headers: { accept: 'application/octet-stream' },
    });
    return Buffer.from(data as unknown as ArrayBuffer);
  } catch (e) {
    if (isHttpError(e) && e.status === 404) return undefined;
    throw explainGitHubError(e, {
      authenticated: await isAuthenticated(octokit),
      doing: `downloading ${escapeControl(asset.name)} from release ${release.tag_name}`,
      repository: `${owner}/${repo}`,
    });
  }
}

/** Reads and checks the release; throws ReleaseStoreError saying what is wrong and what to do. */
export async function readSnapshot(octokit: Octokit, release: ReleaseRef): Promise<Snapshot> {
  const assets = (await listAssets(octokit, release)).map(storedAsset);
  return snapshotOf(release, assets, async (name) => {
    const a = assets.find((x) => x.name === name && x.state === 'uploaded');
    if (!a) return undefined;
    const bytes = await downloadAsset(octokit, release, a);
    if (bytes === undefined)
      throw new ReleaseStoreError(
        `${name} of release ${release.tag_name} vanished between listing and download (another writer without the lock?): re-run the job`,
      );
    return bytes.toString('utf8');
  });
}

/** The checks of a snapshot, given how to read one of its files. */
export async function snapshotOf(
  release: Pick<ReleaseRef, 'tag_name' | 'draft'>,
  assets: StoredAsset[],
  read: (name: string) => Promise<string | undefined>,
): Promise<Snapshot> {
  const tag = release.tag_name;
  const where = (name: string) => `${name} of release ${tag}`;
  const indexText = await read(PLUGIN_INDEX_FILE_NAME);
  const sumsText = await read(CHECKSUMS_FILE_NAME);
  const snap: Snapshot = { tag, draft: release.draft === true, assets };
  if (indexText !== undefined) {
    try {
      snap.index = parsePluginIndex(indexText, where(PLUGIN_INDEX_FILE_NAME));
    } catch (e) {
      throw new ReleaseStoreError(
        `${escapeControl((e as Error).message)}. The action never overwrites a plugins.json it cannot read: fix or delete it on the release, then re-run`,
      );
    }
    for (const t of Object.keys(snap.index.releases)) {
      if (!PLAIN_TAG.test(t))
        throw new ReleaseStoreError(
          `${where(PLUGIN_INDEX_FILE_NAME)} has a release key "${escapeControl(t)}" that is not a tag: fix or delete plugins.json on the release, then re-run`,
        );
    }
  }
  if (sumsText !== undefined) {
    try {
      snap.checksums = parseChecksums(sumsText);
    } catch (e) {
      throw new ReleaseStoreError(
        `${where(CHECKSUMS_FILE_NAME)} is not in sha256sum form (${escapeControl((e as Error).message)}): the action never drops lines it cannot read. Fix or delete it on the release, then re-run`,
      );
    }
  }
  return snap;
}
