import { describe, expect, it } from 'vitest';
import {
  compareGoVersions,
  goVersionFromToolchain,
  isValidGoVersion,
  parseGoVersionFile,
  resolveServerGoVersion,
  toolchainDirective,
} from '../../src/github/go-version';

describe('isValidGoVersion', () => {
  it.each([
    ['1.12.0', true],
    ['1.21rc1', true],
    ['1.22', true],
    ['1.18beta2', true],
    ['1.26.0', true],
    ['1.21.0rc1', false],
    ['1.2x', false],
    ['v1.22.0', false],
    ['go1.22.0', false],
    ['1.022', false],
    ['1.22.', false],
    ['1', false],
    ['1.21rc', false],
    ['', false],
  ])('%j -> %s', (v, ok) => expect(isValidGoVersion(v)).toBe(ok));
});

describe('parseGoVersionFile', () => {
  it.each([
    ['1.12.0\n', '1.12.0'],
    ['  1.22.4  \r\n', '1.22.4'],
    ['\n\n1.21rc1\n', '1.21rc1'],
    ['go1.22.0\n', '1.22.0'],
    ['\uFEFF1.20.1', '1.20.1'],
    ['', undefined],
    [' \n ', undefined],
  ])('%j -> %j', (text, expected) => expect(parseGoVersionFile(text)).toBe(expected));
});

describe('goVersionFromToolchain / toolchainDirective', () => {
  it.each([
    ['go1.26.0', '1.26.0'],
    ['go1.21rc1', '1.21rc1'],
    ['go1.21.0-custom', '1.21.0'],
    ['1.26.0', undefined],
    ['default', undefined],
    ['go1.x', undefined],
  ])('%j -> %j', (t, expected) => expect(goVersionFromToolchain(t)).toBe(expected));

  it('reads the toolchain line and ignores comments and other lines', () => {
    const mod =
      'module example.com/server/v2\n\ngo 1.24\n\n// toolchain go1.0.0\ntoolchain go1.26.0 // pinned\n';
    expect(toolchainDirective(mod)).toBe('go1.26.0');
    expect(toolchainDirective('module x\r\ngo 1.21\r\n')).toBeUndefined();
  });
});

describe('resolveServerGoVersion', () => {
  const mod = (toolchain?: string) => `module m\n\ngo 1.24\n${toolchain ? `toolchain ${toolchain}\n` : ''}`;
  it.each([
    // go 1.24 is newer than 1.12.0: a warning since issue 21.
    [{ goVersionFile: '1.12.0\n', goMod: mod() }, '1.12.0', 'GO_VERSION', 1],
    [{ goVersionFile: '1.26.0\n', goMod: mod('go1.26.0') }, '1.26.0', 'GO_VERSION', 0],
    [{ goVersionFile: '1.26.0\n', goMod: mod('go1.26.1') }, '1.26.0', 'GO_VERSION', 1],
    [{ goMod: mod('go1.26.0') }, '1.26.0', 'toolchain', 0],
    [{ goVersionFile: '\n', goMod: mod('go1.25.2') }, '1.25.2', 'toolchain', 0],
  ] as const)('%j -> %s from %s', (input, version, source, warnings) => {
    const got = resolveServerGoVersion({ tag: 'v3.0.0', ...input });
    expect(got).toMatchObject({ version, source });
    expect(got.warnings).toHaveLength(warnings);
  });

  it('warns naming both values when they disagree', () => {
    const got = resolveServerGoVersion({ tag: 'v3.0.0', goVersionFile: '1.26.0', goMod: mod('go1.26.1') });
    expect(got.warnings[0]).toBe(
      'GO_VERSION at v3.0.0 says 1.26.0 but go.mod says toolchain go1.26.1; using 1.26.0 from GO_VERSION.',
    );
  });

  it.each([
    [{ goMod: mod() }, /v1\.0\.0 has neither a GO_VERSION file nor a toolchain line/],
    [{}, /v1\.0\.0 has neither a GO_VERSION file nor a toolchain line/],
    [{ goVersionFile: 'latest\n' }, /GO_VERSION at v1\.0\.0 says "latest", which is not a Go version/],
    [{ goMod: mod('gofoo') }, /"toolchain gofoo" is not a Go toolchain/],
  ] as const)('%j fails: %s', (input, message) => {
    expect(() => resolveServerGoVersion({ tag: 'v1.0.0', ...input })).toThrow(message);
  });
});

describe('compareGoVersions', () => {
  it.each([
    ['1.22', '1.22rc1', -1],
    ['1.22rc1', '1.22.0', -1],
    ['1.22beta2', '1.22rc1', -1],
    ['1.22alpha1', '1.22beta1', -1],
    ['1.22.0', '1.22.1', -1],
    ['1.22.10', '1.22.9', 1],
    ['1.9.0', '1.10', -1],
    ['1.23', '1.23', 0],
    ['1.23.5', '1.24', -1],
    ['2.0', '1.99.99', 1],
  ])('%s vs %s', (a, b, sign) => {
    expect(Math.sign(compareGoVersions(a, b))).toBe(sign);
    expect(Math.sign(compareGoVersions(b, a)) + 0).toBe(-sign + 0); // + 0: no -0
  });

  it('refuses what is not a Go version', () => {
    expect(() => compareGoVersions('go1.22', '1.22')).toThrow(/not a Go version/);
  });
});

describe('issue 21: server metadata that disagrees with itself is a warning naming the value used', () => {
  it('a multi-line GO_VERSION: the first line, and a warning', () => {
    const r = resolveServerGoVersion({
      tag: 'v2.0.0',
      goVersionFile: '1.22.4\n1.23.0\n',
      goMod: 'module x\n\ngo 1.22\n',
    });
    expect(r.version).toBe('1.22.4');
    expect(r.warnings).toEqual(['GO_VERSION at v2.0.0 has 2 lines, not one; using its first, 1.22.4.']);
  });

  it("go.mod's go line newer than GO_VERSION (or the toolchain line): a warning saying which is used", () => {
    const r = resolveServerGoVersion({
      tag: 'v2.0.0',
      goVersionFile: '1.22.4\n',
      goMod: 'module x\n\ngo 1.24 // newer\n',
    });
    expect(r.version).toBe('1.22.4');
    expect(r.warnings).toEqual([
      expect.stringMatching(
        /^go\.mod at v2\.0\.0 says go 1\.24, newer than Go 1\.22\.4 from GO_VERSION, which cannot build it; using Go 1\.22\.4 from GO_VERSION/,
      ),
    ]);
    const t = resolveServerGoVersion({
      tag: 'v3.0.0',
      goMod: 'module x\n\ngo 1.25.1\n\ntoolchain go1.25.0\n',
    });
    expect(t.warnings).toEqual([
      expect.stringMatching(/says go 1\.25\.1, newer than Go 1\.25\.0 from the toolchain line/),
    ]);
  });

  it('an equal or older go line says nothing', () => {
    for (const go of ['1.22', '1.22.4', '1.21.0'])
      expect(
        resolveServerGoVersion({ tag: 'v', goVersionFile: '1.22.4', goMod: `module x\n\ngo ${go}\n` })
          .warnings,
      ).toEqual([]);
  });
});
