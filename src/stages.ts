// The stages of a run as the log shows them: each one a group, its annotations and its result.
// `main.ts` calls them in order; the work itself lives in the modules they call.
import * as core from '@actions/core';
import { readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { Octokit } from '@octokit/rest';
import { buildCacheKeys, rebuildsAll, restoreBuildCache, saveBuildCache } from './cache/build-cache';
import type { BuildCacheKeys } from './cache/build-cache';
import { moduleCacheKeys, restoreModuleCache, saveModuleCache } from './cache/module-cache';
import type { ModuleCacheKeys, RestoreResult } from './cache/module-cache';
import type { ImageCheck, TargetResult } from './build/build';
import { createDocker } from './build/docker';
import { pluginNameFromModule } from './build/naming';
import type { BuildPlan } from './build/plan';
import { buildTargets, makePlan, prepareBuild } from './build/run';
import { compareGoVersions, isValidGoVersion } from './github/go-version';
import { parseGoMod, type CapChange } from './gomod';
import type { ActionConfig } from './inputs';
import { resolveServer, type ServerFacts } from './resolve/server';
import { readPluginGoMod, SyncError, syncGoMod, type SyncResult } from './sync/sync';
import type { AlignResult } from './sync/align';
import { alignStage } from './sync/align-stage';

export interface RunContext {
  config: ActionConfig;
  /** GITHUB_WORKSPACE: annotations name files relative to it. */
  workspace: string;
}

function goModName(ctx: RunContext): string {
  return relative(ctx.workspace, join(ctx.config.workingDirectory, 'go.mod')) || 'go.mod';
}

export function resolveStage(ctx: RunContext, octokit: Octokit): Promise<ServerFacts> {
  return core.group('Resolve server', async () => {
    const s = await resolveServer(octokit, ctx.config);
    core.info(`${s.repository} ${s.tag}: Go ${s.goVersion} (from ${s.goVersionSource}), module ${s.module}`);
    for (const w of s.warnings) core.warning(w);
    return s;
  });
}

export function syncStage(ctx: RunContext, server: ServerFacts): Promise<SyncResult> {
  const name = goModName(ctx);
  return core.group('Sync go.mod', async () => {
    try {
      // align starts with gomod-cap; the rest of it runs after go mod tidy (alignStage).
      const mode = ctx.config.goModSync;
      const capped = await syncGoMod({
        mode: mode === 'align' ? 'cap' : mode,
        pluginDir: ctx.config.workingDirectory,
        pluginGoModName: name,
        serverGoMod: server.goModText,
        serverGoModName: server.goModName,
      });
      const r: SyncResult = mode === 'align' ? { ...capped, mode } : capped;
      logChanges(r, name);
      return r;
    } catch (e) {
      // check with a build: the whole graph is checked after go mod tidy, listing every disagreement.
      if (e instanceof SyncError && e.mismatches.length > 0 && ctx.config.build) {
        core.info(
          `${e.message.split('\n').slice(0, -1).join('\n')}\nThe whole module graph is checked after go mod tidy, before building.`,
        );
        const { path, text } = await readPluginGoMod(ctx.config.workingDirectory);
        return { mode: 'check', goModPath: path, changes: [], written: false, goModText: text };
      }
      // In check mode every mismatch becomes an annotation on its go.mod line.
      if (e instanceof SyncError) {
        for (const m of e.mismatches) {
          core.error(`${m.module} ${m.from} differs from the server's ${m.to}`, {
            title: 'go.mod mismatch',
            file: name,
            startLine: m.line,
          });
        }
      }
      throw e;
    }
  });
}

function logChanges(r: SyncResult, name: string): void {
  if (r.mode === 'off') return core.info('go-mod-sync is off: go.mod left as it is.');
  if (r.changes.length === 0) {
    return core.info(`${name} already requires the server's versions of every shared module.`);
  }
  const width = Math.max(...r.changes.map((c: CapChange) => c.module.length));
  core.info(`${r.written ? 'Rewrote' : 'Would change'} ${name}:`);
  for (const c of r.changes) core.info(`  ${c.module.padEnd(width)}  ${c.from} -> ${c.to}  (line ${c.line})`);
}

export interface BuildStageResult {
  pluginName: string;
  results: TargetResult[];
  /** The module graph check or alignment after tidy (absent with go-mod-sync: off). */
  align?: AlignResult;
  /** What saveCachesStage saves once every target built (and loaded). */
  caches: PendingCaches;
}

interface PendingCaches {
  modules?: { dir: string; keys: ModuleCacheKeys; restored: RestoreResult };
  build?: { dir: string; keys: BuildCacheKeys; restored: RestoreResult };
}

/** Images, module and build caches, `go mod tidy`, every target; never throws for a failed target. */
export async function buildStage(
  ctx: RunContext,
  server: ServerFacts,
  sync: SyncResult,
): Promise<BuildStageResult> {
  const { config } = ctx;
  const pluginGoMod = parseGoMod(sync.goModText, goModName(ctx));
  requireGoLineNotNewer(ctx, pluginGoMod.go, server.goVersion);
  const pluginModule = pluginGoMod.module?.path;
  const pluginName = config.pluginName ?? (pluginModule ? pluginNameFromModule(pluginModule) : 'plugin');
  const docker = createDocker();
  const stage = {
    config,
    goVersion: server.goVersion,
    serverTag: server.tag,
    pluginName,
    cacheDir: join(
      process.env.RUNNER_TEMP || join(config.workingDirectory, '.flow-build-cache'),
      'flow-plugin-build',
    ),
    workspace: ctx.workspace,
  };
  const plan = makePlan(stage);
  // Restore before any container mounts the folder (else Docker creates it, owned by root).
  const cached = config.cache
    ? await restoreModules(config, server.goVersion, sync.goModText, plan.modCacheDir)
    : undefined;
  let built: Awaited<ReturnType<typeof restoreGoBuildCache>>;
  await prepareBuild(docker, stage, plan, async (images) => {
    built = await restoreGoBuildCache(config, server.goVersion, sync.goModText, plan, images);
  });
  const align = await alignStage({
    mode: config.goModSync,
    docker,
    plan,
    cacheDir: stage.cacheDir,
    pluginDir: config.workingDirectory,
    pluginGoModName: goModName(ctx),
    serverGoMod: server.goModText,
    serverGoModName: server.goModName,
  });
  const results = await buildTargets(docker, stage, plan);
  const caches: PendingCaches = {
    ...(cached && { modules: { dir: plan.modCacheDir, ...cached } }),
    ...(built && { build: { dir: plan.goCacheDir, ...built } }),
  };
  return { pluginName, results, caches, ...(align && { align }) };
}

/**
 * Saves the module and build caches, only when every target built and loaded: a cache is never
 * made from a failed run. Call it after the build and verify stages; `loaded` is false when the
 * verify stage found a plugin the server does not load.
 */
export async function saveCachesStage(build: BuildStageResult, loaded = true): Promise<void> {
  const { modules, build: goBuild } = build.caches;
  if (!loaded || !build.results.every((r) => r.ok)) {
    if (modules || goBuild) {
      core.info(`Not saving the Go caches: not every target ${loaded ? 'built' : 'loaded'}.`);
    }
    return;
  }
  if (modules) {
    await core.group('Save Go module cache', () =>
      saveModuleCache(modules.dir, modules.keys, modules.restored, cacheLog),
    );
  }
  if (goBuild) {
    await core.group('Save Go build cache', () =>
      saveBuildCache(goBuild.dir, goBuild.keys, goBuild.restored, cacheLog),
    );
  }
}

/**
 * The images run with GOTOOLCHAIN=local: a plugin whose `go` line is newer than the server's Go
 * cannot build there. Said before any image is pulled, on the go.mod line, with what to write.
 */
function requireGoLineNotNewer(
  ctx: RunContext,
  go: { version: string; line: number } | undefined,
  serverGo: string,
) {
  if (!go || !isValidGoVersion(go.version) || compareGoVersions(go.version, serverGo) <= 0) return;
  const name = goModName(ctx);
  const message = `${name} says go ${go.version}, newer than the server's Go ${serverGo}: the plugin must build with Go ${serverGo} to load into the server. Lower the go line to ${serverGo} or older (go mod edit -go=${serverGo.replace(/^(\d+\.\d+).*$/, '$1')}), or build for a newer server.`;
  core.error(message, { title: 'go line newer than the server', file: name, startLine: go.line });
  throw new Error(message);
}

const cacheLog = { info: (m: string) => core.info(m), warning: (m: string) => core.warning(m) };

/**
 * Restores the module cache, keyed by the Go version and a hash of the synced go.mod and go.sum:
 * go.mod is in the key because the sync rewrites requirements per server release.
 */
async function restoreModules(config: ActionConfig, goVersion: string, goModText: string, dir: string) {
  const goSum = await readFile(join(config.workingDirectory, 'go.sum'), 'utf8').catch(() => '');
  const keys = moduleCacheKeys({ goVersion, goSum: `${goModText}\n${goSum}`, os: 'linux' });
  const restored = await core.group('Restore Go module cache', () => restoreModuleCache(dir, keys, cacheLog));
  return { keys, restored };
}

/**
 * Restores the build cache (GOCACHE, shared by every target) while `go mod tidy` runs, keyed by
 * the Go version, the images' IDs and the synced go.mod with go.sum (as the module cache: they
 * fix every module version). Skipped when `-a` bypasses the cache anyway. Never throws.
 */
async function restoreGoBuildCache(
  config: ActionConfig,
  goVersion: string,
  goModText: string,
  plan: BuildPlan,
  checks: ImageCheck[],
): Promise<{ keys: BuildCacheKeys; restored: RestoreResult } | undefined> {
  if (rebuildsAll(config.buildFlags)) {
    core.info(
      'build-flags holds -a: every package is rebuilt, so the Go build cache is bypassed (not restored or saved). The plugins are the same without -a.',
    );
    return undefined;
  }
  if (!config.buildCache) return undefined;
  const images = plan.targets.map((t) => ({
    target: t.target.name,
    imageId: checks.find((c) => c.image === t.image)?.id ?? '',
  }));
  const unknown = images.filter((i) => i.imageId === '').map((i) => i.target);
  if (unknown.length > 0) {
    core.info(`Go build cache: no image ID for ${unknown.join(', ')}, not restoring or saving.`);
    return undefined;
  }
  const goSum = await readFile(join(config.workingDirectory, 'go.sum'), 'utf8').catch(() => '');
  let keys: BuildCacheKeys;
  try {
    keys = buildCacheKeys({ goVersion, images, goSum: `${goModText}\n${goSum}`, os: 'linux' });
  } catch (e) {
    core.warning(`Go build cache not used: ${e instanceof Error ? e.message : String(e)}`);
    return undefined;
  }
  const restored = await core.group('Restore Go build cache', () =>
    restoreBuildCache(plan.goCacheDir, keys, cacheLog),
  );
  return { keys, restored };
}
