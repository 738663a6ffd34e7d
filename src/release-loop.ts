// The per-release loop that build and follow share: for each server release of the run, its
// plugin folder -> go.mod sync -> build -> the load into its own server; a release that cannot
// be supported is skipped (unsupported-server-version: skip) in one place, `skipReason`.
// Publishing, caches and the report are the caller's: the loop hands back the run's report of
// releases, the plugin's module and the build problems.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Octokit } from '@octokit/rest';
import type { Docker } from './build/docker';
import type { TargetResult } from './build/execute';
import {
  buildPrepared,
  prepareBuild,
  UnsupportedReleaseError,
  type BuildStageResult,
  type PreparedBuild,
} from './build/stage';
import { scratchDir, type RunContext } from './context';
import { haltIfCancelled } from './fs/cleanup';
import { orderedLog } from './ordered-log';
import { overlapReleases } from './release-schedule';
import type { PreflightFacts } from './preflight/preflight';
import { planReleases, preparePluginDir, removeScratch, type Release, type SharedWork } from './release';
import type { RunProgress, RunReport } from './report/record';
import { timedDocker, timingsFrom } from './report/timings';
import type { ServerFacts } from './resolve/server';
import { AlignError } from './sync/align';
import { syncStage } from './sync/stage';
import { SyncError, type SyncResult } from './sync/sync';
import { prefetchServerBinaries, type ServerBinaries } from './verify/prefetch';
import { binarySource, verifyStage } from './verify/stage';

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

/** How a release's story ended: built (or synced), skipped, or failed for good. */
type Outcome =
  | { kind: 'done'; done: ReleaseOutcome }
  | { kind: 'skipped'; reason: string }
  | { kind: 'failed'; error: unknown };

/** A release's failure as the run takes it: a skip (skipReason) or a failure that stops the run. */
function settle(e: unknown, config: RunContext['config']): Outcome {
  const reason = skipReason(e, config);
  return reason === undefined ? { kind: 'failed', error: e } : { kind: 'skipped', reason };
}

/**
 * Pure: whether the releases overlap (several releases that build, parallel above 1): release
 * N+1 is prepared (sync, tidy, alignment) while N builds, N is verified while N+1 builds, and every
 * server binary is fetched up front. With parallel: 1 they run one after another.
 */
export function overlapsReleases(
  config: Pick<RunContext['config'], 'build' | 'parallel'>,
  count: number,
): boolean {
  return config.build && config.parallel > 1 && count > 1;
}

/**
 * Runs every release's story and takes the outcomes in the run's order; a release whose story
 * fails for a reason that `skipReason` accepts is skipped (with a warning) when the input says so,
 * any other failure stops the loop (releases after it start nothing more; those before it finish).
 * The scratch copies are removed in the end, also on failure, once nothing runs in them.
 */
export async function runReleases(input: ReleaseLoopInput): Promise<ReleasesDone> {
  const { ctx, servers, shared, progress } = input;
  const { config, tk } = ctx;
  const report: RunReport = { releases: [], skipped: [], several: config.serverVersions !== undefined };
  report.order = servers.map((s) => s.tag);
  if (progress.pluginName !== undefined) report.pluginName = progress.pluginName;
  let module: string | undefined;
  const problems: string[] = [];
  const releases = planReleases(ctx, servers, shared);
  const overlapped = overlapsReleases(config, releases.length) ? overlap(input, releases) : undefined;
  try {
    for (const release of releases) {
      progress.server = release.server;
      const outcome = overlapped
        ? await overlapped.outcomes[release.index]!
        : await releaseStory(input, release).then(
            (done): Outcome => ({ kind: 'done', done }),
            (e: unknown) => settle(e, config),
          );
      if (outcome.kind === 'failed') throw outcome.error;
      if (outcome.kind === 'skipped') {
        const { reason } = outcome;
        tk.warning(`Skipped ${release.server.tag} (unsupported-server-version: skip): ${reason}`);
        report.skipped.push({ server: release.server.tag, go: release.server.goVersion, reason });
      } else {
        const { done } = outcome;
        report.releases.push(done);
        if (done.build) {
          report.pluginName = done.build.pluginName;
          module ??= done.build.module;
        }
        problems.push(...(done.problems ?? []));
      }
      overlapped?.next();
    }
  } finally {
    await overlapped?.settled();
    await removeScratch(ctx);
  }
  return { report, module, problems };
}

/**
 * The releases overlapped (release-schedule.ts): prepare (plugin folder, sync, images, caches,
 * tidy, alignment), build and verify, each phase one release at a time; every server binary is
 * fetched up front. Each release logs through its own toolkit of an ordered log, so the log reads
 * release by release; `next` says the head release was taken.
 */
function overlap(
  input: ReleaseLoopInput,
  releases: readonly Release[],
): { outcomes: Promise<Outcome>[]; next(): void; settled(): Promise<void> } {
  const { ctx, octokit, docker, checked, progress } = input;
  const { config, env } = ctx;
  const timings = timingsFrom(env);
  const log = orderedLog(ctx.tk, releases.length);
  const serversDir = scratchDir(ctx, 'flow-servers');
  const fetches =
    config.verify === 'false'
      ? undefined
      : releases.map((r) =>
          prefetchServerBinaries({
            octokit,
            source: binarySource(ctx),
            tag: r.server.tag,
            targets: config.targets,
            tempDir: join(serversDir, String(r.index + 1)),
            toolCache: Boolean(env.RUNNER_TOOL_CACHE),
            timings,
          }),
        );
  const stories = releases.map((release, i): ReleaseLoopInput => ({
    ...input,
    ctx: { ...ctx, tk: log.toolkit(i) },
    docker: timedDocker(docker, timings, release.server.tag),
    progress: mirrored(progress, () => log.head() === i),
  }));
  const schedule = overlapReleases(releases.length, {
    prepare: (i) => prepareRelease(stories[i]!, releases[i]!, checked),
    build: (i, prepared) => buildRelease(stories[i]!, prepared),
    verify: (i, built) => verifyRelease(stories[i]!, releases[i]!, built, octokit, fetches?.[i]?.binaries),
    discard: async (_i, prepared) => prepared.build?.dispose(),
    outcome: (_i, r): Outcome => (r.ok ? { kind: 'done', done: r.value } : settle(r.error, config)),
    stops: (o) => o.kind === 'failed',
  });
  return {
    outcomes: schedule.outcomes,
    next() {
      log.advance();
      const head = stories[log.head()];
      if (head) Object.assign(progress, head.progress);
    },
    async settled() {
      await Promise.allSettled([schedule.settled(), ...(fetches ?? []).map((f) => f.settled)]);
      await rm(serversDir, { recursive: true, force: true }).catch(() => undefined);
    },
  };
}

/** The release's progress, written through to the run's while the release is the log's head. */
function mirrored(progress: RunProgress, isHead: () => boolean): RunProgress {
  const own: RunProgress = { ...progress };
  return new Proxy(own, {
    set(target, key, value) {
      Reflect.set(target, key, value);
      if (isHead()) Reflect.set(progress, key, value);
      return true;
    },
  });
}

/** A release up to its targets: plugin folder, go.mod sync, and (with build) images, caches, tidy, alignment. */
interface PreparedRelease {
  sync: SyncResult;
  build?: PreparedBuild;
}

async function prepareRelease(
  input: ReleaseLoopInput,
  release: Release,
  checked: PreflightFacts,
): Promise<PreparedRelease> {
  const { ctx, docker, progress } = input;
  progress.server = release.server;
  progress.stage = 'Sync go.mod';
  await preparePluginDir(ctx, release);
  const sync = await syncStage(ctx, release, checked.goMod);
  await haltIfCancelled();
  progress.sync = sync;
  if (!ctx.config.build) return { sync };
  progress.stage = 'Build';
  return { sync, build: await prepareBuild(ctx, release, sync, docker) };
}

async function buildRelease(
  input: ReleaseLoopInput,
  prepared: PreparedRelease,
): Promise<PreparedRelease & { built?: BuildStageResult }> {
  const { ctx, docker, progress } = input;
  if (!prepared.build) return prepared;
  progress.stage = 'Build';
  const built = await buildPrepared(ctx, prepared.build, docker);
  await haltIfCancelled(); // nothing of a cancelled build is published
  progress.pluginName = built.pluginName;
  progress.results = built.results;
  return { ...prepared, built };
}

async function verifyRelease(
  input: ReleaseLoopInput,
  release: Release,
  { sync, built: build }: PreparedRelease & { built?: BuildStageResult },
  octokit: Octokit,
  binaries: ServerBinaries | undefined,
): Promise<ReleaseOutcome> {
  const { ctx, docker, progress } = input;
  const { server } = release;
  if (!build) return { server, sync };
  const { results, align } = build;
  progress.stage = 'Verify';
  const verified = await verifyStage(ctx, octokit, docker, {
    release,
    sync,
    results,
    ...(binaries && { binaries }),
  });
  return {
    server,
    sync,
    ...(align && { align }),
    results,
    verified,
    build,
    problems: buildProblems(release, results),
  };
}

/** The step's failure message for a release's failed targets (none when every target built). */
function buildProblems(release: Release, results: readonly TargetResult[]): string[] {
  const failed = results.filter((r) => !r.ok).map((r) => r.target.name);
  const on = release.of > 1 ? ` for ${release.server.tag}` : '';
  return failed.length > 0 ? [`the build failed for ${failed.join(', ')}${on}`] : [];
}

/** One release's story: its plugin folder, go.mod sync, build, and the load into its own server. */
export async function releaseStory(input: ReleaseLoopInput, release: Release): Promise<ReleaseOutcome> {
  const story = {
    ...input,
    docker: timedDocker(input.docker, timingsFrom(input.ctx.env), release.server.tag),
  };
  const prepared = await prepareRelease(story, release, input.checked);
  const built = await buildRelease(story, prepared);
  return verifyRelease(story, release, built, input.octokit, undefined);
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
