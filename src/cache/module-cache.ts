// Persisting the Go module cache (the host folder mounted as /go/pkg/mod) across workflow runs
// with the Actions cache, the way actions/setup-go does it: keys from the Go version, the OS and a
// hash of go.sum; restore before `go mod tidy`; save only when the primary key was not an exact
// hit and only after the builds succeeded. A cache that cannot be read or written is a warning,
// never a failed build.
//
// `moduleCacheKeys` is pure (tested as data); `restoreModuleCache` / `saveModuleCache` are the
// thin shell around @actions/cache, loaded only when a run uses the cache (see scripts/bundle.mjs).
import { createHash } from 'node:crypto';
import { mkdir, readdir } from 'node:fs/promises';
import { listed } from '../log-text';
import { removePrivateModules } from './private-modules';

export const KEY_PREFIX = 'flow-plugin-gomod';

export interface ModuleCacheKeyInput {
  /** Go version of the builder image, e.g. `1.24.4`. */
  goVersion: string;
  /** Optional extra component (e.g. a digest of the target list); the restore keys fall back to any value. */
  targetsKey?: string;
  /** Text of the plugin's go.sum, or undefined when there is none. */
  goSum: string | undefined;
  os: 'linux';
}

export interface ModuleCacheKeys {
  /** The exact key this run saves under. */
  primary: string;
  /** Prefixes tried in order when there is no exact hit (most specific first). */
  restoreKeys: string[];
}

/** What go.sum contributes to the primary key when there is no go.sum. */
export const NO_GO_SUM = 'nosum';

/** First 32 hex digits of the SHA-256 of go.sum (line endings normalized, so a CRLF checkout hits too). */
export function goSumDigest(goSum: string): string {
  return createHash('sha256').update(goSum.replace(/\r\n/g, '\n'), 'utf8').digest('hex').slice(0, 32);
}

const COMPONENT = /^[0-9A-Za-z][0-9A-Za-z._+]*$/;

export function moduleCacheKeys(input: ModuleCacheKeyInput): ModuleCacheKeys {
  const goVersion = input.goVersion.trim().replace(/^go/, '');
  if (!COMPONENT.test(goVersion)) {
    throw new Error(
      `module cache: Go version "${input.goVersion}" is not usable in a cache key (write e.g. 1.24.4)`,
    );
  }
  if (input.os !== 'linux') throw new Error(`module cache: unsupported OS "${String(input.os)}"`);
  const base = `${KEY_PREFIX}-${input.os}-go${goVersion}-`;
  const restoreKeys = [base];
  let prefix = base;
  if (input.targetsKey !== undefined) {
    if (!COMPONENT.test(input.targetsKey)) {
      throw new Error(
        `module cache: targets key "${input.targetsKey}" must be letters, digits, '.', '_' or '+' (no '-' or ',')`,
      );
    }
    prefix = `${base}${input.targetsKey}-`;
    restoreKeys.unshift(prefix);
  }
  const sum = input.goSum === undefined ? NO_GO_SUM : goSumDigest(input.goSum);
  return { primary: `${prefix}${sum}`, restoreKeys };
}

/** `primary (restore keys: a, b)`, for the debug log. */
export function describeKeys(keys: { primary: string; restoreKeys: readonly string[] }): string {
  return `${keys.primary} (restore keys: ${keys.restoreKeys.join(', ')})`;
}

export interface CacheLog {
  info(message: string): void;
  warning(message: string): void;
}

export type RestoreHit = 'exact' | 'partial' | 'miss';

export interface RestoreResult {
  hit: RestoreHit;
  /** The key of the entry that was restored. */
  matchedKey?: string;
  /**
   * Why nothing was looked up: no cache service on this runner, or the folder already holds
   * modules (tar cannot unpack over Go's read-only files as a normal user; they are used as they are).
   */
  skipped?: 'unavailable' | 'not-empty';
}

export interface SaveResult {
  saved: boolean;
  /** Why no save was attempted. */
  skipped?: 'unavailable' | 'exact-hit' | 'empty' | 'private';
}

/** What of the run was private: never saved to the Actions cache (see private-modules.ts). */
export interface PrivateSources {
  /** GOPRIVATE and GONOPROXY patterns of the step: the modules they match are left out. */
  privatePatterns: readonly string[];
  /** The netrc input authenticates a module proxy: any module may be private, nothing is saved. */
  privateProxy?: boolean;
}

/** Classifies what restoreCache answered. Pure. */
export function classifyRestore(keys: { primary: string }, matchedKey: string | undefined): RestoreResult {
  if (matchedKey === undefined) return { hit: 'miss' };
  return { hit: matchedKey === keys.primary ? 'exact' : 'partial', matchedKey };
}

/** Whether a save should be attempted after a restore with this result. Pure. */
export function shouldSave(restored: RestoreResult): boolean {
  return restored.hit !== 'exact';
}

/**
 * Restores the module cache into `dir` (created when missing; restored only when it is empty).
 * Never throws: any failure is a warning and a miss.
 */
export async function restoreModuleCache(
  dir: string,
  keys: ModuleCacheKeys,
  log: CacheLog,
): Promise<RestoreResult> {
  return restoreCacheDir('Go module cache', dir, keys, log, { onlyIntoEmpty: 'modules' });
}

/**
 * The restore step both caches share (`what` names the cache in the log): the entry for the
 * primary key or the newest one under a restore key, unpacked into `dir` (created when missing).
 * With `onlyIntoEmpty`, a folder that already holds something (named by it in the log) is used as
 * it is. Never throws: any failure is a warning and a miss.
 */
export async function restoreCacheDir(
  what: string,
  dir: string,
  keys: { primary: string; restoreKeys: string[] },
  log: CacheLog,
  opts: { onlyIntoEmpty?: string } = {},
): Promise<RestoreResult> {
  const cache = await import('@actions/cache');
  if (!cache.isFeatureAvailable()) {
    log.info(`${what}: no Actions cache service on this runner, not restoring.`);
    return { hit: 'miss', skipped: 'unavailable' };
  }
  try {
    if (opts.onlyIntoEmpty !== undefined && !(await isEmptyDir(dir))) {
      log.info(
        `${what}: ${dir} already holds ${opts.onlyIntoEmpty}, using them as they are (not restoring).`,
      );
      return { hit: 'miss', skipped: 'not-empty' };
    }
    await mkdir(dir, { recursive: true });
    const matched = await cache.restoreCache([dir], keys.primary, keys.restoreKeys);
    const result = classifyRestore(keys, matched);
    if (result.hit !== 'miss' && (await isEmptyDir(dir))) {
      // tar unpacks relative to GITHUB_WORKSPACE: an entry saved from another workspace lands elsewhere.
      log.warning(
        `${what}: entry ${result.matchedKey} was restored but ${dir} is still empty (saved from another workspace?); continuing without it.`,
      );
      return { hit: 'miss' };
    }
    if (result.hit === 'exact') log.info(`${what} restored from ${result.matchedKey}.`);
    else if (result.hit === 'partial')
      log.info(`${what} restored from ${result.matchedKey} (restore key; ${keys.primary} will be saved).`);
    else log.info(`${what}: no entry for ${keys.primary} or ${keys.restoreKeys.join(', ')}.`);
    return result;
  } catch (e) {
    log.warning(`${what} not restored: ${message(e)}`);
    return { hit: 'miss' };
  }
}

/**
 * Saves `dir` under the primary key, unless the primary key was an exact hit. Call it only after
 * the builds succeeded. Never throws: any failure (service down, another job saving the same key,
 * rate limit) is a warning.
 */
export async function saveModuleCache(
  dir: string,
  keys: ModuleCacheKeys,
  restored: RestoreResult,
  log: CacheLog,
  secret: PrivateSources = { privatePatterns: [] },
): Promise<SaveResult> {
  const what = 'Go module cache';
  if (secret.privateProxy && shouldSave(restored)) {
    log.info(
      `${what}: not saved: the netrc input authenticates a module proxy, so any module of the run may be private, and a cache entry is readable by every workflow of the repository that restores its key (pull requests too).`,
    );
    return { saved: false, skipped: 'private' };
  }
  const patterns = secret.privatePatterns;
  return saveCacheDir(what, dir, keys.primary, restored, log, async () => {
    if (patterns.length === 0) return;
    const removed = await removePrivateModules(dir, patterns);
    const parts = [
      ...(removed.modules.length > 0 ? [listed(removed.modules)] : []),
      ...(removed.vcs ? ["Go's git checkouts (cache/vcs)"] : []),
    ];
    log.info(
      parts.length > 0
        ? `${what}: left out of the saved cache (private: ${listed(patterns)}): ${parts.join(', and ')}. A cache entry is readable by every workflow of the repository that restores its key; the next run fetches them again with its credentials.`
        : `${what}: nothing private to leave out (private: ${listed(patterns)}).`,
    );
  });
}

/**
 * The save step both caches share (`what` names the cache in the log): skipped on an exact hit,
 * without the cache service or for an empty folder; never throws.
 */
export async function saveCacheDir(
  what: string,
  dir: string,
  primaryKey: string,
  restored: RestoreResult,
  log: CacheLog,
  /** Runs right before the archive is made (the module cache leaves out private sources). */
  prepare?: () => Promise<void>,
): Promise<SaveResult> {
  if (!shouldSave(restored)) {
    log.info(`${what}: ${primaryKey} was restored exactly, not saving again.`);
    return { saved: false, skipped: 'exact-hit' };
  }
  const cache = await import('@actions/cache');
  if (!cache.isFeatureAvailable()) {
    log.info(`${what}: no Actions cache service on this runner, not saving.`);
    return { saved: false, skipped: 'unavailable' };
  }
  try {
    if (await isEmptyDir(dir)) {
      log.info(`${what}: ${dir} is empty or missing, nothing to save.`);
      return { saved: false, skipped: 'empty' };
    }
    await prepare?.();
    if (await isEmptyDir(dir)) {
      log.info(`${what}: nothing left to save.`);
      return { saved: false, skipped: 'empty' };
    }
    const id = await cache.saveCache([dir], primaryKey);
    if (id === -1) {
      log.warning(`${what} not saved under ${primaryKey} (see the cache messages above).`);
      return { saved: false };
    }
    log.info(`${what} saved under ${primaryKey}.`);
    return { saved: true };
  } catch (e) {
    log.warning(`${what} not saved under ${primaryKey}: ${message(e)}`);
    return { saved: false };
  }
}

export async function isEmptyDir(dir: string): Promise<boolean> {
  try {
    return (await readdir(dir)).length === 0;
  } catch {
    return true;
  }
}

export function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
