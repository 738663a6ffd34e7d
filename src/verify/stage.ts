// The verify stage of a run, as the log shows it: every built plugin is loaded alone into the
// resolved server release for its target, before anything is uploaded. A plugin the server
// refuses is an error quoting the loader, annotated on the go.mod line of the module at fault,
// with what fixes it.
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Octokit } from '@octokit/rest';
import type { TargetResult } from '../build/execute';
import type { Docker } from '../build/docker';
import { pluginGoModName, scratchDir, userOfRunner, type RunContext } from '../context';
import { parseGoMod } from '../gomod';
import { escapeControl } from '../log-text';
import type { Release } from '../release';
import type { SyncResult } from '../sync/sync';
import { parseBinfmtEntry, type BinfmtState } from './emulation';
import { loadPlugin, type LoadOutcome } from './load';
import { adviceFor, parseLoadFailure } from './loader-errors';
import {
  decideTargets,
  emulationNotice,
  unrunnableMessage,
  unrunnableTargets,
  verifiedOutput,
  verifyProblems,
  BUILD_INFO_DIFFERS,
  proofOf,
  type VerifyEntry,
} from './plan';
import { timingsFrom } from '../report/timings';
import type { ServerBinaries } from './prefetch';
import { assetLister, serverBinaryFor, type BinarySourceConfig } from './server-binary';
import { buildInfoFix, checkBuildInfoFiles, describeDifference, type BuildInfoCheck } from './build-info';

export interface VerifyResult {
  /** One per built target; empty when verify is false. */
  entries: VerifyEntry[];
  /** Messages for the step's failure (the caller then uploads nothing). */
  problems: string[];
  /** `owner/name tag` of the server the plugins were loaded into. */
  server: string;
}

export interface VerifyStageInput {
  release: Release;
  sync: SyncResult;
  results: TargetResult[];
  /** The release's server binaries, fetched before (several releases); else fetched here. */
  binaries?: ServerBinaries;
}

/**
 * Before anything is requested, written or built: with `verify: true` every target must be one this
 * runner can run (natively or through a registered emulator); otherwise the run stops here.
 */
export async function checkVerifyUpFront(ctx: RunContext): Promise<void> {
  const { config } = ctx;
  if (!config.build || config.verify !== 'true') return;
  const binfmt = await readBinfmt(knobs(ctx.env).binfmtDir);
  const missing = unrunnableTargets(config.verify, config.targets, process.arch, binfmt);
  if (missing.length > 0) throw new Error(unrunnableMessage(missing));
}

/** Reads the binfmt_misc folder (FLOW_BINFMT_DIR lets a test play a runner without emulators). */
export async function readBinfmt(dir: string): Promise<BinfmtState> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return { enabled: false, entries: [] };
  }
  const status = await readFile(join(dir, 'status'), 'utf8').catch(() => '');
  const entries = [];
  for (const name of names) {
    if (name === 'register' || name === 'status') continue;
    const text = await readFile(join(dir, name), 'utf8').catch(() => undefined);
    if (text !== undefined) entries.push(parseBinfmtEntry(name, text));
  }
  return { enabled: status.trim() === 'enabled', entries };
}

/**
 * Development knobs (not inputs): FLOW_BINFMT_DIR (the binfmt_misc folder to read) and
 * FLOW_VERIFY_TIMEOUT_MS (the bound for one server start, default 120 s).
 */
function knobs(env: RunContext['env']) {
  const t = env.FLOW_VERIFY_TIMEOUT_MS;
  return {
    binfmtDir: env.FLOW_BINFMT_DIR || '/proc/sys/fs/binfmt_misc',
    timeoutMs: t && /^\d+$/.test(t) ? Number(t) : 120_000,
  };
}

/** Where the server binaries come from (the inputs). */
export function binarySource(ctx: Pick<RunContext, 'config' | 'workspace'>): BinarySourceConfig {
  const { config } = ctx;
  return {
    server: config.server,
    serverAsset: config.serverAsset,
    ...(config.serverBinary !== undefined && { serverBinary: config.serverBinary }),
    workspace: ctx.workspace,
  };
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function tail(output: string, lines = 3): string {
  return escapeControl(output.trim().split(/\r?\n/).slice(-lines).join(' | '));
}

export async function verifyStage(
  ctx: RunContext,
  octokit: Octokit,
  docker: Docker,
  input: VerifyStageInput,
): Promise<VerifyResult> {
  const result = await verifyPlugins(ctx, octokit, docker, input);
  // A run of several releases says them all at the end (the report stage).
  if (input.release.of === 1) ctx.tk.setOutput('verified', verifiedOutput(result.entries));
  return result;
}

async function verifyPlugins(
  ctx: RunContext,
  octokit: Octokit,
  docker: Docker,
  input: VerifyStageInput,
): Promise<VerifyResult> {
  const { tk, config, env } = ctx;
  const { server } = input.release;
  const label = `${server.repository} ${server.tag}`;
  if (config.verify === 'false') {
    tk.info('verify is false: the plugins are not loaded into the server before the upload.');
    return { entries: [], problems: [], server: label };
  }
  return tk.group(`Verify plugins load into ${label}`, async () => {
    const { binfmtDir, timeoutMs } = knobs(env);
    const binfmt = await readBinfmt(binfmtDir);
    const decisions = decideTargets(config.verify, input.results, process.arch, binfmt);
    const tempDir = scratchDir(ctx, 'flow-verify');
    const listAssets = assetLister(octokit, { ...config.server, tag: server.tag });
    const goModFile = pluginGoModName(ctx);
    // The go.mod the plugins were built with: after the sync and `go mod tidy` (which may add lines).
    const builtGoMod = await readFile(join(input.release.pluginDir, 'go.mod'), 'utf8').catch(
      () => input.sync.goModText,
    );
    const pluginGoMod = parseGoMod(builtGoMod, goModFile);
    const serverGoMod = server.goMod;
    const user = userOfRunner();

    const entries: VerifyEntry[] = [];
    for (const d of decisions) {
      const r = input.results.find((x) => x.target.name === d.target.name)!;
      const before = entries.length;
      const bi = await verifyTarget(d, r);
      // The build info backstop, on every built target (also those not loaded here): a plugin
      // whose Go, code settings or shared modules differ from the server binary's never ships.
      const entry = entries[before];
      if (!entry || !bi) continue;
      if (bi.status === 'matches') {
        entry.buildInfo = 'matches';
        if (entry.status === 'not-verified')
          tk.info(
            `  ${d.target.name}: its Go build info matches the server binary's (Go, code settings, every module both link)`,
          );
      } else if (bi.status === 'differs') {
        entry.buildInfo = 'differs';
        const list = bi.differences.map(describeDifference);
        tk.info(`  ${d.target.name}: its Go build info differs from the server binary's: ${list.join('; ')}`);
        if (entry.status !== 'failed') {
          entry.status = 'failed';
          entry.reason = `${BUILD_INFO_DIFFERS}${list.join('; ')}`;
          delete entry.modulePath;
          const first = bi.differences[0]!;
          const line =
            first.kind === 'module'
              ? pluginGoMod.require.find((x) => x.path === first.name)?.line
              : first.kind === 'go'
                ? pluginGoMod.go?.line
                : undefined;
          tk.error(
            `${d.target.name}: ${r.fileName} was not built like ${label}: ${list.join('; ')}. Fix: ${buildInfoFix(first, label)}.`,
            {
              title: `plugin does not match ${label}`,
              ...(line !== undefined && line > 0 && { file: goModFile, startLine: line }),
            },
          );
        }
      } else if (entry.status !== 'failed') {
        tk.info(`  ${d.target.name}: build info not compared: ${bi.reason}`);
      }
    }
    const proven = { loaded: [] as string[], buildInfo: [] as string[] };
    for (const e of entries) {
      const p = proofOf(e);
      if (p === 'loaded') proven.loaded.push(e.target);
      if (p === 'build-info') proven.buildInfo.push(e.target);
    }
    if (proven.buildInfo.length > 0)
      tk.info(
        `Proven by a load: ${proven.loaded.join(', ') || 'none'}; by build info only: ${proven.buildInfo.join(', ')}.`,
      );

    /** Loads one target (or says why not); returns the build info check when the server binary is at hand. */
    async function verifyTarget(
      d: (typeof decisions)[number],
      r: TargetResult,
    ): Promise<BuildInfoCheck | undefined> {
      if (!d.verify && !r.ok) {
        entries.push({ target: d.target.name, status: 'not-verified', reason: d.reason, durationMs: 0 });
        tk.info(`not verified ${d.target.name}: ${d.reason}`);
        return undefined;
      }
      const started = Date.now();
      const notVerified = (reason: string): void => {
        entries.push({
          target: d.target.name,
          status: 'not-verified',
          reason,
          durationMs: Date.now() - started,
        });
        tk.info(`not verified ${d.target.name}: ${reason}`);
      };
      let binary;
      try {
        if (input.binaries) {
          const fetched = await input.binaries(d.target);
          for (const line of fetched.log) tk.info(line);
          binary = fetched.binary;
        } else {
          binary = await timingsFrom(env).span(server.tag, 'download', () =>
            serverBinaryFor({
              octokit,
              config: binarySource(ctx),
              tag: server.tag,
              target: d.target,
              listAssets,
              tempDir,
              toolCache: Boolean(env.RUNNER_TOOL_CACHE),
              log: (m) => tk.info(m),
            }),
          );
        }
      } catch (e) {
        notVerified(d.verify ? `no server binary: ${(e as Error).message}` : d.reason);
        return undefined;
      }
      if (!binary.ok) {
        notVerified(d.verify ? binary.reason : d.reason);
        return { status: 'unknown', reason: binary.reason };
      }
      if (binary.cached) tk.info(`${binary.source}: from the tool cache`);
      const bi = await checkBuildInfoFiles(r.path, binary.path);
      if (!d.verify) {
        notVerified(d.reason);
        return bi;
      }
      let outcome: LoadOutcome;
      try {
        outcome = await loadPlugin(docker, {
          image: r.image,
          target: d.target,
          via: d.via,
          serverBinary: binary.path,
          pluginFile: r.path,
          pluginFileName: r.fileName,
          tempDir,
          timeoutMs,
          ...(user && { user }),
        });
      } catch (e) {
        notVerified(`the server could not be started: ${(e as Error).message}`);
        return bi;
      }
      const how = d.via === 'emulator' ? ' (emulated)' : '';
      const durationMs = Date.now() - started;
      if (outcome.status === 'loaded') {
        tk.info(
          `loaded ${r.fileName} into ${label} ${d.target.name}${how} in ${seconds(durationMs)}: the server lists ${outcome.modulePath || 'it'}`,
        );
        entries.push({
          target: d.target.name,
          status: 'loaded',
          durationMs,
          ...(outcome.modulePath && { modulePath: outcome.modulePath }),
        });
        const own = pluginGoMod.module?.path;
        if (outcome.modulePath && own && outcome.modulePath !== own) {
          tk.info(
            `  note: the plugin reports the module path ${outcome.modulePath} (GetGotifyPluginInfo), its go.mod says ${own}; the server keys its settings by the reported one.`,
          );
        }
        return bi;
      }
      if (outcome.status === 'timeout') {
        notVerified(
          `the server did not answer within ${seconds(timeoutMs)}${outcome.output.trim() ? ` (last output: ${tail(outcome.output)})` : ''}`,
        );
        return bi;
      }
      const failure = parseLoadFailure(outcome.output);
      if (!failure) {
        // The server never got to the plugin (a missing C library, no emulator...): not its fault.
        notVerified(
          outcome.status === 'exited'
            ? `the server did not start (exit code ${outcome.exitCode}): ${tail(outcome.output) || 'no output'}`
            : 'the server started but does not list the plugin',
        );
        if (outcome.output.trim()) tk.untrusted(outcome.output.trimEnd());
        return bi;
      }
      const advice = adviceFor(failure, {
        pluginGoMod,
        serverGoMod,
        server: label,
        serverGoVersion: server.goVersion,
      });
      entries.push({ target: d.target.name, status: 'failed', reason: failure.reason, durationMs });
      tk.info(`FAILED ${r.fileName}${how} in ${seconds(durationMs)}; the server said:`);
      tk.untrusted(outcome.output.trimEnd());
      const message = `${d.target.name}: ${label} refuses ${r.fileName}: ${failure.reason}. Fix: ${advice.fix}`;
      tk.error(message, {
        title: `plugin does not load into ${label}`,
        ...(advice.line !== undefined && advice.line > 0 && { file: goModFile, startLine: advice.line }),
      });
      return bi;
    }
    // Downloads and run folders (a server kept in the tool cache lives on there).
    await rm(tempDir, { recursive: true, force: true }).catch(() => undefined);
    const notice = emulationNotice(decisions);
    if (notice) {
      if (config.verify === 'true') tk.error(notice);
      else tk.notice(notice);
    }
    const problems = verifyProblems(config.verify, entries);
    return { entries, problems, server: label };
  });
}
