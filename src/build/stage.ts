// The build stage as the log shows it: the plan, the builder images, the module and build caches,
// `go mod tidy`, the module graph check or alignment, then every target (a log group per target,
// compile errors as annotations). The caches are saved at the end of the run, once every plugin
// built and loaded (saveCaches).
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { buildCacheUse, restoreBuildCache, saveBuildCache } from '../cache/build-cache';
import { describeKeys, restoreModuleCache, saveModuleCache, type CacheLog } from '../cache/module-cache';
import { pluginGoModName, userOfRunner, type RunContext } from '../context';
import { parseGoMod, type GoModFile } from '../gomod';
import { releaseLabel, type Release, type SharedWork } from '../release';
import {
  AlignError,
  alignModuleGraph,
  LIST_AND_GRAPH,
  MAX_AMBIGUITY_REPAIRS,
  repairAmbiguousImport,
  serverModules,
  splitPrepareOutput,
  type AlignInput,
  type ServerModules,
  type AlignResult,
} from '../sync/align';
import { formatChange, type AlignChange } from '../sync/align-plan';
import { parseAmbiguousImports } from '../sync/ambiguous';
import { setGoModChanges } from '../sync/stage';
import { lockText, type SyncResult } from '../sync/sync';
import { forwardedEnvNames, goScriptArgv } from './argv';
import {
  CREDENTIALS_MOUNT,
  planCredentials,
  privatePatterns,
  unusedModulesTokenNotice,
  writeCredentials,
} from './credentials';
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
import { checksumMismatchMessage, parseChecksumMismatches, parseGoDiagnostics } from './go-errors';
import { pluginNameFor } from './naming';
import { lastLines } from '../log-text';
import { foreignFile } from '../fs/output-files';
import { foreignMessage } from '../preflight/preflight';
import { CHECKSUMS_FILE_NAME } from '../publish/checksums';
import { goLineTooNew, planBuild, type BuildPlan } from './plan';
import { findTooNewApis, tooNewApiMessage } from './go-api';

export interface BuildStageResult {
  pluginName: string;
  /** The plugin's module path (from its go.mod). */
  module?: string;
  results: TargetResult[];
  /** The module graph check or alignment after tidy (absent with go-mod-sync: off). */
  align?: AlignResult;
}

/**
 * A release this plugin cannot support: its go line is newer than the release's Go, or its code
 * uses a standard-library package or name newer than that Go. With unsupported-server-version:
 * skip the run goes on without the release.
 */
export class UnsupportedReleaseError extends Error {
  override name = 'UnsupportedReleaseError';
}

/** An annotation for a problem that fails the run, or only skips the release (a warning then). */
function annotate(ctx: RunContext, message: string, props: Parameters<RunContext['tk']['error']>[1]): void {
  if (ctx.config.unsupportedServerVersion === 'skip') ctx.tk.warning(message, props);
  else ctx.tk.error(message, props);
}

/** Images, module and build caches, `go mod tidy`, every target; never throws for a failed target. */
export async function buildStage(
  ctx: RunContext,
  release: Release,
  sync: SyncResult,
  docker: Docker,
): Promise<BuildStageResult> {
  return buildPrepared(ctx, await prepareBuild(ctx, release, sync, docker), docker);
}

/**
 * A release made ready to build: its plan, images checked, caches restored, `go mod tidy` and the
 * module graph alignment done. Holds the credentials folder (the build's containers mount it):
 * `buildPrepared` removes it, or `dispose` when the release is not built after all.
 */
export interface PreparedBuild {
  release: Release;
  sync: SyncResult;
  plan: BuildPlan;
  /** ` for v2.6.1 (2 of 3)` in a run of several releases, else ''. */
  of: string;
  pluginName: string;
  module?: string;
  projInWorkspace: string;
  /** The plugin's go.mod as synced (its go line: what a too-new std name is said against). */
  pluginGoMod: GoModFile;
  align?: AlignResult;
  dispose(): Promise<void>;
}

/** Builds every target of a prepared release (a log group per target); never throws for a failed target. */
export async function buildPrepared(
  ctx: RunContext,
  prepared: PreparedBuild,
  docker: Docker,
): Promise<BuildStageResult> {
  const { plan, of, sync, pluginName, module, align } = prepared;
  try {
    const results = await buildTargets(ctx, docker, plan, of, sync, prepared.projInWorkspace);
    // A name newer than the release's Go (errors.Join for Go 1.19): the release is unsupported.
    const failed = results.filter((r) => !r.ok).map((r) => r.output);
    const tooNew =
      failed.length > 0
        ? tooNewApi(ctx, prepared.release, prepared.pluginGoMod, failed.join('\n'))
        : undefined;
    if (tooNew) throw tooNew;
    return { pluginName, ...(module !== undefined && { module }), results, ...(align && { align }) };
  } finally {
    await prepared.dispose();
  }
}

/**
 * The build up to its targets: the go line check, the plan, the caches, the builder images,
 * `go mod tidy`, the module graph check or alignment (throws when a release cannot be built).
 */
export async function prepareBuild(
  ctx: RunContext,
  release: Release,
  sync: SyncResult,
  docker: Docker,
): Promise<PreparedBuild> {
  const { tk, config, env } = ctx;
  const { server, shared } = release;
  const goModName = pluginGoModName(ctx);
  const pluginGoMod = sync.goMod ?? parseGoMod(sync.goModText, goModName);
  // Said before any image is pulled, on the go.mod line, with what to write.
  const tooNew = goLineTooNew(pluginGoMod.go, server.goVersion, goModName);
  if (tooNew) {
    annotate(ctx, tooNew.message, {
      title: release.of > 1 ? `go line newer than ${server.tag}'s Go` : 'go line newer than the server',
      file: goModName,
      startLine: tooNew.line,
    });
    throw new UnsupportedReleaseError(tooNew.message);
  }
  const pluginName = pluginNameFor(config.pluginName, pluginGoMod.module?.path);
  const cacheDir = shared.cacheDir;
  const user = userOfRunner();
  const of = release.of > 1 ? ` for ${releaseLabel(release)}` : '';
  const runId = randomBytes(4).toString('hex');
  // What every container sees besides the plugin: the folders of local replaces, the credentials.
  const layout = containerLayout(
    config.workingDirectory,
    localReplaces(pluginGoMod, config.workingDirectory),
  );
  const vendored = await hasVendorModules(release.pluginDir);
  const tokenInput = config.modulesToken !== undefined ? 'modules-token' : 'github-token';
  const credentials = planCredentials({
    env,
    ...((config.modulesToken ?? config.token) !== undefined && {
      token: config.modulesToken ?? config.token,
    }),
    tokenInput,
    ...(config.netrc !== undefined && { netrc: config.netrc }),
  });
  // Once a run (the first release): a modules-token no container uses.
  const unusedToken =
    release.index === 0 && unusedModulesTokenNotice({ env, modulesToken: config.modulesToken !== undefined });
  if (unusedToken) tk.notice(unusedToken, { title: 'modules-token unused' });
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
    pluginDir: release.pluginDir,
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
    // The module graph's first listing in tidy's container (one container start fewer).
    ...(config.goModTidy && config.goModSync !== 'off' && { prepareThen: LIST_AND_GRAPH }),
  });
  tk.debug(`plugin name: ${pluginName}; files: ${plan.targets.map((t) => t.path).join(', ')}`);
  // The final names (with the server's tag and Go): never over a file the action did not write.
  const owned = [
    ...plan.targets.map((t) => [t.fileName, `the plugin for ${t.target.name}`, 'plugin'] as const),
    ...(config.checksums ? [[CHECKSUMS_FILE_NAME, 'checksums.txt', 'checksums'] as const] : []),
  ];
  for (const [file, what, kind] of owned) {
    const foreign = await foreignFile(config.outputDir, file, kind);
    if (foreign)
      throw new Error(foreignMessage(relative(ctx.workspace, join(config.outputDir, file)), foreign, what));
  }
  const cacheLog: CacheLog = { info: (m) => tk.info(m), warning: (m) => tk.warning(m) };

  // Restore before any container mounts the folder (else Docker creates it, owned by root). One
  // module cache for the run: the first release restores it, the others use what is there.
  const moduleKeys = config.cache ? sync.moduleCache : undefined;
  if (moduleKeys && shared.modules) {
    tk.info(
      `Go module cache: shared with ${shared.modules.by} (one folder for the run; modules already there are not downloaded again).`,
    );
  } else if (moduleKeys) {
    const restored = await tk.group('Restore Go module cache', () =>
      restoreModuleCache(plan.modCacheDir, moduleKeys, cacheLog),
    );
    // What is private never goes to the Actions cache (left out, or not saved, at the end).
    const secret = { privatePatterns: privatePatterns(env), privateProxy: config.netrc !== undefined };
    shared.modules = { keys: moduleKeys, restored, by: server.tag, secret };
  }

  const checks = await tk.group(`Builder images${of}`, async () => {
    const fresh = plan.images.filter((i) => !shared.images.has(i.image));
    for (const c of await checkImages(docker, fresh, config.pull)) {
      shared.images.set(c.image, { check: c, by: server.tag });
    }
    const checks = plan.images.map((i) => shared.images.get(i.image)!);
    for (const { check: c, by } of checks) {
      const again = by !== server.tag ? ` (checked for ${by}: shared)` : '';
      tk.info(
        `${c.ok ? 'ok     ' : 'MISSING'} ${c.image}${c.pulled && !again ? ' (pulled)' : ''}${again}${c.detail ? `: ${c.detail}` : ''}`,
      );
      if (c.id && !again) tk.debug(`image ${c.image}: ${c.id}`);
    }
    const missing = checks.map((c) => c.check).filter((c) => !c.ok);
    if (missing.length > 0) throw new Error(missingImagesMessage(missing, server.goVersion));
    return checks.map((c) => c.check);
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
  // A go.work in a mounted folder: never used (GOWORK=off, see containerOptions), said once a run.
  const mounted = release.index === 0 ? [config.workingDirectory, ...layout.mounts.map((m) => m.host)] : [];
  for (const dir of mounted) {
    if (existsSync(join(dir, 'go.work'))) {
      tk.info(
        `${relative(ctx.workspace, join(dir, 'go.work'))} is in a folder the containers see: they run with GOWORK=off, so it does not change what Go builds (the plugin's go.mod decides, as in the server's build).`,
      );
    }
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
  const dispose = async () => {
    await folder?.remove();
  };
  try {
    return {
      ...(await prepareModules(ctx, release, sync, docker, {
        plan,
        of,
        pluginGoMod,
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
      })),
      dispose,
    };
  } catch (e) {
    await dispose();
    throw e;
  }
}

/** `go mod tidy`, the module graph check or alignment, re-vendoring. */
async function prepareModules(
  ctx: RunContext,
  release: Release,
  sync: SyncResult,
  docker: Docker,
  p: {
    plan: BuildPlan;
    /** ` for v2.6.1 (2 of 3)` in a run of several releases, else ''. */
    of: string;
    pluginGoMod: GoModFile;
    checks: ImageCheck[];
    cacheDir: string;
    cacheLog: CacheLog;
    pluginName: string;
    vendored: boolean;
    projInWorkspace: string;
    fetch: FetchContext;
  },
): Promise<Omit<PreparedBuild, 'dispose'>> {
  const { config } = ctx;
  const { plan, cacheDir } = p;
  // The build cache is restored (its own log group) while `go mod tidy` runs in its container.
  const tidy = config.goModTidy ? docker.run(plan.prepareArgv) : undefined;
  // The server's build list (old servers only) does not read the plugin: found beside tidy.
  const server =
    config.goModSync === 'off'
      ? undefined
      : serverModules({
          docker,
          spec: plan.prepareSpec,
          serverGoMod: release.server.goModText,
          serverGoModName: release.server.goModName,
          serverParsed: release.server.goMod,
          workDir: cacheDir,
        });
  try {
    return await tidyAndAlign(ctx, release, sync, docker, p, tidy, server);
  } finally {
    await server?.catch(() => undefined); // its folder is the next release's
  }
}

/** The rest of prepareModules: tidy's outcome, the alignment, re-vendoring. */
async function tidyAndAlign(
  ctx: RunContext,
  release: Release,
  sync: SyncResult,
  docker: Docker,
  p: Parameters<typeof prepareModules>[4],
  tidy: ReturnType<Docker['run']> | undefined,
  server: Promise<ServerModules> | undefined,
): Promise<Omit<PreparedBuild, 'dispose'>> {
  const { tk, config } = ctx;
  const { plan, checks, cacheDir, cacheLog, pluginName } = p;
  const goModName = pluginGoModName(ctx);
  let listed: AlignInput['listed'];
  await restoreGoBuildCache(ctx, release, sync, plan, checks, cacheLog);
  /** Ambiguous imports the alignment repaired before tidy succeeded (go-mod-sync: align). */
  const repairs: AlignChange[] = [];
  if (tidy) {
    await tk.group('Prepare modules (go mod tidy, go mod download)', async () => {
      tk.info(`docker ${plan.prepareArgv.join(' ')}`);
      /** Tidy's part of the prepare container's output, logged; the graph it listed kept. */
      const readTidy = (result: Awaited<typeof tidy>) => {
        const split = splitPrepareOutput(result);
        listed = split.listed;
        if (split.tidy.output.trim()) tk.untrusted(split.tidy.output.trimEnd());
        return split.tidy;
      };
      let r = readTidy(await tidy);
      // An ambiguous import between a module and one split out of it: the alignment requires the
      // version where they no longer overlap, then tidy runs again.
      while (r.exitCode !== 0 && config.goModSync === 'align' && repairs.length < MAX_AMBIGUITY_REPAIRS) {
        const change = await repairAmbiguousImport(
          { docker, spec: plan.prepareSpec, log: { info: (m) => tk.info(m), warning: (m) => tk.warning(m) } },
          r.output,
        );
        // Nothing new to require (the same repair again did not help): tidy's error stands.
        if (!change || repairs.some((c) => c.module === change.module && c.to === change.to)) break;
        repairs.push(change);
        tk.info(`Required ${formatChange(change)}; go mod tidy again.`);
        r = readTidy(await docker.run(plan.prepareArgv));
      }
      if (r.exitCode !== 0) {
        // A standard-library package newer than the release's Go (log/slog for Go 1.19).
        const tooNew = tooNewApi(ctx, release, p.pluginGoMod, r.output);
        if (tooNew) throw tooNew;
        // A go.sum mismatch is said for what it is, on its go.sum line, not as Go's last line.
        const mismatch = annotateChecksumMismatches(ctx, sync, r.output);
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
          mismatch ??
            `go mod tidy failed (exit code ${r.exitCode}) in ${plan.prepareSpec.image}: ${
              refused.length > 0 ? refused.map((f) => f.message).join(' ') : lastLines(r.output)
            }${
              config.goModSync !== 'align' && parseAmbiguousImports(r.output).length > 0
                ? ' (an ambiguous import between a module and one split out of it: go-mod-sync: align requires the version where they no longer overlap)'
                : ''
            }`,
        );
      }
    });
  }

  const aligned = await alignGraph(ctx, release, docker, plan, cacheDir, listed, server);
  const align = aligned && { ...aligned, changes: [...repairs, ...aligned.changes] };
  if (align && release.of === 1) setGoModChanges(ctx, sync, align.changes);
  if (p.vendored && align && align.changes.length > 0) await revendor(ctx, docker, plan);
  const module = p.pluginGoMod.module?.path;
  return {
    release,
    sync,
    plan,
    of: p.of,
    pluginName,
    ...(module !== undefined && { module }),
    projInWorkspace: p.projInWorkspace,
    pluginGoMod: p.pluginGoMod,
    ...(align && { align }),
  };
}

/**
 * A standard-library package or name in Go's output that the release's Go lacks: annotated on the
 * go line (an error, or a warning with unsupported-server-version: skip) with the Go version that
 * added it, and returned as the error that makes the release unsupported; else undefined.
 */
function tooNewApi(
  ctx: RunContext,
  { server, of }: Release,
  pluginGoMod: GoModFile,
  output: string,
): UnsupportedReleaseError | undefined {
  const found = findTooNewApis(output, server.goVersion);
  if (found.length === 0) return undefined;
  const goModName = pluginGoModName(ctx);
  const message = tooNewApiMessage(found, {
    goVersion: server.goVersion,
    serverTag: server.tag,
    goModName,
    ...(pluginGoMod.go && { goLine: pluginGoMod.go.version }),
  });
  annotate(ctx, message, {
    title: of > 1 ? `Go API newer than ${server.tag}'s Go` : "Go API newer than the server's Go",
    file: goModName,
    ...(pluginGoMod.go && { startLine: pluginGoMod.go.line }),
  });
  return new UnsupportedReleaseError(message);
}

/**
 * Restores the build cache (GOCACHE, shared by every target and every release of the run), keyed
 * by the Go version, the images' IDs and the synced go.mod with go.sum of the first release that
 * builds; the others compile into the same folder. Never throws.
 */
async function restoreGoBuildCache(
  { tk, config }: RunContext,
  { server, shared }: Release,
  sync: SyncResult,
  plan: BuildPlan,
  checks: ImageCheck[],
  cacheLog: CacheLog,
): Promise<void> {
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
    return;
  }
  if (shared.build) {
    const before = shared.builtWith.get(server.goVersion);
    tk.info(
      `Go build cache: shared with ${shared.build.by} (one folder for the run)${before ? `; ${before} was built with the same Go ${server.goVersion} before, so only what differs is compiled` : ''}.`,
    );
    if (!before) shared.builtWith.set(server.goVersion, server.tag);
    return;
  }
  shared.builtWith.set(server.goVersion, server.tag);
  tk.debug(`build cache key: ${describeKeys(use.keys)}`);
  const restored = await tk.group('Restore Go build cache', () =>
    restoreBuildCache(plan.goCacheDir, use.keys, cacheLog),
  );
  shared.build = { keys: use.keys, restored, by: server.tag };
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
  { server, pluginDir, of, ...release }: Release,
  docker: Docker,
  plan: BuildPlan,
  cacheDir: string,
  listed: AlignInput['listed'],
  serverList: Promise<ServerModules> | undefined,
): Promise<AlignResult | undefined> {
  const { tk, config } = ctx;
  const mode = config.goModSync;
  if (mode === 'off') return undefined;
  const goModName = pluginGoModName(ctx);
  const label = of > 1 ? ` for ${releaseLabel({ server, of, ...release })}` : '';
  return tk.group(`${ALIGN_TITLES[mode]}${label} (go-mod-sync: ${mode})`, async () => {
    try {
      const r = await alignModuleGraph({
        mode,
        docker,
        spec: plan.prepareSpec,
        serverGoMod: server.goModText,
        serverGoModName: server.goModName,
        serverParsed: server.goMod,
        workDir: cacheDir,
        pluginGoModPath: join(pluginDir, 'go.mod'),
        pluginGoModName: goModName,
        log: { info: (m) => tk.info(m), warning: (m) => tk.warning(m) },
        ...(listed && { listed }),
        ...(serverList && { server: serverList }),
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
          annotate(ctx, `${c.message}. Fix: ${c.fix}`, {
            title:
              of > 1 ? `module graph differs from ${server.tag}` : 'module graph differs from the server',
            file: goModName,
            ...(c.line !== undefined && { startLine: c.line }),
          });
        }
      }
      throw e;
    }
  });
}

/**
 * Annotates every go.sum checksum mismatch in `output` on its go.sum line (naming the module and
 * version, with what to do); returns the first message, or undefined when there is none.
 */
function annotateChecksumMismatches(ctx: RunContext, sync: SyncResult, output: string): string | undefined {
  const mismatches = parseChecksumMismatches(output);
  const goSumName = pluginGoModName(ctx).replace(/go\.mod$/, 'go.sum');
  const lines = sync.goSum.split('\n');
  for (const m of mismatches) {
    const key = `${m.module} ${m.version}${m.goModOnly ? '/go.mod' : ''} `;
    const at = lines.findIndex((l) => l.startsWith(key));
    ctx.tk.error(checksumMismatchMessage(m), {
      title: 'go.sum checksum mismatch',
      file: goSumName,
      ...(at >= 0 && { startLine: at + 1 }),
    });
  }
  return mismatches[0] && checksumMismatchMessage(mismatches[0]);
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
    // Module servers' words: inside the stop-commands wrapper, like tidy's and the builds' output.
    if (r.output.trim()) tk.untrusted(r.output.trimEnd());
    if (r.exitCode !== 0) {
      throw new Error(`go mod vendor failed (exit code ${r.exitCode}): ${lastLines(r.output)}`);
    }
  });
}

/** Builds every target; logs a group per target as it finishes; never throws for a failed target. */
async function buildTargets(
  ctx: RunContext,
  docker: Docker,
  plan: BuildPlan,
  /** ` for v2.6.1 (2 of 3)` in a run of several releases, else ''. */
  of: string,
  sync: SyncResult,
  projInWorkspace: string,
): Promise<TargetResult[]> {
  const { tk, config } = ctx;
  // Compile errors name the files of working-directory (a scratch copy has the same files).
  const pluginDirInWorkspace = relative(ctx.workspace, config.workingDirectory).split('\\').join('/');
  const projDir = projInWorkspace.split('\\').join('/');
  const results = await buildAll(docker, plan, config.parallel, (r) => {
    tk.startGroup(`${r.ok ? 'Built' : 'FAILED'} ${r.target.name}${of} in ${seconds(r.durationMs)}`);
    tk.info(`docker ${r.argv.join(' ')}`);
    if (r.output.trim()) tk.untrusted(r.output.trimEnd());
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
      const mismatch = annotateChecksumMismatches(ctx, sync, r.output);
      tk.error(`${r.target.name}: ${mismatch ?? r.error}`);
    }
  });
  if (results.some((r) => !r.ok)) tk.info(failedTargetsMessage(results));
  return results;
}

/**
 * Saves the run's module and build caches, only when every target of every release built and
 * loaded: a cache is never made from a failed run. Called after the verify stage.
 */
export async function saveCaches(
  { tk }: Pick<RunContext, 'tk'>,
  shared: SharedWork,
  allBuilt: boolean,
  loaded = true,
): Promise<void> {
  const { modules, build: goBuild } = shared;
  if (!loaded || !allBuilt) {
    if (modules || goBuild)
      tk.info(`Not saving the Go caches: not every target ${loaded ? 'built' : 'loaded'}.`);
    return;
  }
  const cacheLog: CacheLog = { info: (m) => tk.info(m), warning: (m) => tk.warning(m) };
  if (modules) {
    await tk.group('Save Go module cache', () =>
      saveModuleCache(
        join(shared.cacheDir, 'gomodcache'),
        modules.keys,
        modules.restored,
        cacheLog,
        modules.secret,
      ),
    );
  }
  if (goBuild) {
    await tk.group('Save Go build cache', () =>
      saveBuildCache(join(shared.cacheDir, 'gocache'), goBuild.keys, goBuild.restored, cacheLog),
    );
  }
}
