// The build stage of a run, as the log shows it: check images, prepare modules, build every
// target (grouped log per target, compile errors as annotations), then report.
import * as core from '@actions/core';
import { randomBytes } from 'node:crypto';
import { relative } from 'node:path';
import { forwardedEnvNames } from './argv';
import {
  buildAll,
  checkImages,
  failedTargetsMessage,
  missingImagesMessage,
  prepareFolders,
  type ImageCheck,
  type TargetResult,
} from './build';
import type { Docker } from './docker';
import { parseGoDiagnostics } from './go-errors';
import { planBuild, type BuildPlan } from './plan';
import type { ActionConfig } from '../inputs';

export interface BuildStageInput {
  config: ActionConfig;
  goVersion: string;
  serverTag: string;
  pluginName: string;
  /** Folder for the module and build caches. */
  cacheDir: string;
  /** GITHUB_WORKSPACE, to name files in annotations. */
  workspace: string;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function userOfRunner(): { uid: number; gid: number } | undefined {
  return typeof process.getuid === 'function' && typeof process.getgid === 'function'
    ? { uid: process.getuid(), gid: process.getgid() }
    : undefined;
}

export function makePlan(input: BuildStageInput): BuildPlan {
  const { config } = input;
  const user = userOfRunner();
  return planBuild({
    targets: config.targets,
    buildImage: config.buildImage,
    goVersion: input.goVersion,
    serverTag: input.serverTag,
    pluginName: input.pluginName,
    fileNameTemplate: config.fileName,
    buildFlags: config.buildFlags,
    ldflags: config.ldflags,
    pluginDir: config.workingDirectory,
    outputDir: config.outputDir,
    cacheDir: input.cacheDir,
    ...(user && { user }),
    forwardEnv: forwardedEnvNames(process.env),
    dockerArgs: config.dockerArgs,
    runId: randomBytes(4).toString('hex'),
  });
}

/**
 * Checks images and prepares modules; throws before any build when an image is missing. Returns
 * the image checks (with each image's ID). `whileTidying` (the build cache restore) runs, with its
 * own log group, while `go mod tidy` runs in its container; it must not throw.
 */
export async function prepareBuild(
  docker: Docker,
  input: BuildStageInput,
  plan: BuildPlan,
  whileTidying: (checks: ImageCheck[]) => Promise<unknown> = async () => undefined,
): Promise<ImageCheck[]> {
  const { config } = input;
  const checks = await core.group('Builder images', async () => {
    const checks = await checkImages(docker, plan.images, config.pull);
    for (const c of checks) {
      core.info(
        `${c.ok ? 'ok     ' : 'MISSING'} ${c.image}${c.pulled ? ' (pulled)' : ''}${c.detail ? `: ${c.detail}` : ''}`,
      );
    }
    const missing = checks.filter((c) => !c.ok);
    if (missing.length > 0) throw new Error(missingImagesMessage(missing, input.goVersion));
    return checks;
  });
  await prepareFolders(plan, config.outputDir);
  core.info(
    `The containers of this run are named ${plan.containerPrefix}<target>: a cancelled job stops them.`,
  );
  if (!config.goModTidy) {
    await whileTidying(checks);
    return checks;
  }
  const tidy = docker.run(plan.prepareArgv);
  await whileTidying(checks);
  await core.group('Prepare modules (go mod tidy, go mod download)', async () => {
    core.info(`docker ${plan.prepareArgv.join(' ')}`);
    const r = await tidy;
    if (r.output.trim()) core.info(r.output.trimEnd());
    if (r.exitCode !== 0) {
      throw new Error(
        `go mod tidy failed (exit code ${r.exitCode}) in ${plan.prepareArgv.at(-4)}: ${r.output.trim().split('\n').slice(-3).join(' | ')}`,
      );
    }
  });
  return checks;
}

/** Builds every target; logs a group per target as it finishes; never throws for a failed target. */
export async function buildTargets(
  docker: Docker,
  input: BuildStageInput,
  plan: BuildPlan,
): Promise<TargetResult[]> {
  const pluginDirInWorkspace = relative(input.workspace, input.config.workingDirectory).split('\\').join('/');
  const results = await buildAll(docker, plan, input.config.parallel, (r) => {
    core.startGroup(`${r.ok ? 'Built' : 'FAILED'} ${r.target.name} in ${seconds(r.durationMs)}`);
    core.info(`docker ${r.argv.join(' ')}`);
    if (r.output.trim()) core.info(r.output.trimEnd());
    if (r.ok) core.info(`${r.path} (${r.size} bytes, sha256 ${r.sha256})`);
    core.endGroup();
    if (!r.ok) {
      const diagnostics = parseGoDiagnostics(r.output, pluginDirInWorkspace);
      for (const d of diagnostics) {
        core.error(`${r.target.name}: ${d.message}`, {
          title: 'go build',
          file: d.file,
          startLine: d.line,
          ...(d.column !== undefined && { startColumn: d.column }),
        });
      }
      core.error(`${r.target.name}: ${r.error}`);
    }
  });
  const failed = results.filter((r) => !r.ok);
  if (failed.length > 0) core.info(failedTargetsMessage(results));
  return results;
}
