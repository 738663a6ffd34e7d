// The plugin release as a store: the one writer every mode (tag build, publish, follow) goes
// through. A write takes the lock (lock.ts), heals what an interrupted write of this run or a dead
// one left (apply.ts), reads the release once and checks it (snapshot.ts), decides the next state
// as plain data (next-state.ts), writes it with the temporary-name-and-swap protocol (apply.ts),
// lists the release again and reports from what it holds then - never from what it meant to do -
// and gives the lock back. A cancel lets the write reach its next step, then removes the lock.
import { createHash, randomBytes } from 'node:crypto';
import type { Octokit } from '@octokit/rest';
import type { ReleaseRef } from '../github/release-assets';
import { escapeControl } from '../log-text';
import { cancelledBy, onCancel as registerCancel } from '../fs/cleanup';
import { applyNextState, heal, type ApplyFile } from './apply';
import { takeLock, type HeldLock, type LockOptions } from './lock';
import { isTempName, publishedUrl } from './names';
import { nextState, type NextState, type RunWants, type StoredAsset } from './next-state';
import { listAssets, readSnapshot, ReleaseStoreError, storedAsset } from './snapshot';

export interface StoreWrite {
  release: ReleaseRef;
  wants: RunWants;
  /** Where each plugin file's bytes are, by asset name. */
  paths: ReadonlyMap<string, string>;
  lock: Omit<LockOptions, 'token' | 'log' | 'now' | 'sleep'>;
  log: (message: string) => void;
  /** Checked between steps (default: the run's cancel signal). */
  cancelled?: () => boolean;
  /** Registers an undo step for a cancel (default: src/fs/cleanup). */
  onCancel?: (what: string, undo: () => Promise<void>) => () => void;
  /** How long a cancel waits for the write to reach its next step before removing the lock. Default 5 s. */
  cancelSettleMs?: number;
  /** The run's token (default random). */
  token?: string;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export type FileState = 'added' | 'replaced' | 'unchanged' | 'as-before' | 'missing';

export interface StoredFile {
  name: string;
  ok: boolean;
  state: FileState;
  /** The download URL; for a draft, the one the file will have once the release is published. */
  url?: string;
  size?: number;
  error?: string;
}

export interface StoreReport {
  ok: boolean;
  /** Why not (a refusal before any write, a failed write, the release not as planned after). */
  error?: string;
  /** Nothing was written because the release or the run's inputs forbid it. */
  refused?: boolean;
  /** Server releases whose entries and files the release now holds from this run. */
  written: string[];
  /** follow: server releases another run added meanwhile. */
  meanwhile: string[];
  /** Per file of the write (plugins, then checksums.txt, plugins.json), as listed after it. */
  files: StoredFile[];
  entries?: NextState['entries'];
  /** Temporary or lock assets still on the release after the write (a later run removes them). */
  leftovers: string[];
  draft: boolean;
  /** `untouched` (as it was), `updated`, or `mixed` (a swap stopped part-way). */
  release: 'untouched' | 'updated' | 'mixed';
}

/** The report of a write that changed nothing: cancelled, locked out, or refused. */
function untouched(error: string, draft: boolean, refused = false): StoreReport {
  return {
    ok: false,
    error,
    ...(refused && { refused }),
    written: [],
    meanwhile: [],
    files: [],
    leftovers: [],
    draft,
    release: 'untouched',
  };
}

const sha256Hex = (text: string) => createHash('sha256').update(text).digest('hex');

export async function writeRelease(octokit: Octokit, w: StoreWrite): Promise<StoreReport> {
  const { release, log } = w;
  const tag = release.tag_name;
  const token = w.token ?? randomBytes(4).toString('hex');
  const now = w.now ?? Date.now;
  const cancelled = w.cancelled ?? (() => cancelledBy() !== undefined);
  const staleMs = w.lock.staleMs ?? 30 * 60_000;
  const draft = release.draft === true;
  const empty = (error: string, refused = false) => untouched(error, draft, refused);
  if (cancelled()) return empty('the run was cancelled before the write');

  let lock: HeldLock | undefined;
  let work: Promise<unknown> = Promise.resolve();
  const unregister = (w.onCancel ?? registerCancel)(`the write to release ${tag}`, async () => {
    // The write checks the cancel between its steps and finishes a swap it began; then the lock goes.
    await Promise.race([
      work.catch(() => undefined),
      new Promise((r) => setTimeout(r, w.cancelSettleMs ?? 5000)),
    ]);
    if (lock) await lock.release();
  });
  try {
    lock = await takeLock(octokit, release, {
      ...w.lock,
      token,
      log,
      ...(w.now && { now: w.now }),
      ...(w.sleep && { sleep: w.sleep }),
    });
    const p = underLock(octokit, w, token, now, cancelled, staleMs);
    work = p;
    return await p;
  } catch (e) {
    if (e instanceof ReleaseStoreError) return empty(e.message, true);
    return empty((e as Error).message);
  } finally {
    await work.catch(() => undefined);
    if (lock) {
      if ((await lock.release()) !== undefined) await lock.release();
      lock = undefined;
    }
    unregister();
  }
}

async function underLock(
  octokit: Octokit,
  w: StoreWrite,
  token: string,
  now: () => number,
  cancelled: () => boolean,
  staleMs: number,
): Promise<StoreReport> {
  const { release, log } = w;
  const tag = release.tag_name;
  const draft = release.draft === true;
  const healed = await heal(octokit, release, (await listAssets(octokit, release)).map(storedAsset), {
    token,
    staleMs,
    now,
    log,
  });
  if (healed.length > 0) log(`Healed release ${tag}: ${healed.join('; ')}`);
  const snap = await readSnapshot(octokit, release);
  const decision = nextState(snap, w.wants, sha256Hex);
  if (!decision.ok) {
    log(`Refused: ${decision.refused}`);
    return untouched(decision.refused, draft, true);
  }
  const next = decision.next;
  if (next.meanwhile.length > 0)
    log(
      `plugins.json of release ${tag} covers ${next.meanwhile.join(', ')} now (another run added ${next.meanwhile.length === 1 ? 'it' : 'them'} meanwhile): not written again`,
    );
  const e = next.entries;
  if (e.added.length + e.replaced.length + e.dropped.length > 0)
    log(
      `plugins.json entries: ${[
        e.added.length > 0 && `added ${e.added.join(', ')}`,
        e.replaced.length > 0 && `replaced ${e.replaced.join(', ')}`,
        e.dropped.length > 0 && `dropped ${e.dropped.join(', ')} (this run replaces their file)`,
        `${e.kept} kept`,
      ]
        .filter(Boolean)
        .join('; ')}`,
    );
  for (const f of next.files) {
    if (f.action === 'leave') log(`${f.name} on release ${tag} already has these bytes`);
    if (f.action === 'replace' && f.kind === 'plugin' && w.wants.mode === 'follow')
      log(
        `${f.name} is on release ${tag} but in no entry of plugins.json (left by a run that did not finish): replacing it (overwrite: true)`,
      );
  }
  const files: ApplyFile[] = next.files.map((f) => ({
    ...f,
    ...(f.kind === 'plugin' && { path: w.paths.get(f.name) }),
  }));
  const applied = await applyNextState(octokit, release, snap.assets, files, {
    token,
    log,
    cancelled,
    remove: next.remove,
  });

  // What the release holds now, as GitHub lists it.
  let after: StoredAsset[];
  try {
    after = (await listAssets(octokit, release)).map(storedAsset);
  } catch (err) {
    return {
      ok: false,
      error: `${applied.error ?? 'the write ended'}; listing release ${tag} again failed, so what it holds is unknown: ${(err as Error).message}`,
      written: [],
      meanwhile: next.meanwhile,
      files: [],
      leftovers: applied.leftovers,
      draft,
      release: applied.release,
    };
  }
  const reported = next.files.map((f): StoredFile => {
    const a = after.find((x) => x.name === f.name && x.state === 'uploaded');
    const ok = a?.sha256 === f.sha256;
    const url = a && (draft ? publishedUrl(a.url, tag) : a.url);
    return {
      name: f.name,
      ok,
      state: ok
        ? f.action === 'add'
          ? 'added'
          : f.action === 'replace'
            ? 'replaced'
            : 'unchanged'
        : a || f.action === 'add'
          ? 'as-before'
          : 'missing',
      ...(url !== undefined && { url }),
      ...(a && { size: a.size }),
      ...(!ok && { error: applied.error ?? `${f.name} on release ${tag} does not hold the bytes written` }),
    };
  });
  const allOk = applied.ok && reported.every((f) => f.ok);
  const leftovers = after.filter((a) => isTempName(a.name)).map((a) => escapeControl(a.name));
  if (leftovers.length > 0)
    log(
      `Release ${tag} still holds ${leftovers.join(', ')} (a later run removes ${leftovers.length === 1 ? 'it' : 'them'} once stale)`,
    );
  if (allOk && draft && reported.length > 0)
    log(`Release ${tag} is a draft: the URLs given are the ones the files will have once it is published`);
  return {
    ok: allOk,
    ...(!allOk && {
      error: applied.error ?? `release ${tag} does not hold what was written (listed again after the write)`,
    }),
    written: allOk ? next.writes : [],
    meanwhile: next.meanwhile,
    files: reported,
    entries: next.entries,
    leftovers,
    draft,
    release: applied.release,
  };
}
