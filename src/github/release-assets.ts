// Adapter: uploading files as release assets so that re-runs work. Existing assets are matched
// by name and deleted before the upload; a 422 `already_exists` (a concurrent or half-finished
// upload) refreshes the list, deletes and retries once; an asset left in a state other than
// `uploaded` by an earlier failed upload is always cleaned up; an immutable published release
// is explained. Every file gets a result: the caller fails the step on any failure
// (publish/upload-report.ts says which files were and were not uploaded). 5xx and network errors
// are retried by the client (client.ts).
import { readFile } from 'node:fs/promises';
import type { Octokit } from '@octokit/rest';
import { isAuthenticated } from './client';
import { explainGitHubError, githubMessage, isHttpError } from './errors';

type ReleaseData = Awaited<ReturnType<Octokit['rest']['repos']['getRelease']>>['data'];
type AssetData = Awaited<ReturnType<Octokit['rest']['repos']['listReleaseAssets']>>['data'][number];

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

export interface UploadFile {
  path: string;
  /** The asset name on the release. */
  name: string;
  contentType: string;
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

/** Uploads every file; never throws for a file's failure, which lands in its result instead. */
export async function uploadReleaseAssets(
  octokit: Octokit,
  args: { release: ReleaseRef; files: UploadFile[]; overwrite: boolean; log?: (msg: string) => void },
): Promise<UploadResult[]> {
  const { release, files, overwrite } = args;
  const log = args.log ?? (() => undefined);
  const m = /\/repos\/([^/]+)\/([^/]+)\/releases\/\d+$/.exec(release.url);
  if (!m) throw new Error(`release.url "${release.url}" is not a GitHub release API URL`);
  const [owner, repo] = [decodeURIComponent(m[1]!), decodeURIComponent(m[2]!)];
  const full = `${owner}/${repo}`;
  const authenticated = await isAuthenticated(octokit);
  const explain = (e: unknown, doing: string) =>
    explainGitHubError(e, { doing, repository: full, authenticated }).message;
  const immutableMessage =
    `Release ${release.tag_name} of ${full} is published and immutable, so no asset can be added or replaced. ` +
    'Upload to a draft release and publish it after the upload (create the release with draft: true, run this ' +
    'step with release-tag set to its tag, then publish).';
  const failAll = (error: string) => files.map((f): UploadResult => ({ name: f.name, ok: false, error }));

  if (release.immutable && !release.draft) return failAll(immutableMessage);

  let assets: AssetData[];
  const listAssets = () =>
    octokit.paginate(octokit.rest.repos.listReleaseAssets, {
      owner,
      repo,
      release_id: release.id,
      per_page: 100,
    });
  try {
    assets = await listAssets();
  } catch (e) {
    return failAll(explain(e, `listing the assets of release ${release.tag_name} of ${full}`));
  }

  const remove = async (asset: AssetData, why: string) => {
    log(`Deleting ${why} asset ${asset.name} (id ${asset.id}, state ${asset.state})`);
    await octokit.rest.repos.deleteReleaseAsset({ owner, repo, asset_id: asset.id });
    assets = assets.filter((a) => a.id !== asset.id);
  };

  const results: UploadResult[] = [];
  let immutableHit = false;
  for (const file of files) {
    if (immutableHit) {
      results.push({ name: file.name, ok: false, error: immutableMessage });
      continue;
    }
    let bytes: Buffer;
    try {
      bytes = await readFile(file.path);
    } catch (e) {
      results.push({
        name: file.name,
        ok: false,
        error: `cannot read ${file.path}: ${(e as Error).message}`,
      });
      continue;
    }
    const doing = `uploading ${file.name} to release ${release.tag_name} of ${full}`;
    try {
      // A leftover from an earlier failed upload is never a real asset: always clean it up.
      const existing = assets.find((a) => a.name === file.name);
      if (existing && existing.state !== 'uploaded') await remove(existing, 'broken');
      else if (existing && !overwrite) {
        results.push({ name: file.name, ok: false, error: alreadyThere(file.name, release.tag_name) });
        continue;
      } else if (existing) await remove(existing, 'the existing');

      let uploaded: AssetData;
      try {
        uploaded = await upload(octokit, release, file, bytes);
      } catch (e) {
        if (!isAlreadyExists(e)) throw e;
        // Someone (a parallel job, an upload that half-finished) created it meanwhile.
        log(`${file.name} appeared on release ${release.tag_name} meanwhile; refreshing the asset list`);
        assets = await listAssets();
        const now = assets.find((a) => a.name === file.name);
        if (now && now.state === 'uploaded' && !overwrite) {
          results.push({ name: file.name, ok: false, error: alreadyThere(file.name, release.tag_name) });
          continue;
        }
        if (now) await remove(now, now.state === 'uploaded' ? 'the existing' : 'broken');
        uploaded = await upload(octokit, release, file, bytes);
      }
      log(`Uploaded ${file.name} (${bytes.length} bytes) to release ${release.tag_name}`);
      results.push({ name: file.name, ok: true, url: uploaded.browser_download_url, size: uploaded.size });
    } catch (e) {
      if (isHttpError(e) && e.status === 422 && /immutable/i.test(githubMessage(e))) {
        immutableHit = true;
        results.push({ name: file.name, ok: false, error: immutableMessage });
      } else {
        results.push({ name: file.name, ok: false, error: explain(e, doing) });
      }
    }
  }
  return results;
}

async function upload(
  octokit: Octokit,
  release: ReleaseRef,
  file: UploadFile,
  bytes: Buffer,
): Promise<AssetData> {
  const { data } = await octokit.request({
    method: 'POST',
    url: release.upload_url,
    name: file.name,
    headers: { 'content-type': file.contentType, 'content-length': bytes.length },
    data: bytes,
  });
  return data as AssetData;
}

function isAlreadyExists(e: unknown): boolean {
  if (!isHttpError(e) || e.status !== 422) return false;
  const errors = (e.response?.data as { errors?: { code?: string }[] } | undefined)?.errors ?? [];
  return errors.some((x) => x.code === 'already_exists');
}

function alreadyThere(name: string, tag: string): string {
  return `${name} already exists on release ${tag} and overwrite is false: set overwrite: true to replace it, or delete the asset.`;
}
