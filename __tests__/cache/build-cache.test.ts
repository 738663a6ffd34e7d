import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  buildCacheKeys,
  imagesDigest,
  rebuildsAll,
  type BuildCacheKeyInput,
} from '../../src/cache/build-cache';

// Known answer, independent of the code under test: sha256("abc") (FIPS 180-2).
const SHA_ABC = 'ba7816bf8f01cfea414140de5dae2223';
const ID_A = `sha256:${'a'.repeat(64)}`;
const ID_B = `sha256:${'b'.repeat(64)}`;
const ID_C = `sha256:${'c'.repeat(64)}`;
const two = [
  { target: 'linux-amd64', imageId: ID_A },
  { target: 'linux-arm64', imageId: ID_B },
];
// The images component computed here from its definition: sorted "<target> <id>\n" lines.
const TWO = createHash('sha256')
  .update(`linux-amd64 ${ID_A}\nlinux-arm64 ${ID_B}\n`)
  .digest('hex')
  .slice(0, 16);

describe('buildCacheKeys', () => {
  const input = (over: Partial<BuildCacheKeyInput> = {}): BuildCacheKeyInput => ({
    goVersion: '1.24.4',
    images: two,
    goSum: 'abc',
    os: 'linux',
    ...over,
  });

  it.each([
    {
      name: 'Go version, images of the targets, go.sum digest; restore key: same Go and images',
      input: input(),
      primary: `flow-plugin-gobuild-linux-go1.24.4-${TWO}-${SHA_ABC}`,
      restoreKeys: [`flow-plugin-gobuild-linux-go1.24.4-${TWO}-`],
    },
    {
      name: 'the order of the targets does not matter',
      input: input({ images: [...two].reverse() }),
      primary: `flow-plugin-gobuild-linux-go1.24.4-${TWO}-${SHA_ABC}`,
      restoreKeys: [`flow-plugin-gobuild-linux-go1.24.4-${TWO}-`],
    },
    {
      name: 'a leading "go" is dropped; no go.sum',
      input: input({ goVersion: 'go1.24.4', goSum: undefined }),
      primary: `flow-plugin-gobuild-linux-go1.24.4-${TWO}-nosum`,
      restoreKeys: [`flow-plugin-gobuild-linux-go1.24.4-${TWO}-`],
    },
  ])('$name', ({ input, primary, restoreKeys }) => {
    expect(buildCacheKeys(input)).toEqual({ primary, restoreKeys });
  });

  it('a changed go.sum keeps the restore key (the compiled standard library is reused)', () => {
    const a = buildCacheKeys(input());
    const b = buildCacheKeys(input({ goSum: 'abc\nexample.com/x v1.0.0 h1:y=\n' }));
    expect(b.primary).not.toBe(a.primary);
    expect(b.restoreKeys).toEqual(a.restoreKeys);
    expect(a.primary.startsWith(b.restoreKeys[0]!)).toBe(true);
  });

  it.each([
    ['another Go version', input({ goVersion: '1.24.5' })],
    ['a rebuilt image', input({ images: [two[0]!, { target: 'linux-arm64', imageId: ID_C }] })],
    ['another target set', input({ images: [two[0]!] })],
    ['the same images for other targets', input({ images: [{ ...two[0]!, target: 'linux-386' }, two[1]!] })],
  ])('%s: neither the key nor the restore key matches', (_, other) => {
    const a = buildCacheKeys(input());
    const b = buildCacheKeys(other);
    expect(a.primary.startsWith(b.restoreKeys[0]!)).toBe(false);
    expect(b.primary.startsWith(a.restoreKeys[0]!)).toBe(false);
  });

  it('CRLF and LF go.sum give the same key; keys fit the service (512 chars, no commas)', () => {
    const lf = 'example.com/a v1.0.0 h1:x=\n';
    expect(buildCacheKeys(input({ goSum: lf.replace(/\n/g, '\r\n') }))).toEqual(
      buildCacheKeys(input({ goSum: lf })),
    );
    const many = Array.from({ length: 40 }, (_, i) => ({ target: `linux-t${i}`, imageId: ID_A }));
    const k = buildCacheKeys(input({ images: many, goSum: 'y'.repeat(1e5) }));
    for (const key of [k.primary, ...k.restoreKeys]) {
      expect(key.length).toBeLessThanOrEqual(512);
      expect(key).not.toContain(',');
    }
  });

  it.each([
    [{ goVersion: '1.24,4' }, /Go version "1.24,4"/],
    [{ images: [] }, /no target/],
    [
      { images: [{ target: 'linux-amd64', imageId: 'flow/build:1.24.4-linux-amd64' }] },
      /linux-amd64.*is not an image ID/,
    ],
  ] as const)('refuses %j', (over, why) => {
    expect(() => buildCacheKeys(input(over as Partial<BuildCacheKeyInput>))).toThrow(why);
  });

  it('imagesDigest is 16 hex digits', () => {
    expect(imagesDigest(two)).toMatch(/^[0-9a-f]{16}$/);
  });
});

describe('rebuildsAll (-a in build-flags bypasses the build cache)', () => {
  it.each([
    [['-mod=readonly', '-a', '-installsuffix', 'cgo'], true],
    [['--a'], true],
    [['-a=true'], true],
    [['-a=1'], true],
    [['-a=false'], false],
    [['-a=0'], false],
    [['-mod=readonly', '-installsuffix', 'cgo'], false],
    [['-asmflags=-S'], false],
    [['-tags', 'a'], false],
    [[], false],
  ])('%j -> %s', (flags, want) => {
    expect(rebuildsAll(flags)).toBe(want);
  });
});
