// What every stage of a run is given: the toolkit (the runner's log, outputs and summary), the
// validated inputs, the workspace and the step's environment. Plain data: a test builds one.
import { join, relative } from 'node:path';
import type { ActionConfig } from './inputs';
import type { RunEnv, Toolkit } from './toolkit';

export interface RunContext {
  tk: Toolkit;
  config: ActionConfig;
  /** GITHUB_WORKSPACE: annotations name files relative to it. */
  workspace: string;
  env: RunEnv;
}

/** The plugin's go.mod as annotations and messages name it (relative to the workspace). */
export function pluginGoModName(ctx: Pick<RunContext, 'config' | 'workspace'>): string {
  return relative(ctx.workspace, join(ctx.config.workingDirectory, 'go.mod')) || 'go.mod';
}

/** The run's scratch folder for `what` (caches, downloads): under RUNNER_TEMP, else beside the plugin. */
export function scratchDir(ctx: Pick<RunContext, 'config' | 'env'>, what: string): string {
  return join(ctx.env.RUNNER_TEMP || join(ctx.config.workingDirectory, '.flow-build-cache'), what);
}

/** The runner's user, so files the containers write are not owned by root. */
export function userOfRunner(): { uid: number; gid: number } | undefined {
  return typeof process.getuid === 'function' && typeof process.getgid === 'function'
    ? { uid: process.getuid(), gid: process.getgid() }
    : undefined;
}
