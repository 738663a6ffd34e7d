// Adapter: what the publish and follow modes read from and write to the plugin's release. Reading
// one asset by name (plugins.json, checksums.txt); a lock asset, so that two runs writing to one
// release take turns (an upload of a name that exists is refused by GitHub: the one atomic
// "create if absent" a release offers); and the one write of a run - names that must not be
// touched checked, then the all-or-nothing update of release-update.ts with checksums.txt and
// plugins.json last - behind one function, writeReleaseFiles.
import type { Octokit } from '@octokit/rest';
import { isAuthenticated } from './client';
import { explainGitHubError, isHttpError } from './errors';
import { sha256File } from '../publish/checksums';
import type { ReleaseRef, UploadFile, UploadResult } from './release-assets';
import { updateReleaseAssets } from './release-update';

type AssetData = Awaited<ReturnType<Octokit['rest']['repos']['listReleaseAssets']>>['data'][number];

/** owner and repo of a release, from its API URL. */
export function releaseRepo(release: Pick<ReleaseRef, 'url'>): { owner: string; repo: string } {
  const m = /\/repos\/([^/]+)\/([^/]+)\/releases\/\d+$/.exec(release.url);
  if (!m) throw new Error(`release.url "${release.url}" is not a GitHub release API URL`);
  return { owner: decodeURIComponent(m[1]!), repo: decodeURIComponent(m[2]!) };
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

/** The bytes of the uploaded asset `name` of the release; undefined when it has none. */
export async function readReleaseAsset(
  octokit: Octokit,
  release: ReleaseRef,
  name: string,
  assets?: readonly AssetData[],
): Promise<Buffer | undefined> {
  const asset = (assets ?? (await listAssets(octokit, release))).find(
    (a) => a.name === name && a.state === 'uploaded',
  );
  if (!asset) return undefined;
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
    // Deleted between the listing and the download (another run replacing it): as if absent.
    if (isHttpError(e) && e.status === 404) return undefined;
    throw explainGitHubError(e, {
      authenticated: await isAuthenticated(octokit),
      doing: `downloading ${name} from release ${release.tag_name}`,
      repository: `${owner}/${repo}`,
    });
  }
}

export interface ReleaseWrite {
  release: ReleaseRef;
  /** New files, uploaded first. An asset of the same name already on the release is a conflict, never replaced. */
  add: UploadFile[];
  /** Files this run may replace (a re-run of a tag build with overwrite: true); uploaded after `add`. */
  replace?: UploadFile[];
  /** Names on the release that must not change (the files a follow run found there). */
  keep: readonly string[];
  /** Written last, replacing the asset of the same name, in this order: checksums.txt, then plugins.json. */
  last: UploadFile[];
  log?: (message: string) => void;
  /** Checked between the update's steps: true stops it as a failure does (the run was cancelled). */
  cancelled?: () => boolean;
}

export class ReleaseConflictError extends Error {
  override name = 'ReleaseConflictError';
}

/**
 * The one write of a publish or follow run. `last` is written only when every other file was
 * uploaded, so the index never names a file the release does not hold. Never deletes or replaces
 * an asset named in `keep`, nor one of `add`'s names that someone else uploaded. Every file gets
 * a result; a file not written because an earlier one failed says so.
 */
export async function writeReleaseFiles(octokit: Octokit, w: ReleaseWrite): Promise<UploadResult[]> {
  const keep = new Set(w.keep);
  const replace = w.replace ?? [];
  for (const f of [...w.add, ...replace, ...w.last]) {
    if (keep.has(f.name))
      throw new ReleaseConflictError(
        `${f.name} is on release ${w.release.tag_name} already and must not be touched`,
      );
  }
  const existing = new Set(
    (await listAssets(octokit, w.release)).filter((a) => a.state === 'uploaded').map((a) => a.name),
  );
  const taken = w.add.filter((f) => existing.has(f.name)).map((f) => f.name);
  if (taken.length > 0) {
    throw new ReleaseConflictError(
      `release ${w.release.tag_name} already has ${taken.join(', ')}, which this run was to add; nothing was written`,
    );
  }
  // All or nothing (release-update.ts): every file under a temporary name first, then the swap,
  // `last` (checksums.txt, plugins.json) after every other; a failure before the swap leaves the
  // release as it was.
  const lastNames = w.last.map((f) => f.name);
  const replaceable = new Set([...replace.map((f) => f.name), ...lastNames]);
  const files = await Promise.all(
    [...w.add, ...replace, ...w.last].map(async (f) => ({ ...f, sha256: await sha256File(f.path) })),
  );
  const update = await updateReleaseAssets(octokit, {
    release: w.release,
    files,
    mayReplace: (name) => replaceable.has(name),
    untouchable: w.keep,
    last: lastNames,
    ...(w.log && { log: w.log }),
    ...(w.cancelled && { cancelled: w.cancelled }),
  });
  return update.files.map((f) => ({
    name: f.name,
    ok: f.ok && update.ok,
    ...(f.url !== undefined && { url: f.url }),
    ...(f.size !== undefined && { size: f.size }),
    ...((f.error ?? (update.ok ? undefined : update.error)) !== undefined && {
      error: f.error ?? update.error,
    }),
  }));
}

export const LOCK_SUFFIX = '.lock';

export interface LockOptions {
  /** Who holds it (run id and attempt), written into the lock asset. */
  holder: string;
  /** How long to wait for another run's lock before giving up. Default 10 minutes. */
  waitMs?: number;
  /** Between tries. Default 5 s. */
  pollMs?: number;
  /** A lock older than this is left over from a run that died: it is removed. Default 30 minutes. */
  staleMs?: number;
  log?: (message: string) => void;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Runs `fn` holding the release's lock `<name>.lock` (an asset: uploading a name that exists is
 * refused, so only one run holds it). Waits for another run's lock; removes a stale one; always
 * removes its own. Throws ReleaseConflictError when the wait is over, saying who holds it.
 */
export async function withReleaseLock<T>(
  octokit: Octokit,
  release: ReleaseRef,
  name: string,
  options: LockOptions,
  fn: () => Promise<T>,
): Promise<T> {
  const lockName = `${name}${LOCK_SUFFIX}`;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const log = options.log ?? (() => undefined);
  const waitMs = options.waitMs ?? 10 * 60_000;
  const pollMs = options.pollMs ?? 5000;
  const staleMs = options.staleMs ?? 30 * 60_000;
  const { owner, repo } = releaseRepo(release);
  const body = Buffer.from(
    `${JSON.stringify({ holder: options.holder, since: new Date(now()).toISOString() })}\n`,
  );
  const started = now();
  let lockId: number | undefined;
  for (let attempt = 1; lockId === undefined; attempt++) {
    try {
      const { data } = await octokit.request({
        method: 'POST',
        url: release.upload_url,
        name: lockName,
        headers: { 'content-type': 'application/json', 'content-length': body.length },
        data: body,
      });
      lockId = (data as AssetData).id;
      log(
        `Holding ${lockName} on release ${release.tag_name}${attempt > 1 ? ` (after ${attempt - 1} wait${attempt > 2 ? 's' : ''})` : ''}`,
      );
      break;
    } catch (e) {
      if (!isHttpError(e) || e.status !== 422) {
        throw explainGitHubError(e, {
          authenticated: await isAuthenticated(octokit),
          doing: `taking ${lockName} on release ${release.tag_name}`,
          repository: `${owner}/${repo}`,
        });
      }
    }
    const held = (await listAssets(octokit, release)).find((a) => a.name === lockName);
    if (held && (held.state !== 'uploaded' || now() - Date.parse(held.created_at) > staleMs)) {
      log(`Removing ${lockName} left by a run that did not finish (${held.state}, since ${held.created_at})`);
      await deleteAsset(octokit, owner, repo, held.id);
      continue;
    }
    if (now() - started >= waitMs) {
      throw new ReleaseConflictError(
        `another run has held ${lockName} on release ${release.tag_name} since ${held?.created_at ?? 'a moment ago'} and did not finish within ${Math.round(waitMs / 1000)} s; nothing was written: re-run this job later`,
      );
    }
    log(
      `${lockName} on release ${release.tag_name} is held by another run (since ${held?.created_at ?? 'now'}): waiting`,
    );
    await sleep(pollMs);
  }
  try {
    return await fn();
  } finally {
    try {
      await deleteAsset(octokit, owner, repo, lockId);
      log(`Released ${lockName}`);
    } catch (e) {
      log(
        `Could not remove ${lockName} (another run removes it after ${Math.round(staleMs / 60_000)} minutes): ${(e as Error).message}`,
      );
    }
  }
}

async function deleteAsset(octokit: Octokit, owner: string, repo: string, id: number): Promise<void> {
  try {
    await octokit.rest.repos.deleteReleaseAsset({ owner, repo, asset_id: id });
  } catch (e) {
    if (!isHttpError(e) || e.status !== 404) throw e;
  }
}
