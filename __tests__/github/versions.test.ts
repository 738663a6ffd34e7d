import { describe, expect, it } from 'vitest';
import semver from 'semver';
import {
  parseVersionSpec,
  selectServerTag,
  VersionResolutionError,
  type VersionCandidate,
} from '../../src/github/versions';

const rel = (tag: string, extra: Partial<VersionCandidate> = {}): VersionCandidate => ({
  tag,
  source: 'release',
  ...extra,
});
const tag = (t: string): VersionCandidate => ({ tag: t, source: 'tag' });

// A repository like gotify/server: releases, a draft, prereleases, tags without releases.
const repo: VersionCandidate[] = [
  rel('v1.2.1'),
  rel('v2.0.0'),
  rel('v2.4.2'),
  rel('v2.6.0'),
  rel('v2.6.3'),
  rel('v2.7.0', { prerelease: true }), // marked prerelease on GitHub, plain tag
  rel('v3.0.0-rc.1', { prerelease: true }),
  rel('v3.0.0'),
  rel('v3.1.0', { draft: true }),
  rel('nightly'),
  ...['v1.2.1', 'v2.0.0', 'v2.4.2', 'v2.5.0', 'v2.6.0', 'v2.6.3', 'v2.7.0', 'v3.0.0-rc.1', 'v3.0.0'].map(tag),
  tag('v2.9.9-beta.1'),
  tag('legacy-1'),
];

describe('selectServerTag', () => {
  it.each([
    // [spec, includePrereleases, expected tag, expected source]
    ['latest', false, 'v3.0.0', 'release'],
    ['LATEST', false, 'v3.0.0', 'release'],
    ['latest', true, 'v3.0.0', 'release'],
    ['v2.0.0', false, 'v2.0.0', 'release'],
    ['2.0.0', false, 'v2.0.0', 'release'],
    ['v2.5.0', false, 'v2.5.0', 'tag'], // exact tag without a release is accepted
    ['2.5.0', false, 'v2.5.0', 'tag'],
    ['v2.7.0', false, 'v2.7.0', 'release'], // named exactly: prerelease is fine
    ['legacy-1', false, 'legacy-1', 'tag'],
    ['nightly', false, 'nightly', 'release'],
    ['^2.6', false, 'v2.6.3', 'release'], // v2.7.0 is marked prerelease
    ['^2.6', true, 'v2.7.0', 'release'],
    ['2.x', false, 'v2.6.3', 'release'],
    ['>=2.4 <3', false, 'v2.6.3', 'release'],
    ['>=2.4 <3', true, 'v2.7.0', 'release'],
    ['~2.4', false, 'v2.4.2', 'release'],
    ['^1', false, 'v1.2.1', 'release'],
    ['*', false, 'v3.0.0', 'release'],
    ['>=3.0.0-rc.0 <3.0.0', false, 'v3.0.0-rc.1', 'release'], // the range names a prerelease
    ['3.0.0-rc.1', false, 'v3.0.0-rc.1', 'release'],
    ['>=3.0.0-rc.0 <3.0.0 || ^9', false, 'v3.0.0-rc.1', 'release'],
    ['v3', false, 'v3.0.0', 'release'],
  ] as const)('%s (prereleases: %s) -> %s from %s', (spec, includePrereleases, expected, source) => {
    const got = selectServerTag(repo, spec, { includePrereleases });
    expect(got.tag).toBe(expected);
    expect(got.source).toBe(source);
  });

  it.each([
    // [spec, options, message fragments]
    ['v3.1.0', {}, ['"v3.1.0" is only a draft release', 'publish it first']],
    ['3.1.0', {}, ['"3.1.0" is only a draft release']],
    ['^3.1', {}, ['No server release matches the range "^3.1"', 'v3.0.0, v2.6.3, v2.6.0, v2.4.2, v2.0.0']],
    ['v9.9.9', {}, ['"v9.9.9" was not found as a tag or a release', 'Available (highest first): v3.0.0,']],
    ['^2.9', {}, ['matches the range "^2.9"', 'Set server-version to one of these, to a range such as "^3"']],
    ['^2.7', {}, ['Prereleases that match: v2.7.0; set include-prereleases: true']],
  ] as const)('%s fails with a message that says what to write', (spec, options, fragments) => {
    let error: unknown;
    try {
      selectServerTag(repo, spec, options);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(VersionResolutionError);
    for (const f of fragments) expect((error as Error).message).toContain(f);
  });

  it('lists at most the five highest published versions, highest first', () => {
    try {
      selectServerTag(repo, '^7', {});
      expect.unreachable();
    } catch (e) {
      expect((e as VersionResolutionError).available).toEqual([
        'v3.0.0',
        'v2.6.3',
        'v2.6.0',
        'v2.4.2',
        'v2.0.0',
      ]);
    }
  });

  it('resolves latest and ranges from tags when the repository has no releases', () => {
    const tagsOnly = ['v1.0.0', 'v1.1.0', 'v2.0.0-rc1', 'v1.10.0', 'not-semver'].map(tag);
    expect(selectServerTag(tagsOnly, 'latest')).toEqual({ tag: 'v1.10.0', source: 'tag', prerelease: false });
    expect(selectServerTag(tagsOnly, 'latest', { includePrereleases: true }).tag).toBe('v2.0.0-rc1');
    expect(selectServerTag(tagsOnly, '~1.1').tag).toBe('v1.1.0');
    expect(() => selectServerTag(tagsOnly, '^3')).toThrow(
      /No server tag matches the range "\^3".*v1\.10\.0, v1\.1\.0, v1\.0\.0/,
    );
  });

  it('a repository whose only releases are drafts resolves from its tags', () => {
    const c = [rel('v2.0.0', { draft: true }), tag('v1.0.0')];
    expect(selectServerTag(c, 'latest')).toEqual({ tag: 'v1.0.0', source: 'tag', prerelease: false });
  });

  it('only prereleases: latest says to set include-prereleases', () => {
    const c = [rel('v1.0.0-beta.1', { prerelease: true }), rel('v1.0.0-beta.2', { prerelease: true })];
    expect(() => selectServerTag(c, 'latest')).toThrow(
      /only prereleases \(v1\.0\.0-beta\.2, v1\.0\.0-beta\.1\).*include-prereleases: true/,
    );
    expect(selectServerTag(c, 'latest', { includePrereleases: true }).tag).toBe('v1.0.0-beta.2');
  });

  it('an empty repository says so', () => {
    expect(() => selectServerTag([], 'latest')).toThrow(/no releases and no tags/);
    expect(() => selectServerTag([], '^1')).toThrow(/has no releases or tags/);
  });

  it('prefers the release and the v-prefixed tag when two tags carry one version', () => {
    const c = [tag('2.0.0'), tag('v2.0.0'), tag('v1.0.0')];
    expect(selectServerTag(c, 'latest').tag).toBe('v2.0.0');
    expect(selectServerTag(c, '2.0.0').tag).toBe('2.0.0'); // an exact name wins over the v form
    expect(selectServerTag([tag('v2.0.0'), rel('v2.0.0')], '^2')).toMatchObject({ source: 'release' });
  });
});

describe('parseVersionSpec', () => {
  it.each([
    ['latest', { kind: 'latest' }],
    [' latest ', { kind: 'latest' }],
    ['v2.0.0', { kind: 'exact', tag: 'v2.0.0' }],
    ['2.0.0', { kind: 'exact', tag: '2.0.0' }],
    ['^2.6', { kind: 'range', range: '^2.6' }],
    ['2.x', { kind: 'range', range: '2.x' }],
    ['>=2.4 <3', { kind: 'range', range: '>=2.4 <3' }],
    ['release-2024', { kind: 'exact', tag: 'release-2024' }],
  ] as const)('%j -> %j', (spec, expected) => {
    expect(parseVersionSpec(spec)).toEqual(expected);
  });

  it.each(['', '   ', 'not a tag', '-x'])('%j is rejected with what to write', (spec) => {
    expect(() => parseVersionSpec(spec)).toThrow(/write "latest", a tag such as "v2\.0\.0"/);
  });
});

describe('issue 12: every valid semver range resolves as semver reads it', () => {
  // Plain releases (no prerelease marks), so semver's own maxSatisfying is the oracle.
  const plain = ['v1.2.1', 'v2.0.0', 'v2.4.2', 'v2.6.0', 'v2.6.3', 'v3.0.0'];
  const candidates = plain.map((t) => rel(t));
  it.each([
    '=2.0.0',
    '= 2.0.0',
    'v=2.0.0',
    '=v2.4.2',
    '>=2.6.0',
    '2.0.0 - 2.5.0',
    '~2.6',
    '~2.6.0',
    '^2',
    '>=2.0.0 <2.6.0',
    '>2.0.0 <=2.6.0',
    '<3',
    '2.x',
    '2.6.*',
    '*',
    '1.x || >=2.6.1 <3',
    '2',
    '2.4',
  ])('%s', (range) => {
    expect(semver.validRange(range, { loose: true })).not.toBeNull();
    const want = semver.maxSatisfying(plain, range, { loose: true });
    expect(want).not.toBeNull();
    expect(selectServerTag(candidates, range).tag).toBe(want);
  });

  it('a version with a leading = is a range (exactly that version), not a tag name', () => {
    expect(parseVersionSpec('=2.0.0')).toEqual({ kind: 'range', range: '=2.0.0' });
    expect(parseVersionSpec('v2.0.0')).toEqual({ kind: 'exact', tag: 'v2.0.0' });
  });
});
