// Benchmark of several server releases in one step (issue 17), in one run, on the real bed: the
// same real plugin (the upstream example `minimal`, which supports every release of the bed) and
// the same builder images for
//   - one step for N releases (server-versions),
//   - N single-release steps run one after the other (server-version, one per release: what a
//     matrix job per release costs on one runner),
//   - the manual loop: per release, gomod-cap and `go mod tidy` on the host, then the seed's
//     `docker run ... go build -a -buildmode=plugin` (bench/manual-build.sh), no load check.
// Two sets: two releases of one Go (gotify v2.6.1 and v2.6.0, Go 1.23) against ONE release
// (v2.6.1) - the issue's target is <= 1.3x - and three releases of three Gos (v2.9.1, v2.6.1,
// v2.1.4) against three single-release steps - target <= 0.75x - and the manual loop.
// Every action run is a fresh runner (its own empty RUNNER_TEMP: cold module and build caches,
// no cache service), linux-amd64, verify auto (each plugin is loaded into its release's server).
// Rounds alternate their order (A B C, then C B A, ...); the medians of the per-round ratios are
// reported with the load average: measure on a quiet machine.
//
//   bash bench/releases.sh          (ROUNDS=3 by default)
// SETS=same (or three) measures one set only; WARM=0 skips the unmeasured first step. Each
// measurement is printed (stderr) as it finishes.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGitHubStandIn } from '../__tests__/support/github';
import { removeTree } from '../__tests__/support/fixtures';
import {
  capAndTidy,
  copyPlugin,
  ensureRealBed,
  realModuleSetup,
  realServerRepo,
  serverOf,
} from '../__tests__/support/real';
import { projectRoot, runAction } from '../__tests__/support/runner';

const ROUNDS = Number(process.env.ROUNDS ?? 3);
const SETS = process.env.SETS ?? 'all';
const same = SETS === 'all' || SETS === 'same';
const three = SETS === 'all' || SETS === 'three';
const PLUGIN = process.env.PLUGIN ?? 'minimal';
const TOKEN = 'ghs_bench';
const SAME_GO = ['v2.6.1', 'v2.6.0'];
const THREE_GOS = ['v2.9.1', 'v2.6.1', 'v2.1.4'];

const bed = await ensureRealBed();
const root = mkdtempSync(join(tmpdir(), 'flow-bench-releases-'));
const gh = await startGitHubStandIn({ repos: { 'gotify/server': realServerRepo(bed, { token: TOKEN }) } });
const mods = realModuleSetup(bed);

let n = 0;
/** One action step on a fresh runner; seconds of wall time. */
async function step(release: { 'server-version': string } | { 'server-versions': string }): Promise<number> {
  const dir = join(root, `run-${++n}`);
  const workspace = copyPlugin(bed, PLUGIN, join(dir, 'workspace'));
  const runnerTemp = join(dir, 'runner-temp');
  mkdirSync(runnerTemp, { recursive: true });
  const started = process.hrtime.bigint();
  const r = await runAction({
    cwd: workspace,
    inputs: {
      'server-repository': 'gotify/server',
      'github-token': TOKEN,
      targets: 'linux-amd64',
      'upload-artifacts': 'false',
      release: 'false',
      'docker-args': mods.dockerArgs,
      ...release,
    },
    env: { GITHUB_API_URL: gh.url, RUNNER_TEMP: runnerTemp, ...mods.env },
    timeoutMs: 1_800_000,
  });
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  if (r.exitCode !== 0)
    throw new Error(`action run failed (${JSON.stringify(release)}):\n${r.stdout}\n${r.stderr}`);
  removeTree(dir);
  return wall;
}

const one = (tag: string) => step({ 'server-version': tag });
const several = (tags: string[]) => step({ 'server-versions': tags.join('\n') });
async function singles(tags: string[]): Promise<number> {
  let total = 0;
  for (const tag of tags) total += await one(tag);
  return total;
}

/** The manual loop: per release cap + tidy on the host, then the seed's docker build; seconds. */
async function manual(tags: string[]): Promise<number> {
  const dir = join(root, `manual-${++n}`);
  const modCache = join(dir, 'gomodcache');
  mkdirSync(modCache, { recursive: true });
  const started = process.hrtime.bigint();
  for (const tag of tags) {
    const server = serverOf(bed, tag);
    const plugin = copyPlugin(bed, PLUGIN, join(dir, tag));
    await capAndTidy(bed, plugin, server);
    execFileSync(
      'bash',
      [join(projectRoot, 'bench', 'manual-build.sh'), server.goVersion, plugin, modCache, bed.goproxyDir],
      { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, TARGETS: 'linux-amd64' } },
    );
  }
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  execFileSync('chmod', ['-R', 'u+w', dir]);
  rmSync(dir, { recursive: true, force: true });
  return wall;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const f1 = (x: number) => x.toFixed(1);
const f2 = (x: number) => x.toFixed(2);

interface Round {
  sameGoStep: number;
  oneRelease: number;
  threeStep: number;
  threeSingles: number;
  threeManual: number;
}

try {
  const load0 = loadavg()[0]!;
  if (process.env.WARM !== '0') {
    console.error(`plugin ${PLUGIN}; warming the images and the bed's module proxy (one unmeasured step)`);
    await several([...new Set([...THREE_GOS, ...SAME_GO])]);
  }
  const timed = async (what: string, fn: () => Promise<number>): Promise<number> => {
    const s = await fn();
    console.error(`  ${what}: ${f1(s)} s (load average ${f1(loadavg()[0]!)})`);
    return s;
  };
  const rounds: Round[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const round = {} as Round;
    const steps = [
      ...(same
        ? [
            async () =>
              (round.sameGoStep = await timed(`${SAME_GO.join('+')} in one step`, () => several(SAME_GO))),
            async () => (round.oneRelease = await timed(`${SAME_GO[0]} alone`, () => one(SAME_GO[0]!))),
          ]
        : []),
      ...(three
        ? [
            async () =>
              (round.threeStep = await timed(`${THREE_GOS.join('+')} in one step`, () => several(THREE_GOS))),
            async () => (round.threeSingles = await timed('as three steps', () => singles(THREE_GOS))),
            async () => (round.threeManual = await timed('manual loop', () => manual(THREE_GOS))),
          ]
        : []),
    ];
    for (const s of i % 2 === 0 ? steps : [...steps].reverse()) await s();
    rounds.push(round);
    console.error(`round ${i + 1} done`);
  }
  const ratio = (a: keyof Round, b: keyof Round) =>
    rounds[0]![a] === undefined ? NaN : median(rounds.map((r) => r[a] / r[b]));
  const goes = [...new Set(THREE_GOS.map((t) => serverOf(bed, t).goVersion))].join(', ');
  console.log(
    [
      `plugin ${PLUGIN}, linux-amd64, verify auto, ${cpus().length} CPUs, ${ROUNDS} round${ROUNDS === 1 ? '' : 's'}; load average ${f1(load0)} at the start, ${f1(loadavg()[0]!)} at the end`,
      `images: flow/build:{${goes}, ${serverOf(bed, 'v2.6.0').goVersion}}-linux-amd64`,
      '',
      '| measure (median of the per-round ratios) | result | target |',
      '| --- | --- | --- |',
      `| two releases of one Go (${SAME_GO.join(', ')}) in one step / one release | ${f2(ratio('sameGoStep', 'oneRelease'))}x | <= 1.3x |`,
      `| three releases of three Gos (${THREE_GOS.join(', ')}) in one step / three single-release steps | ${f2(ratio('threeStep', 'threeSingles'))}x | <= 0.75x |`,
      `| three releases in one step / the manual loop (no load check) | ${f2(ratio('threeStep', 'threeManual'))}x | - |`,
      `| three single-release steps / the manual loop | ${f2(ratio('threeSingles', 'threeManual'))}x | - |`,
      '',
      ...rounds.map(
        (r, i) =>
          `round ${i + 1}: ${same ? `same Go ${f1(r.sameGoStep)} s vs one ${f1(r.oneRelease)} s` : ''}${three ? `; three Gos ${f1(r.threeStep)} s vs singles ${f1(r.threeSingles)} s vs manual ${f1(r.threeManual)} s` : ''}`,
      ),
    ].join('\n'),
  );
} finally {
  await gh.close();
  execFileSync('chmod', ['-R', 'u+w', root]);
  removeTree(root);
}
