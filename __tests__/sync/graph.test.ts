import { describe, expect, test } from 'vitest';
import {
  chainAboveLimits,
  compareBuildLists,
  formatChain,
  goModListsAll,
  parseModGraph,
  parseModuleList,
  parseUsedModules,
  requirementChain,
  serverModulesFromGoMod,
  splitJsonStream,
  type ListedModule,
} from '../../src/sync/graph';

// What `go list -m -json all` prints (Go 1.26, trimmed): concatenated objects, not an array.
const LIST = `{
	"Path": "example.com/plugin",
	"Main": true,
	"Dir": "/proj",
	"GoMod": "/proj/go.mod",
	"GoVersion": "1.19"
}
{
	"Path": "example.com/x",
	"Version": "v1.5.0",
	"Time": "2024-01-01T00:00:00Z",
	"GoVersion": "1.17"
}
{
	"Path": "example.com/y",
	"Version": "v1.10.0",
	"Indirect": true,
	"Dir": "/go/pkg/mod/example.com/y@v1.10.0 {braces} \\"quoted\\""
}
{
	"Path": "example.com/z",
	"Version": "v1.0.0",
	"Replace": {
		"Path": "example.com/z",
		"Version": "v1.0.1"
	}
}
`;

// What `go mod graph` prints after tidy (Go 1.21+ adds the go@ node).
const GRAPH = `example.com/plugin example.com/x@v1.5.0
example.com/plugin example.com/y@v1.10.0
example.com/plugin go@1.19
example.com/x@v1.5.0 example.com/y@v1.10.0
example.com/x@v1.5.0 go@1.17
example.com/x@v1.4.2 example.com/y@v1.9.0
`;

const m = (path: string, version: string, extra: Partial<ListedModule> = {}): ListedModule => ({
  path,
  version,
  main: false,
  indirect: false,
  ...extra,
});

describe('parsing what go prints', () => {
  test('go list -m -json all: every module, main, indirect, replace; strings with braces', () => {
    expect(parseModuleList(LIST)).toEqual([
      { path: 'example.com/plugin', version: '', main: true, indirect: false, goVersion: '1.19' },
      m('example.com/x', 'v1.5.0', { goVersion: '1.17' }),
      m('example.com/y', 'v1.10.0', { indirect: true }),
      m('example.com/z', 'v1.0.0', { replace: { path: 'example.com/z', version: 'v1.0.1' } }),
    ]);
  });

  test('a module with an error and no version, or broken JSON, throws with the reason', () => {
    expect(() => parseModuleList('{"Path":"a.com/b","Error":{"Err":"not found"}}')).toThrow(
      'a.com/b: not found',
    );
    // go list -e: a version whose .info a file proxy lacks still has its version.
    expect(
      parseModuleList('{"Path":"a.com/b","Version":"v1.0.0","Error":{"Err":"reading v1.0.0.info"}}'),
    ).toEqual([{ path: 'a.com/b', version: 'v1.0.0', main: false, indirect: false }]);
    expect(() => splitJsonStream('{"Path": "a"')).toThrow(/ends inside/);
    expect(splitJsonStream('')).toEqual([]);
  });

  test('go mod graph: edges in order, go@ and toolchain@ nodes left out', () => {
    const g = parseModGraph(GRAPH + 'example.com/plugin toolchain@go1.23.5\n');
    expect(g.get('example.com/plugin')).toEqual(['example.com/x@v1.5.0', 'example.com/y@v1.10.0']);
    expect(g.get('example.com/x@v1.5.0')).toEqual(['example.com/y@v1.10.0']);
    expect([...g.keys()]).not.toContain('go@1.19');
    expect(() => parseModGraph('a b c\n')).toThrow(/not "from to"/);
  });
});

describe("the server's modules", () => {
  test('go 1.17 and later list every module; older ones only direct dependencies', () => {
    expect([
      goModListsAll('1.17'),
      goModListsAll('1.26.0'),
      goModListsAll('1.16'),
      goModListsAll(undefined),
    ]).toEqual([true, true, false, false]);
  });

  test('from go.mod: requires, the replace that applies, the highest of duplicate lines', () => {
    const s = serverModulesFromGoMod(
      'module example.com/server\n\ngo 1.16\n\nrequire (\n\texample.com/y v1.9.1\n\texample.com/z v1.0.0\n\texample.com/y v1.8.0\n)\n\nreplace example.com/z => example.com/zz v1.1.0\n',
    );
    expect(s.complete).toBe(false);
    expect(s.modules).toEqual([
      { path: 'example.com/server', version: '', main: true, indirect: false },
      m('example.com/y', 'v1.9.1'),
      m('example.com/z', 'v1.0.0', { replace: { path: 'example.com/zz', version: 'v1.1.0' } }),
    ]);
  });
});

describe('comparing build lists', () => {
  const plugin = parseModuleList(LIST);
  test('every module both use; versions and replacements compared exactly', () => {
    const server = [
      m('example.com/server', '', { main: true }),
      m('example.com/y', 'v1.9.1'),
      m('example.com/z', 'v1.0.1'),
      m('example.com/only-server', 'v1.0.0'),
    ];
    const c = compareBuildLists(plugin, server);
    expect(c.shared.map((s) => s.module)).toEqual(['example.com/y', 'example.com/z']);
    // z: the plugin replaces v1.0.0 by v1.0.1, which is what the server has: no disagreement.
    expect(c.disagreements).toEqual([
      { module: 'example.com/y', kind: 'version', plugin: 'v1.10.0', server: 'v1.9.1' },
    ]);
  });

  test('only the modules the plugin links count when go list -deps says which they are', () => {
    const used = parseUsedModules('example.com/plugin\nexample.com/x\n\nexample.com/x\n');
    expect([...used]).toEqual(['example.com/plugin', 'example.com/x']);
    const server = [m('example.com/y', 'v1.9.1'), m('example.com/x', 'v1.4.0')];
    // y (in the build list for x's go.mod only) may drift: tidy does not keep its version.
    expect(compareBuildLists(plugin, server, used).disagreements.map((d) => d.module)).toEqual([
      'example.com/x',
    ]);
    expect(compareBuildLists(plugin, server).disagreements.map((d) => d.module)).toEqual([
      'example.com/x',
      'example.com/y',
    ]);
  });

  test('a replace that differs from the server is a plugin-replace; a server replace too', () => {
    const c = compareBuildLists(plugin, [
      m('example.com/z', 'v1.0.0'),
      m('example.com/x', 'v1.5.0', { replace: { path: '../x', version: '' } }),
    ]);
    expect(c.disagreements.map((d) => [d.module, d.kind])).toEqual([
      ['example.com/x', 'server-replace'],
      ['example.com/z', 'plugin-replace'],
    ]);
  });
});

describe('requirement chains', () => {
  const graph = parseModGraph(GRAPH);
  const list = parseModuleList(LIST);

  test("through the plugin's direct requirement, not the indirect line tidy wrote", () => {
    expect(formatChain(requirementChain(graph, list, 'example.com/y')!)).toBe(
      'plugin -> example.com/x v1.5.0 -> example.com/y v1.10.0',
    );
    expect(formatChain(requirementChain(graph, list, 'example.com/x')!)).toBe(
      'plugin -> example.com/x v1.5.0',
    );
    expect(requirementChain(graph, list, 'example.com/none')).toBeUndefined();
  });

  test('deep chains, selected versions only', () => {
    const deep = parseModGraph(
      [
        'p a@v1.0.0',
        'p b@v1.0.0',
        'p c@v1.0.0',
        'p y@v2.0.0',
        'a@v1.0.0 b@v1.0.0',
        'b@v1.0.0 c@v1.0.0',
        'b@v0.9.0 y@v2.0.0',
        'c@v1.0.0 y@v2.0.0',
      ].join('\n'),
    );
    const l = [
      m('p', '', { main: true }),
      m('a', 'v1.0.0'),
      m('b', 'v1.0.0', { indirect: true }),
      m('c', 'v1.0.0', { indirect: true }),
      m('y', 'v2.0.0', { indirect: true }),
    ];
    expect(formatChain(requirementChain(deep, l, 'y')!)).toBe(
      'plugin -> a v1.0.0 -> b v1.0.0 -> c v1.0.0 -> y v2.0.0',
    );
  });

  test("what makes a version need more than the server's", () => {
    const limits = new Map([['example.com/y', 'v1.9.1']]);
    expect(chainAboveLimits(graph, 'example.com/x@v1.5.0', limits)).toEqual([
      'example.com/x@v1.5.0',
      'example.com/y@v1.10.0',
    ]);
    expect(chainAboveLimits(graph, 'example.com/x@v1.4.2', limits)).toBeUndefined();
  });
});
