// The story of a run: read inputs -> check the workspace -> resolve the server -> sync go.mod ->
// build -> verify -> publish -> report (also when a stage fails).
import * as core from '@actions/core';
import { createGitHubClient, type GitHubClientOptions } from './github/client';
import { redact } from './github/errors';
import { GoModError } from './gomod';
import { haltIfCancelled, installCancelHandlers } from './fs/cleanup';
import { isFsError, plainFsError } from './fs/problems';
import { parseInputs } from './inputs';
import {
  reportFailure,
  reportRun,
  setServerOutputs,
  setSyncOutputs,
  setVerifyOutputs,
  type RunProgress,
} from './outputs';
import { checkFileNamesForServer, preflight } from './preflight/preflight';
import { publishPlugins } from './publish/publish';
import { buildStage, resolveStage, saveCachesStage, syncStage, type RunContext } from './stages';
import { verifyStage } from './verify/stage';

export async function run(): Promise<void> {
  // How far the run got: a failed run still writes its summary (what ran, what failed, what to do).
  const progress: RunProgress = { stage: 'Inputs', build: true };
  let token: string | undefined;
  let summary = core.getInput('summary').trim().toLowerCase() !== 'false';
  installCancelHandlers(
    (m) => core.info(m),
    (signal) =>
      reportFailure(
        summary,
        progress,
        `The job was cancelled (${signal}) during ${progress.stage}: the run's containers were stopped and partial plugin files removed; go.mod is either as it was or fully written. Re-run the job to build.`,
      ),
  );
  try {
    const ctx = readContext();
    token = ctx.config.token;
    summary = ctx.config.summary;
    progress.build = ctx.config.build;
    if (ctx.config.pluginName !== undefined) progress.pluginName = ctx.config.pluginName;

    // Everything the file system can tell, before any request or write.
    progress.stage = 'Workspace check';
    const checked = await preflight(ctx.config, ctx.workspace);

    const octokit = createGitHubClient({
      ...(ctx.config.token !== undefined && { token: ctx.config.token }),
      ...clientTuning(process.env),
      log: (m) => core.info(m),
    });

    progress.stage = 'Resolve server';
    const server = await resolveStage(ctx, octokit);
    await haltIfCancelled();
    progress.server = server;
    if (checked.pluginName !== undefined) checkFileNamesForServer(ctx.config, checked.pluginName, server);
    setServerOutputs(server);

    progress.stage = 'Sync go.mod';
    const sync = await syncStage(ctx, server);
    await haltIfCancelled();
    progress.sync = sync;
    setSyncOutputs(sync.changes);

    if (!ctx.config.build) {
      core.info('build is false: stopping after resolve and sync.');
      await reportRun(ctx.config, { server, sync });
      return;
    }

    progress.stage = 'Build';
    const build = await buildStage(ctx, server, sync);
    const { pluginName, results, align } = build;
    if (align) setSyncOutputs(sync.changes, align.changes);
    await haltIfCancelled(); // nothing of a cancelled build is published
    progress.pluginName = pluginName;
    progress.results = results;
    progress.stage = 'Verify';
    const verified = await verifyStage(octokit, { ...ctx, server, sync, results });
    setVerifyOutputs(verified);
    // The caches are saved only from a run whose plugins all built and loaded.
    await saveCachesStage(build, verified.problems.length === 0);
    if (verified.problems.length > 0) {
      // A plugin the server refuses is never published: nothing is uploaded.
      await reportRun(ctx.config, { pluginName, server, sync, ...(align && { align }), results, verified });
      const failedBuilds = results.filter((r) => !r.ok).map((r) => r.target.name);
      core.setFailed(
        [
          ...(failedBuilds.length > 0 ? [`the build failed for ${failedBuilds.join(', ')}`] : []),
          ...verified.problems,
        ].join('; '),
      );
      return;
    }
    await haltIfCancelled();
    progress.stage = 'Publish';
    const published = await publishPlugins(ctx.config, octokit, { server, pluginName, results });
    await reportRun(ctx.config, {
      pluginName,
      server,
      sync,
      ...(align && { align }),
      results,
      verified,
      published,
    });

    const failed = results.filter((r) => !r.ok).map((r) => r.target.name);
    const problems = [
      ...(failed.length > 0 ? [`the build failed for ${failed.join(', ')}`] : []),
      ...published.problems,
    ];
    if (problems.length > 0) core.setFailed(problems.join('; '));
  } catch (e) {
    const message = fail(e, token);
    await reportFailure(summary, progress, message);
  }
}

function readContext(): RunContext {
  const workspace = process.env.GITHUB_WORKSPACE || process.cwd();
  const config = parseInputs((name) => core.getInput(name), { workspace, env: process.env });
  if (config.token) core.setSecret(config.token);
  return { config, workspace };
}

/** Bounds text that may come from a file that is not a go.mod at all (10 lines of 160 characters at most). */
function bounded(text: string, max = 160): string {
  return text
    .split('\n')
    .slice(0, 10)
    .map((l) => (l.length > max ? `${l.slice(0, max - 3)}...` : l))
    .join('\n');
}

/** Reports the error (the token removed, go.mod excerpts bounded); returns the message reported. */
function fail(e: unknown, token: string | undefined): string {
  const clean = (text: string) => redact(text, [token]);
  // An invalid go.mod of the plugin is also an annotation on the line Go would point at.
  if (e instanceof GoModError && !e.file.includes('@')) {
    core.error(clean(bounded(e.reason)), {
      title: 'invalid go.mod',
      file: e.file,
      startLine: e.line,
      startColumn: e.column,
    });
  }
  // A file-system error no stage explained still gets plain words, never a bare EACCES.
  const raw = isFsError(e) ? plainFsError(e) : e instanceof Error ? e.message : String(e);
  const message = clean(e instanceof GoModError ? bounded(raw) : raw);
  core.setFailed(message);
  return message;
}

/**
 * Development knobs (not inputs): the tests shorten the client's backoff and time bound through
 * FLOW_GITHUB_RETRY_BASE_MS, FLOW_GITHUB_TIMEOUT_MS and FLOW_GITHUB_WRITE_SPACING_MS.
 */
function clientTuning(env: NodeJS.ProcessEnv): Partial<GitHubClientOptions> {
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
