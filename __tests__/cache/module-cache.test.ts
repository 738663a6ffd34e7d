import { describe, expect, it } from 'vitest';
import {
  classifyRestore,
  goSumDigest,
  moduleCacheKeys,
  shouldSave,
  type ModuleCacheKeyInput,
} from '../../src/cache/module-cache';

// Known answers, independent of the code under test: sha256("") and sha256("abc") (FIPS 180-2).
const SHA_EMPTY = 'e3b0c44298fc1c149afbf4c8996fb924';
const SHA_ABC = 'ba7816bf8f01cfea414140de5dae2223';

describe('moduleCacheKeys', () => {
  const table: { name: string; input: ModuleCacheKeyInput; primary: string; restoreKeys: string[] }[] = [
    {
      name: 'Go version, OS and go.sum digest',
      input: { goVersion: '1.24.4', goSum: 'abc', os: 'linux' },
      primary: `flow-plugin-gomod-linux-go1.24.4-${SHA_ABC}`,
      restoreKeys: ['flow-plugin-gomod-linux-go1.24.4-'],
    },
    {
      name: 'a leading "go" in the version is dropped',
      input: { goVersion: 'go1.24.4', goSum: 'abc', os: 'linux' },
      primary: `flow-plugin-gomod-linux-go1.24.4-${SHA_ABC}`,
      restoreKeys: ['flow-plugin-gomod-linux-go1.24.4-'],
    },
    {
      name: 'empty go.sum is hashed like any text',
      input: { goVersion: '1.23.0', goSum: '', os: 'linux' },
      primary: `flow-plugin-gomod-linux-go1.23.0-${SHA_EMPTY}`,
      restoreKeys: ['flow-plugin-gomod-linux-go1.23.0-'],
    },
    {
      name: 'no go.sum',
      input: { goVersion: '1.23.0', goSum: undefined, os: 'linux' },
      primary: 'flow-plugin-gomod-linux-go1.23.0-nosum',
      restoreKeys: ['flow-plugin-gomod-linux-go1.23.0-'],
    },
    {
      name: 'release candidate version',
      input: { goVersion: '1.25rc1', goSum: 'abc', os: 'linux' },
      primary: `flow-plugin-gomod-linux-go1.25rc1-${SHA_ABC}`,
      restoreKeys: ['flow-plugin-gomod-linux-go1.25rc1-'],
    },
    {
      name: 'targets key: most specific restore key first, then any targets',
      input: { goVersion: '1.24.4', targetsKey: 'amd64.arm64', goSum: 'abc', os: 'linux' },
      primary: `flow-plugin-gomod-linux-go1.24.4-amd64.arm64-${SHA_ABC}`,
      restoreKeys: ['flow-plugin-gomod-linux-go1.24.4-amd64.arm64-', 'flow-plugin-gomod-linux-go1.24.4-'],
    },
  ];
  it.each(table)('$name', ({ input, primary, restoreKeys }) => {
    expect(moduleCacheKeys(input)).toEqual({ primary, restoreKeys });
  });

  it('every restore key is a prefix of the primary key, and no other Go version matches it', () => {
    for (const { input } of table) {
      const k = moduleCacheKeys(input);
      for (const r of k.restoreKeys) expect(k.primary.startsWith(r)).toBe(true);
    }
    const k1225 = moduleCacheKeys({ goVersion: '1.22.5', goSum: 'x', os: 'linux' });
    const k12250 = moduleCacheKeys({ goVersion: '1.22.50', goSum: 'x', os: 'linux' });
    expect(k12250.primary.startsWith(k1225.restoreKeys[0]!)).toBe(false);
  });

  it('CRLF and LF checkouts of the same go.sum give the same key; a changed go.sum another', () => {
    const lf = 'example.com/a v1.0.0 h1:x=\nexample.com/a v1.0.0/go.mod h1:y=\n';
    expect(goSumDigest(lf.replace(/\n/g, '\r\n'))).toBe(goSumDigest(lf));
    expect(goSumDigest(lf + 'example.com/b v1.0.0 h1:z=\n')).not.toBe(goSumDigest(lf));
    expect(goSumDigest(lf)).toMatch(/^[0-9a-f]{32}$/);
  });

  it.each([
    { goVersion: '', targetsKey: undefined, why: /Go version/ },
    { goVersion: '1.24,4', targetsKey: undefined, why: /Go version/ },
    { goVersion: '1.24-4', targetsKey: undefined, why: /Go version/ },
    { goVersion: '1.24.4', targetsKey: 'a,b', why: /targets key/ },
    { goVersion: '1.24.4', targetsKey: 'a-b', why: /targets key/ },
    { goVersion: '1.24.4', targetsKey: '', why: /targets key/ },
  ])('refuses $goVersion / $targetsKey', ({ goVersion, targetsKey, why }) => {
    expect(() =>
      moduleCacheKeys({
        goVersion,
        goSum: 'x',
        os: 'linux',
        ...(targetsKey !== undefined && { targetsKey }),
      }),
    ).toThrow(why);
  });

  it('keys fit the cache service limits (512 chars, no commas)', () => {
    const k = moduleCacheKeys({
      goVersion: '1.24.4',
      targetsKey: 'x'.repeat(100),
      goSum: 'y'.repeat(1e5),
      os: 'linux',
    });
    for (const key of [k.primary, ...k.restoreKeys]) {
      expect(key.length).toBeLessThanOrEqual(512);
      expect(key).not.toContain(',');
    }
  });
});

describe('restore result and save decision', () => {
  const keys = moduleCacheKeys({ goVersion: '1.24.4', goSum: 'abc', os: 'linux' });
  it.each([
    { matched: undefined, hit: 'miss', save: true },
    { matched: keys.primary, hit: 'exact', save: false },
    { matched: `flow-plugin-gomod-linux-go1.24.4-${SHA_EMPTY}`, hit: 'partial', save: true },
  ] as const)('matched $matched -> $hit, save $save', ({ matched, hit, save }) => {
    const r = classifyRestore(keys, matched);
    expect(r.hit).toBe(hit);
    expect(r.matchedKey).toBe(matched);
    expect(shouldSave(r)).toBe(save);
  });
  it('a skipped restore still saves (the save checks availability itself)', () => {
    expect(shouldSave({ hit: 'miss', skipped: 'unavailable' })).toBe(true);
  });
});
