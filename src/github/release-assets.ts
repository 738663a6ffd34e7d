// Adapter: finding the release a run writes to (drafts included) and the shapes the release
// store (src/release-store) and the stages share. Writing goes through src/release-store only.
import type { Octokit } from '@octokit/rest';
import { isAuthenticated } from './client';
import { explainGitHubError, isHttpError } from './errors';

type ReleaseData = Awaited<ReturnType<Octokit['rest']['repos']['getRelease']>>['data'];

/** The fields of a release (as Octokit returns it) that uploads need. */
export interface ReleaseRef {
  id: number;
  tag_name: string;
  /** API URL of the release: `.../repos/{owner}/{repo}/releases/{id}`. */
  url: string;
  /** The upload host template: `.../releases/{id}/assets{?name,label}`. */
  upload_url: string;
  html_url?: string;
  draft?: boolean;
  /** Set by GitHub on releases of repositories with immutable releases turned on. */
  immutable?: boolean;
}

export interface UploadResult {
  name: string;
  ok: boolean;
  /** browser_download_url of the uploaded asset. */
  url?: string;
  size?: number;
  error?: string;
}

export class ReleaseNotFoundError extends Error {
  override name = 'ReleaseNotFoundError';
}

/**
 * The release for a tag, drafts included (the tag endpoint never returns drafts, so a miss
 * there falls back to listing releases). Throws ReleaseNotFoundError saying what to do.
 */
export async function findReleaseByTag(
  octokit: Octokit,
  q: { owner: string; repo: string; tag: string },
): Promise<ReleaseData> {
  const full = `${q.owner}/${q.repo}`;
  const explain = async (e: unknown) =>
    explainGitHubError(e, {
      doing: `looking up the release for tag ${q.tag} of ${full}`,
      repository: full,
      authenticated: await isAuthenticated(octokit),
    });
  try {
    const { data } = await octokit.rest.repos.getReleaseByTag({ owner: q.owner, repo: q.repo, tag: q.tag });
    return data;
  } catch (e) {
    if (!isHttpError(e) || e.status !== 404) throw await explain(e);
  }
  let found: ReleaseData | undefined;
  try {
    await octokit.paginate(
      octokit.rest.repos.listReleases,
      { owner: q.owner, repo: q.repo, per_page: 100 },
      (response, done) => {
        found = response.data.find((r) => r.tag_name === q.tag);
        if (found) done();
        return [];
      },
    );
  } catch (e) {
    throw await explain(e);
  }
  if (!found) {
    throw new ReleaseNotFoundError(
      `${full} has no release for tag ${q.tag} (drafts included). Create the release first - a draft is best, ` +
        'publish it after the upload - or set release-tag to an existing release. Listing drafts needs a token ' +
        'with contents: write.',
    );
  }
  return found;
}
