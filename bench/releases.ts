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
//   OLD_REF=main bash bench/releases.sh   (also the bundle committed at OLD_REF, paired A B A B)
// SETS=same (or three) measures one set only; WARM=0 skips the unmeasured first step;
// SINGLES=0 leaves out the three single-release steps. Each measurement is printed (stderr) as it
// finishes. Every step of this checkout's bundle also records where its seconds go
// (FLOW_TIMINGS_FILE, src/report/timings.ts): per release the seconds of each part (server binary
// download, image check, tidy, alignment, build, verify), the resolve, and the action's own time
// (wall time minus every second a container, a download or the resolve was running); printed
// for the last round. The floor (CPU=1 manual builds, once): the CPU seconds of the three manual
// builds over the CPU count - the same compile work perfectly spread.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
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
/** The old bundle (releases.sh extracts OLD_REF's dist/ there), when set. */
const OLD = process.env.OLD_BUNDLE;
const SINGLES = process.env.SINGLES !== '0';

// Only what the bench runs: the linux-amd64 servers of its releases.
const bed = await ensureRealBed({ targets: ['linux-amd64'], tags: [...new Set([...THREE_GOS, ...SAME_GO])] });
const root = mkdtempSync(join(tmpdir(), 'flow-bench-releases-'));
const gh = await startGitHubStandIn({ repos: { 'gotify/server': realServerRepo(bed, { token: TOKEN }) } });
const mods = realModuleSetup(bed);

let n = 0;

interface Span {
  release: string;
  part: string;
  start: number;
  end: number;
}

/** Seconds covered by the union of the spans. */
function unionSeconds(spans: readonly Span[]): number {
  let total = 0;
  let end = -Infinity;
  for (const s of [...spans].sort((a, b) => a.start - b.start)) {
    if (s.end <= end) continue;
    total += s.end - Math.max(s.start, end);
    end = s.end;
  }
  return total / 1000;
}

interface StepTiming {
  wall: number;
  /** The spans the action recorded (this checkout's bundle only). */
  spans: Span[];
  startedAt: number;
}

/** One action step on a fresh runner (`bundle`: another bundle, e.g. the old one). */
async function step(
  release: { 'server-version': string } | { 'server-versions': string },
  bundle?: string,
): Promise<StepTiming> {
  const dir = join(root, `run-${++n}`);
  const workspace = copyPlugin(bed, PLUGIN, join(dir, 'workspace'));
  const runnerTemp = join(dir, 'runner-temp');
  const timings = join(dir, 'timings.jsonl');
  mkdirSync(runnerTemp, { recursive: true });
  const startedAt = Date.now();
  const started = process.hrtime.bigint();
  const r = await runAction({
    cwd: workspace,
    ...(bundle !== undefined && { bundle }),
    inputs: {
      'server-repository': 'gotify/server',
      'github-token': TOKEN,
      targets: 'linux-amd64',
      'upload-artifacts': 'false',
      release: 'false',
      'docker-args': mods.dockerArgs,
      ...release,
    },
    env: { GITHUB_API_URL: gh.url, RUNNER_TEMP: runnerTemp, FLOW_TIMINGS_FILE: timings, ...mods.env },
    timeoutMs: 1_800_000,
  });
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  if (r.exitCode !== 0)
    throw new Error(`action run failed (${JSON.stringify(release)}):\n${r.stdout}\n${r.stderr}`);
  const spans = existsSync(timings)
    ? readFileSync(timings, 'utf8')
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Span)
    : [];
  removeTree(dir);
  return { wall, spans, startedAt };
}

const PARTS = ['download', 'image check', 'tidy', 'alignment', 'build', 'verify'];

/** Where one step's seconds went: per release each part, then the run's resolve and own time. */
function breakdown(what: string, t: StepTiming): string[] {
  if (t.spans.length === 0) return [`${what}: ${f1(t.wall)} s (no timings recorded)`];
  const releases = [...new Set(t.spans.map((s) => s.release).filter(Boolean))];
  const sum = (xs: Span[]) => xs.reduce((a, s) => a + (s.end - s.start), 0) / 1000;
  const rows = releases.map((tag) => {
    const mine = t.spans.filter((s) => s.release === tag);
    const from = Math.min(...mine.map((s) => s.start)) - t.startedAt;
    const to = Math.max(...mine.map((s) => s.end)) - t.startedAt;
    return `| ${tag} | ${PARTS.map((p) => f1(sum(mine.filter((s) => s.part === p)))).join(' | ')} | ${f1(from / 1000)}-${f1(to / 1000)} |`;
  });
  const resolve = sum(t.spans.filter((s) => s.part === 'resolve'));
  const waited = unionSeconds(t.spans.filter((s) => s.part !== 'loop'));
  return [
    `${what}: ${f1(t.wall)} s wall; resolve ${f1(resolve)} s; the action's own time (wall minus containers, downloads and resolve) ${f1(t.wall - waited)} s`,
    '',
    `| release | ${PARTS.join(' | ')} | from-to (s after the start) |`,
    `| --- | ${PARTS.map(() => '---').join(' | ')} | --- |`,
    ...rows,
    '',
  ];
}

const one = (tag: string, bundle?: string) => step({ 'server-version': tag }, bundle);
const several = (tags: string[], bundle?: string) => step({ 'server-versions': tags.join('\n') }, bundle);
async function singles(tags: string[]): Promise<number> {
  let total = 0;
  for (const tag of tags) total += (await one(tag)).wall;
  return total;
}

/** The manual loop: per release cap + tidy on the host, then the seed's docker build; seconds. */
async function manual(tags: string[], cpu = false): Promise<{ wall: number; cpu: number }> {
  const dir = join(root, `manual-${++n}`);
  const modCache = join(dir, 'gomodcache');
  mkdirSync(modCache, { recursive: true });
  const started = process.hrtime.bigint();
  let used = 0;
  for (const tag of tags) {
    const server = serverOf(bed, tag);
    const plugin = copyPlugin(bed, PLUGIN, join(dir, tag));
    await capAndTidy(bed, plugin, server);
    const out = execFileSync(
      'bash',
      [join(projectRoot, 'bench', 'manual-build.sh'), server.goVersion, plugin, modCache, bed.goproxyDir],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
        env: { ...process.env, TARGETS: 'linux-amd64', ...(cpu && { CPU: '1' }) },
      },
    ).toString();
    used += Number(/cpu ([\d.]+)/.exec(out)?.[1] ?? NaN);
  }
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  execFileSync('chmod', ['-R', 'u+w', dir]);
  rmSync(dir, { recursive: true, force: true });
  return { wall, cpu: used };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const f1 = (x: number) => x.toFixed(1);
const f2 = (x: number) => x.toFixed(2);

interface Round {
  sameGoStep: number;
  sameGoOld: number;
  oneRelease: number;
  threeStep: number;
  threeOld: number;
  threeSingles: number;
  threeManual: number;
}

try {
  const load0 = loadavg()[0]!;
  if (process.env.WARM !== '0') {
    console.error(`plugin ${PLUGIN}; warming the images and the bed's module proxy (one unmeasured step)`);
    await several([...new Set([...THREE_GOS, ...SAME_GO])]);
  }
  const loads: number[] = [];
  const timed = async <T extends number | StepTiming>(what: string, fn: () => Promise<T>): Promise<T> => {
    const r = await fn();
    const s = typeof r === 'number' ? r : r.wall;
    loads.push(loadavg()[0]!);
    console.error(`  ${what}: ${f1(s)} s (load average ${f1(loadavg()[0]!)})`);
    return r;
  };
  const rounds: Round[] = [];
  const last: { same?: StepTiming; one?: StepTiming; three?: StepTiming } = {};
  for (let i = 0; i < ROUNDS; i++) {
    const round = {} as Round;
    const steps = [
      ...(same
        ? [
            async () => {
              last.same = await timed(`${SAME_GO.join('+')} in one step`, () => several(SAME_GO));
              round.sameGoStep = last.same.wall;
            },
            ...(OLD
              ? [
                  async () =>
                    (round.sameGoOld = (
                      await timed(`${SAME_GO.join('+')} in one step, old`, () => several(SAME_GO, OLD))
                    ).wall),
                ]
              : []),
            async () => {
              last.one = await timed(`${SAME_GO[0]} alone`, () => one(SAME_GO[0]!));
              round.oneRelease = last.one.wall;
            },
          ]
        : []),
      ...(three
        ? [
            async () => {
              last.three = await timed(`${THREE_GOS.join('+')} in one step`, () => several(THREE_GOS));
              round.threeStep = last.three.wall;
            },
            ...(OLD
              ? [
                  async () =>
                    (round.threeOld = (
                      await timed(`${THREE_GOS.join('+')} in one step, old`, () => several(THREE_GOS, OLD))
                    ).wall),
                ]
              : []),
            ...(SINGLES
              ? [async () => (round.threeSingles = await timed('as three steps', () => singles(THREE_GOS)))]
              : []),
            async () =>
              (round.threeManual = await timed('manual loop', async () => (await manual(THREE_GOS)).wall)),
          ]
        : []),
    ];
    for (const s of i % 2 === 0 ? steps : [...steps].reverse()) await s();
    rounds.push(round);
    console.error(`round ${i + 1} done`);
  }
  const ratio = (a: keyof Round, b: keyof Round) =>
    rounds[0]![a] === undefined || rounds[0]![b] === undefined ? NaN : median(rounds.map((r) => r[a] / r[b]));
  const both = (a: keyof Round, old: keyof Round, b: keyof Round) =>
    `${f2(ratio(a, b))}x${OLD ? ` (old ${f2(ratio(old, b))}x)` : ''}`;
  // The floor: the three manual builds' CPU seconds (each under `time`, once, untimed) over the CPUs.
  const floor = three ? (await manual(THREE_GOS, true)).cpu / cpus().length : NaN;
  const goes = [...new Set(THREE_GOS.map((t) => serverOf(bed, t).goVersion))].join(', ');
  console.log(
    [
      `plugin ${PLUGIN}, linux-amd64, verify auto, ${cpus().length} CPUs, ${ROUNDS} round${ROUNDS === 1 ? '' : 's'} (order alternating); load average ${f1(load0)} at the start, ${f1(Math.min(...loads))}-${f1(Math.max(...loads))} after the steps, ${f1(loadavg()[0]!)} at the end`,
      `images: flow/build:{${goes}, ${serverOf(bed, 'v2.6.0').goVersion}}-linux-amd64${OLD ? `; old = the bundle of ${process.env.OLD_REF ?? OLD}` : ''}`,
      '',
      '| measure (median of the per-round ratios) | result | goal |',
      '| --- | --- | --- |',
      `| two releases of one Go (${SAME_GO.join(', ')}) in one step / one release | ${both('sameGoStep', 'sameGoOld', 'oneRelease')} | <= 1.2x |`,
      `| three releases of three Gos (${THREE_GOS.join(', ')}) in one step / three single-release steps | ${both('threeStep', 'threeOld', 'threeSingles')} | <= 0.6x |`,
      `| three releases in one step / the manual loop (no load check, no alignment) | ${both('threeStep', 'threeOld', 'threeManual')} | <= 0.8x |`,
      `| three single-release steps / the manual loop | ${f2(ratio('threeSingles', 'threeManual'))}x | - |`,
      `| three releases in one step, new / old | ${f2(ratio('threeStep', 'threeOld'))}x | - |`,
      three
        ? `| floor on ${cpus().length} CPUs: the three manual builds' CPU seconds / CPUs = ${f1(floor)} s, over the manual loop | ${f2(median(rounds.map((r) => floor / r.threeManual)))}x | - |`
        : '',
      '',
      ...rounds.map(
        (r, i) =>
          `round ${i + 1}: ${same ? `same Go ${f1(r.sameGoStep)} s${OLD ? ` (old ${f1(r.sameGoOld)} s)` : ''} vs one ${f1(r.oneRelease)} s` : ''}${three ? `; three Gos ${f1(r.threeStep)} s${OLD ? ` (old ${f1(r.threeOld)} s)` : ''} vs singles ${SINGLES ? f1(r.threeSingles) : '-'} s vs manual ${f1(r.threeManual)} s` : ''}`,
      ),
      '',
      'Where the seconds went (last round, seconds per part; parts of different releases overlap):',
      '',
      ...(last.three ? breakdown(`${THREE_GOS.join('+')} in one step`, last.three) : []),
      ...(last.same ? breakdown(`${SAME_GO.join('+')} in one step`, last.same) : []),
      ...(last.one ? breakdown(`${SAME_GO[0]} alone`, last.one) : []),
    ].join('\n'),
  );
} finally {
  await gh.close();
  execFileSync('chmod', ['-R', 'u+w', root]);
  removeTree(root);
}
