// Issue 24, item 6: the release store's invariants, checked by a model-based test. fast-check
// generates sequences of runs - tag builds with a moving `latest` (one file name for every
// release), one-target jobs, several releases, follow, publish, overlapping runs, files someone
// else uploaded, time passing - each with an injected fault (5xx on uploads, renames, deletes, the
// lock; answers lost after GitHub stored the request) or a cancel at a write step, runs them
// against the GitHub stand-in, and after every run checks what the release holds:
//   1. every index entry names an asset with that size and sha256;
//   2. every plugin file the action wrote with the index on is named by exactly one entry;
//   3. checksums.txt has exactly one correct line per plugin file the action wrote with it on;
//   4. no temporary or lock asset remains after a run ends (success, failure or cancel);
//   5. no file the action did not write was replaced without overwrite: true;
//   6. entries of releases and targets a run did not build are unchanged (or dropped because the
//      run replaced their file);
//   7. a run's report matches the release after it (written, files, untouched).
// A failure is shrunk to its shortest sequence; the seed and path are printed and replayable:
//   FLOW_MODEL_SEED=<seed> FLOW_MODEL_PATH=<path> FLOW_MODEL_REPLAY=<replayPath> \
//     npx vitest run __tests__/release-store/model.wire.test.ts
// `npm run test:model` runs thousands of sequences (FLOW_MODEL_RUNS).
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCK_NAME, parseTempName, type StoreMode, type StoreReport } from '../../src/release-store';
import type { Fault } from '../support/github';
import {
  REPO,
  releaseState,
  sha256,
  startBed,
  TAG,
  write,
  type Bed,
  type BuiltFile,
  type ReleaseState,
} from './harness';

// The normal suite's slice: 200 sequences (about 0.4 s a sequence, mostly waiting on the
// stand-in: 120 took 47 s on a quiet machine; in .ci/run the wire tests run beside the bed build).
const RUNS = Number(process.env.FLOW_MODEL_RUNS ?? 200);
const SEED = process.env.FLOW_MODEL_SEED === undefined ? 24_2026 : Number(process.env.FLOW_MODEL_SEED);
const PATH = process.env.FLOW_MODEL_PATH;
/** The commands' own replay path (printed as replayPath="..." in the counterexample). */
const REPLAY = process.env.FLOW_MODEL_REPLAY;

const TAGS = ['v1.4.2', 'v1.5.0', 'v1.6.0'] as const;
const TARGETS = ['linux-amd64', 'linux-arm64'] as const;
const STALE_MS = 30 * 60_000;

interface Model {
  /** Plugin files the action wrote with the index / checksums on: name -> sha256. */
  indexed: Map<string, string>;
  summed: Map<string, string>;
  /** Files someone else uploaded (never written by the action): name -> sha256. */
  foreign: Map<string, string>;
}

interface Real {
  bed: Bed;
}

type FaultKind = 'none' | 'upload' | 'upload-lost' | 'rename' | 'delete' | 'lock-lost' | 'lock-drop' | 'list';

interface RunSpec {
  mode: StoreMode;
  tags: string[];
  targets: string[];
  /** `one`: a tag build's default name, the same for every release (latest moving). */
  names: 'per-release' | 'one';
  salt: number;
  overwrite: boolean;
  writeIndex: boolean;
  writeChecksums: boolean;
  fault: FaultKind;
  faultTimes: number;
  /** Cancel once this many write requests of the run were made (undefined: no cancel). */
  cancelAt?: number;
}

const faultsFor = (kind: FaultKind, times: number): Fault[] => {
  switch (kind) {
    case 'none':
      return [];
    case 'upload':
      return [{ method: 'POST', path: /flow-new-/, status: 502, times }];
    case 'upload-lost':
      return [{ method: 'POST', path: /flow-new-/, status: 502, stored: true, times: 1 }];
    case 'rename':
      return [{ method: 'PATCH', path: /releases\/assets\//, status: 503, times }];
    case 'delete':
      return [{ method: 'DELETE', path: /releases\/assets\//, status: 500, times }];
    case 'lock-lost':
      return [{ method: 'POST', path: /plugins\.json\.lock/, status: 502, stored: true, times: 1 }];
    case 'lock-drop':
      return [{ method: 'POST', path: /plugins\.json\.lock/, drop: true, times }];
    case 'list':
      return [{ method: 'GET', path: /releases\/\d+\/assets/, status: 502, times }];
  }
};

function filesOf(spec: RunSpec): BuiltFile[] {
  return spec.tags.flatMap((tag) =>
    spec.targets.map((target) => ({
      tag,
      target,
      name: spec.names === 'one' ? `hello-${target}.so` : `hello-${target}-for-${tag}.so`,
      content: `${tag} ${target} build ${spec.salt}`,
    })),
  );
}

const isTransient = (n: string) => parseTempName(n) !== undefined || n === LOCK_NAME;
const plain = (s: ReleaseState) => new Map([...s.files].filter(([n]) => !isTransient(n)));

/** The invariants that hold after any run, whatever it did. */
function checkRelease(m: Model, after: ReleaseState): void {
  for (const [t, r] of Object.entries(after.index?.releases ?? {}))
    for (const [target, e] of Object.entries(r.targets)) {
      const a = after.files.get(e.file);
      expect(a, `1. entry ${t} ${target} names ${e.file}, which the release does not hold`).toBeDefined();
      expect(a!.sha256, `1. entry ${t} ${target}: sha256 of ${e.file}`).toBe(e.sha256);
      expect(a!.size, `1. entry ${t} ${target}: size of ${e.file}`).toBe(e.size);
    }
  for (const [name, sha] of m.indexed) {
    if (after.files.get(name)?.sha256 !== sha) continue;
    const naming = Object.values(after.index?.releases ?? {}).flatMap((r) =>
      Object.values(r.targets).filter((e) => e.file === name),
    );
    expect(naming.length, `2. ${name} is named by ${naming.length} entries`).toBe(1);
  }
  for (const [name, sha] of m.summed) {
    if (after.files.get(name)?.sha256 !== sha) continue;
    const lines = (after.checksums ?? []).filter((e) => e.fileName === name);
    expect(lines, `3. checksums.txt lines for ${name}`).toEqual([{ fileName: name, sha256: sha }]);
  }
  expect([...after.files.keys()].filter(isTransient), '4. temporary or lock assets left').toEqual([]);
}

/** The invariants between the release before a run, the run, and its report. */
function checkRun(m: Model, spec: RunSpec, before: ReleaseState, after: ReleaseState, r: StoreReport): void {
  const files = filesOf(spec);
  const names = new Set(files.map((f) => f.name));
  for (const [name, sha] of m.foreign) {
    if (after.files.get(name)?.sha256 === sha) continue;
    expect(spec.overwrite && names.has(name) && r.ok, `5. ${name} (not the action's) was replaced`).toBe(
      true,
    );
  }
  const built = new Set(files.filter((f) => !r.meanwhile.includes(f.tag)).map((f) => `${f.tag} ${f.target}`));
  for (const [t, rel] of Object.entries(before.index?.releases ?? {}))
    for (const [target, e] of Object.entries(rel.targets)) {
      if (r.ok && built.has(`${t} ${target}`)) continue;
      const now = after.index?.releases[t]?.targets[target];
      if (now === undefined && r.ok && names.has(e.file) && after.files.get(e.file)?.sha256 !== e.sha256)
        continue;
      expect(now, `6. entry ${t} ${target}, which the run did not build`).toEqual(e);
    }
  if (r.ok) {
    expect(r.written, '7. written').toEqual(
      [...new Set(files.map((f) => f.tag))].filter((t) => !r.meanwhile.includes(t)),
    );
    for (const f of files.filter((x) => !r.meanwhile.includes(x.tag))) {
      expect(after.files.get(f.name)?.sha256, `7. ${f.name} reported written`).toBe(sha256(f.content));
      if (spec.writeIndex)
        expect(after.index?.releases[f.tag]?.targets[f.target]?.sha256, `7. entry ${f.tag} ${f.target}`).toBe(
          sha256(f.content),
        );
    }
  } else {
    expect(r.written, '7. a failed run says nothing written').toEqual([]);
    if (r.release === 'untouched')
      expect(plain(after), '7. untouched means as before').toEqual(plain(before));
  }
  for (const f of r.files) {
    if (f.ok) expect(after.files.has(f.name), `7. ${f.name} reported ok`).toBe(true);
  }
  // Without a fault or a cancel a run is written, or refused for a reason it names.
  if (spec.fault === 'none' && spec.cancelAt === undefined && !r.ok)
    expect(r.refused, `a run without faults failed: ${r.error}`).toBe(true);
}

function record(m: Model, spec: RunSpec, r: StoreReport): void {
  for (const f of filesOf(spec)) {
    if (!r.written.includes(f.tag)) continue;
    m.foreign.delete(f.name);
    if (spec.writeIndex) m.indexed.set(f.name, sha256(f.content));
    else m.indexed.delete(f.name);
    if (spec.writeChecksums) m.summed.set(f.name, sha256(f.content));
    else m.summed.delete(f.name);
  }
}

/** What the sequences did, printed at the end (the counts the issue asks for). */
const counts = { sequences: 0, runs: 0, written: 0, refused: 0, failed: 0, cancelled: 0 };

async function runOne(m: Model, real: Real, spec: RunSpec): Promise<StoreReport> {
  const { bed } = real;
  for (const f of faultsFor(spec.fault, spec.faultTimes)) bed.gh.inject(f);
  const writesBefore = bed.gh.writeRequests().length;
  const r = await write(bed, {
    mode: spec.mode,
    files: filesOf(spec),
    overwrite: spec.overwrite,
    writeIndex: spec.writeIndex,
    writeChecksums: spec.writeChecksums,
    lock: { waitMs: 60_000, pollMs: 5000, staleMs: STALE_MS, starterGraceMs: 120_000 },
    ...(spec.cancelAt !== undefined && {
      cancelled: () => bed.gh.writeRequests().length - writesBefore >= spec.cancelAt!,
    }),
  });
  bed.gh.clearFaults();
  counts.runs++;
  if (r.ok) counts.written++;
  else if (r.refused) counts.refused++;
  else counts.failed++;
  if (spec.cancelAt !== undefined && !r.ok && /cancel/.test(r.error ?? '')) counts.cancelled++;
  return r;
}

class Run implements fc.AsyncCommand<Model, Real> {
  constructor(readonly spec: RunSpec) {}
  check = () => true;
  async run(m: Model, real: Real): Promise<void> {
    const before = releaseState(real.bed);
    const r = await runOne(m, real, this.spec);
    const after = releaseState(real.bed);
    checkRun(m, this.spec, before, after, r);
    checkRelease(m, after);
    record(m, this.spec, r);
  }
  toString = () => `Run(${JSON.stringify(this.spec)})`;
}

/** Two runs at once (different releases, per-release names): the lock makes them take turns. */
class Overlap implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly a: RunSpec,
    readonly b: RunSpec,
  ) {}
  check = () => true;
  async run(m: Model, real: Real): Promise<void> {
    const [ra, rb] = await Promise.all([runOne(m, real, this.a), runOne(m, real, this.b)]);
    const after = releaseState(real.bed);
    for (const [spec, r] of [
      [this.a, ra],
      [this.b, rb],
    ] as const) {
      if (!r.ok) expect(r.written).toEqual([]);
      for (const f of filesOf(spec))
        if (r.written.includes(f.tag)) expect(after.files.get(f.name)?.sha256).toBe(sha256(f.content));
      record(m, spec, r);
    }
    checkRelease(m, after);
  }
  toString = () => `Overlap(${JSON.stringify(this.a)}, ${JSON.stringify(this.b)})`;
}

/** Someone uploads a file of a name the action may write. */
class Foreign implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly tag: string,
    readonly target: string,
  ) {}
  check = (m: Readonly<Model>) =>
    !m.indexed.has(this.name()) && !m.summed.has(this.name()) && !m.foreign.has(this.name());
  name = () => `hello-${this.target}-for-${this.tag}.so`;
  async run(m: Model, real: Real): Promise<void> {
    if (real.bed.gh.assetBytes(REPO, TAG, this.name()) !== undefined) return;
    const content = `someone else's ${this.name()}`;
    real.bed.gh.addAsset(REPO, TAG, { name: this.name(), content });
    m.foreign.set(this.name(), sha256(content));
  }
  toString = () => `Foreign(${this.tag}, ${this.target})`;
}

/** Half an hour passes: leftovers of dead runs are stale. */
class TimePasses implements fc.AsyncCommand<Model, Real> {
  check = () => true;
  async run(_m: Model, real: Real): Promise<void> {
    // Every asset there now is half an hour older; what runs make later is new (a run's own lock
    // must not look stale to the run it overlaps).
    for (const a of real.bed.gh.repo(REPO).releases[0]!.assets)
      a.createdAt = new Date(Date.parse(a.createdAt) - STALE_MS - 60_000)
        .toISOString()
        .replace(/\.\d+Z$/, 'Z');
  }
  toString = () => 'TimePasses';
}

const spec = (overlap = false): fc.Arbitrary<RunSpec> =>
  fc
    .record({
      mode: fc.constantFrom<StoreMode>('build', 'publish', 'follow'),
      tags: fc.subarray([...TAGS], { minLength: 1, maxLength: overlap ? 1 : 2 }),
      targets: fc.subarray([...TARGETS], { minLength: 1 }),
      oneName: fc.boolean(),
      salt: fc.integer({ min: 0, max: 2 }),
      overwrite: fc.boolean(),
      writeIndex: fc.boolean(),
      writeChecksums: fc.boolean(),
      // Half the runs meet a fault, one in five a cancel.
      fault: fc.oneof(
        { weight: 8, arbitrary: fc.constant<FaultKind>('none') },
        {
          weight: 8,
          arbitrary: fc.constantFrom<FaultKind>(
            'upload',
            'upload-lost',
            'rename',
            'delete',
            'lock-lost',
            'lock-drop',
            'list',
          ),
        },
      ),
      faultTimes: fc.integer({ min: 1, max: 3 }),
      cancelAt: fc.oneof(
        { weight: 4, arbitrary: fc.constant(undefined) },
        { weight: 1, arbitrary: fc.integer({ min: 0, max: 12 }) },
      ),
    })
    .map(({ oneName, ...s }) => ({
      ...s,
      // One name for every release only where a tag build uses it (one release per run).
      names:
        oneName && !overlap && s.mode === 'build' && s.tags.length === 1
          ? ('one' as const)
          : ('per-release' as const),
      // Follow needs the index (refused up front otherwise: inputs.ts).
      writeIndex: s.mode === 'follow' ? true : s.writeIndex,
    }));

const commands = [
  spec().map((s) => new Run(s)),
  fc
    .tuple(spec(true), spec(true))
    .filter(([a, b]) => a.tags[0] !== b.tags[0])
    // One fault budget for the pair: faults of both would add up on one request of either run.
    .map(([a, b]) => new Overlap(a, { ...b, fault: 'none' })),
  fc.tuple(fc.constantFrom(...TAGS), fc.constantFrom(...TARGETS)).map(([t, x]) => new Foreign(t, x)),
  fc.constant(new TimePasses()),
];

let bed: Bed;
beforeAll(async () => {
  // Retries on (one), so that faults of 1-3 answers hit retries, "once more" and failures alike.
  bed = await startBed({ retries: 1 });
});
afterAll(async () => {
  const faults = bed.gh.requests.filter((q) => q.fault && q.status !== 200).length;
  console.info(
    `model: ${counts.sequences} sequences, ${counts.runs} runs (${counts.written} written, ${counts.refused} refused, ${counts.failed} failed, ${counts.cancelled} cancelled), ${bed.gh.requests.length} requests, ${faults} faults injected`,
  );
  await bed.close();
});

describe('the release store, model-based', () => {
  it(
    `keeps its invariants over ${RUNS} generated sequences (seed ${SEED})`,
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.commands(commands, {
            maxCommands: 6,
            size: '+1',
            ...(REPLAY !== undefined && { replayPath: REPLAY }),
          }),
          async (cmds) => {
            counts.sequences++;
            // A fresh release for every sequence.
            bed.gh.clearFaults();
            bed.gh.repo(REPO).releases[0]!.assets = [];
            const model: Model = { indexed: new Map(), summed: new Map(), foreign: new Map() };
            await fc.asyncModelRun(() => ({ model, real: { bed } }), cmds);
          },
        ),
        {
          numRuns: RUNS,
          seed: SEED,
          ...(PATH !== undefined && { path: PATH }),
          endOnFailure: false,
          verbose: 1,
        },
      );
    },
    Math.max(120_000, RUNS * 3000),
  );
});
