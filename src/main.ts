// The prologue of every run, then its chapter: read the inputs -> the client -> (publish needs no
// checkout) check the workspace -> the mode's chapter, one file each in src/modes/:
// `build` (resolve -> for each server release: sync -> build -> verify -> publish -> report ->
// cell records), `plan` (the matrix and the plan artifact), `publish` (the matrix's cells into
// the release at once), `follow` (only the server releases the plugin release does not cover).
// A failed or cancelled run still writes its summary. The step's environment is read here and
// handed on in the run context.
import { installCancelHandlers } from './fs/cleanup';
import { isFsError, plainFsError } from './fs/problems';
import type { GitHubClientOptions } from './github/client';
import { createClients } from './github/clients';
import { redact } from './github/errors';
import { GoModError } from './gomod';
import { describeConfig, parseInputs, secretsOf } from './inputs';
import { buildMode } from './modes/build';
import { followMode } from './modes/follow';
import { planMode } from './modes/plan';
import { publishMode } from './modes/publish';
import type { ModeRun } from './modes/run';
import { preflight, PreflightError } from './preflight/preflight';
import { checkRunner } from './preflight/runner';
import type { RunContext } from './context';
import type { RunProgress } from './report/record';
import { reportFailure } from './report/stage';
import { actionsToolkit, type RunEnv, type Toolkit } from './toolkit';
import { checkVerifyUpFront } from './verify/stage';

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
    progress.build = config.build && config.mode !== 'plan';
    if (config.pluginName !== undefined) progress.pluginName = config.pluginName;
    checkRunner(ctx);
    // The plugin's repository on the run's API; the server repository on server-api-url.
    const { plugin: octokit, server: serverOctokit } = createClients(config, env, {
      ...clientTuning(env),
      log: (m) => tk.info(m),
    });

    const chapter: ModeRun = { ctx, octokit, serverOctokit, progress };

    // The publish job of a matrix: the cells' records and plugins are all it needs (no checkout).
    if (config.mode === 'publish') return await publishMode(chapter);

    // Everything the file system can tell, before any request or write.
    progress.stage = 'Workspace check';
    const checked = await preflight(config, ctx.workspace);
    if (config.mode !== 'plan') await checkVerifyUpFront(ctx);
    // The name the failure summary shows from here on (known from go.mod before any request).
    if (checked.pluginName !== undefined) progress.pluginName = checked.pluginName;

    // Each mode is a chapter of its own (src/modes/).
    const chapters = { plan: planMode, follow: followMode, build: buildMode } as const;
    await chapters[config.mode](chapter, checked);
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
