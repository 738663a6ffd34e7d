// Persisting Go's build cache (the host folder mounted as /gocache, GOCACHE) across workflow runs
// with the Actions cache. Without `-a` a warm build cache turns a 30 s four-target build into a
// few seconds: Go's own cache keys (compiler, flags, sources, C compiler) decide what is reused,
// so a stale entry can cost space but never give a wrong build.
//
// One entry per Go version, builder images (their IDs, which cover the target set) and the
// synced go.mod and go.sum; the restore key falls back to the same Go version and images, so a
// changed go.sum still reuses the compiled standard library and the unchanged modules. Saved only after every target built
// (and loaded): `saveBuildCache` is a separate step the run calls at the end. A cache that cannot
// be read or written is a warning, never a failed build.
//
// `buildCacheKeys` and `rebuildsAll` are pure (tested as data); restore and save are the thin
// shell around @actions/cache, loaded only when a run uses the cache.
import { createHash } from 'node:crypto';
import { goSumDigest, message, NO_GO_SUM, restoreCacheDir, saveCacheDir } from './module-cache';
import type { CacheLog, RestoreResult, SaveResult } from './module-cache';

export const BUILD_KEY_PREFIX = 'flow-plugin-gobuild';

export interface BuildCacheKeyInput {
  /** Go version of the builder images, e.g. `1.24.4`. */
  goVersion: string;
  /** Every target with the ID (`docker image inspect` .Id, a sha256 digest) of the image that builds it. */
  images: { target: string; imageId: string }[];
  /** What fixes every module version: the synced go.mod and go.sum (their text), or undefined. */
  goSum: string | undefined;
  os: 'linux';
}

export interface BuildCacheKeys {
  primary: string;
  /** Tried in order when there is no exact hit: the same Go version and images, any go.sum. */
  restoreKeys: string[];
}

const GO_VERSION = /^[0-9A-Za-z][0-9A-Za-z._+]*$/;
const IMAGE_ID = /^sha256:[0-9a-f]{64}$/;

/**
 * First 16 hex digits of the SHA-256 over `<target> <image id>` lines, sorted by target: the
 * order of the `targets` input does not matter, a different set or a rebuilt image does.
 */
export function imagesDigest(images: BuildCacheKeyInput['images']): string {
  const lines = images.map((i) => `${i.target} ${i.imageId}\n`).sort();
  return createHash('sha256').update(lines.join(''), 'utf8').digest('hex').slice(0, 16);
}

export function buildCacheKeys(input: BuildCacheKeyInput): BuildCacheKeys {
  const goVersion = input.goVersion.trim().replace(/^go/, '');
  if (!GO_VERSION.test(goVersion)) {
    throw new Error(
      `build cache: Go version "${input.goVersion}" is not usable in a cache key (write e.g. 1.24.4)`,
    );
  }
  if (input.os !== 'linux') throw new Error(`build cache: unsupported OS "${String(input.os)}"`);
  if (input.images.length === 0) throw new Error('build cache: no target to key the cache by');
  for (const i of input.images) {
    if (!IMAGE_ID.test(i.imageId)) {
      throw new Error(
        `build cache: "${i.imageId}" (${i.target}) is not an image ID like sha256:<64 hex digits>`,
      );
    }
  }
  const base = `${BUILD_KEY_PREFIX}-${input.os}-go${goVersion}-${imagesDigest(input.images)}-`;
  const sum = input.goSum === undefined ? NO_GO_SUM : goSumDigest(input.goSum);
  return { primary: `${base}${sum}`, restoreKeys: [base] };
}

/**
 * Whether the build flags hold `-a` (rebuild every package): the build cache is then bypassed,
 * so restoring and saving it would only cost time. `-a=false` does not count.
 */
export function rebuildsAll(buildFlags: readonly string[]): boolean {
  return buildFlags.some((f) => {
    const m = /^--?a(?:=(.*))?$/.exec(f);
    return m !== null && (m[1] === undefined || !/^(0|f|false|F|FALSE|False)$/.test(m[1]));
  });
}

export type BuildCacheUse =
  | { use: true; keys: BuildCacheKeys }
  /** Not restored or saved; `say` is for the log (absent: nothing worth saying), `warn` when it is a problem. */
  | { use: false; say?: string; warn?: boolean };

/**
 * Whether this run restores and saves the build cache, and under which keys: not with `-a`
 * (every package is rebuilt anyway), not when build-cache is false, not without every image's
 * ID (they are in the key). Pure.
 */
export function buildCacheUse(input: {
  enabled: boolean;
  buildFlags: readonly string[];
  goVersion: string;
  images: { target: string; imageId: string | undefined }[];
  /** The synced go.mod and go.sum. */
  lockText: string;
}): BuildCacheUse {
  if (rebuildsAll(input.buildFlags)) {
    return {
      use: false,
      say: 'build-flags holds -a: every package is rebuilt, so the Go build cache is bypassed (not restored or saved). The plugins are the same without -a.',
    };
  }
  if (!input.enabled) return { use: false };
  const unknown = input.images.filter((i) => !i.imageId).map((i) => i.target);
  if (unknown.length > 0) {
    return {
      use: false,
      say: `Go build cache: no image ID for ${unknown.join(', ')}, not restoring or saving.`,
    };
  }
  try {
    const images = input.images.map((i) => ({ target: i.target, imageId: i.imageId! }));
    return {
      use: true,
      keys: buildCacheKeys({ goVersion: input.goVersion, images, goSum: input.lockText, os: 'linux' }),
    };
  } catch (e) {
    return {
      use: false,
      say: `Go build cache not used: ${message(e)}`,
      warn: true,
    };
  }
}

/**
 * Restores the build cache into `dir` (created when missing). Files already there stay unless
 * the entry holds the same name (Go names cache files by content hash, so they are equal).
 * Never throws: any failure is a warning and a miss.
 */
export async function restoreBuildCache(
  dir: string,
  keys: BuildCacheKeys,
  log: CacheLog,
): Promise<RestoreResult> {
  return restoreCacheDir('Go build cache', dir, keys, log);
}

/**
 * Saves `dir` under the primary key unless it was restored exactly. Call it only after every
 * target built and loaded. Never throws: any failure is a warning.
 */
export function saveBuildCache(
  dir: string,
  keys: BuildCacheKeys,
  restored: RestoreResult,
  log: CacheLog,
): Promise<SaveResult> {
  return saveCacheDir('Go build cache', dir, keys.primary, restored, log);
}
