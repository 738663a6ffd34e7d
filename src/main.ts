// The story of a run: read inputs -> check the workspace -> resolve the server releases -> for
// each release: sync go.mod -> build -> verify -> then publish every release's plugins at once ->
// report (also when a stage fails). A one-release run is the same story with one release. Every stage logs, annotates and
// sets outputs through the toolkit; the step's environment is read here and handed on.
// The mode picks the chapters: `plan` resolves only and outputs the matrix; `publish` checks the
// cells a matrix built and publishes them at once; `follow` builds only the server releases the
// plugin release's plugins.json does not cover yet, and adds them to it.
import { createDocker, withDebugLog } from './build/docker';
import type { Octokit } from '@octokit/rest';
import type { Docker } from './build/docker';
import { buildStage, saveCaches, UnsupportedReleaseError, type BuildStageResult } from './build/stage';
import type { RunContext } from './context';
import { haltIfCancelled, installCancelHandlers } from './fs/cleanup';
import { isFsError, plainFsError } from './fs/problems';
import { createGitHubClient, type GitHubClientOptions } from './github/client';
import { redact } from './github/errors';
import { GoModError } from './gomod';
import { describeConfig, parseInputs, secretsOf } from './inputs';
import {
  checkFileNamesForServer,
  preflight,
  PreflightError,
  type PreflightFacts,
} from './preflight/preflight';
import {
  cellRecordsStage,
  followCoverage,
  followNothingNew,
  followWriteStage,
  makePlan,
  planStage,
  publishCellsStage,
  selectStage,
  uploadedPlugins,
  type CellRelease,
  type Coverage,
} from './fanout/stage';
import type { ArtifactUpload } from './publish/artifacts';
import { publishStage } from './publish/stage';
import { planReleases, preparePluginDir, removeScratch, sharedWork, type Release } from './release';
import { goModChangesOf, type RunProgress, type RunReport } from './report/record';
import { reportFailure, reportStage } from './report/stage';
import { resolveStage } from './resolve/stage';
import { AlignError } from './sync/align';
import { syncStage } from './sync/stage';
import { SyncError } from './sync/sync';
import { actionsToolkit, type RunEnv, type Toolkit } from './toolkit';
import { proofOf } from './verify/plan';
import { checkVerifyUpFront, verifyStage } from './verify/stage';

export async function run(tk: Toolkit = actionsToolkit(), env: RunEnv = process.env): Promise<void> {
  // How far the run got: a failed run still writes its summary (what ran, what failed, what to do).
  const progress: RunProgress = { stage: 'Inputs', build: true };
  let secrets: string[] = [];
  let summary = tk.getInput('summary').trim().toLowerCase() !== 'false';
  installCancelHandlers(
    (m) => tk.info(m),
    (signal) =>
      reportFailure(
        tk,
        summary,
        progress,
        `The job was cancelled (${signal}) during ${progress.stage}: the run's containers were stopped and partial plugin files removed; go.mod is either as it was or fully written. Re-run the job to build.`,
      ),
  );
  try {
    let ctx = readContext(tk, env);
    const { config } = ctx;
    secrets = secretsOf(config);
    summary = config.summary;
    progress.build = config.build && config.mode !== 'plan';
    if (config.pluginName !== undefined) progress.pluginName = config.pluginName;
    const octokit = createGitHubClient({
      ...(config.token !== undefined && { token: config.token }),
      ...(env.GITHUB_API_URL && { baseUrl: env.GITHUB_API_URL }),
      ...clientTuning(env),
      log: (m) => tk.info(m),
    });

    // The publish job of a matrix: the cells' records and plugins are all it needs (no checkout).
    if (config.mode === 'publish') {
      progress.stage = 'Publish';
      const published = await publishCellsStage(ctx, octokit);
      if (published.problems.length > 0) tk.setFailed(published.problems.join('; '));
      return;
    }

    // Everything the file system can tell, before any request or write.
    progress.stage = 'Workspace check';
    const checked = await preflight(config, ctx.workspace);
    if (config.mode !== 'plan') await checkVerifyUpFront(ctx);
    // The name the failure summary shows from here on (known from go.mod before any request).
    if (checked.pluginName !== undefined) progress.pluginName = checked.pluginName;

    // The plan job of a matrix: the selected releases (follow: those not covered yet) x targets.
    if (config.mode === 'plan') {
      progress.stage = 'Resolve server';
      const selected = await selectStage(ctx, octokit);
      const coverage = config.follow ? await followCoverage(ctx, octokit, selected) : undefined;
      await planStage(ctx, makePlan(ctx, pluginOf(checked), selected, coverage));
      return;
    }

    // Follow the server: only the selected releases the plugin release's plugins.json does not
    // cover yet are built (nothing new: nothing built, nothing written); they are added to it below.
    let coverage: Coverage | undefined;
    if (config.mode === 'follow') {
      progress.stage = 'Resolve server';
      coverage = await followCoverage(ctx, octokit, await selectStage(ctx, octokit));
      if (coverage.diff.uncovered.length === 0) {
        await followNothingNew(ctx, coverage);
        return;
      }
      ctx = { ...ctx, config: { ...config, serverVersions: coverage.diff.uncovered, release: 'false' } };
    }
    const docker = withDebugLog(createDocker(env), (m) => tk.debug(m));

    progress.stage = 'Resolve server';
    const servers = await resolveStage(ctx, octokit);
    await haltIfCancelled();
    progress.server = servers[0];
    if (checked.pluginName !== undefined) {
      for (const server of servers) checkFileNamesForServer(config, checked.pluginName, server);
    }

    // The same story once per server release; the releases share images and Go caches.
    const shared = sharedWork(ctx);
    const report: RunReport = { releases: [], skipped: [], several: ctx.config.serverVersions !== undefined };
    report.order = servers.map((s) => s.tag);
    if (progress.pluginName !== undefined) report.pluginName = progress.pluginName;
    let module: string | undefined;
    const problems: string[] = [];
    try {
      for (const release of planReleases(ctx, servers, shared)) {
        progress.server = release.server;
        let done: ReleaseRecord;
        try {
          done = await releaseStory(ctx, octokit, docker, release, checked, progress);
        } catch (e) {
          const reason = unsupported(e);
          if (reason === undefined || config.unsupportedServerVersion !== 'skip') throw e;
          tk.warning(`Skipped ${release.server.tag} (unsupported-server-version: skip): ${reason}`);
          report.skipped.push({ server: release.server.tag, go: release.server.goVersion, reason });
          continue;
        }
        report.releases.push(done);
        if (done.build) {
          report.pluginName = done.build.pluginName;
          module ??= done.build.module;
        }
        problems.push(...(done.problems ?? []));
      }
    } finally {
      await removeScratch(ctx);
    }
    if (report.releases.length === 0) {
      await reportStage(ctx, report);
      // follow with unsupported-server-version: skip: a schedule must not fail on a release it was told to skip.
      if (coverage) {
        tk.info(
          `Every new server release was skipped (unsupported-server-version: skip): nothing added to release ${coverage.release.tag_name}.`,
        );
        return;
      }
      tk.setFailed(
        `Every server release was skipped, so nothing was built: ${report.skipped.map((s) => `${s.server}: ${s.reason}`).join('; ')}`,
      );
      return;
    }
    if (!config.build) {
      tk.info('build is false: stopping after resolve and sync.');
      await reportStage(ctx, report);
      return;
    }

    // The caches are saved only from a run whose plugins all built and loaded.
    const allBuilt = report.releases.every((r) => r.results!.every((t) => t.ok));
    const verifyProblems = report.releases.flatMap((r) => r.verified?.problems ?? []);
    await saveCaches(ctx, shared, allBuilt, verifyProblems.length === 0);
    // What a publish job of a matrix reads about each cell (mode: build).
    const cells = (uploads: readonly ArtifactUpload[]) => ({
      pluginName: report.pluginName!,
      module: module ?? report.pluginName!,
      releases: report.releases.map((r): CellRelease => ({
        server: r.server,
        results: r.results!,
        ...(r.verified && { verified: r.verified.entries }),
        goModChanges: goModChangesOf(r),
        artifacts: uploadedPlugins(uploads, r.server.tag, report.releases.length === 1),
      })),
    });
    if (verifyProblems.length > 0) {
      // A plugin the server refuses is never published: nothing is uploaded but the cell records.
      if (config.mode === 'build') await cellRecordsStage(ctx, cells([]));
      await reportStage(ctx, report);
      tk.setFailed([...problems, ...verifyProblems].join('; '));
      return;
    }
    await haltIfCancelled();

    progress.stage = 'Publish';
    report.published = await publishStage(ctx, octokit, {
      pluginName: report.pluginName!,
      ...(module !== undefined && { module }),
      releases: report.releases.map((r) => ({
        server: r.server,
        results: r.results!,
        proof: (target) => {
          const entry = r.verified?.entries.find((e) => e.target === target);
          return (entry && proofOf(entry)) ?? 'not-verified';
        },
        goModChanges: goModChangesOf(r),
      })),
    });
    await reportStage(ctx, report);
    const all = [...problems, ...report.published.problems];
    if (coverage) {
      // follow: the new releases' plugins into the plugin release, its index and checksums last.
      if (problems.length === 0 && config.release === 'false')
        tk.info(`release is false: nothing written to release ${coverage.release.tag_name}.`);
      else if (problems.length === 0)
        all.push(...(await followWriteStage(ctx, octokit, coverage, cells(report.published.artifacts))));
    } else if (config.mode === 'build') {
      all.push(...(await cellRecordsStage(ctx, cells(report.published.artifacts))));
    }
    if (all.length > 0) tk.setFailed(all.join('; '));
  } catch (e) {
    const message = fail(tk, e, secrets);
    await reportFailure(tk, summary, progress, message);
  }
}

/** One release's record, with what the run needs besides the report. */
type ReleaseRecord = RunReport['releases'][number] & {
  build?: BuildStageResult;
  /** Build failures, for the step's failure message. */
  problems?: string[];
};

/** One release's story: its plugin folder, go.mod sync, build, and the load into its own server. */
async function releaseStory(
  ctx: RunContext,
  octokit: Octokit,
  docker: Docker,
  release: Release,
  checked: PreflightFacts,
  progress: RunProgress,
): Promise<ReleaseRecord> {
  const { config } = ctx;
  const { server } = release;
  progress.stage = 'Sync go.mod';
  await preparePluginDir(ctx, release);
  const sync = await syncStage(ctx, release, checked.goMod);
  await haltIfCancelled();
  progress.sync = sync;
  if (!config.build) return { server, sync };

  progress.stage = 'Build';
  const build = await buildStage(ctx, release, sync, docker);
  const { pluginName, results, align } = build;
  await haltIfCancelled(); // nothing of a cancelled build is published
  progress.pluginName = pluginName;
  progress.results = results;

  progress.stage = 'Verify';
  const verified = await verifyStage(ctx, octokit, docker, { release, sync, results });
  const failed = results.filter((r) => !r.ok).map((r) => r.target.name);
  const on = release.of > 1 ? ` for ${server.tag}` : '';
  const problems = failed.length > 0 ? [`the build failed for ${failed.join(', ')}${on}`] : [];
  return { server, sync, ...(align && { align }), results, verified, build, problems };
}

/** Why a release cannot be supported (skippable with unsupported-server-version: skip), else undefined. */
function unsupported(e: unknown): string | undefined {
  if (e instanceof UnsupportedReleaseError || e instanceof AlignError || e instanceof SyncError) {
    return e.message.split('\n')[0];
  }
  return undefined;
}

/** The plugin's name and module path, from go.mod (read by the workspace check). */
function pluginOf(checked: PreflightFacts): { name: string; module: string } {
  const module = checked.goMod?.file.module?.path;
  if (checked.pluginName === undefined || module === undefined) {
    throw new Error('go.mod names no module, so the plugin has no name: add a module line (go mod init)');
  }
  return { name: checked.pluginName, module };
}

function readContext(tk: Toolkit, env: RunEnv): RunContext {
  const workspace = env.GITHUB_WORKSPACE || process.cwd();
  const config = parseInputs((name) => tk.getInput(name), { workspace, env });
  for (const secret of secretsOf(config)) tk.setSecret(secret);
  tk.debug(`inputs: ${describeConfig(config)}`);
  return { tk, config, workspace, env };
}

/** Bounds text that may come from a file that is not a go.mod at all (10 lines of 160 characters at most). */
function bounded(text: string, max = 160): string {
  return text
    .split('\n')
    .slice(0, 10)
    .map((l) => (l.length > max ? `${l.slice(0, max - 3)}...` : l))
    .join('\n');
}

/** Reports the error (the secrets removed, go.mod excerpts bounded); returns the message reported. */
function fail(tk: Toolkit, e: unknown, secrets: string[]): string {
  const clean = (text: string) => redact(text, secrets);
  // A refusal of the workspace check about a go.mod line (a local replace) is annotated there.
  if (e instanceof PreflightError && e.at) {
    tk.error(clean(e.message), { title: 'workspace check', file: e.at.file, startLine: e.at.line });
  }
  // An invalid go.mod of the plugin is also an annotation on the line Go would point at.
  if (e instanceof GoModError && !e.file.includes('@')) {
    tk.error(clean(bounded(e.reason)), {
      title: 'invalid go.mod',
      file: e.file,
      startLine: e.line,
      startColumn: e.column,
    });
  }
  // A file-system error no stage explained still gets plain words, never a bare EACCES.
  const raw = isFsError(e) ? plainFsError(e) : e instanceof Error ? e.message : String(e);
  const message = clean(e instanceof GoModError ? bounded(raw) : raw);
  tk.setFailed(message);
  return message;
}

/**
 * Development knobs (not inputs): the tests shorten the client's backoff and time bound through
 * FLOW_GITHUB_RETRY_BASE_MS, FLOW_GITHUB_TIMEOUT_MS and FLOW_GITHUB_WRITE_SPACING_MS.
 */
function clientTuning(env: RunEnv): Partial<GitHubClientOptions> {
  const tuning: Partial<GitHubClientOptions> = {};
  const knobs = {
    retryBaseMs: 'FLOW_GITHUB_RETRY_BASE_MS',
    totalTimeoutMs: 'FLOW_GITHUB_TIMEOUT_MS',
    writeSpacingMs: 'FLOW_GITHUB_WRITE_SPACING_MS',
  } as const;
  for (const [option, name] of Object.entries(knobs) as [keyof typeof knobs, string][]) {
    const v = env[name];
    if (v !== undefined && /^\d+$/.test(v)) tuning[option] = Number(v);
  }
  return tuning;
}
