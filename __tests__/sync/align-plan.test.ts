import { describe, expect, test } from 'vitest';
import { parseGoMod } from '../../src/gomod';
import {
  MAX_ALIGN_ROUNDS,
  disagreementKey,
  explainConflicts,
  formatChange,
  mergeChanges,
  pinQueries,
  planNextRound,
  roundChanges,
  type GraphState,
} from '../../src/sync/align-plan';
import { compareBuildLists, parseModGraph, type ListedModule } from '../../src/sync/graph';

const m = (path: string, version: string, extra: Partial<ListedModule> = {}): ListedModule => ({
  path,
  version,
  main: false,
  indirect: false,
  ...extra,
});
const MAIN = m('example.com/plugin', '', { main: true });
const server = [
  m('example.com/server', '', { main: true }),
  m('example.com/y', 'v1.9.1'),
  m('example.com/w', 'v1.0.0'),
];

// After the first tidy: x v1.5.0 raised y to v1.10.0; solo v1.0.0 needs y v1.10.0 too.
const before: GraphState = {
  list: [
    MAIN,
    m('example.com/solo', 'v1.0.0'),
    m('example.com/x', 'v1.5.0'),
    m('example.com/y', 'v1.10.0', { indirect: true }),
  ],
  graph: parseModGraph(
    [
      'example.com/plugin example.com/solo@v1.0.0',
      'example.com/plugin example.com/x@v1.5.0',
      'example.com/plugin example.com/y@v1.10.0',
      'example.com/solo@v1.0.0 example.com/y@v1.10.0',
      'example.com/x@v1.5.0 example.com/y@v1.10.0',
    ].join('\n'),
  ),
};
const after: GraphState = {
  list: [MAIN, m('example.com/x', 'v1.4.2'), m('example.com/y', 'v1.9.1', { indirect: true })],
  graph: parseModGraph(
    [
      'example.com/plugin example.com/x@v1.4.2',
      'example.com/plugin example.com/y@v1.9.1',
      'example.com/x@v1.4.2 example.com/y@v1.9.0',
    ].join('\n'),
  ),
};
const limits = new Map([
  ['example.com/y', 'v1.9.1'],
  ['example.com/w', 'v1.0.0'],
]);

describe('the next round', () => {
  test('aligned when nothing disagrees', () => {
    const c = compareBuildLists(after.list, server);
    expect(planNextRound({ round: 0, comparison: c, plugin: after.list, server, history: [] })).toEqual({
      kind: 'aligned',
    });
  });

  test('go get pins every shared module at once (only those in both build lists)', () => {
    const c = compareBuildLists(before.list, server);
    expect(planNextRound({ round: 0, comparison: c, plugin: before.list, server, history: [] })).toEqual({
      kind: 'get',
      queries: ['example.com/y@v1.9.1'],
    });
    expect(
      pinQueries([...before.list, m('example.com/w', 'v0.9.0')], server, new Set(['example.com/w'])),
    ).toEqual(['example.com/w@v1.0.0']);
    expect(pinQueries([...before.list, m('example.com/w', 'v0.9.0')], server)).toEqual([
      'example.com/w@v1.0.0',
      'example.com/y@v1.9.1',
    ]);
  });

  test('stops: no progress, the bound, a replace (never go get around a replace)', () => {
    const c = compareBuildLists(before.list, server);
    const key = disagreementKey(c.disagreements);
    expect(key).toBe('example.com/y@v1.10.0');
    const args = { comparison: c, plugin: before.list, server };
    expect(planNextRound({ ...args, round: 1, history: [key] })).toEqual({
      kind: 'stuck',
      why: 'no-progress',
    });
    expect(planNextRound({ ...args, round: MAX_ALIGN_ROUNDS, history: [] })).toEqual({
      kind: 'stuck',
      why: 'bound',
    });
    const replaced = [MAIN, m('example.com/y', 'v1.9.1', { replace: { path: '../y', version: '' } })];
    expect(
      planNextRound({
        ...args,
        comparison: compareBuildLists(replaced, server),
        plugin: replaced,
        round: 0,
        history: [],
      }),
    ).toEqual({ kind: 'stuck', why: 'replace' });
  });
});

describe('changes and why', () => {
  test('the pinned module, the downgraded dependent (what it needs), the dropped one', () => {
    const changes = roundChanges(before, after, limits);
    expect(changes.map(formatChange)).toEqual([
      'example.com/solo v1.0.0 -> none: no longer required',
      'example.com/x v1.5.0 -> v1.4.2: v1.5.0 needs example.com/y v1.10.0, the server has v1.9.1',
      "example.com/y v1.10.0 -> v1.9.1: the server's version (v1.10.0 came from plugin -> example.com/solo v1.0.0 -> example.com/y v1.10.0)",
    ]);
    expect(changes.every((c) => c.step === 'align')).toBe(true);
  });

  test('a module raised to fit is explained by who requires it', () => {
    const up: GraphState = {
      list: [MAIN, m('example.com/w', 'v1.0.0'), m('example.com/v', 'v1.2.0', { indirect: true })],
      graph: parseModGraph(
        'example.com/plugin example.com/w@v1.0.0\nexample.com/w@v1.0.0 example.com/v@v1.2.0\nexample.com/plugin example.com/v@v1.2.0\n',
      ),
    };
    const down: GraphState = {
      list: [MAIN, m('example.com/w', 'v0.9.0'), m('example.com/v', 'v1.1.0', { indirect: true })],
      graph: new Map(),
    };
    expect(roundChanges(down, up, limits).map(formatChange)).toEqual([
      'example.com/v v1.1.0 -> v1.2.0: required by plugin -> example.com/w v1.0.0',
      "example.com/w v0.9.0 -> v1.0.0: the server's version",
    ]);
  });

  test('rounds merge into one change per module; a change undone disappears', () => {
    const a = { step: 'align' as const };
    expect(
      mergeChanges([
        [
          { ...a, module: 'x', from: 'v1.5.0', to: 'v1.4.2', reason: 'r1' },
          { ...a, module: 'z', from: 'v1', to: 'v2', reason: 'r' },
        ],
        [
          { ...a, module: 'x', from: 'v1.4.2', to: 'v1.4.0', reason: 'r2' },
          { ...a, module: 'z', from: 'v2', to: 'v1', reason: 'r' },
        ],
      ]),
    ).toEqual([{ ...a, module: 'x', from: 'v1.5.0', to: 'v1.4.0', reason: 'r1; r2' }]);
  });
});

describe('conflicts', () => {
  const goMod = parseGoMod(
    'module example.com/plugin\n\ngo 1.19\n\nrequire (\n\texample.com/solo v1.0.0\n\texample.com/x v1.5.0\n)\n\nrequire example.com/y v1.10.0 // indirect\n\nreplace example.com/y => example.com/y v1.10.0\n',
  );

  test('align, stuck: the chain, the module no version of which fits, on its go.mod line', () => {
    const state: GraphState = {
      list: [MAIN, m('example.com/solo', 'v1.0.0'), m('example.com/y', 'v1.10.0', { indirect: true })],
      graph: before.graph,
    };
    const [c] = explainConflicts({
      mode: 'align',
      state,
      disagreements: compareBuildLists(state.list, server).disagreements,
      pluginGoMod: goMod,
      removedByGet: new Set(['example.com/solo']),
    });
    expect(c!.message).toBe(
      'plugin -> example.com/solo v1.0.0 -> example.com/y v1.10.0; the server has example.com/y v1.9.1',
    );
    expect(c!.fix).toMatch(/^no version of example.com\/solo works with example.com\/y v1.9.1/);
    expect(c!.line).toBe(6);
  });

  test('cap and check name align as the fix', () => {
    const d = compareBuildLists(before.list, server).disagreements;
    for (const mode of ['cap', 'check'] as const) {
      const [c] = explainConflicts({ mode, state: before, disagreements: d, pluginGoMod: goMod });
      // The first chain in go mod graph's order (solo comes before x).
      expect(c!.message).toBe(
        'plugin -> example.com/solo v1.0.0 -> example.com/y v1.10.0; the server has example.com/y v1.9.1',
      );
      expect(c!.fix).toContain('go-mod-sync: align');
      expect(c!.line).toBe(6);
    }
  });

  test('a replace of a shared module: the replace line, and what to write', () => {
    const list = [
      MAIN,
      m('example.com/y', 'v1.9.1', { replace: { path: 'example.com/y', version: 'v1.10.0' } }),
    ];
    const [c] = explainConflicts({
      mode: 'align',
      state: { list, graph: new Map() },
      disagreements: compareBuildLists(list, server).disagreements,
      pluginGoMod: goMod,
    });
    expect(c).toEqual({
      module: 'example.com/y',
      message: 'go.mod replaces example.com/y => example.com/y v1.10.0; the server has example.com/y v1.9.1',
      fix: 'remove the replace, or make it replace example.com/y => example.com/y v1.9.1',
      line: 12,
    });
  });

  test('a shared module replaced by a folder of the workspace (a monorepo): the chain, never a downgrade', () => {
    const local = parseGoMod(
      'module example.com/plugin\n\ngo 1.19\n\nrequire example.com/x v1.5.0\n\nreplace example.com/y => ../y\n',
    );
    const list = [
      MAIN,
      m('example.com/x', 'v1.5.0'),
      m('example.com/y', 'v1.10.0', { indirect: true, replace: { path: '../y', version: '' } }),
    ];
    const state: GraphState = {
      list,
      graph: parseModGraph(
        'example.com/plugin example.com/x@v1.5.0\nexample.com/x@v1.5.0 example.com/y@v1.10.0\n',
      ),
    };
    const d = compareBuildLists(list, server).disagreements;
    // The alignment never pins a replaced module: it is the author's own code.
    expect(pinQueries(list, server)).toEqual([]);
    expect(
      planNextRound({
        round: 0,
        comparison: { shared: [], disagreements: d },
        plugin: list,
        server,
        history: [],
      }),
    ).toEqual({ kind: 'stuck', why: 'replace' });
    const [c] = explainConflicts({ mode: 'align', state, disagreements: d, pluginGoMod: local });
    expect(c).toEqual({
      module: 'example.com/y',
      message:
        'plugin -> example.com/x v1.5.0 -> example.com/y v1.10.0 is built from the folder ../y (go.mod replaces it); the server has example.com/y v1.9.1',
      fix: expect.stringMatching(
        /^the server links its own example\.com\/y v1\.9\.1 and refuses a plugin with other code under that path: remove the replace/,
      ),
      line: 7,
    });
  });
});
