// Benchmark: the four-target build done the manual way (the seed's sequential `docker run`
// commands, bench/manual-build.sh) and by the action (the committed bundle, run as the runner
// runs it against the GitHub stand-in), same builder images, same warm module cache, in one run.
//
//   bash bench/build-matrix.sh [go-version]
//
// Reports wall times, the speed-up (manual / action) and the action's own overhead: the action
// run with `parallel: 1` (the same sequential builds as the manual procedure) minus the manual time.
// The action's time also covers what the manual timing leaves out: resolving the release,
// gomod-cap, `go mod tidy` and the checksums.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGitHubStandIn } from '../__tests__/support/github';
import {
  builderGoVersions,
  makeGoEnv,
  removeTree,
  serverRepo,
  writePlugin,
  capPluginLib,
  actionModuleSetup,
} from '../__tests__/support/fixtures';
import { projectRoot, runAction } from '../__tests__/support/runner';

const go = process.argv[2] ?? (await builderGoVersions()).at(-1);
if (!go) throw new Error('no builder images: run bash .ci/docker.sh');
const root = mkdtempSync(join(tmpdir(), 'flow-bench-'));
const env = makeGoEnv(join(root, 'go'));
const TOKEN = 'ghs_bench';
const gh = await startGitHubStandIn({
  repos: {
    'flow/server': serverRepo(go, TOKEN),
  },
});

// The action keeps its module cache under RUNNER_TEMP: one RUNNER_TEMP for every action run, warmed first.
const runnerTemp = join(root, 'runner-temp');
mkdirSync(runnerTemp);

async function actionRun(parallel: number): Promise<number> {
  const dir = writePlugin(join(root, `plugin-action-${parallel}-${Date.now()}`));
  const started = process.hrtime.bigint();
  const r = await runAction({
    cwd: dir,
    inputs: {
      'server-repository': 'flow/server',
      'server-version': 'v2.0.0',
      'github-token': TOKEN,
      'upload-artifacts': 'false',
      release: 'false',
      summary: 'false',
      parallel: String(parallel),
      'docker-args': actionModuleSetup(env).dockerArgs,
    },
    env: {
      GITHUB_API_URL: gh.url,
      RUNNER_TEMP: runnerTemp,
      ...actionModuleSetup(env).env,
    },
    timeoutMs: 1_800_000,
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (r.exitCode !== 0) throw new Error(`action run failed:\n${r.stdout}\n${r.stderr}`);
  return seconds;
}

function manualRun(): number {
  // The manual procedure after gomod-cap and go mod tidy: the plugin is capped by hand here.
  const dir = writePlugin(join(root, `plugin-manual-${Date.now()}`));
  capPluginLib(dir);
  const out = execFileSync(
    'bash',
    [join(projectRoot, 'bench', 'manual-build.sh'), go!, dir, env.modCache, env.proxyDir],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  ).toString();
  const m = /manual ([\d.]+)/.exec(out);
  if (!m) throw new Error(`manual-build.sh printed no time: ${out}`);
  return Number(m[1]);
}

try {
  console.error(`warming up (Go ${go}): one action run fills the module cache and the images' page cache`);
  await actionRun(2);
  const manual = manualRun();
  const parallelDefault = Math.max(1, (await import('node:os')).cpus().length);
  const action = await actionRun(parallelDefault);
  const sequential = await actionRun(1);
  const lines = [
    `go ${go}, targets linux-amd64 linux-arm-7 linux-arm64 linux-386, ${parallelDefault} CPUs`,
    `manual (seed, sequential docker run, builds only): ${manual.toFixed(1)} s`,
    `action (parallel ${parallelDefault}, whole run): ${action.toFixed(1)} s`,
    `action (parallel 1, whole run): ${sequential.toFixed(1)} s`,
    `speed-up manual/action: ${(manual / action).toFixed(2)}x`,
    `action overhead (parallel 1 minus manual): ${(sequential - manual).toFixed(1)} s (${(((sequential - manual) / manual) * 100).toFixed(0)}%)`,
  ];
  console.log(lines.join('\n'));
} finally {
  await gh.close();
  removeTree(root);
}
