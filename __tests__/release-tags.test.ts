// The release workflow's decisions as data: which floating tags a release tag moves, and its
// notes from CHANGELOG.md (scripts/release-tags.mjs; the git side in release-tags.wire.test.ts).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ciProblem,
  moveCommands,
  parseReleaseTag,
  planRelease,
  releaseGate,
  releaseNotes,
} from '../scripts/release-tags.mjs';
import { projectRoot } from './support/runner';

const sha = (n: number) => n.toString(16).padStart(40, '0');

describe('planRelease', () => {
  it('v1.2.3 moves v1 and v1.2 to its commit, making them when new', () => {
    const plan = planRelease('v1.2.3', { 'v1.0.0': sha(1), 'v1.1.0': sha(2), v1: sha(2), 'v1.2.3': sha(3) });
    expect(plan.moves).toEqual([
      { tag: 'v1', from: sha(2), to: sha(3) },
      { tag: 'v1.2', from: null, to: sha(3) },
    ]);
    expect(plan).toMatchObject({ commit: sha(3), prerelease: false, latest: true, keeps: [] });
  });

  it('v2.0.0 moves v2 and leaves v1 alone; a later v1 patch is not the latest release', () => {
    const tags = { 'v1.2.3': sha(3), v1: sha(3), 'v1.2': sha(3), 'v2.0.0': sha(4) };
    const v2 = planRelease('v2.0.0', tags);
    expect(v2.moves.map((m) => m.tag)).toEqual(['v2', 'v2.0']);
    expect(v2.moves.every((m) => m.to === sha(4))).toBe(true);
    const patch = planRelease('v1.2.4', { ...tags, v2: sha(4), 'v1.2.4': sha(5) });
    expect(patch.moves.map((m) => m.tag)).toEqual(['v1', 'v1.2']);
    expect(patch.latest).toBe(false);
  });

  it('never moves a floating tag back to an older release', () => {
    const plan = planRelease('v1.1.5', {
      'v1.1.4': sha(1),
      'v1.2.0': sha(2),
      v1: sha(2),
      'v1.1': sha(1),
      'v1.1.5': sha(3),
    });
    expect(plan.moves).toEqual([{ tag: 'v1.1', from: sha(1), to: sha(3) }]);
    expect(plan.keeps).toEqual([{ tag: 'v1', at: sha(2), reason: 'v1.2.0 is newer than v1.1.5' }]);
  });

  it('a prerelease moves nothing; a tag already in place is kept; re-running is a no-op', () => {
    const rc = planRelease('v1.3.0-rc.1', { 'v1.2.3': sha(3), v1: sha(3), 'v1.3.0-rc.1': sha(6) });
    expect(rc).toMatchObject({ prerelease: true, latest: false, moves: [] });
    expect(rc.keeps.map((k) => k.reason)).toEqual([
      'v1.3.0-rc.1 is a prerelease',
      'v1.3.0-rc.1 is a prerelease',
    ]);
    const again = planRelease('v1.2.3', { 'v1.2.3': sha(3), v1: sha(3), 'v1.2': sha(3) });
    expect(again.moves).toEqual([]);
    expect(again.keeps.map((k) => k.reason)).toEqual(['already at v1.2.3', 'already at v1.2.3']);
  });

  it('refuses a tag that is not vX.Y.Z, or that does not exist', () => {
    expect(() => planRelease('v1', { v1: sha(1) })).toThrow(
      /"v1" is not a release tag: push a tag like v1.2.3/,
    );
    expect(() => planRelease('1.2.3', { '1.2.3': sha(1) })).toThrow(/not a release tag/);
    expect(() => planRelease('v1.2.3', {})).toThrow('the tag v1.2.3 does not exist');
    expect(parseReleaseTag('v01.2.3')).toBeUndefined();
    expect(parseReleaseTag('v10.20.30-beta.2')).toEqual({
      tag: 'v10.20.30-beta.2',
      major: 10,
      minor: 20,
      patch: 30,
      prerelease: 'beta.2',
    });
  });
});

describe('releaseNotes', () => {
  const changelog = `# Changelog\n\n## [Unreleased]\n\n- next\n\n## [1.2.3] - 2026-12-06\n\n### Fixed\n\n- a fix\n\n## [1.2.0] - 2026-11-01\n\n### Added\n\n- a thing\n\n[1.2.3]: https://example.com/compare/v1.2.0...v1.2.3\n[1.2.0]: https://example.com/releases/tag/v1.2.0\n`;

  it('is the section of the version, from the tag or the version, without its heading or the links', () => {
    expect(releaseNotes(changelog, 'v1.2.3')).toBe('### Fixed\n\n- a fix\n');
    expect(releaseNotes(changelog, '1.2.0')).toBe('### Added\n\n- a thing\n');
  });

  it('refuses a version with no section or an empty one', () => {
    expect(() => releaseNotes(changelog, 'v1.2.4')).toThrow(
      'CHANGELOG.md has no section "## [1.2.4] - <date>"',
    );
    expect(() => releaseNotes('## [1.0.0] - 2026-01-01\n\n## [0.9.0] - x\n- y', 'v1.0.0')).toThrow(
      'is empty',
    );
  });

  it("reads this repository's CHANGELOG.md: the Unreleased section and every released version's", () => {
    const ours = readFileSync(join(projectRoot, 'CHANGELOG.md'), 'utf8');
    expect(releaseNotes(ours, 'Unreleased')).toMatch(/^### Added\n\n- /);
    for (const m of ours.matchAll(/^## \[(\d+\.\d+\.\d+)\] - \d{4}-\d\d-\d\d$/gm))
      expect(releaseNotes(ours, `v${m[1]}`)).toMatch(/^### /);
  });
});

describe('the release gate', () => {
  const run = (over: Record<string, unknown>) => ({
    head_sha: sha(3),
    status: 'completed',
    conclusion: 'success',
    run_number: 5,
    run_attempt: 1,
    html_url: 'https://github.com/o/r/actions/runs/5',
    ...over,
  });

  it('ci: the newest run of the commit decides; other commits do not count', () => {
    expect(ciProblem({ workflow_runs: [run({})] }, sha(3))).toBeUndefined();
    expect(ciProblem({ workflow_runs: [run({ head_sha: sha(9) })] }, sha(3))).toMatch(
      /^no ci run for 000000000000/,
    );
    expect(
      ciProblem([run({ conclusion: 'failure', run_number: 4 }), run({ run_number: 6 })], sha(3)),
    ).toBeUndefined();
    expect(ciProblem([run({}), run({ run_attempt: 2, conclusion: 'failure' })], sha(3))).toBe(
      'ci did not pass on 000000000000 (failure) (https://github.com/o/r/actions/runs/5): fix it on main and release a new tag',
    );
    expect(ciProblem([run({ status: 'in_progress', conclusion: null })], sha(3))).toMatch(
      /^ci has not finished on 000000000000 \(in_progress\)/,
    );
    expect(ciProblem({}, sha(3))).toMatch(/^no ci run/);
  });

  it('lists every reason at once; a prerelease needs no tag token', () => {
    const plan = planRelease('v1.2.3', { 'v1.2.3': sha(3) });
    expect(releaseGate(plan, { onMain: true, ciRuns: [run({})], tagTokenSet: true })).toEqual([]);
    const all = releaseGate(plan, { onMain: false, ciRuns: [], tagTokenSet: false });
    expect(all).toHaveLength(3);
    expect(all[0]).toMatch(/^v1\.2\.3 \(000000000000\) is not on main/);
    expect(all[2]).toMatch(
      /^no token can move v1 and v1\.2: .*RELEASE_APP_ID.*RELEASE_APP_PRIVATE_KEY.*RELEASE_TAGS_TOKEN/,
    );
    const rc = planRelease('v1.3.0-rc.1', { 'v1.3.0-rc.1': sha(3) });
    expect(releaseGate(rc, { onMain: true, ciRuns: [run({})], tagTokenSet: false })).toEqual([]);
  });

  it('moves each floating tag with a lease on where it was (absent for a new one), in one atomic push', () => {
    const plan = planRelease('v1.2.3', { 'v1.0.0': sha(1), v1: sha(1), 'v1.2.3': sha(3) });
    expect(moveCommands(plan)).toEqual([
      ['tag', '--force', 'v1', sha(3)],
      ['tag', '--force', 'v1.2', sha(3)],
      [
        'push',
        '--atomic',
        `--force-with-lease=refs/tags/v1:${sha(1)}`,
        '--force-with-lease=refs/tags/v1.2:',
        'origin',
        'refs/tags/v1',
        'refs/tags/v1.2',
      ],
    ]);
    expect(moveCommands(planRelease('v1.2.3', { 'v1.2.3': sha(3), v1: sha(3), 'v1.2': sha(3) }))).toEqual([]);
  });
});
