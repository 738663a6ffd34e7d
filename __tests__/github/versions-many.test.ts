import { describe, expect, it } from 'vitest';
import { selectServerTags, VersionResolutionError, type VersionCandidate } from '../../src/github/versions';

const rel = (tag: string, extra: Partial<VersionCandidate> = {}): VersionCandidate => ({
  tag,
  source: 'release',
  ...extra,
});

// Like gotify/server's releases around v2.6 (and a marked prerelease, a semver prerelease, a draft).
const repo: VersionCandidate[] = [
  rel('v2.1.4'),
  rel('v2.5.0'),
  rel('v2.6.0'),
  rel('v2.6.1'),
  rel('v2.7.0', { prerelease: true }),
  rel('v2.8.0'),
  rel('v2.9.0-rc.1', { prerelease: true }),
  rel('v2.9.1'),
  rel('v3.0.0', { draft: true }),
];
const tags = (specs: string[], opts: { max?: number; includePrereleases?: boolean } = {}) => {
  const r = selectServerTags(repo, specs, {
    max: opts.max ?? 10,
    includePrereleases: opts.includePrereleases,
  });
  return { tags: r.selected.map((s) => s.tag), leftOut: r.leftOut };
};

describe('selectServerTags', () => {
  it('a range selects every matching release, newest first', () => {
    expect(tags(['>=2.6 <3'])).toEqual({ tags: ['v2.9.1', 'v2.8.0', 'v2.6.1', 'v2.6.0'], leftOut: [] });
  });

  it('caps at the newest max and says what it left out', () => {
    expect(tags(['>=2'], { max: 2 })).toEqual({
      tags: ['v2.9.1', 'v2.8.0'],
      leftOut: ['v2.6.1', 'v2.6.0', 'v2.5.0', 'v2.1.4'],
    });
  });

  it('exact tags, latest and ranges together: the union, each release once, newest first', () => {
    expect(tags(['v2.1.4', 'latest', '~2.6', '2.9.1']).tags).toEqual([
      'v2.9.1',
      'v2.6.1',
      'v2.6.0',
      'v2.1.4',
    ]);
  });

  it('prereleases only when asked (or when named)', () => {
    expect(tags(['>=2.6 <3']).tags).not.toContain('v2.7.0');
    expect(tags(['>=2.6 <3'], { includePrereleases: true }).tags).toEqual([
      'v2.9.1',
      'v2.9.0-rc.1',
      'v2.8.0',
      'v2.7.0',
      'v2.6.1',
      'v2.6.0',
    ]);
    expect(tags(['v2.9.0-rc.1']).tags).toEqual(['v2.9.0-rc.1']);
  });

  it('never a draft', () => {
    expect(tags(['>=2.9']).tags).toEqual(['v2.9.1']);
  });

  it('a spec that matches nothing fails with the one-release error', () => {
    expect(() => tags(['v2.6.0', '>=4'])).toThrow(VersionResolutionError);
    expect(() => tags(['v9.9.9'])).toThrow(/not found/);
    expect(() => tags([])).toThrow(/empty/);
  });
});

describe('issue 27: N exact tags against M releases is linear', () => {
  /** M releases whose fields count every read (the work a resolution does per candidate). */
  function countedRepo(m: number): { candidates: VersionCandidate[]; reads: () => number } {
    let reads = 0;
    const candidates = Array.from({ length: m }, (_, i) => {
      const fields: VersionCandidate = {
        tag: `v1.${i}.0`,
        source: 'release',
        draft: false,
        prerelease: false,
      };
      const c = {} as VersionCandidate;
      for (const [k, v] of Object.entries(fields)) {
        Object.defineProperty(c, k, {
          enumerable: true,
          get: () => {
            reads++;
            return v;
          },
        });
      }
      return c;
    });
    return { candidates, reads: () => reads };
  }

  it('4000 exact tags against 4000 releases read each release a bounded number of times', () => {
    const n = 4000;
    const { candidates, reads } = countedRepo(n);
    const specs = Array.from({ length: n }, (_, i) => `v1.${n - 1 - i}.0`);
    const r = selectServerTags(candidates, specs, { max: n });
    expect(r.selected).toHaveLength(n);
    expect(r.selected[0]!.tag).toBe(`v1.${n - 1}.0`);
    // A scan per tag reads every release for every tag (16 million reads); an index reads each a few times.
    expect(reads()).toBeLessThanOrEqual(10 * n);
  });

  it('the bound holds for a few tags too (the count grows with M, not N x M)', () => {
    const { candidates, reads } = countedRepo(100);
    selectServerTags(candidates, ['v1.3.0', '1.4.0', 'v1.99.0'], { max: 10 });
    const few = reads();
    const big = countedRepo(100);
    selectServerTags(
      big.candidates,
      Array.from({ length: 100 }, (_, i) => `v1.${i}.0`),
      { max: 100 },
    );
    expect(big.reads()).toBe(few);
  });
});
