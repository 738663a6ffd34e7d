// The release workflow's logic (.github/workflows/release.yml): on a `vX.Y.Z` tag, the release
// notes from CHANGELOG.md and the floating tags to move - `vX` and `vX.Y` - so that
// `uses: Flow/plugin-build-action@v1` gets the release. Pure functions, then a thin git shell.
//
//   node scripts/release-tags.mjs plan  v1.2.3             what would happen (JSON; changes nothing)
//   node scripts/release-tags.mjs outputs v1.2.3           the same as step outputs (name=value lines)
//   node scripts/release-tags.mjs notes v1.2.3             the CHANGELOG.md section of 1.2.3
//   node scripts/release-tags.mjs move  v1.2.3 [--dry-run] [--remote origin]
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
 * Moves the floating tags of `plan` locally and pushes them to `remote` in one atomic push
 * (nothing when `dryRun`); returns the git commands it ran (or would run).
 */
export function moveTags(cwd, plan, { dryRun = false, remote = 'origin' } = {}) {
  const commands = plan.moves.map((m) => ['tag', '--force', m.tag, m.to]);
  if (plan.moves.length)
    commands.push(['push', '--atomic', '--force', remote, ...plan.moves.map((m) => `refs/tags/${m.tag}`)]);
  if (!dryRun) for (const c of commands) git(cwd, c);
  return commands.map((c) => `git ${c.join(' ')}`);
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
    case 'move': {
      const dryRun = flag('--dry-run');
      const plan = planRelease(tag, readTags(cwd));
      const commands = moveTags(cwd, plan, { dryRun, remote: value('--remote', 'origin') });
      console.log(describe(plan, dryRun));
      for (const c of commands) console.log(`  ${dryRun ? '(dry run) ' : ''}${c}`);
      return;
    }
    default:
      throw new Error(
        'usage: release-tags.mjs plan|outputs|notes|move vX.Y.Z [--dry-run] [--remote origin] [--repo DIR]',
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
