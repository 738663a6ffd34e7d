// The build stage as the log shows it: the plan, the builder images, the module and build caches,
// `go mod tidy`, the module graph check or alignment, then every target (a log group per target,
// compile errors as annotations). The caches are saved at the end of the run, once every plugin
// built and loaded (saveCaches).
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { buildCacheUse, restoreBuildCache, saveBuildCache, type BuildCacheKeys } from '../cache/build-cache';
import {
  describeKeys,
  restoreModuleCache,
  saveModuleCache,
  type CacheLog,
  type ModuleCacheKeys,
  type RestoreResult,
} from '../cache/module-cache';
import { pluginGoModName, scratchDir, userOfRunner, type RunContext } from '../context';
import { parseGoMod } from '../gomod';
import type { ServerFacts } from '../resolve/server';
import { AlignError, alignModuleGraph, type AlignResult } from '../sync/align';
import { formatChange } from '../sync/align-plan';
import { setGoModChanges } from '../sync/stage';
import { lockText, type SyncResult } from '../sync/sync';
import { forwardedEnvNames, goScriptArgv } from './argv';
import { CREDENTIALS_MOUNT, planCredentials, privatePatterns, writeCredentials } from './credentials';
import { containerLayout, localReplaces } from './layout';
import { moduleFetchProblems, type FetchContext } from './module-errors';
import { hasVendorModules, vendorBuildFlags } from './vendor';
import type { Docker } from './docker';
import {
  buildAll,
  checkImages,
  failedTargetsMessage,
  missingImagesMessage,
  prepareFolders,
  type ImageCheck,
  type TargetResult,
} from './execute';
import { parseGoDiagnostics } from './go-errors';
import { pluginNameFor } from './naming';
import { goLineTooNew, planBuild, type BuildPlan } from './plan';

export interface BuildStageResult {
  pluginName: string;
  results: TargetResult[];
  /** The module graph check or alignment after tidy (absent with go-mod-sync: off). */
  align?: AlignResult;
  /** What saveCaches saves once every target built (and loaded). */
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
  docker: Docker,
): Promise<BuildStageResult> {
  const { tk, config, env } = ctx;
  const goModName = pluginGoModName(ctx);
  const pluginGoMod = sync.goMod ?? parseGoMod(sync.goModText, goModName);
  // Said before any image is pulled, on the go.mod line, with what to write.
  const tooNew = goLineTooNew(pluginGoMod.go, server.goVersion, goModName);
  if (tooNew) {
    tk.error(tooNew.message, {
      title: 'go line newer than the server',
      file: goModName,
      startLine: tooNew.line,
    });
    throw new Error(tooNew.message);
  }
  const pluginName = pluginNameFor(config.pluginName, pluginGoMod.module?.path);
  const cacheDir = scratchDir(ctx, 'flow-plugin-build');
  const user = userOfRunner();
  const runId = randomBytes(4).toString('hex');
  // What every container sees besides the plugin: the folders of local replaces, the credentials.
  const layout = containerLayout(
    config.workingDirectory,
    localReplaces(pluginGoMod, config.workingDirectory),
  );
  const vendored = await hasVendorModules(config.workingDirectory);
  const tokenInput = config.modulesToken !== undefined ? 'modules-token' : 'github-token';
  const credentials = planCredentials({
    env,
    ...((config.modulesToken ?? config.token) !== undefined && {
      token: config.modulesToken ?? config.token,
    }),
    tokenInput,
    ...(config.netrc !== undefined && { netrc: config.netrc }),
  });
  const credentialsDir = join(env.RUNNER_TEMP || tmpdir(), `flow-credentials-${runId}`);
  const plan = planBuild({
    targets: config.targets,
    buildImage: config.buildImage,
    goVersion: server.goVersion,
    serverTag: server.tag,
    pluginName,
    fileNameTemplate: config.fileName,
    buildFlags: vendorBuildFlags(config.buildFlags, vendored),
    ldflags: config.ldflags,
    pluginDir: config.workingDirectory,
    outputDir: config.outputDir,
    cacheDir,
    ...(user && { user }),
    forwardEnv: forwardedEnvNames(env),
    dockerArgs: config.dockerArgs,
    runId,
    pluginMount: layout.pluginMount,
    mounts: [
      ...layout.mounts,
      ...(credentials && credentials.files.length > 0
        ? [{ host: credentialsDir, container: CREDENTIALS_MOUNT, readOnly: true }]
        : []),
    ],
    setEnv: credentials?.setEnv ?? [],
    vendor: vendored,
  });
  tk.debug(`plugin name: ${pluginName}; files: ${plan.targets.map((t) => t.path).join(', ')}`);
  const cacheLog: CacheLog = { info: (m) => tk.info(m), warning: (m) => tk.warning(m) };

  // Restore before any container mounts the folder (else Docker creates it, owned by root).
  const moduleKeys = config.cache ? sync.moduleCache : undefined;
  const modules = moduleKeys && {
    dir: plan.modCacheDir,
    keys: moduleKeys,
    restored: await tk.group('Restore Go module cache', () =>
      restoreModuleCache(plan.modCacheDir, moduleKeys, cacheLog),
    ),
  };

  const checks = await tk.group('Builder images', async () => {
    const checks = await checkImages(docker, plan.images, config.pull);
    for (const c of checks) {
      tk.info(
        `${c.ok ? 'ok     ' : 'MISSING'} ${c.image}${c.pulled ? ' (pulled)' : ''}${c.detail ? `: ${c.detail}` : ''}`,
      );
      if (c.id) tk.debug(`image ${c.image}: ${c.id}`);
    }
    const missing = checks.filter((c) => !c.ok);
    if (missing.length > 0) throw new Error(missingImagesMessage(missing, server.goVersion));
    return checks;
  });
  await prepareFolders(plan, config.outputDir);
  tk.info(
    `The containers of this run are named ${plan.containerPrefix}<target>: a cancelled job stops them.`,
  );
  for (const m of layout.mounts) {
    tk.info(
      `Local replace: ${relative(ctx.workspace, m.host) || '.'} is mounted read-only at ${m.container}, the plugin at ${layout.pluginMount}.`,
    );
  }
  if (vendored) {
    tk.info(
      'vendor/modules.txt: go mod vendor runs after go mod tidy (and after the alignment), so vendor/ agrees with go.mod; the plugin is built from the module cache like the server (packages built from vendor/ have other paths, and the server refuses them).',
    );
  }
  for (const line of credentials?.say ?? []) tk.info(line);
  // The credentials exist only while containers may fetch modules, and go in every ending.
  const folder =
    credentials && credentials.files.length > 0
      ? await writeCredentials(credentialsDir, credentials)
      : undefined;
  try {
    return await prepareAndBuild(ctx, server, sync, docker, {
      plan,
      checks,
      cacheDir,
      cacheLog,
      pluginName,
      vendored,
      projInWorkspace: relative(ctx.workspace, layout.root),
      fetch: {
        goMod: pluginGoMod,
        tokenInput,
        patterns: privatePatterns(env),
        ...(credentials?.gitServer && { gitServer: credentials.gitServer }),
      },
      ...(modules && { modules }),
    });
  } finally {
    await folder?.remove();
  }
}

/** `go mod tidy`, the module graph check or alignment, re-vendoring, every target. */
async function prepareAndBuild(
  ctx: RunContext,
  server: ServerFacts,
  sync: SyncResult,
  docker: Docker,
  p: {
    plan: BuildPlan;
    checks: ImageCheck[];
    cacheDir: string;
    cacheLog: CacheLog;
    pluginName: string;
    vendored: boolean;
    projInWorkspace: string;
    fetch: FetchContext;
    modules?: PendingCaches['modules'];
  },
): Promise<BuildStageResult> {
  const { tk, config } = ctx;
  const { plan, checks, cacheDir, cacheLog, pluginName, modules } = p;
  const goModName = pluginGoModName(ctx);

  // The build cache is restored (its own log group) while `go mod tidy` runs in its container.
  const tidy = config.goModTidy ? docker.run(plan.prepareArgv) : undefined;
  const built = await restoreGoBuildCache(ctx, server, sync, plan, checks, cacheLog);
  if (tidy) {
    await tk.group('Prepare modules (go mod tidy, go mod download)', async () => {
      tk.info(`docker ${plan.prepareArgv.join(' ')}`);
      const r = await tidy;
      if (r.output.trim()) tk.info(r.output.trimEnd());
      if (r.exitCode !== 0) {
        // A private module Go could not fetch: said with what to give the token, on its go.mod line.
        const refused = moduleFetchProblems(r.output, p.fetch);
        for (const f of refused) {
          tk.error(f.message, {
            title: 'private module',
            file: goModName,
            ...(f.line !== undefined && { startLine: f.line }),
          });
        }
        throw new Error(
          `go mod tidy failed (exit code ${r.exitCode}) in ${plan.prepareSpec.image}: ${
            refused.length > 0
              ? refused.map((f) => f.message).join(' ')
              : r.output.trim().split('\n').slice(-3).join(' | ')
          }`,
        );
      }
    });
  }

  const align = await alignGraph(ctx, server, docker, plan, cacheDir);
  if (align) setGoModChanges(ctx, sync, align.changes);
  if (p.vendored && align && align.changes.length > 0) await revendor(ctx, docker, plan);
  const results = await buildTargets(ctx, docker, plan, p.projInWorkspace);
  const caches: PendingCaches = {
    ...(modules && { modules }),
    ...(built && { build: { dir: plan.goCacheDir, ...built } }),
  };
  return { pluginName, results, caches, ...(align && { align }) };
}

/**
 * Restores the build cache (GOCACHE, shared by every target), keyed by the Go version, the
 * images' IDs and the synced go.mod with go.sum. Never throws.
 */
async function restoreGoBuildCache(
  { tk, config }: RunContext,
  server: ServerFacts,
  sync: SyncResult,
  plan: BuildPlan,
  checks: ImageCheck[],
  cacheLog: CacheLog,
): Promise<{ keys: BuildCacheKeys; restored: RestoreResult } | undefined> {
  const use = buildCacheUse({
    enabled: config.buildCache,
    buildFlags: config.buildFlags,
    goVersion: server.goVersion,
    images: plan.targets.map((t) => ({
      target: t.target.name,
      imageId: checks.find((c) => c.image === t.image)?.id,
    })),
    lockText: lockText(sync),
  });
  if (!use.use) {
    if (use.say && use.warn) tk.warning(use.say);
    else if (use.say) tk.info(use.say);
    return undefined;
  }
  tk.debug(`build cache key: ${describeKeys(use.keys)}`);
  const restored = await tk.group('Restore Go build cache', () =>
    restoreBuildCache(plan.goCacheDir, use.keys, cacheLog),
  );
  return { keys: use.keys, restored };
}

const ALIGN_TITLES = {
  align: 'Align module graph with the server',
  cap: 'Check module graph',
  check: 'Check module graph',
};

/**
 * After `go mod tidy`, before any target is built: every change with its reason, every conflict
 * an annotation on the plugin's go.mod line. `off`: nothing (undefined).
 */
async function alignGraph(
  ctx: RunContext,
  server: ServerFacts,
  docker: Docker,
  plan: BuildPlan,
  cacheDir: string,
): Promise<AlignResult | undefined> {
  const { tk, config } = ctx;
  const mode = config.goModSync;
  if (mode === 'off') return undefined;
  const goModName = pluginGoModName(ctx);
  return tk.group(`${ALIGN_TITLES[mode]} (go-mod-sync: ${mode})`, async () => {
    try {
      const r = await alignModuleGraph({
        mode,
        docker,
        spec: plan.prepareSpec,
        serverGoMod: server.goModText,
        serverGoModName: server.goModName,
        serverParsed: server.goMod,
        workDir: cacheDir,
        pluginGoModPath: join(config.workingDirectory, 'go.mod'),
        pluginGoModName: goModName,
        log: { info: (m) => tk.info(m), warning: (m) => tk.warning(m) },
      });
      if (r.changes.length === 0) {
        tk.info(
          `Every module the plugin shares with the server is at the server's version (${r.shared} modules).`,
        );
      } else {
        tk.info(`Aligned in ${r.rounds} round${r.rounds === 1 ? '' : 's'}:`);
        for (const c of r.changes) tk.info(`  ${formatChange(c)}`);
      }
      return r;
    } catch (e) {
      if (e instanceof AlignError) {
        for (const c of e.conflicts) {
          tk.error(`${c.message}. Fix: ${c.fix}`, {
            title: 'module graph differs from the server',
            file: goModName,
            ...(c.line !== undefined && { startLine: c.line }),
          });
        }
      }
      throw e;
    }
  });
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** `go mod vendor` after the alignment changed go.mod: vendor/ follows it. */
async function revendor({ tk }: RunContext, docker: Docker, plan: BuildPlan): Promise<void> {
  await tk.group('Re-vendor after the alignment (go mod vendor)', async () => {
    const argv = goScriptArgv(plan.prepareSpec, 'go mod vendor');
    tk.info(`docker ${argv.join(' ')}`);
    const r = await docker.run(argv);
    if (r.output.trim()) tk.info(r.output.trimEnd());
    if (r.exitCode !== 0) {
      throw new Error(
        `go mod vendor failed (exit code ${r.exitCode}): ${r.output.trim().split('\n').slice(-3).join(' | ')}`,
      );
    }
  });
}

/** Builds every target; logs a group per target as it finishes; never throws for a failed target. */
async function buildTargets(
  ctx: RunContext,
  docker: Docker,
  plan: BuildPlan,
  projInWorkspace: string,
): Promise<TargetResult[]> {
  const { tk, config } = ctx;
  const pluginDirInWorkspace = relative(ctx.workspace, config.workingDirectory).split('\\').join('/');
  const projDir = projInWorkspace.split('\\').join('/');
  const results = await buildAll(docker, plan, config.parallel, (r) => {
    tk.startGroup(`${r.ok ? 'Built' : 'FAILED'} ${r.target.name} in ${seconds(r.durationMs)}`);
    tk.info(`docker ${r.argv.join(' ')}`);
    if (r.output.trim()) tk.info(r.output.trimEnd());
    if (r.ok) tk.info(`${r.path} (${r.size} bytes, sha256 ${r.sha256})`);
    tk.endGroup();
    if (!r.ok) {
      for (const d of parseGoDiagnostics(r.output, pluginDirInWorkspace, projDir)) {
        tk.error(`${r.target.name}: ${d.message}`, {
          title: 'go build',
          file: d.file,
          startLine: d.line,
          ...(d.column !== undefined && { startColumn: d.column }),
        });
      }
      tk.error(`${r.target.name}: ${r.error}`);
    }
  });
  if (results.some((r) => !r.ok)) tk.info(failedTargetsMessage(results));
  return results;
}

/**
 * Saves the module and build caches, only when every target built and loaded: a cache is never
 * made from a failed run. Called after the verify stage; `loaded` is false when it found a
 * plugin the server does not load.
 */
export async function saveCaches(
  { tk }: Pick<RunContext, 'tk'>,
  build: BuildStageResult,
  loaded = true,
): Promise<void> {
  const { modules, build: goBuild } = build.caches;
  if (!loaded || !build.results.every((r) => r.ok)) {
    if (modules || goBuild)
      tk.info(`Not saving the Go caches: not every target ${loaded ? 'built' : 'loaded'}.`);
    return;
  }
  const cacheLog: CacheLog = { info: (m) => tk.info(m), warning: (m) => tk.warning(m) };
  if (modules) {
    await tk.group('Save Go module cache', () =>
      saveModuleCache(modules.dir, modules.keys, modules.restored, cacheLog),
    );
  }
  if (goBuild) {
    await tk.group('Save Go build cache', () =>
      saveBuildCache(goBuild.dir, goBuild.keys, goBuild.restored, cacheLog),
    );
  }
}
