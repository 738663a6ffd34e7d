// The fan-out's pure core as data: the matrix, cell records, the publish check against the plan,
// the follow diff and the checksums a follow run writes.
import { describe, expect, it } from 'vitest';
import { checkCells, faultMessage } from '../../src/fanout/cell-check';
import {
  cellRecordName,
  formatCellRecord,
  makeCellRecord,
  parseCellRecord,
  type CellFacts,
  type CellRecord,
} from '../../src/fanout/cell-record';
import { followDiff } from '../../src/fanout/follow';
import { checkMatrixSize, MAX_MATRIX_JOBS, matrixOf, planCells } from '../../src/fanout/matrix';
import { planSkips } from '../../src/fanout/skips';
import { formatPlanRecord, parsePlanRecord, type PlanRecord } from '../../src/fanout/plan-record';
import { cellRecords, uploadedPlugins } from '../../src/fanout/build-cells';

const MODULE_PATH = 'github.com/me/hello';

const SHA = (c: string) => c.repeat(64);

const facts = (serverTag: string, target: string, over: Partial<CellFacts> = {}): CellFacts => ({
  plugin: 'hello',
  module: 'github.com/me/hello',
  serverRepository: 'gotify/server',
  serverTag,
  serverModule: 'github.com/gotify/server/v2',
  go: '1.26.0',
  goModChanges: [{ module: 'example.com/lib', from: 'v1.3.0', to: 'v1.2.0' }],
  target,
  built: true,
  file: `hello-${target}-for-${serverTag}.so`,
  artifact: `hello_${target}_${serverTag}.so`,
  size: 100,
  sha256: SHA('a'),
  verified: { status: 'loaded' },
  ...over,
});

const plan = (cells: [string, string][]): PlanRecord => ({
  schema: 1,
  kind: 'flow-plugin-plan',
  purpose: 'release',
  plugin: 'hello',
  module: 'github.com/me/hello',
  serverRepository: 'gotify/server',
  cells: cells.map(([serverTag, target]) => ({ serverTag, target })),
});

describe('matrix', () => {
  it('is every release x every target, releases first, in the order given', () => {
    const cells = planCells(['v2.9.1', 'v2.8.0'], ['linux-amd64', 'linux-arm64']);
    expect(matrixOf(cells)).toEqual({
      include: [
        { 'server-version': 'v2.9.1', target: 'linux-amd64' },
        { 'server-version': 'v2.9.1', target: 'linux-arm64' },
        { 'server-version': 'v2.8.0', target: 'linux-amd64' },
        { 'server-version': 'v2.8.0', target: 'linux-arm64' },
      ],
    });
  });
  it('lists a cell once and gives an empty include for no release', () => {
    expect(planCells(['v1', 'v1'], ['linux-amd64'])).toHaveLength(1);
    expect(JSON.stringify(matrixOf(planCells([], ['linux-amd64'])))).toBe('{"include":[]}');
    // GitHub expands at most 256 jobs from a matrix: refused in the plan step, not after it.
    const tags = Array.from({ length: 65 }, (_, i) => `v1.${i}.0`);
    const targets = ['linux-amd64', 'linux-arm-7', 'linux-arm64', 'linux-386'];
    expect(matrixOf(planCells(tags.slice(0, 64), targets)).include).toHaveLength(256);
    expect(() => matrixOf(planCells(tags, targets))).toThrow(
      'The plan has 260 cells (65 server releases x 4 targets), more than the 256 jobs GitHub runs in one matrix',
    );
  });
});

describe('the matrix limit', () => {
  it('256 cells pass; 280 are refused with the count, the factors and the inputs to change', () => {
    const tags = (n: number) => Array.from({ length: n }, (_, i) => `v2.${i}.0`);
    const targets = ['linux-amd64', 'linux-arm-7', 'linux-arm64', 'linux-386'];
    expect(MAX_MATRIX_JOBS).toBe(256);
    expect(() => checkMatrixSize(planCells(tags(64), targets))).not.toThrow();
    expect(() => checkMatrixSize(planCells(tags(70), targets))).toThrow(
      'The plan has 280 cells (70 server releases x 4 targets), more than the 256 jobs GitHub runs in one matrix: narrow server-versions, lower max-server-versions (64 or fewer with 4 targets) or list fewer targets; to build more, plan the rest in a second plan job of its own.',
    );
  });
});

describe('the skip rule at plan time (unsupported-server-version: skip)', () => {
  const go = { version: '1.22', line: 3 };
  const releases = [
    { tag: 'v2.2.0', go: '1.19.1' },
    { tag: 'v2.1.0', go: '1.22.4' },
  ];
  it('leaves out the releases whose Go is older than the go line, with the reason one step gives', () => {
    const { kept, skipped } = planSkips(go, releases, 'go.mod');
    expect(kept).toEqual(['v2.1.0']);
    expect(skipped).toEqual([
      {
        server: 'v2.2.0',
        go: '1.19.1',
        reason: expect.stringMatching(/^go\.mod says go 1\.22, newer than the server's Go 1\.19\.1/),
        line: 3,
      },
    ]);
  });
  it('keeps every release without a go line or when it is old enough', () => {
    expect(planSkips(undefined, releases, 'go.mod')).toEqual({ kept: ['v2.2.0', 'v2.1.0'], skipped: [] });
    expect(planSkips({ version: '1.19', line: 3 }, releases, 'go.mod').skipped).toEqual([]);
  });
});

describe('cell records', () => {
  it('round-trip, with go.mod changes as path/from/to', () => {
    const r = makeCellRecord(facts('v2.9.1', 'linux-amd64'));
    expect(r.goModChanges).toEqual([{ path: 'example.com/lib', from: 'v1.3.0', to: 'v1.2.0' }]);
    expect(parseCellRecord(formatCellRecord(r), 'x')).toEqual(r);
  });
  it('a failed build is recorded as not built, with its error', () => {
    const r = makeCellRecord(
      facts('v2.9.1', 'linux-386', { built: false, error: 'exit 1', verified: undefined }),
    );
    expect(r).toMatchObject({
      built: false,
      error: 'exit 1',
      verified: 'not-verified',
      reason: 'the build failed',
    });
    expect(parseCellRecord(formatCellRecord(r), 'x').built).toBe(false);
  });
  it('are named like the plugin artifact, escaped', () => {
    expect(cellRecordName({ name: 'hello', target: 'linux-arm-7', serverTag: 'v2.9.1' })).toBe(
      'hello_linux-arm-7_v2.9.1.cell.json',
    );
    expect(cellRecordName({ name: 'a_b', target: 't', serverTag: 'x/y' })).toBe('a%5Fb_t_x%2Fy.cell.json');
  });
  it('a skipped cell is recorded as not built, with why; a skipped record that says it built is refused', () => {
    const r = makeCellRecord(
      facts('v2.9.1', 'linux-386', { built: false, skipped: 'go.mod says go 1.27', verified: undefined }),
    );
    expect(r).toMatchObject({ built: false, skipped: 'go.mod says go 1.27', verified: 'not-verified' });
    expect(parseCellRecord(formatCellRecord(r), 'x').skipped).toBe('go.mod says go 1.27');
    expect(() => parseCellRecord(JSON.stringify({ ...r, built: true }), 'c')).toThrow(/"skipped"/);
  });
  it('refuses a record that is not one, naming the field', () => {
    expect(() => parseCellRecord('{}', 'c.cell.json')).toThrow(/c\.cell\.json: is not a schema 1/);
    const bad = { ...makeCellRecord(facts('v1', 'linux-amd64')), sha256: 'nope' };
    expect(() => parseCellRecord(JSON.stringify(bad), 'c')).toThrow(/"sha256"/);
    expect(() => parseCellRecord('[', 'c')).toThrow(/not JSON/);
  });
  it('refuses text that could forge a workflow command, before any of it is logged', () => {
    const good = makeCellRecord(facts('v1', 'linux-amd64'));
    const forged: [string, unknown][] = [
      ['file', 'x.so\n::error::forged'],
      ['file', '::warning::x.so'],
      ['serverTag', 'v1\r\n::set-output name=x::y'],
      ['target', '::error::t'],
      ['plugin', 'a b'],
      ['module', 'example.com/x\u2028::error::y'],
      ['go', '1.22 ::'],
      ['artifact', 'a::b'],
    ];
    for (const [field, value] of forged) {
      expect(() => parseCellRecord(JSON.stringify({ ...good, [field]: value }), 'c'), field).toThrow(
        new RegExp(`cell record c: "${field}"`),
      );
    }
    const change = { ...good, goModChanges: [{ path: 'a', from: 'v1', to: 'v2\n::error::x' }] };
    expect(() => parseCellRecord(JSON.stringify(change), 'c')).toThrow(/goModChanges\[0\]/);
  });
});

describe('the publish check', () => {
  const records = (over: Record<string, Partial<CellFacts>> = {}): CellRecord[] =>
    [
      ['v2.9.1', 'linux-amd64'],
      ['v2.9.1', 'linux-arm64'],
      ['v2.8.0', 'linux-amd64'],
    ].map(([t, g]) => makeCellRecord(facts(t!, g!, over[`${t} ${g}`])));
  const p = plan([
    ['v2.9.1', 'linux-amd64'],
    ['v2.9.1', 'linux-arm64'],
    ['v2.8.0', 'linux-amd64'],
  ]);

  it('a complete set is ready, in plan order', () => {
    const check = checkCells(p, records().reverse());
    expect(check.faults).toEqual([]);
    expect(check.ready.map((r) => `${r.serverTag} ${r.target}`)).toEqual([
      'v2.9.1 linux-amd64',
      'v2.9.1 linux-arm64',
      'v2.8.0 linux-amd64',
    ]);
  });
  it('a not-verified cell is published (as not-verified), a refused one is not', () => {
    const check = checkCells(
      p,
      records({
        'v2.9.1 linux-arm64': { verified: { status: 'not-verified', reason: 'no emulator' } },
        'v2.8.0 linux-amd64': {
          verified: { status: 'failed', reason: 'plugin was built with a different version of package x' },
        },
      }),
    );
    expect(check.ready).toEqual([]);
    expect(check.faults).toEqual([
      {
        cell: 'v2.8.0 linux-amd64',
        why: 'the server refused the plugin: plugin was built with a different version of package x',
      },
    ]);
  });
  it('names a missing cell, a failed build, a duplicate and a foreign plugin', () => {
    const rs = records({ 'v2.9.1 linux-arm64': { built: false, error: 'cc: not found\nmore' } });
    const check = checkCells(p, [
      ...rs.filter((r) => r.serverTag !== 'v2.8.0'),
      { ...rs[0]!, serverTag: 'v2.8.0', module: 'github.com/other/x' },
      { ...rs[0]!, serverTag: 'v1.0.0' },
    ]);
    expect(check.ready).toEqual([]);
    expect(check.faults.map((f) => f.cell)).toEqual(['v2.9.1 linux-arm64', 'v2.8.0 linux-amd64']);
    expect(check.faults[0]!.why).toBe('the build failed: cc: not found');
    expect(check.faults[1]!.why).toMatch(/module github.com\/other\/x, the plan for github.com\/me\/hello/);
    expect(check.unplanned).toEqual(['v1.0.0 linux-amd64']);
    expect(checkCells(p, records().slice(1)).faults[0]).toMatchObject({
      cell: 'v2.9.1 linux-amd64',
      why: expect.stringMatching(/^no cell record/),
    });
    expect(checkCells(p, [...records(), records()[0]!]).faults[0]!.why).toMatch(/2 cell records/);
    expect(faultMessage(check.faults, 3)).toMatch(
      /^2 of 3 planned cells cannot be published, so nothing was uploaded:\n {2}- v2.9.1/,
    );
  });
  it('cells of one release that disagree on Go, the server module or the go.mod changes are refused, named', () => {
    const check = checkCells(
      p,
      records({
        'v2.9.1 linux-arm64': {
          go: '1.26.1',
          goModChanges: [{ module: 'example.com/lib', from: 'v1.3.0', to: 'v1.1.0' }],
        },
      }),
    );
    expect(check.ready).toEqual([]);
    expect(check.faults).toEqual([
      {
        cell: 'v2.9.1',
        why: 'its cells disagree: go 1.26.0 (linux-amd64), 1.26.1 (linux-arm64); go.mod changes example.com/lib v1.3.0 -> v1.2.0 (linux-amd64), example.com/lib v1.3.0 -> v1.1.0 (linux-arm64)',
      },
    ]);
  });
  it('cells their build skipped (unsupported-server-version: skip) are left out, not faults; nothing left is one', () => {
    const skip = { built: false, skipped: 'the module graph cannot be aligned', verified: undefined };
    const check = checkCells(p, records({ 'v2.8.0 linux-amd64': skip }));
    expect(check.faults).toEqual([]);
    expect(check.skipped).toEqual([
      { cell: 'v2.8.0 linux-amd64', why: 'the module graph cannot be aligned' },
    ]);
    expect(check.ready.map((r) => `${r.serverTag} ${r.target}`)).toEqual([
      'v2.9.1 linux-amd64',
      'v2.9.1 linux-arm64',
    ]);
    const half = checkCells(p, records({ 'v2.9.1 linux-arm64': skip }));
    expect(half.faults).toEqual([
      { cell: 'v2.9.1', why: 'its cells disagree: skipped (linux-arm64), built (linux-amd64)' },
    ]);
    const all = checkCells(
      p,
      records({ 'v2.9.1 linux-amd64': skip, 'v2.9.1 linux-arm64': skip, 'v2.8.0 linux-amd64': skip }),
    );
    expect(all.faults).toEqual([
      { cell: 'every cell', why: 'every planned cell was skipped by its build, so nothing was built' },
    ]);
  });
  it('a record that cannot be read is a fault of its cell', () => {
    const [, ...rest] = records();
    const check = checkCells(p, rest, new Map([['v2.9.1 linux-amd64', 'is not JSON: Unexpected token']]));
    expect(check.faults).toEqual([
      { cell: 'v2.9.1 linux-amd64', why: 'its cell record cannot be read: is not JSON: Unexpected token' },
    ]);
  });
  it('two cells with one file name are a fault (a template without {server})', () => {
    const check = checkCells(
      p,
      records({ 'v2.8.0 linux-amd64': { file: 'hello-linux-amd64-for-v2.9.1.so' } }),
    );
    expect(check.faults).toEqual([
      { cell: 'v2.8.0 linux-amd64', why: expect.stringMatching(/also the file of v2.9.1 linux-amd64/) },
    ]);
  });
});

describe('plan records', () => {
  it('round-trip; a follow plan names its release', () => {
    const p = plan([['v1', 'linux-amd64']]);
    expect(parsePlanRecord(formatPlanRecord(p), 'p')).toEqual(p);
    expect(() => parsePlanRecord(JSON.stringify({ ...p, purpose: 'follow' }), 'p')).toThrow(/releaseTag/);
    expect(() => parsePlanRecord(JSON.stringify({ ...p, cells: [...p.cells, ...p.cells] }), 'p')).toThrow(
      /twice/,
    );
  });
  it('refuses fields that could forge a workflow command, before any is logged', () => {
    const p = plan([['v1', 'linux-amd64']]);
    const forged: [string, unknown][] = [
      ['plugin', 'hello\n::error::x'],
      ['releaseTag', '::warning::v1'],
      ['cells', [{ serverTag: 'v1\n::error::x', target: 'linux-amd64' }]],
      ['covered', ['::error::x']],
      ['skipped', [{ server: 'v1', go: '1.19.1\n::error::x', reason: 'r' }]],
    ];
    for (const [field, value] of forged) {
      expect(() => parsePlanRecord(JSON.stringify({ ...p, [field]: value }), 'p'), field).toThrow(
        new RegExp(`plan p: "?${field}`),
      );
    }
  });
});

describe('follow', () => {
  it('builds only the selected releases the index does not cover', () => {
    expect(followDiff(['v2.9.1', 'v2.9.0', 'v2.8.0'], ['v2.9.0', 'v2.1.0'])).toEqual({
      uncovered: ['v2.9.1', 'v2.8.0'],
      covered: ['v2.9.0'],
    });
    expect(followDiff(['v2.9.0'], ['v2.9.0']).uncovered).toEqual([]);
    expect(followDiff(['v2.9.0'], []).uncovered).toEqual(['v2.9.0']);
  });
});

describe('cell records of a build run', () => {
  it('one per release x target, with the artifact, the verify status and the release go.mod changes', () => {
    const target = (name: string) => ({ name, os: 'linux', arch: name.split('-')[1]! });
    const server = (tag: string) =>
      ({
        repository: 'gotify/server',
        tag,
        module: 'github.com/gotify/server/v2',
        goVersion: '1.23.3',
      }) as never;
    const result = (name: string, ok: boolean) => ({
      target: target(name),
      image: 'i',
      fileName: `hello-${name}-for-x.so`,
      path: '/p',
      ok,
      durationMs: 1,
      argv: [],
      output: '',
      ...(ok ? { size: 5, sha256: SHA('e') } : { error: 'exit status 2' }),
    });
    const records = cellRecords('hello', MODULE_PATH, [
      {
        server: server('v2.6.1'),
        results: [result('linux-amd64', true), result('linux-arm64', false)],
        verified: [{ target: 'linux-amd64', status: 'loaded', durationMs: 1 }],
        goModChanges: [{ module: 'a', from: 'v2', to: 'v1' }],
        artifacts: uploadedPlugins(
          [
            {
              kind: 'plugin',
              target: 'linux-amd64',
              serverTag: 'v2.6.1',
              artifactName: 'hello_linux-amd64_v2.6.1.so',
              fileName: 'f',
              ok: true,
            },
            {
              kind: 'plugin',
              target: 'linux-amd64',
              serverTag: 'v2.6.0',
              artifactName: 'other',
              fileName: 'f',
              ok: true,
            },
          ],
          'v2.6.1',
          false,
        ),
      },
    ]);
    expect(
      records.map((r) => [r.serverTag, r.target, r.built, r.verified, r.artifact ?? null, r.go]),
    ).toEqual([
      ['v2.6.1', 'linux-amd64', true, 'loaded', 'hello_linux-amd64_v2.6.1.so', '1.23.3'],
      ['v2.6.1', 'linux-arm64', false, 'not-verified', null, '1.23.3'],
    ]);
    expect(records[1]).toMatchObject({ error: 'exit status 2', reason: 'the build failed' });
    expect(records[0]!.goModChanges).toEqual([{ path: 'a', from: 'v2', to: 'v1' }]);
  });
});
