// Ambiguous imports between a module and a nested module split out of it, as data: Go's error
// (the real one, from github.com/ugorji/go), the pair, the probe's answers and the repair.
import { describe, expect, test } from 'vitest';
import {
  candidateVersions,
  decideRepair,
  parseAmbiguousImports,
  parseProbe,
  parseVersionList,
  splitPair,
  type SplitPair,
} from '../../src/sync/ambiguous';

// `go mod tidy` (Go 1.26) on a go 1.16 plugin requiring github.com/ugorji/go v1.1.4 and an old codec.
const TIDY = `go: downloading github.com/ugorji/go v1.1.4
go: example.com/plug imports
	github.com/gin-gonic/gin/binding imports
	github.com/ugorji/go/codec: ambiguous import: found package github.com/ugorji/go/codec in multiple modules:
	github.com/ugorji/go v1.1.4 (/go/pkg/mod/github.com/ugorji/go@v1.1.4/codec)
	github.com/ugorji/go/codec v0.0.0-20181204163529-d75b2dcb6bc8 (/go/pkg/mod/github.com/ugorji/go/codec@v0.0.0-20181204163529-d75b2dcb6bc8)
go: example.com/plug imports
	other.example/x: cannot find module providing package other.example/x
`;

const UGORJI: SplitPair = {
  pkg: 'github.com/ugorji/go/codec',
  parent: { path: 'github.com/ugorji/go', version: 'v1.1.4' },
  nested: { path: 'github.com/ugorji/go/codec', version: 'v0.0.0-20181204163529-d75b2dcb6bc8' },
  dir: 'codec',
};

describe('parseAmbiguousImports and splitPair', () => {
  test("Go's block: the package and its modules, shortest path first; the pair and the package's folder", () => {
    const found = parseAmbiguousImports(TIDY);
    expect(found).toEqual([
      {
        pkg: 'github.com/ugorji/go/codec',
        modules: [
          { path: 'github.com/ugorji/go', version: 'v1.1.4' },
          { path: 'github.com/ugorji/go/codec', version: 'v0.0.0-20181204163529-d75b2dcb6bc8' },
        ],
      },
    ]);
    expect(splitPair(found[0]!)).toEqual(UGORJI);
  });

  test('a package under the nested module (codec/sub) is in folder codec/sub of the parent', () => {
    const pair = splitPair({
      pkg: 'example.com/split/codec/sub',
      modules: [
        { path: 'example.com/split', version: 'v1.0.0' },
        { path: 'example.com/split/codec', version: 'v0.1.0' },
      ],
    });
    expect(pair?.dir).toBe('codec/sub');
  });

  test('not a split: ambiguity between directories, unrelated modules, or no error at all', () => {
    expect(
      parseAmbiguousImports(
        'ambiguous import: found package example.com/p in multiple directories:\n\t/proj/vendor/example.com/p\n\t/go/pkg/mod/example.com/p@v1.0.0\n',
      ),
    ).toEqual([]);
    expect(
      splitPair({
        pkg: 'example.com/a/p',
        modules: [
          { path: 'example.com/a', version: 'v1.0.0' },
          { path: 'example.com/ab', version: 'v1.0.0' },
        ],
      }),
    ).toBeUndefined();
    expect(parseAmbiguousImports('go: example.com/plug imports\n\tx: cannot find module\n')).toEqual([]);
  });
});

describe('the probe', () => {
  test('candidates: valid versions newer than the parent in the build list, ascending, bounded', () => {
    const listed = parseVersionList(
      'github.com/ugorji/go v1.1.1 v1.1.2 v1.1.4 v1.1.7 v1.2.5 v1.2.14 v1.2.6\n',
      'github.com/ugorji/go',
    );
    expect(candidateVersions(UGORJI, listed)).toEqual(['v1.1.7', 'v1.2.5', 'v1.2.6', 'v1.2.14']);
    expect(candidateVersions(UGORJI, listed, 2)).toEqual(['v1.1.7', 'v1.2.5']);
    expect(parseVersionList('other v1\n', 'github.com/ugorji/go')).toEqual([]);
  });

  test('answers, in order; unknown lines ignored', () => {
    expect(parseProbe('holds v1.1.6\nfailed x@v1\ngone v1.1.7\n')).toEqual([
      { version: 'v1.1.6', holds: true },
      { version: 'v1.1.7', holds: false },
    ]);
  });
});

describe('decideRepair', () => {
  const nested = ['v1.1.7', 'v1.2.5'];

  test('the nested module at the lowest parent version that no longer holds the package, explained', () => {
    const d = decideRepair(UGORJI, [{ version: 'v1.1.7', holds: false }], nested);
    expect(d).toEqual({
      kind: 'require',
      query: 'github.com/ugorji/go/codec@v1.1.7',
      change: {
        module: 'github.com/ugorji/go/codec',
        from: 'v0.0.0-20181204163529-d75b2dcb6bc8',
        to: 'v1.1.7',
        step: 'align',
        reason:
          'ambiguous import: github.com/ugorji/go v1.1.4 and github.com/ugorji/go/codec v0.0.0-20181204163529-d75b2dcb6bc8 both hold package github.com/ugorji/go/codec; github.com/ugorji/go no longer holds it from v1.1.7, where github.com/ugorji/go/codec was split out',
      },
    });
  });

  test('versions that still hold it are passed over', () => {
    const d = decideRepair(
      UGORJI,
      [
        { version: 'v1.1.6', holds: true },
        { version: 'v1.2.5', holds: false },
      ],
      nested,
    );
    expect(d.kind === 'require' && d.query).toBe('github.com/ugorji/go/codec@v1.2.5');
  });

  test('the nested module has no such version, or already a newer one: the parent at the split instead', () => {
    const d = decideRepair(UGORJI, [{ version: 'v1.1.7', holds: false }], ['v1.2.5']);
    expect(d.kind === 'require' && [d.query, d.change.from, d.change.to]).toEqual([
      'github.com/ugorji/go@v1.1.7',
      'v1.1.4',
      'v1.1.7',
    ]);
    const newer = { ...UGORJI, nested: { ...UGORJI.nested, version: 'v1.2.5' } };
    const d2 = decideRepair(newer, [{ version: 'v1.1.7', holds: false }], nested);
    expect(d2.kind === 'require' && d2.query).toBe('github.com/ugorji/go@v1.1.7');
  });

  test('every newer parent still holds it (or none is published): stuck, saying what to do', () => {
    const d = decideRepair(UGORJI, [{ version: 'v1.1.6', holds: true }], nested);
    expect(d.kind).toBe('stuck');
    expect(d.kind === 'stuck' && d.message).toContain(
      'still holds it in every newer version probed (v1.1.6)',
    );
    const none = decideRepair(UGORJI, [], nested);
    expect(none.kind === 'stuck' && none.message).toContain('no newer version is published');
  });
});
