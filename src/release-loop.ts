// The per-release loop that build and follow share: for each server release of the run, its
// plugin folder -> go.mod sync -> build -> the load into its own server; a release that cannot
// be supported is skipped (unsupported-server-version: skip) in one place, `skipReason`.
// Publishing, caches and the report are the caller's: the loop hands back the run's report of
// releases, the plugin's module and the build problems.
import type { Octokit } from '@octokit/rest';
import type { Docker } from './build/docker';
import { buildStage, UnsupportedReleaseError, type BuildStageResult } from './build/stage';
import type { RunContext } from './context';
import { haltIfCancelled } from './fs/cleanup';
import type { PreflightFacts } from './preflight/preflight';
import { planReleases, preparePluginDir, removeScratch, type Release, type SharedWork } from './release';
import type { RunProgress, RunReport } from './report/record';
import type { ServerFacts } from './resolve/server';
import { AlignError } from './sync/align';
import { syncStage } from './sync/stage';
import { SyncError } from './sync/sync';
import { verifyStage } from './verify/stage';

/** One release's record, with what the run needs besides the report. */
export type ReleaseOutcome = RunReport['releases'][number] & {
  build?: BuildStageResult;
  /** Build failures, for the step's failure message. */
  problems?: string[];
};

/** What the loop needs: the run, its clients, the resolved releases and the shared work. */
export interface ReleaseLoopInput {
  ctx: RunContext;
  /** The server repository's client (the server binaries the plugins are loaded into). */
  octokit: Octokit;
  docker: Docker;
  /** The resolved server releases, newest first (the run's order). */
  servers: readonly ServerFacts[];
  checked: PreflightFacts;
  /** Updated as the loop goes (the failure summary reads it). */
  progress: RunProgress;
  shared: SharedWork;
}

/** What the loop hands back. */
export interface ReleasesDone {
  /** Every release built (or synced, build: false) and every release skipped, in the run's order. */
  report: RunReport;
  /** The plugin's module path, from the first release built. */
  module: string | undefined;
  /** Build failures of every release, for the step's failure message. */
  problems: string[];
}

/**
 * Runs every release's story in the run's order; a release whose story fails for a reason that
 * `skipReason` accepts is skipped (with a warning) when the input says so, any other failure
 * stops the loop. The scratch copies are removed in the end, also on failure.
 */
export async function runReleases(input: ReleaseLoopInput): Promise<ReleasesDone> {
  const { ctx, servers, shared, progress } = input;
  const { config, tk } = ctx;
  const report: RunReport = { releases: [], skipped: [], several: config.serverVersions !== undefined };
  report.order = servers.map((s) => s.tag);
  if (progress.pluginName !== undefined) report.pluginName = progress.pluginName;
  let module: string | undefined;
  const problems: string[] = [];
  try {
    for (const release of planReleases(ctx, servers, shared)) {
      progress.server = release.server;
      let done: ReleaseOutcome;
      try {
        done = await releaseStory(input, release);
      } catch (e) {
        const reason = skipReason(e, config);
        if (reason === undefined) throw e;
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
  return { report, module, problems };
}

/** One release's story: its plugin folder, go.mod sync, build, and the load into its own server. */
export async function releaseStory(input: ReleaseLoopInput, release: Release): Promise<ReleaseOutcome> {
  const { ctx, octokit, docker, checked, progress } = input;
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

/**
 * The one place that decides a skip: why a release's failure makes it skippable (its first line),
 * or undefined when the failure must stop the run (also when unsupported-server-version is not
 * `skip`).
 */
export function skipReason(
  e: unknown,
  config: Pick<RunContext['config'], 'unsupportedServerVersion'>,
): string | undefined {
  if (config.unsupportedServerVersion !== 'skip') return undefined;
  if (e instanceof UnsupportedReleaseError || e instanceof AlignError || e instanceof SyncError) {
    return e.message.split('\n')[0];
  }
  return undefined;
}
