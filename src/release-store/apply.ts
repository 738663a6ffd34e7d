// Writing a decided next state (next-state.ts) to the release, all or nothing as far as GitHub
// allows: every new file is uploaded under a temporary name first; only when ALL of them are there
// are the old assets renamed away and the new ones renamed into place (the asset API renames by
// PATCH `name`) - plugin files, then checksums.txt, then plugins.json - and the old assets
// deleted at the end. A failure or a cancel before the swap removes the temporary assets and
// leaves the release as it was; once the swap has begun it is finished (a few renames; a cancel
// waits for it), and a swap that GitHub stops part-way is rolled back where it can be. Every name
// GitHub answers with is compared with the one asked for. 5xx and network errors are retried by
// the client (client.ts); every swap and clean-up step is tried once more on top.
//
// Healing (heal) runs under the lock before the release is read: it touches only temporary
// names of this run or ones older than the stale time.
import { readFile } from 'node:fs/promises';
import type { Octokit } from '@octokit/rest';
import { isAuthenticated } from '../github/client';
import { explainGitHubError, githubMessage, isHttpError } from '../github/errors';
import type { ReleaseRef } from '../github/release-assets';
import { escapeControl } from '../log-text';
import type { PlannedFile, StoredAsset } from './next-state';
import { parseTempName, tempName } from './names';
import { listAssets, releaseRepo, type AssetData } from './snapshot';

export interface ApplyFile extends PlannedFile {
  /** Where a plugin file's bytes are (the store's own files carry `text`). */
  path?: string;
}

export interface ApplyResult {
  ok: boolean;
  /** `untouched`: as it was; `updated`: every file in place; `mixed`: the swap stopped part-way. */
  release: 'untouched' | 'updated' | 'mixed';
  error?: string;
  /** Temporary assets this write could not delete (a later run removes them once stale). */
  leftovers: string[];
}

class Stop extends Error {}

interface Api {
  rename(asset: { id: number }, name: string): Promise<AssetData>;
  remove(asset: { id: number }): Promise<void>;
}

function api(octokit: Octokit, release: ReleaseRef): Api {
  const { owner, repo } = releaseRepo(release);
  return {
    rename: async (asset, name) =>
      (await octokit.rest.repos.updateReleaseAsset({ owner, repo, asset_id: asset.id, name })).data,
    remove: async (asset) => {
      try {
        await octokit.rest.repos.deleteReleaseAsset({ owner, repo, asset_id: asset.id });
      } catch (e) {
        if (!isHttpError(e) || e.status !== 404) throw e; // 404: gone already
      }
    },
  };
}

/** One step: the client's retries, then once more. */
async function twice<T>(step: () => Promise<T>, log: (m: string) => void): Promise<T> {
  try {
    return await step();
  } catch (e) {
    if (e instanceof Stop || (isHttpError(e) && e.status < 500 && e.status !== 429)) throw e;
    log(`retrying once more after: ${(e as Error).message}`);
    return step();
  }
}

/**
 * Heals what an interrupted write left: an old asset renamed away whose name is free goes back
 * under it; other temporary assets are removed - only this run's (its token) and ones older than
 * `staleMs` (a run that holds no lock any more). Returns what it did, for the log.
 */
export async function heal(
  octokit: Octokit,
  release: ReleaseRef,
  assets: readonly StoredAsset[],
  o: { token: string; staleMs: number; now: () => number; log: (m: string) => void },
): Promise<string[]> {
  const a = api(octokit, release);
  const done: string[] = [];
  const names = new Set(assets.map((x) => x.name));
  for (const asset of assets) {
    const t = parseTempName(asset.name);
    if (!t) continue;
    const mine = t.token === o.token;
    if (!mine && o.now() - Date.parse(asset.createdAt) <= o.staleMs) {
      o.log(`Leaving ${escapeControl(asset.name)}: another run's, and younger than the stale time`);
      continue;
    }
    if (t.kind === 'old' && asset.state === 'uploaded' && !names.has(t.base)) {
      o.log(`Healing: ${asset.name} (the old ${t.base}, left by an interrupted write) is renamed back`);
      await twice(() => a.rename(asset, t.base), o.log);
      names.add(t.base);
      done.push(`${asset.name} renamed back to ${t.base}`);
    } else {
      o.log(`Healing: removing ${asset.name}, left by an interrupted write`);
      await twice(() => a.remove(asset), o.log);
      done.push(`${asset.name} removed`);
    }
  }
  return done;
}

export async function applyNextState(
  octokit: Octokit,
  release: ReleaseRef,
  assets: readonly StoredAsset[],
  files: readonly ApplyFile[],
  o: { token: string; log: (m: string) => void; cancelled: () => boolean; remove?: readonly string[] },
): Promise<ApplyResult> {
  const { log, token } = o;
  const tag = release.tag_name;
  const { owner, repo } = releaseRepo(release);
  const full = `${owner}/${repo}`;
  const a = api(octokit, release);
  const authenticated = await isAuthenticated(octokit);
  const explain = (e: unknown, doing: string) =>
    e instanceof Stop
      ? e.message
      : isHttpError(e) && e.status === 404
        ? `${doing}: the asset vanished (GitHub answered 404: someone deleted it meanwhile); re-run the job`
        : isHttpError(e) && e.status === 422 && /immutable/i.test(githubMessage(e))
          ? `release ${tag} of ${full} is published and immutable: upload to a draft release and publish it after the upload`
          : explainGitHubError(e, { doing, repository: full, authenticated }).message;
  const leftovers: string[] = [];
  const removeAll = async (list: readonly { id: number; name: string }[]) => {
    for (const x of list) {
      try {
        await twice(() => a.remove(x), log);
      } catch (e) {
        leftovers.push(x.name);
        log(`Could not delete ${x.name} (a later run removes it): ${(e as Error).message}`);
      }
    }
  };
  // An upload GitHub stored though its answer was lost is this run's too: found by its token.
  const removeLost = async () => {
    try {
      const known = new Set([...temps.values()].map((t) => t.id));
      const lost = (await listAssets(octokit, release)).filter(
        (x) =>
          !known.has(x.id) && parseTempName(x.name)?.token === token && parseTempName(x.name)?.kind === 'new',
      );
      await removeAll(lost);
    } catch (e) {
      log(`Could not look for uploads whose answer was lost: ${(e as Error).message}`);
    }
  };
  const expectName = (got: AssetData, want: string) => {
    if (got.name !== want)
      throw new Stop(
        `GitHub stored ${want} as "${escapeControl(got.name)}" (it renames names it does not accept): choose a plain file-name (letters, digits, . _ + -)`,
      );
  };

  // 1. Upload every new file under its temporary name; any failure or a cancel removes them.
  const toWrite = files.filter((f) => f.action !== 'leave');
  const temps = new Map<string, AssetData>();
  for (const f of toWrite) {
    const name = tempName(f.name, 'new', token);
    try {
      if (o.cancelled()) throw new Stop('the run was cancelled');
      const bytes = f.text !== undefined ? Buffer.from(f.text) : await readFile(f.path!);
      const { data } = await octokit.request({
        method: 'POST',
        url: release.upload_url,
        name,
        headers: {
          'content-type':
            f.kind === 'index'
              ? 'application/json'
              : f.kind === 'checksums'
                ? 'text/plain'
                : 'application/octet-stream',
          'content-length': bytes.length,
        },
        data: bytes,
      });
      const up = data as AssetData;
      temps.set(f.name, up);
      expectName(up, name);
      if (up.digest && up.digest !== `sha256:${f.sha256}`)
        throw new Stop(
          `GitHub stored other bytes for ${name} (${up.digest}) than were sent (sha256:${f.sha256})`,
        );
      log(`Uploaded ${f.name} as ${name} (${bytes.length} bytes)`);
    } catch (e) {
      const error =
        (e as NodeJS.ErrnoException).code && !isHttpError(e) && f.path
          ? `cannot read ${f.path}: ${(e as Error).message}`
          : explain(e, `uploading ${f.name} to release ${tag} of ${full}`);
      log(`Stopping before any asset of release ${tag} changed: ${error}`);
      await removeAll([...temps.values()]);
      await removeLost();
      return {
        ok: false,
        release: 'untouched',
        error: `${f.name}: ${error}. Release ${tag} was left as it was.`,
        leftovers,
      };
    }
  }
  if (o.cancelled()) {
    await removeAll([...temps.values()]);
    await removeLost();
    return {
      ok: false,
      release: 'untouched',
      error: `the run was cancelled before the swap; release ${tag} was left as it was`,
      leftovers,
    };
  }

  // 2. The swap, in the planned order; finished once begun (a cancel waits for it).
  const byName = new Map(assets.filter((x) => x.state === 'uploaded').map((x) => [x.name, x]));
  const swapped: { name: string; placed: AssetData; backup?: AssetData }[] = [];
  let stopped: string | undefined;
  for (const f of toWrite) {
    const temp = temps.get(f.name)!;
    const existing = f.action === 'replace' ? byName.get(f.name) : undefined;
    let backup: AssetData | undefined;
    try {
      if (existing) {
        const oldName = tempName(f.name, 'old', token);
        backup = await twice(() => a.rename(existing, oldName), log);
        expectName(backup, oldName);
      }
      const placed = await twice(() => a.rename(temp, f.name), log);
      expectName(placed, f.name);
      swapped.push({ name: f.name, placed, ...(backup && { backup }) });
      log(`${existing ? 'Replaced' : 'Added'} ${f.name} on release ${tag}`);
    } catch (e) {
      stopped = explain(e, `renaming ${temp.name} to ${f.name} on release ${tag} of ${full}`);
      log(`The swap stopped at ${f.name}: ${stopped}`);
      if (backup) swapped.push({ name: f.name, placed: temp, backup });
      break;
    }
  }
  if (stopped !== undefined) {
    // Roll back: every swapped file's new asset away, its old one back under the name.
    const placed = new Set(swapped.filter((s) => s.placed.name === s.name).map((s) => s.placed.id));
    const stuck: string[] = [];
    for (const s of [...swapped].reverse()) {
      try {
        if (placed.has(s.placed.id)) {
          await twice(() => a.rename(s.placed, tempName(s.name, 'new', token)), log);
          placed.delete(s.placed.id);
        }
        if (s.backup) await twice(() => a.rename(s.backup!, s.name), log);
      } catch (e) {
        stuck.push(s.name);
        log(`Could not roll back ${s.name}: ${(e as Error).message}`);
      }
    }
    await removeAll([...temps.values()].filter((t) => !placed.has(t.id)));
    return {
      ok: false,
      release: stuck.length === 0 ? 'untouched' : 'mixed',
      error:
        stuck.length === 0
          ? `the write to release ${tag} stopped during the swap and was rolled back: ${stopped}. Re-run the job`
          : `the write to release ${tag} stopped during the swap: ${stopped}. ${stuck.join(', ')} could not be rolled back; re-run the job (it heals the release first)`,
      leftovers,
    };
  }

  // 3. The old assets go, and the files no entry names any more.
  await removeAll(swapped.flatMap((s) => (s.backup ? [s.backup] : [])));
  const gone = assets.filter((x) => (o.remove ?? []).includes(x.name));
  for (const x of gone) log(`Removing ${x.name}: no entry of plugins.json names it any more`);
  await removeAll(gone);
  return { ok: true, release: toWrite.length > 0 ? 'updated' : 'untouched', leftovers };
}
