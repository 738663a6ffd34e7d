// The story of a run: read inputs -> resolve the server -> sync go.mod -> build -> publish -> report.
import * as core from '@actions/core';
import { createGitHubClient, type GitHubClientOptions } from './github/client';
import { GoModError } from './gomod';
import { parseInputs } from './inputs';
import { reportRun, setServerOutputs, setSyncOutputs } from './outputs';
import { publishPlugins } from './publish/publish';
import { buildStage, resolveStage, saveCachesStage, syncStage, type RunContext } from './stages';

export async function run(): Promise<void> {
  try {
    const ctx = readContext();
    const octokit = createGitHubClient({
      ...(ctx.config.token !== undefined && { token: ctx.config.token }),
      ...clientTuning(process.env),
      log: (m) => core.info(m),
    });

    const server = await resolveStage(ctx, octokit);
    setServerOutputs(server);

    const sync = await syncStage(ctx, server);
    setSyncOutputs(sync.changes);

    if (!ctx.config.build) {
      core.info('build is false: stopping after resolve and sync.');
      await reportRun(ctx.config, { server, sync });
      return;
    }

    const build = await buildStage(ctx, server, sync);
    const { pluginName, results } = build;
    await saveCachesStage(build);
    const published = await publishPlugins(ctx.config, octokit, { server, pluginName, results });
    await reportRun(ctx.config, { pluginName, server, sync, results, published });

    const failed = results.filter((r) => !r.ok).map((r) => r.target.name);
    const problems = [
      ...(failed.length > 0 ? [`the build failed for ${failed.join(', ')}`] : []),
      ...published.problems,
    ];
    if (problems.length > 0) core.setFailed(problems.join('; '));
  } catch (e) {
    fail(e);
  }
}

function readContext(): RunContext {
  const workspace = process.env.GITHUB_WORKSPACE || process.cwd();
  const config = parseInputs((name) => core.getInput(name), { workspace });
  if (config.token) core.setSecret(config.token);
  return { config, workspace };
}

function fail(e: unknown): void {
  // An invalid go.mod of the plugin is also an annotation on the line Go would point at.
  if (e instanceof GoModError && !e.file.includes('@')) {
    core.error(e.reason, { title: 'invalid go.mod', file: e.file, startLine: e.line, startColumn: e.column });
  }
  core.setFailed(e instanceof Error ? e.message : String(e));
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
