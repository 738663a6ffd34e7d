// Benchmark of the build cache (issue 11), in one run: the manual procedure (the seed's
// sequential `docker run`s with `-a`, bench/manual-build.sh), a cold action run and a warm
// re-run, each action run on a "fresh runner" (empty RUNNER_TEMP) whose caches come from the
// Actions cache stand-in, as on GitHub. Same images, same plugin, warm module cache for all.
//
//   bash bench/warm.sh [go-version]          (ROUNDS=3 by default)
//
// - cold: modules restored, no build cache (build-cache: false), default flags (no -a);
// - warm: modules and GOCACHE restored from the entries a first (unmeasured) run saved;
// - the action's own time: wall time minus the time spent in `docker` calls (recorded by
//   bench/timed-docker.sh): start-up, resolve, sync, cache restore/save, checksums, summary;
// - start-up: from spawning `node dist/index.cjs` to its first log line, next to bare node;
// - the floor: the CPU seconds of the four manual builds (each under `time`, once, untimed) over
//   the CPU count - the same compile work perfectly spread, which no cold run can beat.
// Rounds alternate their order (manual cold warm, then warm cold manual, ...) and the medians of
// the per-round ratios are reported: measure on a quiet machine, the load average is printed.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGitHubStandIn } from '../__tests__/support/github';
import { startCacheService } from '../__tests__/support/cache-service';
import {
  actionModuleSetup,
  builderGoVersions,
  capPluginLib,
  freshRunner,
  makeGoEnv,
  writePlugin,
  removeTree,
  serverRepo,
} from '../__tests__/support/fixtures';
import { bundlePath, inputEnv, projectRoot, runAction } from '../__tests__/support/runner';

const go = process.argv[2] ?? (await builderGoVersions()).at(-1);
if (!go) throw new Error('no builder images: run bash .ci/docker.sh');
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const TARGETS = 'linux-amd64,linux-arm-7,linux-arm64,linux-386';
const TOKEN = 'ghs_bench';
const root = mkdtempSync(join(tmpdir(), 'flow-bench-warm-'));
const env = makeGoEnv(join(root, 'go'));
const gh = await startGitHubStandIn({ repos: { 'flow/server': serverRepo(go, TOKEN) } });
const service = await startCacheService();
const inputs = {
  'server-repository': 'flow/server',
  'server-version': 'v2.0.0',
  'github-token': TOKEN,
  targets: TARGETS,
  'upload-artifacts': 'false',
  release: 'false',
  'docker-args': actionModuleSetup(env).dockerArgs,
};

interface ActionTiming {
  wall: number;
  docker: number;
  own: number;
}

/** Seconds covered by the union of the `[start, end]` nanosecond intervals in the docker log. */
function dockerSeconds(log: string): number {
  const spans = readFileSync(log, 'utf8')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => l.split(' ').slice(0, 2).map(BigInt) as [bigint, bigint])
    .sort((a, b) => (a[0] < b[0] ? -1 : 1));
  let total = 0n;
  let end = 0n;
  for (const [s, e] of spans) {
    if (e <= end) continue;
    total += e - (s > end ? s : end);
    end = e;
  }
  return Number(total) / 1e9;
}

async function actionRun(buildCache: boolean): Promise<ActionTiming> {
  const { workspace, runnerTemp } = freshRunner(root);
  const log = join(root, 'docker-calls.log');
  rmSync(log, { force: true });
  const started = process.hrtime.bigint();
  const r = await runAction({
    cwd: workspace,
    inputs: { ...inputs, 'build-cache': String(buildCache) },
    env: {
      ...service.env(),
      GITHUB_API_URL: gh.url,
      RUNNER_TEMP: runnerTemp,
      ...actionModuleSetup(env).env,
      FLOW_DOCKER_BINARY: join(projectRoot, 'bench', 'timed-docker.sh'),
      FLOW_BENCH_DOCKER_LOG: log,
    },
    timeoutMs: 1_800_000,
  });
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  if (r.exitCode !== 0) throw new Error(`action run failed:\n${r.stdout}\n${r.stderr}`);
  const docker = dockerSeconds(log);
  return { wall, docker, own: wall - docker };
}

function manualRun(): number {
  return manualBuild({}).wall;
}

/** The manual builds once more, each under `time` in its container: the CPU seconds they use. */
function manualCpu(): number {
  return manualBuild({ CPU: '1' }).cpu!;
}

function manualBuild(extraEnv: Record<string, string>): { wall: number; cpu?: number } {
  // The manual procedure after gomod-cap and go mod tidy: the plugin is capped by hand here.
  const dir = writePlugin(join(root, `plugin-manual-${Date.now()}`));
  capPluginLib(dir);
  const out = execFileSync(
    'bash',
    [join(projectRoot, 'bench', 'manual-build.sh'), go!, dir, env.modCache, env.proxyDir],
    { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...extraEnv } },
  ).toString();
  const m = /manual ([\d.]+)/.exec(out);
  if (!m) throw new Error(`manual-build.sh printed no time: ${out}`);
  const cpu = /cpu ([\d.]+)/.exec(out);
  return { wall: Number(m[1]), ...(cpu && { cpu: Number(cpu[1]) }) };
}

/** Milliseconds from spawning `node <args>` to its first byte on stdout. */
function firstLine(args: string[], extraEnv: Record<string, string>): Promise<number> {
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: root,
      env: { ...process.env, ...extraEnv },
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    child.stdout.once('data', () => {
      resolve(Number(process.hrtime.bigint() - started) / 1e6);
      child.kill();
    });
    child.on('error', reject);
    child.on('close', () => resolve(NaN));
  });
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const f1 = (x: number) => x.toFixed(1);
const f2 = (x: number) => x.toFixed(2);

try {
  const load0 = loadavg()[0]!;
  console.error(
    `Go ${go}: a first action run fills the cache service (modules, GOCACHE) and warms the images`,
  );
  await actionRun(true);
  const names = service.entries().map((e) => e.key);
  if (!names.some((k) => k.startsWith('flow-plugin-gobuild-')))
    throw new Error(`no build cache entry: ${names}`);

  const rounds: { manual: number; cold: ActionTiming; warm: ActionTiming }[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const round = {} as (typeof rounds)[number];
    const steps = [
      async () => (round.manual = manualRun()),
      async () => (round.cold = await actionRun(false)),
      async () => (round.warm = await actionRun(true)),
    ];
    for (const step of i % 2 === 0 ? steps : [...steps].reverse()) await step();
    rounds.push(round);
    console.error(
      `round ${i + 1}: manual ${f1(round.manual)} s, cold ${f1(round.cold.wall)} s, warm ${f1(round.warm.wall)} s`,
    );
  }

  // Start-up: the bundle with a full set of inputs, paired with bare node, alternating.
  const stepEnv = {
    ...inputEnv(inputs),
    GITHUB_API_URL: gh.url,
    GITHUB_WORKSPACE: root,
    RUNNER_TEMP: root,
  };
  const bundle: number[] = [];
  const bare: number[] = [];
  for (let i = 0; i < 9; i++) {
    bundle.push(await firstLine([bundlePath], stepEnv));
    bare.push(await firstLine(['-e', 'console.log("x")'], {}));
  }

  // The floor of any cold run: the same compile work (the manual builds' CPU seconds) spread over
  // every CPU, with no container, tidy or scheduling cost at all.
  const cpu = manualCpu();
  const floor = rounds.map((r) => cpu / cpus().length / r.manual);

  const cold = rounds.map((r) => r.cold.wall / r.manual);
  const warm = rounds.map((r) => r.warm.wall / r.manual);
  const lines = [
    `go ${go}, targets ${TARGETS}, ${cpus().length} CPUs, ${ROUNDS} rounds; load average ${f1(load0)} at the start, ${f1(loadavg()[0]!)} at the end`,
    ...rounds.map(
      (r, i) =>
        `round ${i + 1}: manual ${f1(r.manual)} s | cold ${f1(r.cold.wall)} s (${f2(r.cold.wall / r.manual)}x, own ${f1(r.cold.own)} s) | warm ${f1(r.warm.wall)} s (${f2(r.warm.wall / r.manual)}x, own ${f1(r.warm.own)} s)`,
    ),
    `cold action run / manual: ${f2(median(cold))}x (median of ${ROUNDS}; target <= 0.55x)`,
    `  floor on ${cpus().length} CPUs: the four builds use ${f1(cpu)} CPU-s (user+sys), so no cold run can take less than ${f1(cpu / cpus().length)} s = ${f2(median(floor))}x manual`,
    `warm re-run / manual:     ${f2(median(warm))}x (median of ${ROUNDS}; target <= 0.15x)`,
    `action's own time (wall minus time in docker), median: cold ${f2(median(rounds.map((r) => r.cold.own)))} s, warm ${f2(median(rounds.map((r) => r.warm.own)))} s (target <= 1 s)`,
    `start-up to the first log line, median of 9: bundle ${median(bundle).toFixed(0)} ms, bare node ${median(bare).toFixed(0)} ms (target <= 150 ms)`,
  ];
  console.log(lines.join('\n'));
} finally {
  await gh.close();
  await service.close();
  removeTree(root);
}
