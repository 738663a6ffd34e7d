// Adapter: the server release's assets, through Octokit - the list of a release's assets and the
// bytes of one (`accept: application/octet-stream`; the token goes along for private
// repositories). A release or an asset that does not exist is an answer, not an error: the
// verify stage reports the target as not verified, with the reason.
import { writeFile } from 'node:fs/promises';
import type { Octokit } from '@octokit/rest';
import { isAuthenticated } from './client';
import { explainGitHubError, isHttpError } from './errors';

export interface ServerAsset {
  id: number;
  name: string;
  size: number;
}

export type ServerAssets = { found: true; assets: ServerAsset[] } | { found: false; reason: string };

/** The assets of the published release of `tag`; `found: false` when the tag has no release. */
export async function listServerAssets(
  octokit: Octokit,
  q: { owner: string; repo: string; tag: string },
): Promise<ServerAssets> {
  const full = `${q.owner}/${q.repo}`;
  const explain = async (e: unknown, doing: string) =>
    explainGitHubError(e, {
      doing,
      repository: full,
      authenticated: await isAuthenticated(octokit),
      repositoryInput: 'server-repository',
    });
  let releaseId: number;
  try {
    const { data } = await octokit.rest.repos.getReleaseByTag({ owner: q.owner, repo: q.repo, tag: q.tag });
    releaseId = data.id;
  } catch (e) {
    if (isHttpError(e) && e.status === 404) {
      return {
        found: false,
        reason: `${full} ${q.tag} is a tag without a published release, so it has no server binaries`,
      };
    }
    throw await explain(e, `looking up the release ${q.tag} of ${full}`);
  }
  try {
    const assets = await octokit.paginate(octokit.rest.repos.listReleaseAssets, {
      owner: q.owner,
      repo: q.repo,
      release_id: releaseId,
      per_page: 100,
    });
    return {
      found: true,
      assets: assets
        .filter((a) => a.state === 'uploaded')
        .map((a) => ({ id: a.id, name: a.name, size: a.size })),
    };
  } catch (e) {
    throw await explain(e, `listing the assets of release ${q.tag} of ${full}`);
  }
}

/** Downloads one asset's bytes into `file`. */
export async function downloadServerAsset(
  octokit: Octokit,
  q: { owner: string; repo: string; asset: ServerAsset },
  file: string,
): Promise<void> {
  const full = `${q.owner}/${q.repo}`;
  let data: unknown;
  try {
    ({ data } = await octokit.rest.repos.getReleaseAsset({
      owner: q.owner,
      repo: q.repo,
      asset_id: q.asset.id,
      headers: { accept: 'application/octet-stream' },
    }));
  } catch (e) {
    throw explainGitHubError(e, {
      doing: `downloading the release asset ${q.asset.name} of ${full}`,
      repository: full,
      authenticated: await isAuthenticated(octokit),
      repositoryInput: 'server-repository',
    });
  }
  const bytes =
    data instanceof ArrayBuffer
      ? Buffer.from(data)
      : Buffer.isBuffer(data)
        ? data
        : data instanceof Uint8Array
          ? Buffer.from(data)
          : Buffer.from(String(data));
  if (q.asset.size > 0 && bytes.length !== q.asset.size) {
    throw new Error(
      `the release asset ${q.asset.name} of ${full} came back with ${bytes.length} bytes, the release lists ${q.asset.size}`,
    );
  }
  await writeFile(file, bytes);
}
