import { describe, expect, it } from 'vitest';
import { GoModError, fmtGoMod, formatGoMod, parseGoMod, parseGoModBytes } from '../../src/gomod';
import fc from 'fast-check';
import { asLatin1, latin1FromArray, latin1FromText } from '../../src/gomod/bytes';
import { GoModFile, compareLine, sortByLine } from '../../src/gomod/modfile';
import { checkImportPath, checkImportPathSlow } from '../../src/gomod/module';
import { newLine, type Line } from '../../src/gomod/syntax';
import { errorRows, fmtRows } from './tables';

describe('fmtGoMod (go mod edit -fmt)', () => {
  it.each(fmtRows.map((r) => [r.name, r] as const))('%s', (_name, row) => {
    expect(fmtGoMod(row.input)).toBe(row.want);
  });

  it('printing without sorting or cleanup keeps the statement order', () => {
    const f = parseGoMod('module m\nrequire (\n\tb.com/x v1.0.0\n\ta.com/x v1.0.0\n)\n');
    expect(formatGoMod(f)).toBe('module m\n\nrequire (\n\tb.com/x v1.0.0\n\ta.com/x v1.0.0\n)\n');
  });

  it('keeps bytes that are not UTF-8 in comments', () => {
    const data = Buffer.concat([Buffer.from('module m // '), Buffer.from([0xff, 0xfe]), Buffer.from('\n')]);
    const f = parseGoModBytes(data);
    expect(Buffer.from(f.formatLatin1(), 'latin1')).toEqual(data);
  });
});

describe('parse errors', () => {
  it.each(errorRows.map((r) => [r.name, r] as const))('%s', (_name, row) => {
    let err: unknown;
    try {
      parseGoMod(row.input);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(GoModError);
    const e = err as GoModError;
    expect({ file: e.file, line: e.line, column: e.column }).toEqual({
      file: 'go.mod',
      line: row.line,
      column: row.column,
    });
    expect(e.reason).toContain(row.reason);
    expect(e.message.startsWith(`go.mod:${row.line}:${row.column}: `)).toBe(true);
  });

  it('names the file it was given and reports every directive problem', () => {
    let err: GoModError | undefined;
    try {
      parseGoMod('module m\nfoo\nrequire example.com/a x\n', 'plugin/go.mod');
    } catch (e) {
      err = e as GoModError;
    }
    expect(err?.file).toBe('plugin/go.mod');
    expect(err?.problems.map((p) => p.line)).toEqual([2, 3]);
    expect(err?.message.split('\n')).toEqual([
      'plugin/go.mod:2:1: unknown directive: foo',
      'plugin/go.mod:3:1: require example.com/a: version "x" invalid: must be of the form v1.2.3',
    ]);
  });
});

describe('semantic views', () => {
  const text = [
    '// Deprecated: use example.com/new',
    'module example.com/m',
    'go 1.22',
    'toolchain go1.26.0',
    'godebug panicnil=1',
    'require (',
    '\texample.com/a v1.2 // indirect',
    '\t"example.com/b" v2.0.0+incompatible // indirect; via c',
    '\texample.com/c v0.0.0-20200101000000-abcdefabcdef //indirect',
    '\texample.com/d v1.0.0 // not indirect',
    ')',
    'exclude example.com/a v1.1.0',
    'replace example.com/a => ../a',
    'replace example.com/b v2.0.0+incompatible => example.com/fork v1.0.0',
    'retract (',
    '\t// broken build',
    '\t[v1.0.0, v1.0.5]',
    '\tv0.9.0',
    ')',
    'tool example.com/a/cmd/gen',
    'ignore ./web',
    '',
  ].join('\n');
  const f = parseGoMod(text);

  it('module, go, toolchain, godebug', () => {
    expect(f.module).toMatchObject({ path: 'example.com/m', deprecated: 'use example.com/new', line: 2 });
    expect(f.go?.version).toBe('1.22');
    expect(f.toolchain?.name).toBe('go1.26.0');
    expect(f.godebug.map((g) => [g.key, g.value])).toEqual([['panicnil', '1']]);
  });

  it('require lines: unquoted paths, canonical versions, indirect markers, lines', () => {
    expect(f.require.map(({ path, version, indirect, line }) => ({ path, version, indirect, line }))).toEqual(
      [
        { path: 'example.com/a', version: 'v1.2.0', indirect: true, line: 7 },
        { path: 'example.com/b', version: 'v2.0.0+incompatible', indirect: true, line: 8 },
        { path: 'example.com/c', version: 'v0.0.0-20200101000000-abcdefabcdef', indirect: true, line: 9 },
        { path: 'example.com/d', version: 'v1.0.0', indirect: false, line: 10 },
      ],
    );
  });

  it('exclude, replace, retract (ranges and rationale), tool, ignore', () => {
    expect(f.exclude.map((x) => [x.path, x.version])).toEqual([['example.com/a', 'v1.1.0']]);
    expect(
      f.replace.map(({ oldPath, oldVersion, newPath, newVersion }) => [
        oldPath,
        oldVersion,
        newPath,
        newVersion,
      ]),
    ).toEqual([
      ['example.com/a', '', '../a', ''],
      ['example.com/b', 'v2.0.0+incompatible', 'example.com/fork', 'v1.0.0'],
    ]);
    expect(f.retract.map(({ low, high, rationale }) => [low, high, rationale])).toEqual([
      ['v1.0.0', 'v1.0.5', 'broken build'],
      ['v0.9.0', 'v0.9.0', ''],
    ]);
    expect(f.tool.map((t) => t.path)).toEqual(['example.com/a/cmd/gen']);
    expect(f.ignore.map((t) => t.path)).toEqual(['./web']);
  });
});

describe('edits', () => {
  const base = [
    'module m',
    '',
    'go 1.21',
    '',
    'require (',
    '\t// about a',
    '\texample.com/a v1.0.0 // indirect',
    '\texample.com/b v1.0.0',
    '\texample.com/a v1.5.0 // dup',
    ')',
    '',
    'require example.com/c v1.0.0 // single',
    '',
  ].join('\n');

  function edited(fn: (f: ReturnType<typeof parseGoMod>) => void): string {
    const f = parseGoMod(base);
    fn(f);
    f.sortBlocks();
    f.cleanup();
    return formatGoMod(f);
  }

  it('addRequire sets the first line for the path, keeps its comments, removes the others', () => {
    expect(edited((f) => f.addRequire('example.com/a', 'v1.2.0'))).toBe(
      'module m\n\ngo 1.21\n\nrequire (\n\t// about a\n\texample.com/a v1.2.0 // indirect\n\texample.com/b v1.0.0\n)\n\nrequire example.com/c v1.0.0 // single\n',
    );
  });

  it('addRequire on a single line keeps it a single line with its comment', () => {
    expect(edited((f) => f.addRequire('example.com/c', 'v0.9.0'))).toContain(
      'require example.com/c v0.9.0 // single\n',
    );
  });

  it('addRequire adds a missing module to the last require statement', () => {
    const out = edited((f) => f.addRequire('example.com/new', 'v1.0.0'));
    expect(out).toContain('require (\n\texample.com/c v1.0.0 // single\n\texample.com/new v1.0.0\n)\n');
  });

  it('setRequire keeps first lines, drops the rest and duplicates, marks indirect', () => {
    const out = edited((f) =>
      f.setRequire([
        { path: 'example.com/a', version: 'v1.3.0', indirect: false },
        { path: 'example.com/c', version: 'v1.0.0', indirect: true },
      ]),
    );
    expect(out).toBe(
      // The block is left with one line, so cleanup makes it a single line.
      'module m\n\ngo 1.21\n\n// about a\nrequire example.com/a v1.3.0\n\nrequire example.com/c v1.0.0 // indirect; single\n',
    );
  });

  it('setGo and setToolchain update or add lines after module and go', () => {
    expect(edited((f) => f.setGo('1.24.0'))).toContain('\ngo 1.24.0\n');
    expect(edited((f) => f.setToolchain('go1.26.0'))).toMatch(
      /^module m\n\ngo 1.21\n\ntoolchain go1.26.0\n\nrequire/,
    );
    expect(() => parseGoMod(base).setGo('1.x')).toThrow(/invalid language version/);
    expect(() => parseGoMod(base).setToolchain('1.22')).toThrow(/invalid toolchain name/);
    expect(edited((f) => f.dropGo())).toBe(edited(() => undefined).replace('go 1.21\n\n', ''));
  });
});

describe('sorting a block by its tokens (sortByLine)', () => {
  const line = (token: string[], id: number): Line => ({
    ...newLine(token.map(asLatin1), true),
    start: { line: id, lineRune: 1, byte: 0 },
  });
  const tokenArb = fc.oneof(
    fc.constantFrom('a', 'ab', 'a/b', 'a.b', 'v1.0.0', 'v1.0.0-pre', '"a b"', '=>', 'b'),
    fc.string({
      unit: fc.constantFrom('a', 'b', '/', '.', '\x02', '\u00ff', '-'),
      minLength: 1,
      maxLength: 4,
    }),
  );

  it('gives the stable comparator sort, prefixes and repeated lines included', () => {
    fc.assert(
      fc.property(fc.array(fc.array(tokenArb, { minLength: 0, maxLength: 3 }), { maxLength: 40 }), (toks) => {
        const lines = toks.map((t, i) => line(t, i));
        const want = [...lines].sort(compareLine).map((l) => l.start.line);
        expect(sortByLine(lines)?.map((l) => l.start.line)).toEqual(want);
      }),
      { seed: 12, numRuns: 500 },
    );
  });

  it('leaves a block with a separator character in a token to the comparator', () => {
    expect(sortByLine([line(['a\x01'], 0), line(['a'], 1)])).toBeUndefined();
    expect(sortByLine([line(['a\x00b'], 0)])).toBeUndefined();
    expect(sortByLine([line([''], 0), line([], 1)])).toBeUndefined();
  });
});

describe('bytes and text are different types', () => {
  it('Latin1 strings come from a conversion, so text is not parsed as bytes by mistake', () => {
    const text = 'module m // caf\u00e9\n';
    // @ts-expect-error text is not Latin1: convert it with latin1FromText (typecheck fails if it were)
    expect(GoModFile.parseLatin1('go.mod', text).module?.path).toBe('m');
    const bytes = latin1FromText(text);
    expect(bytes).toBe('module m // caf\u00c3\u00a9\n');
    expect(latin1FromArray(Buffer.from(text))).toBe(bytes);
    expect(GoModFile.parseLatin1('go.mod', bytes).formatLatin1()).toBe(bytes);
  });
});

describe('checkImportPath', () => {
  it('the regular-expression fast path agrees with the element-by-element check', () => {
    const unit = fc.constantFrom(
      'a',
      'Z',
      '0',
      '-',
      '.',
      '_',
      '+',
      '~',
      '/',
      '1',
      'c',
      'o',
      'n',
      'm',
      'x',
      '\u00e9',
      ' ',
    );
    const word = fc.constantFrom('con', 'COM1', 'lpt9', 'nul', 'aux.txt', 'prn', 'com0', 'x~1', 'a.');
    const path = fc
      .array(fc.oneof(fc.string({ unit, maxLength: 6 }), word), { minLength: 1, maxLength: 4 })
      .map((parts) => parts.join('/'));
    fc.assert(
      fc.property(path, (p) => {
        expect(checkImportPath(p)).toBe(checkImportPathSlow(p));
      }),
      { seed: 7, numRuns: 5000 },
    );
    for (const p of ['github.com/a/b', 'example.com/CON', 'x/com1.go', 'a/b.', '-a/b', 'a//b', 'a/b~1']) {
      expect(checkImportPath(p)).toBe(checkImportPathSlow(p));
    }
    expect(checkImportPath('github.com/org1/mod1')).toBeUndefined();
    expect(checkImportPath('example.com/x/Nul.txt')).toMatch(
      /disallowed as path element component on Windows/,
    );
  });
});
