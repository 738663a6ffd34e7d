// The release's lock: the asset `plugins.json.lock`. Uploading a name that exists is refused by
// GitHub (422 already_exists): the one atomic "create if absent" a release offers, so only one run
// holds it. Its body names the holder and a random token, so a run whose lock upload GitHub stored
// but whose answer was lost (5xx, a dropped connection) finds its own lock and adopts it instead of
// waiting for "another run"; the upload is therefore never retried blindly (the client's retries
// are off for it). A lock still uploading (state `starter`) is held until a grace period passes;
// one older than the stale time was left by a run that died and is removed. Any other 422 is
// reported as what it is. The caller removes the lock when done, and on a cancel.
import type { Octokit } from '@octokit/rest';
import { isAuthenticated } from '../github/client';
import { explainGitHubError, githubMessage, isHttpError } from '../github/errors';
import type { ReleaseRef } from '../github/release-assets';
import { escapeControl } from '../log-text';
import { LOCK_NAME } from './names';
import { downloadAsset, listAssets, releaseRepo, ReleaseStoreError, type AssetData } from './snapshot';

export interface LockOptions {
  /** Who holds it (run id and attempt), written into the lock asset. */
  holder: string;
  /** This run's token (the temporary names carry it too). */
  token: string;
  /** How long to wait for another run's lock before giving up. Default 10 minutes. */
  waitMs?: number;
  /** Between tries. Default 5 s. */
  pollMs?: number;
  /** A lock (or temporary asset) older than this was left by a run that died. Default 30 minutes. */
  staleMs?: number;
  /** A lock still uploading (`starter`) is held for this long. Default 2 minutes. */
  starterGraceMs?: number;
  log?: (message: string) => void;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export class ReleaseLockedError extends ReleaseStoreError {
  override name = 'ReleaseLockedError';
}

export interface HeldLock {
  id: number;
  /** Removes the lock (a 404: it is gone already). Never throws; says what it could not do. */
  release(): Promise<string | undefined>;
}

/** The lock's body: who holds it, the token, since when. */
export function lockBody(holder: string, token: string, since: number): string {
  return `${JSON.stringify({ holder, token, since: new Date(since).toISOString() })}\n`;
}

/** The token in a lock's body; undefined when it is not a lock body. */
export function lockToken(text: string): string | undefined {
  try {
    const v = JSON.parse(text) as { token?: unknown };
    return typeof v.token === 'string' ? v.token : undefined;
  } catch {
    return undefined;
  }
}

const LOST_ANSWER_TRIES = 4;

export async function takeLock(octokit: Octokit, release: ReleaseRef, o: LockOptions): Promise<HeldLock> {
  const now = o.now ?? Date.now;
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const log = o.log ?? (() => undefined);
  const waitMs = o.waitMs ?? 10 * 60_000;
  const pollMs = o.pollMs ?? 5000;
  const staleMs = o.staleMs ?? 30 * 60_000;
  const graceMs = o.starterGraceMs ?? 2 * 60_000;
  const { owner, repo } = releaseRepo(release);
  const tag = release.tag_name;
  const explain = async (e: unknown, doing: string) =>
    explainGitHubError(e, {
      authenticated: await isAuthenticated(octokit),
      doing,
      repository: `${owner}/${repo}`,
    });
  const started = now();
  let lost = 0;
  const held = (id: number): HeldLock => ({
    id,
    release: async () => {
      try {
        await octokit.rest.repos.deleteReleaseAsset({ owner, repo, asset_id: id });
        log(`Released ${LOCK_NAME}`);
        return undefined;
      } catch (e) {
        if (isHttpError(e) && e.status === 404) return undefined;
        const m = `could not remove ${LOCK_NAME} of release ${tag} (another run removes it after ${Math.round(staleMs / 60_000)} minutes): ${(e as Error).message}`;
        log(m);
        return m;
      }
    },
  });

  try {
    return await tryToTake();
  } catch (e) {
    // A lock GitHub stored though its answer was lost is this run's: never left behind.
    if (lost > 0) await dropOwn().catch(() => undefined);
    throw e;
  }

  async function dropOwn(): Promise<void> {
    const lock = (await listAssets(octokit, release)).find(
      (a) => a.name === LOCK_NAME && a.state === 'uploaded',
    );
    const text = lock && (await downloadAsset(octokit, release, lock));
    if (lock && text && lockToken(text.toString('utf8')) === o.token) {
      log(`Removing ${LOCK_NAME}: this run's, stored though its answer was lost`);
      await held(lock.id).release();
    }
  }

  async function tryToTake(): Promise<HeldLock> {
    for (let attempt = 1; ; attempt++) {
      const body = Buffer.from(lockBody(o.holder, o.token, now()));
      let answerLost = false;
      try {
        const { data } = await octokit.request({
          method: 'POST',
          url: release.upload_url,
          name: LOCK_NAME,
          headers: { 'content-type': 'application/json', 'content-length': body.length },
          data: body,
          request: { retries: 0 },
        });
        const asset = data as AssetData;
        if (asset.name !== LOCK_NAME) {
          await held(asset.id).release();
          throw new ReleaseStoreError(
            `GitHub stored the lock as "${escapeControl(asset.name)}", not ${LOCK_NAME}: nothing was written to release ${tag}`,
          );
        }
        log(`Holding ${LOCK_NAME} on release ${tag}${attempt > 1 ? ` (attempt ${attempt})` : ''}`);
        return held(asset.id);
      } catch (e) {
        if (e instanceof ReleaseStoreError) throw e;
        if (isHttpError(e) && e.status === 422) {
          const message = githubMessage(e);
          if (/immutable/i.test(message))
            throw new ReleaseStoreError(
              `Release ${tag} of ${owner}/${repo} is published and immutable, so nothing can be written to it: upload to a draft release and publish it after the upload`,
            );
          const errors = (e.response?.data as { errors?: { code?: string }[] } | undefined)?.errors ?? [];
          if (!errors.some((x) => x.code === 'already_exists'))
            throw await explain(
              e,
              `taking ${LOCK_NAME} on release ${tag} (GitHub refused the upload: ${message})`,
            );
        } else if (!isHttpError(e) || e.status >= 500 || e.status === 429) {
          // The lock may be stored though the answer was lost: look before trying again.
          answerLost = true;
          if (++lost >= LOST_ANSWER_TRIES)
            throw await explain(e, `taking ${LOCK_NAME} on release ${tag} (${lost} tries without an answer)`);
          log(`No answer to the lock upload (${(e as Error).message}): looking whether GitHub stored it`);
        } else {
          throw await explain(e, `taking ${LOCK_NAME} on release ${tag}`);
        }
      }

      const lock = (await listAssets(octokit, release)).find((a) => a.name === LOCK_NAME);
      if (!lock) continue; // removed meanwhile, or the lost upload never arrived: try again
      const age = now() - Date.parse(lock.created_at);
      if (lock.state === 'uploaded') {
        const text = await downloadAsset(octokit, release, lock);
        if (text === undefined) continue;
        if (lockToken(text.toString('utf8')) === o.token) {
          log(`${LOCK_NAME} on release ${tag} is this run's (its upload's answer was lost): holding it`);
          return held(lock.id);
        }
        if (age > staleMs) {
          log(`Removing ${LOCK_NAME} left by a run that did not finish (since ${lock.created_at})`);
          await held(lock.id).release();
          continue;
        }
      } else if (age > graceMs) {
        log(
          `Removing ${LOCK_NAME}, an upload that never finished (state ${lock.state}, since ${lock.created_at})`,
        );
        await held(lock.id).release();
        continue;
      }
      if (answerLost) continue;
      if (now() - started >= waitMs) {
        throw new ReleaseLockedError(
          `another run has held ${LOCK_NAME} on release ${tag} since ${lock.created_at} and did not finish within ${Math.round(waitMs / 1000)} s; nothing was written: re-run this job later`,
        );
      }
      log(`${LOCK_NAME} on release ${tag} is held by another run (since ${lock.created_at}): waiting`);
      await sleep(pollMs);
    }
  }
}
