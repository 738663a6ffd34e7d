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
