// The story of a run: read inputs -> resolve the server -> sync go.mod -> build -> publish -> report.
import * as core from '@actions/core';
import { readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { moduleCacheKeys, restoreModuleCache, saveModuleCache } from './cache/module-cache';
import { createDocker } from './build/docker';
import { pluginNameFromModule } from './build/naming';
import { buildTargets, makePlan, prepareBuild } from './build/run';
import { createGitHubClient } from './github/client';
import { GoModError, parseGoMod } from './gomod';
import { parseInputs, type ActionConfig } from './inputs';
import { publishPlugins } from './publish/publish';
import { reportRun, setServerOutputs, setSyncOutputs } from './outputs';
import { resolveServer } from './server';
import { readPluginGoMod, SyncError, syncGoMod } from './sync';

function readConfig(): { config: ActionConfig; workspace: string } {
  const workspace = process.env.GITHUB_WORKSPACE || process.cwd();
  const config = parseInputs((name) => core.getInput(name), { workspace });
  if (config.token) core.setSecret(config.token);
  return { config, workspace };
}

export async function run(): Promise<void> {
  try {
    const { config, workspace } = readConfig();
    const octokit = createGitHubClient({
      ...(config.token !== undefined && { token: config.token }),
      ...clientTuning(process.env),
      log: (m) => core.info(m),
    });

    const server = await core.group('Resolve server', async () => {
      const s = await resolveServer(octokit, config);
      core.info(
        `${s.repository} ${s.tag}: Go ${s.goVersion} (from ${s.goVersionSource}), module ${s.module}`,
      );
      for (const w of s.warnings) core.warning(w);
      return s;
    });
    setServerOutputs(server);

    const pluginGoModName = relative(workspace, join(config.workingDirectory, 'go.mod')) || 'go.mod';
    const sync = await core.group('Sync go.mod', async () => {
      const r = await syncGoMod({
        mode: config.goModSync,
        pluginDir: config.workingDirectory,
        pluginGoModName,
        serverGoMod: server.goModText,
        serverGoModName: server.goModName,
      }).catch((e: unknown) => {
        // In check mode every mismatch becomes an annotation on its go.mod line.
        if (e instanceof SyncError) {
          for (const m of e.mismatches) {
            core.error(`${m.module} ${m.from} differs from the server's ${m.to}`, {
              title: 'go.mod mismatch',
              file: pluginGoModName,
              startLine: m.line,
            });
          }
        }
        throw e;
      });
      logChanges(r.mode, r.changes, r.written, pluginGoModName);
      return r;
    });
    setSyncOutputs(sync.changes);

    if (!config.build) {
      core.info('build is false: stopping after resolve and sync.');
      await reportRun(config, { server, sync });
      return;
    }

    const pluginModule = parseGoMod((await readPluginGoMod(config.workingDirectory)).text, pluginGoModName)
      .module?.path;
    const pluginName = config.pluginName ?? (pluginModule ? pluginNameFromModule(pluginModule) : 'plugin');
    const docker = createDocker();
    const stage = {
      config,
      goVersion: server.goVersion,
      serverTag: server.tag,
      pluginName,
      cacheDir: join(
        process.env.RUNNER_TEMP || join(config.workingDirectory, '.flow-build-cache'),
        'flow-plugin-build',
      ),
      workspace,
    };
    const plan = makePlan(stage);
    // Restore before any container mounts the folder (else Docker creates it, owned by root).
    const cached = config.cache
      ? await restoreModules(config, server.goVersion, plan.modCacheDir)
      : undefined;
    await prepareBuild(docker, stage, plan);
    const results = await buildTargets(docker, stage, plan);
    if (cached && results.every((r) => r.ok)) {
      await core.group('Save Go module cache', () =>
        saveModuleCache(plan.modCacheDir, cached.keys, cached.restored, cacheLog),
      );
    }

    const published = await publishPlugins(config, octokit, { server, pluginName, results });
    await reportRun(config, { pluginName, server, sync, results, published });

    const failed = results.filter((r) => !r.ok).map((r) => r.target.name);
    const problems: string[] = [];
    if (failed.length > 0) problems.push(`the build failed for ${failed.join(', ')}`);
    problems.push(...published.problems);
    if (problems.length > 0) core.setFailed(problems.join('; '));
  } catch (e) {
    // An invalid go.mod of the plugin is also an annotation on the line Go would point at.
    if (e instanceof GoModError && !e.file.includes('@')) {
      core.error(e.reason, {
        title: 'invalid go.mod',
        file: e.file,
        startLine: e.line,
        startColumn: e.column,
      });
    }
    core.setFailed(e instanceof Error ? e.message : String(e));
  }
}

const cacheLog = { info: (m: string) => core.info(m), warning: (m: string) => core.warning(m) };

/**
 * Restores the module cache, keyed by the Go version and a hash of the synced go.mod and go.sum:
 * go.mod is in the key because the sync rewrites requirements per server release.
 */
async function restoreModules(config: ActionConfig, goVersion: string, dir: string) {
  const read = (name: string) => readFile(join(config.workingDirectory, name), 'utf8').catch(() => '');
  const keys = moduleCacheKeys({
    goVersion,
    goSum: `${await read('go.mod')}\n${await read('go.sum')}`,
    os: 'linux',
  });
  const restored = await core.group('Restore Go module cache', () => restoreModuleCache(dir, keys, cacheLog));
  return { keys, restored };
}

/**
 * Development knobs (not inputs): the tests shorten the client's backoff and time bound through
 * FLOW_GITHUB_RETRY_BASE_MS, FLOW_GITHUB_TIMEOUT_MS and FLOW_GITHUB_WRITE_SPACING_MS.
 */
function clientTuning(env: NodeJS.ProcessEnv): {
  retryBaseMs?: number;
  totalTimeoutMs?: number;
  writeSpacingMs?: number;
} {
  const num = (name: string): number | undefined => {
    const v = env[name];
    return v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined;
  };
  const retryBaseMs = num('FLOW_GITHUB_RETRY_BASE_MS');
  const totalTimeoutMs = num('FLOW_GITHUB_TIMEOUT_MS');
  const writeSpacingMs = num('FLOW_GITHUB_WRITE_SPACING_MS');
  return {
    ...(retryBaseMs !== undefined && { retryBaseMs }),
    ...(totalTimeoutMs !== undefined && { totalTimeoutMs }),
    ...(writeSpacingMs !== undefined && { writeSpacingMs }),
  };
}

function logChanges(
  mode: string,
  changes: { module: string; from: string; to: string; line: number }[],
  written: boolean,
  name: string,
): void {
  if (mode === 'off') {
    core.info('go-mod-sync is off: go.mod left as it is.');
    return;
  }
  if (changes.length === 0) {
    core.info(`${name} already requires the server's versions of every shared module.`);
    return;
  }
  const width = Math.max(...changes.map((c) => c.module.length));
  core.info(`${written ? 'Rewrote' : 'Would change'} ${name}:`);
  for (const c of changes) core.info(`  ${c.module.padEnd(width)}  ${c.from} -> ${c.to}  (line ${c.line})`);
}
