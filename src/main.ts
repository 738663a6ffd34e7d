// The story of a run: read inputs -> check the workspace -> resolve the server -> sync go.mod ->
// build -> verify -> publish -> report (also when a stage fails). Every stage logs, annotates and
// sets outputs through the toolkit; the step's environment is read here and handed on.
import { createDocker, withDebugLog } from './build/docker';
import { saveCaches, buildStage } from './build/stage';
import type { RunContext } from './context';
import { haltIfCancelled, installCancelHandlers } from './fs/cleanup';
import { isFsError, plainFsError } from './fs/problems';
import { createGitHubClient, type GitHubClientOptions } from './github/client';
import { redact } from './github/errors';
import { GoModError } from './gomod';
import { describeConfig, parseInputs, secretsOf } from './inputs';
import { checkFileNamesForServer, preflight, PreflightError } from './preflight/preflight';
import { publishStage } from './publish/stage';
import type { RunProgress } from './report/record';
import { reportFailure, reportStage } from './report/stage';
import { resolveStage } from './resolve/stage';
import { syncStage } from './sync/stage';
import { actionsToolkit, type RunEnv, type Toolkit } from './toolkit';
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
    const ctx = readContext(tk, env);
    const { config } = ctx;
    secrets = secretsOf(config);
    summary = config.summary;
    progress.build = config.build;
    if (config.pluginName !== undefined) progress.pluginName = config.pluginName;

    // Everything the file system can tell, before any request or write.
    progress.stage = 'Workspace check';
    const checked = await preflight(config, ctx.workspace);
    await checkVerifyUpFront(ctx);
    // The name the failure summary shows from here on (known from go.mod before any request).
    if (checked.pluginName !== undefined) progress.pluginName = checked.pluginName;

    const octokit = createGitHubClient({
      ...(config.token !== undefined && { token: config.token }),
      ...(env.GITHUB_API_URL && { baseUrl: env.GITHUB_API_URL }),
      ...clientTuning(env),
      log: (m) => tk.info(m),
    });
    const docker = withDebugLog(createDocker(env), (m) => tk.debug(m));

    progress.stage = 'Resolve server';
    const server = await resolveStage(ctx, octokit);
    await haltIfCancelled();
    progress.server = server;
    if (checked.pluginName !== undefined) checkFileNamesForServer(config, checked.pluginName, server);

    progress.stage = 'Sync go.mod';
    const sync = await syncStage(ctx, server, checked.goMod);
    await haltIfCancelled();
    progress.sync = sync;

    if (!config.build) {
      tk.info('build is false: stopping after resolve and sync.');
      await reportStage(ctx, { server, sync });
      return;
    }

    progress.stage = 'Build';
    const build = await buildStage(ctx, server, sync, docker);
    const { pluginName, results, align } = build;
    await haltIfCancelled(); // nothing of a cancelled build is published
    progress.pluginName = pluginName;
    progress.results = results;

    progress.stage = 'Verify';
    const verified = await verifyStage(ctx, octokit, docker, { server, sync, results });
    // The caches are saved only from a run whose plugins all built and loaded.
    await saveCaches(ctx, build, verified.problems.length === 0);
    const failed = results.filter((r) => !r.ok).map((r) => r.target.name);
    const buildProblems = failed.length > 0 ? [`the build failed for ${failed.join(', ')}`] : [];
    if (verified.problems.length > 0) {
      // A plugin the server refuses is never published: nothing is uploaded.
      await reportStage(ctx, { pluginName, server, sync, ...(align && { align }), results, verified });
      tk.setFailed([...buildProblems, ...verified.problems].join('; '));
      return;
    }
    await haltIfCancelled();

    progress.stage = 'Publish';
    const published = await publishStage(ctx, octokit, { server, pluginName, results });
    await reportStage(ctx, {
      pluginName,
      server,
      sync,
      ...(align && { align }),
      results,
      verified,
      published,
    });
    const problems = [...buildProblems, ...published.problems];
    if (problems.length > 0) tk.setFailed(problems.join('; '));
  } catch (e) {
    const message = fail(tk, e, secrets);
    await reportFailure(tk, summary, progress, message);
  }
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
