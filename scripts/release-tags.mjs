// The release workflow's logic (.github/workflows/release.yml): on a `vX.Y.Z` tag, the release
// notes from CHANGELOG.md and the floating tags to move - `vX` and `vX.Y` - so that
// `uses: Flow/plugin-build-action@v1` gets the release. Pure functions, then a thin git shell.
//
//   node scripts/release-tags.mjs plan  v1.2.3             what would happen (JSON; changes nothing)
//   node scripts/release-tags.mjs outputs v1.2.3           the same as step outputs (name=value lines)
//   node scripts/release-tags.mjs notes v1.2.3             the CHANGELOG.md section of 1.2.3
//   node scripts/release-tags.mjs gate  v1.2.3 --ci-runs FILE   may it be released (exit 1 saying why not)
//   node scripts/release-tags.mjs move  v1.2.3 [--dry-run] [--remote origin]
//
// The gate: the tag's commit is on origin/main, the newest `ci` workflow run of that commit
// (FILE: the answer of GET /repos/{repo}/actions/workflows/ci.yml/runs?head_sha=...) completed
// with success, and when floating tags are to move, a token that can move them was given
// (TAG_TOKEN_SET=true: a GitHub App token or a PAT; the job's GITHUB_TOKEN cannot push a tag whose
// commit changes .github/workflows, nor pass a tag ruleset).
// The move: each floating tag is pushed with a lease on where it was (`--force-with-lease`), so
// two releases at once cannot move a tag backwards: a push that finds a tag moved meanwhile
// fetches the tags again, plans again (the newer release then keeps it) and retries.
//
// Rules: `v1.2.3` moves `v1` and `v1.2` to its commit; `v2.0.0` moves (or makes) `v2` and leaves
// `v1` alone. A floating tag never goes back: `v1.1.5` released after `v1.2.0` moves `v1.1` but
// not `v1`. A prerelease (`v1.3.0-rc.1`) moves nothing. The release is GitHub's "latest" only
// when no higher release tag exists.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const RELEASE_TAG = /^v(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z.-]+))?$/;

/** `v1.2.3` (or `v1.2.3-rc.1`) as numbers; undefined for any other tag. */
export function parseReleaseTag(tag) {
  const m = RELEASE_TAG.exec(tag);
  if (!m) return undefined;
  return { tag, major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]), prerelease: m[4] ?? '' };
}

const compare = (a, b) => a.major - b.major || a.minor - b.minor || a.patch - b.patch;

/**
 * What releasing `tag` does, given every tag of the repository and the commit each names:
 * `moves` lists the floating tags to point at `tag`'s commit (with where they point now),
 * `keeps` the ones left alone and why.
 */
export function planRelease(tag, tags) {
  const release = parseReleaseTag(tag);
  if (!release)
    throw new Error(
      `"${tag}" is not a release tag: push a tag like v1.2.3 (or v1.2.3-rc.1 for a prerelease)`,
    );
  const commit = tags[tag];
  if (!commit) throw new Error(`the tag ${tag} does not exist in this repository`);
  const stable = Object.keys(tags)
    .map(parseReleaseTag)
    .filter((t) => t && !t.prerelease);
  const highest = (filter) => stable.filter(filter).sort(compare).at(-1);
  const moves = [];
  const keeps = [];
  if (release.prerelease) {
    for (const name of [`v${release.major}`, `v${release.major}.${release.minor}`])
      keeps.push({ tag: name, at: tags[name] ?? null, reason: `${tag} is a prerelease` });
  } else {
    const floating = [
      { name: `v${release.major}`, top: highest((t) => t.major === release.major) },
      {
        name: `v${release.major}.${release.minor}`,
        top: highest((t) => t.major === release.major && t.minor === release.minor),
      },
    ];
    for (const { name, top } of floating) {
      const at = tags[name] ?? null;
      if (top && compare(top, release) > 0)
        keeps.push({ tag: name, at, reason: `${top.tag} is newer than ${tag}` });
      else if (at === commit) keeps.push({ tag: name, at, reason: `already at ${tag}` });
      else moves.push({ tag: name, from: at, to: commit });
    }
  }
  const newest = highest(() => true);
  return {
    tag,
    commit,
    prerelease: release.prerelease !== '',
    latest: !release.prerelease && (!newest || compare(newest, release) <= 0),
    moves,
    keeps,
  };
}

/**
 * The notes of `version` (`1.2.3`, or the tag `v1.2.3`) from a Keep a Changelog text: the body of
 * its `## [1.2.3] - date` section, without the heading, trimmed. A missing or empty section is an
 * error: a release is not published without notes.
 */
export function releaseNotes(changelog, version) {
  const v = version.replace(/^v/, '');
  const lines = changelog.split('\n');
  const heading = (l) => /^## /.test(l);
  const start = lines.findIndex(
    (l) => heading(l) && new RegExp(`^## \\[?v?${v.replace(/\./g, '\\.')}\\]?(\\s|$)`).test(l),
  );
  if (start < 0)
    throw new Error(
      `CHANGELOG.md has no section "## [${v}] - <date>": write the release's notes there first`,
    );
  let end = lines.findIndex((l, i) => i > start && (heading(l) || /^\[[^\]]+\]:\s/.test(l)));
  if (end < 0) end = lines.length;
  const body = lines
    .slice(start + 1, end)
    .join('\n')
    .trim();
  if (!body) throw new Error(`CHANGELOG.md's section for ${v} is empty: write what changed`);
  return `${body}\n`;
}

// ---- the git shell

function git(cwd, args) {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Every tag of the repository at `cwd` with the commit it names (annotated tags peeled). */
export function readTags(cwd) {
  const out = git(cwd, [
    'for-each-ref',
    '--format=%(refname:short) %(objectname) %(*objectname)',
    'refs/tags',
  ]);
  const tags = {};
  for (const line of out.split('\n').filter(Boolean)) {
    const [name, object, peeled] = line.split(' ');
    tags[name] = peeled || object;
  }
  return tags;
}

/**
 * Why the `ci` workflow does not vouch for `commit`, or undefined when its newest run there
 * completed with success. `runs` is the REST answer (`{ workflow_runs: [...] }`) or its list.
 */
export function ciProblem(runs, commit) {
  const list = (Array.isArray(runs) ? runs : (runs?.workflow_runs ?? [])).filter(
    (r) => r && r.head_sha === commit,
  );
  const short = commit.slice(0, 12);
  if (list.length === 0)
    return `no ci run for ${short}: push the commit to main first and release it once ci passed there`;
  const newest = list.sort(
    (a, b) => (b.run_number ?? 0) - (a.run_number ?? 0) || (b.run_attempt ?? 0) - (a.run_attempt ?? 0),
  )[0];
  const where = newest.html_url ? ` (${newest.html_url})` : '';
  if (newest.status !== 'completed')
    return `ci has not finished on ${short} (${newest.status})${where}: re-run this job when it passed`;
  if (newest.conclusion !== 'success')
    return `ci did not pass on ${short} (${newest.conclusion})${where}: fix it on main and release a new tag`;
  return undefined;
}

/**
 * Every reason `plan` may not be released, [] when it may: its commit must be on main, ci must
 * have passed on it, and floating tags to move need a token that can move them.
 */
export function releaseGate(plan, { onMain, ciRuns, tagTokenSet }) {
  const problems = [];
  if (!onMain)
    problems.push(
      `${plan.tag} (${plan.commit.slice(0, 12)}) is not on main: release only commits of main (merge first, then tag the merge)`,
    );
  const ci = ciProblem(ciRuns, plan.commit);
  if (ci) problems.push(ci);
  if (plan.moves.length > 0 && !tagTokenSet)
    problems.push(
      `no token can move ${plan.moves.map((m) => m.tag).join(' and ')}: the job's GITHUB_TOKEN cannot push a tag whose commit changes .github/workflows, nor pass a tag ruleset. ` +
        'Set the variable RELEASE_APP_ID and the secret RELEASE_APP_PRIVATE_KEY (a GitHub App with Contents and Workflows read and write, in the bypass list of any tag ruleset), or the secret RELEASE_TAGS_TOKEN (a fine-grained PAT of an admin with the same permissions)',
    );
  return problems;
}

/** Is `commit` on `branch` of the repository at `cwd` (an ancestor of, or equal to, its tip)? */
export function isOnBranch(cwd, commit, branch = 'refs/remotes/origin/main') {
  try {
    git(cwd, ['merge-base', '--is-ancestor', commit, branch]);
    return true;
  } catch {
    return false;
  }
}

/** The git commands that move `plan`'s floating tags: each tag locally, then one atomic push with a lease on each. */
export function moveCommands(plan, remote = 'origin') {
  const commands = plan.moves.map((m) => ['tag', '--force', m.tag, m.to]);
  if (plan.moves.length)
    commands.push([
      'push',
      '--atomic',
      ...plan.moves.map((m) => `--force-with-lease=refs/tags/${m.tag}:${m.from ?? ''}`),
      remote,
      ...plan.moves.map((m) => `refs/tags/${m.tag}`),
    ]);
  return commands;
}

/**
 * Moves the floating tags of `plan` locally and pushes them to `remote` in one atomic push with
 * a lease on where each was (nothing when `dryRun`). A push refused because a tag moved meanwhile
 * (another release at the same time) fetches the tags, plans `plan.tag` again and retries, at
 * most `attempts` times. Returns the git commands it ran (or would run) and the last plan.
 */
export function moveTags(cwd, plan, { dryRun = false, remote = 'origin', attempts = 3 } = {}) {
  const ran = [];
  for (let attempt = 1; ; attempt++) {
    const commands = moveCommands(plan, remote);
    ran.push(...commands.map((c) => `git ${c.join(' ')}`));
    if (dryRun) return { commands: ran, plan };
    try {
      for (const c of commands) git(cwd, c);
      return { commands: ran, plan };
    } catch (e) {
      const stale = /stale info|rejected|failed to push/i.test(String(e?.stderr ?? e?.message ?? e));
      if (!stale || attempt >= attempts) throw e;
      git(cwd, ['fetch', '--quiet', '--force', remote, '+refs/tags/*:refs/tags/*']);
      ran.push(
        `git fetch --force ${remote} +refs/tags/*:refs/tags/* (a floating tag moved meanwhile: planning again)`,
      );
      plan = planRelease(plan.tag, readTags(cwd));
    }
  }
}

function describe(plan, dryRun) {
  const lines = [
    `${plan.tag} (${plan.commit.slice(0, 12)})${plan.prerelease ? ', a prerelease' : ''}${plan.latest ? ', the latest release' : ''}:`,
  ];
  for (const m of plan.moves)
    lines.push(
      `  ${dryRun ? 'would move' : 'moved'} ${m.tag}: ${m.from ? m.from.slice(0, 12) : '(new)'} -> ${m.to.slice(0, 12)}`,
    );
  for (const k of plan.keeps) lines.push(`  left ${k.tag} alone: ${k.reason}`);
  return lines.join('\n');
}

function main(argv) {
  const [command, tag, ...rest] = argv;
  const flag = (name) => rest.includes(name);
  const value = (name, fallback) => (rest.includes(name) ? rest[rest.indexOf(name) + 1] : fallback);
  const cwd = value('--repo', process.cwd());
  switch (command) {
    case 'plan':
      process.stdout.write(`${JSON.stringify(planRelease(tag, readTags(cwd)), null, 2)}\n`);
      return;
    case 'outputs': {
      const plan = planRelease(tag, readTags(cwd));
      process.stdout.write(
        `prerelease=${plan.prerelease}\nlatest=${plan.latest}\nmoves=${plan.moves.map((m) => m.tag).join(' ')}\n`,
      );
      return;
    }
    case 'notes':
      process.stdout.write(releaseNotes(readFileSync(value('--changelog', 'CHANGELOG.md'), 'utf8'), tag));
      return;
    case 'gate': {
      const plan = planRelease(tag, readTags(cwd));
      const file = value('--ci-runs', undefined);
      if (!file)
        throw new Error(
          'gate needs --ci-runs FILE (the ci workflow runs of the commit, as GitHub lists them)',
        );
      const problems = releaseGate(plan, {
        onMain: isOnBranch(cwd, plan.commit, value('--main', 'refs/remotes/origin/main')),
        ciRuns: JSON.parse(readFileSync(file, 'utf8')),
        tagTokenSet: process.env.TAG_TOKEN_SET === 'true',
      });
      if (problems.length > 0) throw new Error(`${tag} is not released:\n- ${problems.join('\n- ')}`);
      console.log(
        `${tag} (${plan.commit.slice(0, 12)}): on main, ci passed${plan.moves.length ? ', a token to move the floating tags' : ''}.`,
      );
      return;
    }
    case 'move': {
      const dryRun = flag('--dry-run');
      const { commands, plan } = moveTags(cwd, planRelease(tag, readTags(cwd)), {
        dryRun,
        remote: value('--remote', 'origin'),
      });
      console.log(describe(plan, dryRun));
      for (const c of commands) console.log(`  ${dryRun ? '(dry run) ' : ''}${c}`);
      return;
    }
    default:
      throw new Error(
        'usage: release-tags.mjs plan|outputs|notes|gate|move vX.Y.Z [--ci-runs FILE] [--dry-run] [--remote origin] [--repo DIR]',
      );
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    main(process.argv.slice(2));
  } catch (e) {
    console.error(`release-tags: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  }
}
