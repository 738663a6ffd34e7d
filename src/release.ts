// A server release as the stages of a run take it: its facts, the plugin folder its sync and build
// work in, and the caches and images it shares with the run's other releases. A one-release run
// is the same story with one element: its folder is working-directory itself (the sync rewrites
// the workspace go.mod, as it always did); with several releases each gets a scratch copy of the
// plugin's folder, so the workspace go.mod is left exactly as it was.
import { cp, mkdir, readdir, rm } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { ModuleCacheKeys, PrivateSources, RestoreResult } from './cache/module-cache';
import type { BuildCacheKeys } from './cache/build-cache';
import type { ImageCheck } from './build/execute';
import { scratchDir, type RunContext } from './context';
import { isInside } from './inputs';
import type { ServerFacts } from './resolve/server';

/**
 * What the releases of one run share: the Go module cache and the Go build cache folders (one of
 * each for the run: Go keys its build cache by compiler, so releases of the same Go reuse each
 * other's packages and releases of another Go never get a wrong one), restored once and saved
 * once; and the builder images, checked (or pulled) once per image.
 */
export interface SharedWork {
  /** Folder holding gomodcache/ and gocache/ (under RUNNER_TEMP). */
  cacheDir: string;
  /** Set by the first release that restored the module cache; the others use the folder as it is. */
  modules?: { keys: ModuleCacheKeys; restored: RestoreResult; by: string; secret?: PrivateSources };
  /** Set by the first release that restored the build cache. */
  build?: { keys: BuildCacheKeys; restored: RestoreResult; by: string };
  /** For each Go version, the first release of the run built with it into the build cache. */
  builtWith: Map<string, string>;
  /** Every image checked so far, with the release that checked it first. */
  images: Map<string, { check: ImageCheck; by: string }>;
}

export interface Release {
  /** 0 for the first (newest) release of the run. */
  index: number;
  /** How many releases the run builds. */
  of: number;
  server: ServerFacts;
  /** The folder the sync writes go.mod in and the containers mount at /proj. */
  pluginDir: string;
  /** True when pluginDir is a scratch copy of working-directory (several releases). */
  scratch: boolean;
  shared: SharedWork;
}

/** The run's shared work, before any release used it. */
export function sharedWork(ctx: Pick<RunContext, 'config' | 'env'>): SharedWork {
  return { cacheDir: scratchDir(ctx, 'flow-plugin-build'), images: new Map(), builtWith: new Map() };
}

/** The tag as a folder name (a tag may hold `/`). */
function folderName(index: number, tag: string): string {
  return `${index + 1}-${tag.replace(/[^A-Za-z0-9._+-]/g, '_')}`;
}

/**
 * Pure: the releases of a run as the stages take them. Several releases (the server-versions
 * input) work in scratch copies; one release (server-version) in working-directory.
 */
export function planReleases(
  ctx: Pick<RunContext, 'config' | 'env'>,
  servers: readonly ServerFacts[],
  shared: SharedWork,
): Release[] {
  const several = ctx.config.serverVersions !== undefined;
  return servers.map((server, index) => ({
    index,
    of: servers.length,
    server,
    pluginDir: several
      ? join(scratchDir(ctx, 'flow-releases'), folderName(index, server.tag), 'plugin')
      : ctx.config.workingDirectory,
    scratch: several,
    shared,
  }));
}

/** `v2.6.1` or `v2.6.1 (2 of 3)`, for log group titles. */
export function releaseLabel(release: Pick<Release, 'server' | 'index' | 'of'>): string {
  return release.of > 1
    ? `${release.server.tag} (${release.index + 1} of ${release.of})`
    : release.server.tag;
}

/**
 * Copies working-directory into the release's scratch folder (nothing to do for a one-release
 * run). Left out: output-dir and the action's own scratch folders when they are inside it.
 */
export async function preparePluginDir(
  ctx: Pick<RunContext, 'config' | 'env'>,
  release: Release,
): Promise<void> {
  if (!release.scratch) return;
  const from = ctx.config.workingDirectory;
  const skip = [ctx.config.outputDir, scratchDir(ctx, ''), join(from, '.flow-build-cache')].filter(
    (p) => isInside(from, p) && relative(from, p) !== '',
  );
  await rm(release.pluginDir, { recursive: true, force: true });
  await mkdir(release.pluginDir, { recursive: true });
  const keep = (src: string) => !skip.some((s) => src === s || isInside(s, src));
  // Entry by entry: the scratch folder may be inside working-directory (no RUNNER_TEMP), and a
  // folder cannot be copied into itself.
  for (const name of await readdir(from)) {
    const src = join(from, name);
    if (!keep(src)) continue;
    await cp(src, join(release.pluginDir, name), { recursive: true, verbatimSymlinks: true, filter: keep });
  }
}

/** Removes the scratch copies (a one-release run has none). Never throws. */
export async function removeScratch(ctx: Pick<RunContext, 'config' | 'env'>): Promise<void> {
  if (ctx.config.serverVersions === undefined) return;
  await rm(scratchDir(ctx, 'flow-releases'), { recursive: true, force: true }).catch(() => undefined);
}

/**
 * Pure: what the releases share, for the log: which releases use the same Go (and so the same
 * images and the build cache's compiled packages).
 */
export function describeSharing(servers: readonly Pick<ServerFacts, 'tag' | 'goVersion'>[]): string[] {
  const byGo = new Map<string, string[]>();
  for (const s of servers) byGo.set(s.goVersion, [...(byGo.get(s.goVersion) ?? []), s.tag]);
  return [...byGo.entries()].map(([go, tags]) =>
    tags.length > 1
      ? `Go ${go}: ${tags.join(', ')} share its builder images and compiled packages (one module cache and one build cache for the run)`
      : `Go ${go}: ${tags[0]}`,
  );
}
