// Adapter: one update of a release's assets, all or nothing as far as GitHub allows. Every new
// file is uploaded under a temporary name first; only when ALL of them are there are the old
// assets renamed away and the new ones renamed into place (the asset API renames by PATCH
// `name`), the files named `last` (checksums.txt, the index) after every other, and the old
// assets deleted at the end. A failure or a cancel before the swap removes the temporary assets
// and leaves the release exactly as it was; a failure during the swap stops it and says, file
// by file, what the release holds; a re-run first heals what an interrupted update left (a
// renamed-away old asset whose name is free is renamed back, temporary assets are removed) and
// then updates as usual. 5xx and network errors are retried by the client (client.ts); a swap
// step is tried once more on top.
//
// The temporary names are `<name>.flow-new-<token>` and `<name>.flow-old-<token>`: plain
// characters GitHub keeps as they are, and no pattern a downloader uses for the real files
// (`*.so`, `checksums.txt`) matches them.
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Octokit } from '@octokit/rest';
import { isAuthenticated } from './client';
import { explainGitHubError, githubMessage, isHttpError } from './errors';
import type { ReleaseRef } from './release-assets';

type AssetData = Awaited<ReturnType<Octokit['rest']['repos']['listReleaseAssets']>>['data'][number];

export interface ReleaseFile {
  /** The asset name on the release. */
  name: string;
  /** Where the bytes are on disk. */
  path: string;
  /** Lowercase hex SHA-256 of the bytes (an existing asset with this digest is left as it is). */
  sha256: string;
  contentType?: string;
}

export interface ReleaseUpdate {
  release: ReleaseRef;
  files: readonly ReleaseFile[];
  /** Whether an existing asset of a file's name may be replaced (the `overwrite` input). */
  mayReplace: boolean | ((name: string) => boolean);
  /** Asset names this update must never write (a file of such a name refuses the whole update). */
  untouchable?: readonly string[];
  /** Names put in place after every other file, in this order (checksums.txt, then an index). */
  last?: readonly string[];
  log?: (message: string) => void;
  /** Checked between steps: true stops the update as a failure does (the run was cancelled). */
  cancelled?: () => boolean;
  /** The temporary names' token (default: random, 8 hex digits). */
  token?: string;
}

/**
 * What the release holds for one file after the update:
 * - `added`, `replaced`: the new bytes under the name; `unchanged`: the same bytes were there;
 * - `as-before`: nothing changed for this name (the update stopped before its swap, or refused);
 * - `missing`: the swap stopped between its two renames: the name is free and the old asset is
 *   kept as `keptAs` (a re-run renames it back first, then updates).
 */
export type FileState = 'added' | 'replaced' | 'unchanged' | 'as-before' | 'missing';

export interface FileOutcome {
  name: string;
  ok: boolean;
  state: FileState;
  /** browser_download_url of the asset under its name. */
  url?: string;
  size?: number;
  error?: string;
  /** Where the old asset is when the name is `missing`. */
  keptAs?: string;
}

export interface ReleaseUpdateResult {
  ok: boolean;
  /** `untouched`: as it was; `updated`: every file in place; `mixed`: the swap stopped part-way. */
  release: 'untouched' | 'updated' | 'mixed';
  files: FileOutcome[];
  /** What went wrong, for the step's failure (undefined when ok). */
  error?: string;
  /**
   * From the first rename to the last: the time in which a downloader listing the release could
   * see some new files beside old ones (or an old checksums.txt). Undefined when nothing swapped.
   */
  swapWindowMs?: number;
  /** The longest time one name was absent (between renaming its old asset away and the new one in). */
  longestGapMs?: number;
  /** Temporary or old assets this update could not delete (a re-run removes them). */
  leftovers: string[];
  /** What the update healed first (leftovers of an interrupted update). */
  healed: string[];
}

const TEMP = /^(.+)\.flow-(new|old)-([0-9a-f]{8})$/;

export function tempName(name: string, kind: 'new' | 'old', token: string): string {
  return `${name}.flow-${kind}-${token}`;
}

/** `{ base, kind }` of a temporary name this module makes; undefined for any other name. */
export function parseTempName(name: string): { base: string; kind: 'new' | 'old' } | undefined {
  const m = TEMP.exec(name);
  return m ? { base: m[1]!, kind: m[2] as 'new' | 'old' } : undefined;
}

/**
 * The order the files are put in place: every file not named in `last` in the given order, then
 * the `last` ones in their order. Pure.
 */
export function swapOrder<T extends { name: string }>(files: readonly T[], last: readonly string[]): T[] {
  const rank = (f: T) => {
    const i = last.indexOf(f.name);
    return i < 0 ? -1 : i;
  };
  return [...files].sort((a, b) => rank(a) - rank(b));
}

class Stop extends Error {}

export async function updateReleaseAssets(octokit: Octokit, u: ReleaseUpdate): Promise<ReleaseUpdateResult> {
  const { release } = u;
  const log = u.log ?? (() => undefined);
  const cancelled = u.cancelled ?? (() => false);
  const token = u.token ?? randomBytes(4).toString('hex');
  const mayReplace = typeof u.mayReplace === 'function' ? u.mayReplace : () => u.mayReplace as boolean;
  const m = /\/repos\/([^/]+)\/([^/]+)\/releases\/\d+$/.exec(release.url);
  if (!m) throw new Error(`release.url "${release.url}" is not a GitHub release API URL`);
  const [owner, repo] = [decodeURIComponent(m[1]!), decodeURIComponent(m[2]!)];
  const full = `${owner}/${repo}`;
  const tag = release.tag_name;
  const authenticated = await isAuthenticated(octokit);
  const explain = (e: unknown, doing: string) =>
    isImmutable(e)
      ? immutableMessage(tag, full)
      : explainGitHubError(e, { doing, repository: full, authenticated }).message;
  const files = swapOrder(u.files, u.last ?? []);
  const healed: string[] = [];
  const leftovers: string[] = [];
  const untouched = (
    error: string,
    perFile: (f: ReleaseFile) => string = () => error,
  ): ReleaseUpdateResult => ({
    ok: false,
    release: 'untouched',
    error,
    files: files.map((f) => ({ name: f.name, ok: false, state: 'as-before', error: perFile(f) })),
    leftovers,
    healed,
  });

  for (const f of files) {
    if ((u.untouchable ?? []).includes(f.name))
      return untouched(`${f.name} must not be written by this update; nothing was changed on release ${tag}`);
    if (parseTempName(f.name))
      return untouched(
        `${f.name} looks like a temporary name of an interrupted update; choose another file name`,
      );
  }
  if (new Set(files.map((f) => f.name)).size !== files.length)
    return untouched(`the update names one asset twice; nothing was changed on release ${tag}`);
  if (release.immutable && !release.draft) return untouched(immutableMessage(tag, full));

  const api = {
    list: () =>
      octokit.paginate(octokit.rest.repos.listReleaseAssets, {
        owner,
        repo,
        release_id: release.id,
        per_page: 100,
      }),
    rename: async (asset: AssetData, name: string): Promise<AssetData> =>
      (await octokit.rest.repos.updateReleaseAsset({ owner, repo, asset_id: asset.id, name })).data,
    remove: (asset: { id: number }) =>
      octokit.rest.repos.deleteReleaseAsset({ owner, repo, asset_id: asset.id }),
  };
  /** One step of the swap: the client's retries, then once more. */
  const twice = async <T>(step: () => Promise<T>): Promise<T> => {
    try {
      return await step();
    } catch (e) {
      if (isHttpError(e) && e.status < 500 && e.status !== 429) throw e;
      log(`retrying once more after: ${(e as Error).message}`);
      return step();
    }
  };

  let assets: AssetData[];
  try {
    assets = await api.list();
  } catch (e) {
    return untouched(explain(e, `listing the assets of release ${tag} of ${full}`));
  }

  // 1. Heal what an interrupted update left: an old asset renamed away whose name is free goes
  //    back under it; every other temporary asset, and broken uploads of our names, are removed.
  try {
    for (const a of [...assets]) {
      const t = parseTempName(a.name);
      if (!t) continue;
      if (t.kind === 'old' && a.state === 'uploaded' && !assets.some((x) => x.name === t.base)) {
        log(
          `Healing: ${a.name} (the old ${t.base}, left by an interrupted update) is renamed back to ${t.base}`,
        );
        const back = await api.rename(a, t.base);
        assets = assets.map((x) => (x.id === a.id ? back : x));
        healed.push(`${a.name} renamed back to ${t.base}`);
      } else {
        log(`Healing: removing ${a.name}, left by an interrupted update`);
        await api.remove(a);
        assets = assets.filter((x) => x.id !== a.id);
        healed.push(`${a.name} removed`);
      }
    }
    for (const a of [...assets]) {
      if (a.state !== 'uploaded' && files.some((f) => f.name === a.name)) {
        log(`Removing ${a.name} (id ${a.id}, state ${a.state}), an upload that never finished`);
        await api.remove(a);
        assets = assets.filter((x) => x.id !== a.id);
        healed.push(`${a.name} (state ${a.state}) removed`);
      }
    }
  } catch (e) {
    return untouched(explain(e, `cleaning up after an interrupted update of release ${tag} of ${full}`));
  }

  // 2. Decide per file, before anything is uploaded: the same bytes are left alone; another
  //    asset of the name may be replaced only when allowed, else nothing at all is written.
  interface Planned {
    file: ReleaseFile;
    existing?: AssetData;
    unchanged: boolean;
    temp?: AssetData;
  }
  const plan: Planned[] = files.map((file) => {
    const existing = assets.find((a) => a.name === file.name);
    const unchanged = existing?.digest === `sha256:${file.sha256}`;
    return { file, ...(existing && { existing }), unchanged };
  });
  const conflicts = plan.filter((p) => p.existing && !p.unchanged && !mayReplace(p.file.name));
  if (conflicts.length > 0) {
    const names = conflicts.map((p) => p.file.name);
    const why = `${names.join(', ')} already ${names.length === 1 ? 'exists' : 'exist'} on release ${tag} with other bytes and overwrite is false`;
    return untouched(
      `${why}: nothing was uploaded, so the release keeps a consistent set (its checksums.txt still matches its files). Set overwrite: true to replace them, or delete those assets.`,
      (f) => (names.includes(f.name) ? alreadyThere(f.name, tag) : `not uploaded: ${why}`),
    );
  }

  // 3. Upload every new file under its temporary name. Any failure (or a cancel) removes what
  //    was uploaded: the release is as it was.
  const uploaded: Planned[] = [];
  const dropTemps = async () => {
    for (const p of uploaded) {
      if (!p.temp) continue;
      try {
        await api.remove(p.temp);
        log(`Removed ${p.temp.name}`);
      } catch (e) {
        leftovers.push(p.temp.name);
        log(`Could not remove ${p.temp.name} (a re-run removes it): ${(e as Error).message}`);
      }
    }
  };
  for (const p of plan) {
    if (p.unchanged) {
      log(
        `${p.file.name} on release ${tag} already has these bytes (sha256 ${p.file.sha256.slice(0, 12)}...)`,
      );
      continue;
    }
    const name = tempName(p.file.name, 'new', token);
    try {
      if (cancelled()) throw new Stop('the run was cancelled');
      const bytes = await readFile(p.file.path);
      uploaded.push(p);
      p.temp = await upload(octokit, release, name, p.file.contentType ?? 'application/octet-stream', bytes);
      if (p.temp.digest && p.temp.digest !== `sha256:${p.file.sha256}`)
        throw new Stop(
          `GitHub stored other bytes for ${name} (${p.temp.digest}) than were sent (sha256:${p.file.sha256})`,
        );
      log(`Uploaded ${p.file.name} as ${name} (${bytes.length} bytes)`);
    } catch (e) {
      const error =
        e instanceof Stop
          ? e.message
          : (e as NodeJS.ErrnoException).code
            ? `cannot read ${p.file.path}: ${(e as Error).message}`
            : explain(e, `uploading ${p.file.name} to release ${tag} of ${full}`);
      log(`Stopping before any asset of release ${tag} changed: ${error}`);
      await dropTemps();
      return untouched(`${p.file.name}: ${error}. Release ${tag} was left as it was.`, (f) =>
        f.name === p.file.name ? error : `not uploaded: the update stopped at ${p.file.name}`,
      );
    }
  }

  // 4. The swap: per file, the old asset renamed away, the new one renamed in; `last` files last.
  const outcome = new Map<string, FileOutcome>();
  for (const p of plan) {
    if (p.unchanged)
      outcome.set(p.file.name, {
        name: p.file.name,
        ok: true,
        state: 'unchanged',
        url: p.existing!.browser_download_url,
        size: p.existing!.size,
      });
  }
  const backups: AssetData[] = [];
  let firstAt: number | undefined;
  let lastAt: number | undefined;
  let longestGapMs = 0;
  let stopped: string | undefined;
  const toSwap = plan.filter((p) => !p.unchanged);
  for (const p of toSwap) {
    const name = p.file.name;
    if (cancelled()) {
      stopped = 'the run was cancelled';
    }
    let backup: AssetData | undefined;
    if (!stopped) {
      firstAt ??= Date.now();
      let gapFrom = Date.now();
      try {
        if (p.existing) {
          backup = await twice(() => api.rename(p.existing!, tempName(name, 'old', token)));
          backups.push(backup);
          gapFrom = Date.now(); // the name is free from here until the new asset takes it
        }
        const placed = await twice(() => api.rename(p.temp!, name));
        lastAt = Date.now();
        if (p.existing) longestGapMs = Math.max(longestGapMs, lastAt - gapFrom);
        outcome.set(name, {
          name,
          ok: true,
          state: p.existing ? 'replaced' : 'added',
          url: placed.browser_download_url,
          size: placed.size,
        });
        log(`${p.existing ? 'Replaced' : 'Added'} ${name} on release ${tag}`);
        continue;
      } catch (e) {
        lastAt = Date.now();
        stopped = explain(e, `renaming ${p.temp!.name} to ${name} on release ${tag} of ${full}`);
        log(`The swap stopped at ${name}: ${stopped}`);
        if (backup) {
          // Put the old one back under its name, if GitHub lets us.
          try {
            await twice(() => api.rename(backup!, name));
            backups.pop();
            backup = undefined;
          } catch {
            // The name stays free; the old asset is kept under its temporary name for the re-run.
          }
        }
      }
    }
    // Stopped: this file and the ones after it keep what they had.
    const error = stopped ?? 'stopped';
    outcome.set(name, {
      name,
      ok: false,
      state: backup ? 'missing' : 'as-before',
      error: backup
        ? `${name} is not on release ${tag}: its old asset is kept as ${backup.name} (${error}); re-run the job - it renames it back first`
        : `not replaced (${error}); release ${tag} keeps its ${p.existing ? 'old ' : 'lack of '}${name}`,
      ...(backup && { keptAs: backup.name }),
    });
  }

  // 5. Remove what is no longer needed: the old assets renamed away and new ones never swapped in.
  const missing = new Set([...outcome.values()].filter((o) => o.state === 'missing').map((o) => o.keptAs));
  const notSwapped = toSwap.filter((p) => !outcome.get(p.file.name)!.ok).map((p) => p.temp!);
  for (const a of [...backups.filter((b) => !missing.has(b.name)), ...notSwapped]) {
    try {
      await api.remove(a);
    } catch (e) {
      leftovers.push(a.name);
      log(`Could not delete ${a.name} (a re-run removes it): ${(e as Error).message}`);
    }
  }

  const result: ReleaseUpdateResult = {
    ok: stopped === undefined,
    release:
      stopped === undefined
        ? 'updated'
        : toSwap.some((p) => outcome.get(p.file.name)!.ok)
          ? 'mixed'
          : 'untouched',
    files: files.map((f) => outcome.get(f.name)!),
    ...(firstAt !== undefined && lastAt !== undefined && { swapWindowMs: lastAt - firstAt }),
    ...(longestGapMs > 0 && { longestGapMs }),
    leftovers,
    healed,
  };
  if (stopped !== undefined) {
    result.error = `the update of release ${tag} stopped during the swap: ${stopped}. ${describeState(result.files, tag)} Re-run the job: it heals the release first, then updates it.`;
  } else if (firstAt !== undefined) {
    log(
      `Swapped ${toSwap.length} asset${toSwap.length === 1 ? '' : 's'} of release ${tag} in ${result.swapWindowMs} ms` +
        (result.longestGapMs !== undefined
          ? ` (a name was absent for at most ${result.longestGapMs} ms)`
          : ''),
    );
  }
  return result;
}

/** `Release v1: a.so replaced, b.so as before, ...` - what a stopped update left, file by file. */
export function describeState(files: readonly FileOutcome[], tag: string): string {
  const words: Record<FileState, string> = {
    added: 'new',
    replaced: 'new',
    unchanged: 'unchanged',
    'as-before': 'as before',
    missing: 'MISSING',
  };
  return `Release ${tag} now holds: ${files
    .map((f) => `${f.name} ${words[f.state]}${f.keptAs ? ` (old kept as ${f.keptAs})` : ''}`)
    .join(', ')}.`;
}

async function upload(
  octokit: Octokit,
  release: ReleaseRef,
  name: string,
  contentType: string,
  bytes: Buffer,
): Promise<AssetData> {
  const { data } = await octokit.request({
    method: 'POST',
    url: release.upload_url,
    name,
    headers: { 'content-type': contentType, 'content-length': bytes.length },
    data: bytes,
  });
  return data as AssetData;
}

function isImmutable(e: unknown): boolean {
  return isHttpError(e) && e.status === 422 && /immutable/i.test(githubMessage(e));
}

function immutableMessage(tag: string, full: string): string {
  return (
    `Release ${tag} of ${full} is published and immutable, so no asset can be added or replaced. ` +
    'Upload to a draft release and publish it after the upload (create the release with draft: true, run this ' +
    'step with release-tag set to its tag, then publish).'
  );
}

function alreadyThere(name: string, tag: string): string {
  return `${name} already exists on release ${tag} with other bytes and overwrite is false: set overwrite: true to replace it, or delete the asset.`;
}
