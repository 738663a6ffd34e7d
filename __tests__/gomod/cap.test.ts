// gomod-cap's rules (domain.md, "gomod-cap, exactly"), one table row or test per rule.
import { describe, expect, it } from 'vitest';
import { GoModError, capGoMod, parseGoMod } from '../../src/gomod';

const server = [
  'module example.com/server',
  '',
  'go 1.22',
  '',
  'require (',
  '\texample.com/lib v1.2.0',
  '\texample.com/low v1.9.0',
  '\texample.com/pseudo v0.0.0-20200101000000-abcdefabcdef',
  '\tgithub.com/old/thing v2.0.0+incompatible // indirect',
  ')',
  '',
  'replace example.com/lib => ../lib-fork',
  '',
].join('\n');

interface Row {
  name: string;
  plugin: string;
  want: string;
  changes: [string, string, string, number][];
}

const rows: Row[] = [
  {
    name: 'a higher plugin version is lowered',
    plugin: 'module p\n\nrequire example.com/lib v1.3.0\n',
    want: 'module p\n\nrequire example.com/lib v1.2.0\n',
    changes: [['example.com/lib', 'v1.3.0', 'v1.2.0', 3]],
  },
  {
    name: 'a lower plugin version is raised',
    plugin: 'module p\n\nrequire example.com/lib v1.1.0\n',
    want: 'module p\n\nrequire example.com/lib v1.2.0\n',
    changes: [['example.com/lib', 'v1.1.0', 'v1.2.0', 3]],
  },
  {
    name: 'versions compare as strings, not semver (v1.10.0 vs v1.9.0)',
    plugin: 'module p\n\nrequire example.com/low v1.10.0\n',
    want: 'module p\n\nrequire example.com/low v1.9.0\n',
    changes: [['example.com/low', 'v1.10.0', 'v1.9.0', 3]],
  },
  {
    name: '// indirect and other comments are kept',
    plugin:
      'module p\n\nrequire (\n\t// needed by lib\n\texample.com/lib v1.3.0 // indirect\n\texample.com/pseudo v0.1.0 // pinned\n)\n',
    want: 'module p\n\nrequire (\n\t// needed by lib\n\texample.com/lib v1.2.0 // indirect\n\texample.com/pseudo v0.0.0-20200101000000-abcdefabcdef // pinned\n)\n',
    changes: [
      ['example.com/lib', 'v1.3.0', 'v1.2.0', 5],
      ['example.com/pseudo', 'v0.1.0', 'v0.0.0-20200101000000-abcdefabcdef', 6],
    ],
  },
  {
    name: 'duplicates: the first line gets the version, the others go',
    plugin:
      'module p\n\nrequire (\n\texample.com/lib v1.3.0 // first\n\texample.com/x v1.0.0\n\texample.com/lib v1.4.0 // second\n)\n',
    want: 'module p\n\nrequire (\n\texample.com/lib v1.2.0 // first\n\texample.com/x v1.0.0\n)\n',
    changes: [
      ['example.com/lib', 'v1.3.0', 'v1.2.0', 4],
      ['example.com/lib', 'v1.4.0', 'v1.2.0', 6],
    ],
  },
  {
    name: 'a duplicate that differs after a matching first line still rewrites',
    plugin: 'module p\n\nrequire example.com/lib v1.2.0\n\nrequire example.com/lib v1.0.0\n',
    want: 'module p\n\nrequire example.com/lib v1.2.0\n',
    changes: [['example.com/lib', 'v1.0.0', 'v1.2.0', 5]],
  },
  {
    name: 'single-line requires in several statements, +incompatible',
    plugin: 'module p\nrequire github.com/old/thing v3.0.0+incompatible\nrequire example.com/lib v1.3.0\n',
    want: 'module p\n\nrequire github.com/old/thing v2.0.0+incompatible\n\nrequire example.com/lib v1.2.0\n',
    changes: [
      ['github.com/old/thing', 'v3.0.0+incompatible', 'v2.0.0+incompatible', 2],
      ['example.com/lib', 'v1.3.0', 'v1.2.0', 3],
    ],
  },
  {
    name: 'replace, exclude, go, toolchain, retract and godebug are left alone',
    plugin: [
      'module p',
      'go 1.26.0',
      'toolchain go1.26.0',
      'godebug panicnil=1',
      'require example.com/lib v1.3.0',
      'exclude example.com/lib v1.1.0',
      'replace example.com/lib v1.3.0 => ../mine',
      'retract v0.1.0',
      '',
    ].join('\n'),
    want: 'module p\n\ngo 1.26.0\n\ntoolchain go1.26.0\n\ngodebug panicnil=1\n\nrequire example.com/lib v1.2.0\n\nexclude example.com/lib v1.1.0\n\nreplace example.com/lib v1.3.0 => ../mine\n\nretract v0.1.0\n',
    changes: [['example.com/lib', 'v1.3.0', 'v1.2.0', 5]],
  },
  {
    name: 'modules only in one file are neither added nor removed; the result is canonical',
    plugin:
      'module p\r\n\r\nrequire (\r\n   example.com/only-plugin   v0.1.0\r\n\texample.com/lib v1.3.0\r\n)\r\n',
    want: 'module p\n\nrequire (\n\texample.com/lib v1.2.0\n\texample.com/only-plugin v0.1.0\n)\n',
    changes: [['example.com/lib', 'v1.3.0', 'v1.2.0', 5]],
  },
];

describe('capGoMod', () => {
  it.each(rows.map((r) => [r.name, r] as const))('%s', (_name, row) => {
    const r = capGoMod(server, row.plugin);
    expect(r.changes.map((c) => [c.module, c.from, c.to, c.line])).toEqual(row.changes);
    expect(r.changed).toBe(true);
    expect(r.text).toBe(row.want);
    // Capping the result again finds nothing to do.
    expect(capGoMod(server, r.text)).toEqual({ changed: false, text: r.text, changes: [] });
  });

  it('when nothing differs the text is returned untouched, byte for byte, even if not canonical', () => {
    const plugin =
      'module p\r\n\r\n\r\nrequire   example.com/lib   v1.2.0 // same\r\nrequire example.com/mine v0.0.1\r\n';
    expect(capGoMod(server, plugin)).toEqual({ changed: false, text: plugin, changes: [] });
  });

  it("the server's last line for a module wins", () => {
    const dupServer = 'module s\nrequire example.com/lib v1.0.0\nrequire example.com/lib v1.1.0\n';
    const r = capGoMod(dupServer, 'module p\nrequire example.com/lib v1.0.0\n');
    expect(r.changes.map((c) => c.to)).toEqual(['v1.1.0']);
  });

  it('lists every mismatch (for check mode), in file order', () => {
    const plugin =
      'module p\nrequire (\n\texample.com/low v1.0.0\n\texample.com/lib v1.0.0\n\texample.com/pseudo v0.2.0\n)\n';
    expect(capGoMod(server, plugin).changes.map((c) => `${c.module}@${c.line}`)).toEqual([
      'example.com/low@3',
      'example.com/lib@4',
      'example.com/pseudo@5',
    ]);
  });

  it('a change go mod edit would refuse (not an import path) is listed but not applied, as in the original', () => {
    // `go mod edit -require=example.com/ü@v1.1.0` fails with "malformed import path"; gomod-cap
    // ignores that failure and the file stays as it was.
    const plugin = 'module p\nrequire "example.com/ü" v1.0.0\n';
    const r = capGoMod('module s\nrequire "example.com/ü" v1.1.0\n', plugin);
    expect(r.changes.map((c) => [c.module, c.from, c.to])).toEqual([['example.com/ü', 'v1.0.0', 'v1.1.0']]);
    expect(r).toMatchObject({ changed: false, text: plugin });
  });

  it('invalid input throws GoModError naming the file it came from', () => {
    expect(() => capGoMod('module s\nrequire x\n', 'module p\n', { serverFile: 'server/go.mod' })).toThrow(
      /^server\/go\.mod:2:1: usage: require module\/path v1\.2\.3$/,
    );
    expect(() => capGoMod(server, 'module p\n/*', { pluginFile: 'plugin/go.mod' })).toThrow(GoModError);
  });
});

describe('serverRequires: the server go.mod already parsed by the caller', () => {
  it('gives the result of the server text, which is then not read at all', () => {
    const { require } = parseGoMod(server, 'server go.mod');
    for (const row of rows) {
      const fromText = capGoMod(server, row.plugin);
      expect(capGoMod('this is not a go.mod', row.plugin, { serverRequires: require }), row.name).toEqual(
        fromText,
      );
    }
  });
});
