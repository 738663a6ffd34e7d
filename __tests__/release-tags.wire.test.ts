// The release workflow on local git repositories: a repository with this action's tags pushed to
// a bare `origin`, and the `release-tags.mjs` steps of .github/workflows/release.yml run as they
// are written there (bash, GITHUB_REF_NAME, GITHUB_OUTPUT, RUNNER_TEMP), in a checkout of the tag
// - the gate (on main, ci passed: the ci runs file the workflow's gh step writes, given here; a
// token to move tags), the dry run (nothing moves), then the move, which must reach `origin`.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanWorkflow } from '../scripts/workflow-blocks.mjs';
import { readTags } from '../scripts/release-tags.mjs';
import { removeTree } from './support/fixtures';
import { projectRoot } from './support/runner';

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  }).trim();

const workflow = readFileSync(join(projectRoot, '.github/workflows/release.yml'), 'utf8');
/** The workflow's own steps that run scripts/release-tags.mjs, in order. */
const tagSteps = scanWorkflow(workflow).steps.filter((s) => s.run?.includes('scripts/release-tags.mjs'));

let root: string;
let origin: string;
let work: string;

function changelog(versions: string[]): string {
  return `# Changelog\n\n${versions.map((v) => `## [${v}] - 2026-12-06\n\n### Changed\n\n- release ${v}\n`).join('\n')}`;
}

/** A commit with the script and a CHANGELOG that has `versions`, tagged `tag` and pushed. */
function release(tag: string, versions: string[]): string {
  writeFileSync(join(work, 'CHANGELOG.md'), changelog(versions));
  writeFileSync(join(work, 'src.txt'), `${tag}\n`);
  git(work, 'add', '-A');
  git(work, 'commit', '-qm', tag);
  git(work, 'tag', tag);
  git(work, 'push', '-q', 'origin', 'HEAD:refs/heads/main', `refs/tags/${tag}`);
  return git(work, 'rev-parse', 'HEAD');
}

/** A fresh checkout of origin at `tag`, as actions/checkout with fetch-depth: 0 makes it. */
function checkoutAt(tag: string): string {
  const checkout = mkdtempSync(join(root, 'checkout-'));
  git(root, 'clone', '-q', origin, checkout);
  git(checkout, 'checkout', '-q', tag);
  return checkout;
}

interface StepOptions {
  /** Only the steps whose name this accepts. */
  only?: (name: string) => boolean;
  /** The ci workflow's conclusion on the tag's commit (default success); null: no ci run. */
  ci?: string | null;
  /** A GitHub App token or PAT is configured for the floating tags (default true). */
  tagToken?: boolean;
  /** Run in this checkout (default: a fresh one at the tag). */
  checkout?: string;
}

/** Runs the workflow's release-tags steps for `tag` in a checkout of origin at that tag. */
function runWorkflowSteps(tag: string, opts: StepOptions | ((name: string) => boolean) = {}) {
  const {
    only,
    ci = 'success',
    tagToken = true,
    checkout = checkoutAt(tag),
  } = typeof opts === 'function' ? { only: opts } : opts;
  const runnerTemp = mkdtempSync(join(root, 'runner-temp-'));
  const output = join(runnerTemp, 'github-output');
  writeFileSync(output, '');
  // What the workflow's `gh api .../workflows/ci.yml/runs?head_sha=` step writes.
  const sha = git(checkout, 'rev-parse', `${tag}^{commit}`);
  const runs = ci === null ? [] : [{ head_sha: sha, status: 'completed', conclusion: ci, run_number: 7 }];
  writeFileSync(
    join(runnerTemp, 'ci-runs.json'),
    JSON.stringify({ total_count: runs.length, workflow_runs: runs }),
  );
  const logs: string[] = [];
  for (const step of tagSteps) {
    if (only && !only(step.name ?? step.run!)) continue;
    const r = spawnSync('bash', ['-e', '-c', step.run!], {
      cwd: checkout,
      encoding: 'utf8',
      env: {
        ...process.env,
        GITHUB_REF_NAME: tag,
        GITHUB_OUTPUT: output,
        RUNNER_TEMP: runnerTemp,
        TAG_TOKEN_SET: String(tagToken),
      },
    });
    if (r.status !== 0) throw new Error(`step "${step.name ?? step.run}" failed: ${r.stderr}${r.stdout}`);
    logs.push(r.stdout);
  }
  return { log: logs.join(''), outputs: readFileSync(output, 'utf8'), runnerTemp };
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'flow-release-'));
  origin = join(root, 'origin.git');
  work = join(root, 'work');
  git(root, 'init', '-q', '--bare', origin);
  mkdirSync(work);
  git(work, 'init', '-q', '-b', 'main');
  git(work, 'remote', 'add', 'origin', origin);
  mkdirSync(join(work, 'scripts'));
  copyFileSync(join(projectRoot, 'scripts/release-tags.mjs'), join(work, 'scripts/release-tags.mjs'));
});
afterAll(() => removeTree(root));

describe('the release workflow on a local git repository', () => {
  it('has the steps this test runs: dry run with outputs, notes, the move', () => {
    expect(tagSteps.map((s) => s.name)).toEqual([
      'The tag is on main, ci passed, and the floating tags can be moved',
      'What the release will do (dry run)',
      'Notes from CHANGELOG.md',
      'Move the floating tags',
    ]);
  });

  it('v1.0.0 then v1.2.3: the dry run moves nothing, the move points v1 and v1.2 at v1.2.3 in origin', () => {
    const first = release('v1.0.0', ['1.0.0']);
    runWorkflowSteps('v1.0.0');
    expect(readTags(origin)).toMatchObject({ v1: first, 'v1.0': first });

    const c = release('v1.2.3', ['1.2.3', '1.0.0']);
    const dry = runWorkflowSteps('v1.2.3', (n) => n.includes('dry run'));
    expect(dry.log).toContain(`would move v1: ${first.slice(0, 12)} -> ${c.slice(0, 12)}`);
    expect(dry.log).toContain(`would move v1.2: (new) -> ${c.slice(0, 12)}`);
    expect(dry.outputs).toBe('prerelease=false\nlatest=true\nmoves=v1 v1.2\n');
    expect(readTags(origin).v1).toBe(first); // the dry run pushed nothing
    expect(readTags(origin)['v1.2']).toBeUndefined();

    const all = runWorkflowSteps('v1.2.3');
    expect(readFileSync(join(all.runnerTemp, 'notes.md'), 'utf8')).toBe('### Changed\n\n- release 1.2.3\n');
    expect(all.log).toContain(`moved v1: ${first.slice(0, 12)} -> ${c.slice(0, 12)}`);
    expect(readTags(origin)).toMatchObject({ v1: c, 'v1.2': c, 'v1.0': first });
  });

  it('v2.0.0 makes v2 and leaves v1 alone; v1.2.4 then moves v1 but is not the latest', () => {
    const v1 = readTags(origin).v1!;
    const v2 = release('v2.0.0', ['2.0.0']);
    runWorkflowSteps('v2.0.0');
    expect(readTags(origin)).toMatchObject({ v2, 'v2.0': v2, v1 });

    const patch = release('v1.2.4', ['1.2.4']);
    const r = runWorkflowSteps('v1.2.4');
    expect(r.outputs).toBe('prerelease=false\nlatest=false\nmoves=v1 v1.2\n');
    expect(readTags(origin)).toMatchObject({ v1: patch, 'v1.2': patch, v2 });
  });

  it('a prerelease moves nothing; a tag without CHANGELOG notes fails before any move', () => {
    const before = readTags(origin);
    release('v2.1.0-rc.1', ['2.1.0-rc.1']);
    const rc = runWorkflowSteps('v2.1.0-rc.1');
    expect(rc.outputs).toBe('prerelease=true\nlatest=false\nmoves=\n');
    expect(readTags(origin).v2).toBe(before.v2);

    release('v2.1.0', ['2.0.0']);
    expect(() => runWorkflowSteps('v2.1.0')).toThrow(/CHANGELOG.md has no section "## \[2.1.0\] - <date>"/);
    expect(readTags(origin).v2).toBe(before.v2);
  });

  it('refuses a tag that is not on main, or whose ci did not pass, or with no token to move v1: nothing moves', () => {
    const before = readTags(origin);
    // A commit on a side branch, tagged: never on main.
    git(work, 'checkout', '-q', '-b', 'side');
    writeFileSync(join(work, 'CHANGELOG.md'), changelog(['2.2.0']));
    git(work, 'commit', '-qam', 'side');
    git(work, 'tag', 'v2.2.0');
    git(work, 'push', '-q', 'origin', 'refs/tags/v2.2.0');
    git(work, 'checkout', '-q', 'main');
    expect(() => runWorkflowSteps('v2.2.0')).toThrow(/v2\.2\.0 \([0-9a-f]{12}\) is not on main/);

    release('v2.3.0', ['2.3.0']);
    expect(() => runWorkflowSteps('v2.3.0', { ci: 'failure' })).toThrow(
      /ci did not pass on [0-9a-f]{12} \(failure\)/,
    );
    expect(() => runWorkflowSteps('v2.3.0', { ci: null })).toThrow(/no ci run for [0-9a-f]{12}/);
    expect(() => runWorkflowSteps('v2.3.0', { tagToken: false })).toThrow(
      /no token can move v2 and v2\.3: the job's GITHUB_TOKEN cannot push/,
    );
    expect(readTags(origin).v2).toBe(before.v2);
    // A prerelease moves nothing, so it needs no such token.
    release('v2.4.0-rc.1', ['2.4.0-rc.1']);
    expect(() => runWorkflowSteps('v2.4.0-rc.1', { tagToken: false })).not.toThrow();
  });

  it('two releases at once: the older one, planned before the newer existed, does not move v3 back', () => {
    const older = release('v3.0.0', ['3.0.0']);
    const stale = checkoutAt('v3.0.0'); // the older release's job checked out before v3.0.1 existed
    runWorkflowSteps('v3.0.0', { checkout: stale, only: (n) => !n.startsWith('Move') });
    const newer = release('v3.0.1', ['3.0.1']);
    runWorkflowSteps('v3.0.1');
    expect(readTags(origin)).toMatchObject({ v3: newer, 'v3.0': newer });

    const r = runWorkflowSteps('v3.0.0', { checkout: stale, only: (n) => n.startsWith('Move') });
    expect(r.log).toContain('a floating tag moved meanwhile: planning again');
    expect(r.log).toContain('left v3 alone: v3.0.1 is newer than v3.0.0');
    expect(readTags(origin)).toMatchObject({ v3: newer, 'v3.0': newer, 'v3.0.0': older });
  });
});
