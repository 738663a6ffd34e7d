// The alignment as the log shows it: one group after `go mod tidy`, every change with its
// reason, and every conflict as an annotation on the plugin's go.mod line.
import * as core from '@actions/core';
import { join } from 'node:path';
import type { Docker } from '../build/docker';
import type { BuildPlan } from '../build/plan';
import type { GoModSync } from '../inputs';
import { AlignError, alignModuleGraph, type AlignResult } from './align';
import { formatChange } from './align-plan';

export interface AlignStageInput {
  mode: GoModSync;
  docker: Docker;
  plan: BuildPlan;
  /** The action's cache folder (a scratch folder for the server's module goes there). */
  cacheDir: string;
  pluginDir: string;
  /** The plugin's go.mod relative to the workspace, for messages and annotations. */
  pluginGoModName: string;
  serverGoMod: string;
  serverGoModName: string;
}

const TITLES = {
  align: 'Align module graph with the server',
  cap: 'Check module graph',
  check: 'Check module graph',
};

/** Runs after `go mod tidy`, before any target is built. `off`: nothing (undefined). */
export async function alignStage(input: AlignStageInput): Promise<AlignResult | undefined> {
  const mode = input.mode;
  if (mode === 'off') return undefined;
  return core.group(`${TITLES[mode]} (go-mod-sync: ${mode})`, async () => {
    try {
      const r = await alignModuleGraph({
        mode,
        docker: input.docker,
        spec: input.plan.prepareSpec,
        serverGoMod: input.serverGoMod,
        serverGoModName: input.serverGoModName,
        workDir: input.cacheDir,
        pluginGoModPath: join(input.pluginDir, 'go.mod'),
        pluginGoModName: input.pluginGoModName,
        log: { info: (m) => core.info(m), warning: (m) => core.warning(m) },
      });
      if (r.changes.length === 0) {
        core.info(
          `Every module the plugin shares with the server is at the server's version (${r.shared} modules).`,
        );
      } else {
        core.info(`Aligned in ${r.rounds} round${r.rounds === 1 ? '' : 's'}:`);
        for (const c of r.changes) core.info(`  ${formatChange(c)}`);
      }
      return r;
    } catch (e) {
      if (e instanceof AlignError) {
        for (const c of e.conflicts) {
          core.error(`${c.message}. Fix: ${c.fix}`, {
            title: 'module graph differs from the server',
            file: input.pluginGoModName,
            ...(c.line !== undefined && { startLine: c.line }),
          });
        }
      }
      throw e;
    }
  });
}
