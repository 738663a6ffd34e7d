// Choosing the server's release tag from a `server-version` spec. Pure: the candidates come
// from the GitHub adapter (server-release.ts), the rules live here and are tested as data.
//
// Rules:
//  - `latest`: the highest published (non-draft, non-prerelease) release by the semver of its
//    tag. A repository without published releases resolves from its semver tags instead.
//  - an exact tag (`v2.0.0`, or `2.0.0` which also finds `v2.0.0`): accepted when it exists as a
//    tag or as a published release, prerelease or not (the user named it).
//  - a semver range (`^2.6`, `2.x`, `>=2.4 <3`): the highest match among the published releases
//    (or the tags, when there are no releases). Prereleases only when the range names one
//    (semver's own rule) or includePrereleases is set.
//  - drafts are never picked.
import semver from 'semver';

export interface VersionCandidate {
  tag: string;
  draft?: boolean;
  prerelease?: boolean;
  source: 'release' | 'tag';
}

export type VersionSpec =
  { kind: 'latest' } | { kind: 'exact'; tag: string } | { kind: 'range'; range: string };

export interface SelectOptions {
  includePrereleases?: boolean;
}

export interface VersionSelection {
  tag: string;
  source: 'release' | 'tag';
  /** True when the chosen release is marked prerelease or its tag is a semver prerelease. */
  prerelease: boolean;
}

/** How many versions an error lists. */
const NEAREST = 5;

export class VersionResolutionError extends Error {
  constructor(
    message: string,
    /** The nearest versions that do exist (highest first). */
    readonly available: string[],
  ) {
    super(message);
    this.name = 'VersionResolutionError';
  }
}

/**
 * Classifies a `server-version` value. Throws when it is empty or is neither `latest`, a
 * version, a range nor something that can be a tag name.
 */
export function parseVersionSpec(spec: string): VersionSpec {
  const value = spec.trim();
  if (value === '') {
    throw new VersionResolutionError(
      'server-version is empty: write "latest", a tag such as "v2.0.0", or a range such as "^2.6".',
      [],
    );
  }
  if (value.toLowerCase() === 'latest') return { kind: 'latest' };
  // A version as tags are written (`v2.0.0`, `2.0.0`) names a tag; what only semver's loose
  // reading makes a version (`=2.0.0`, `v=2.0.0`) is a range, and resolves as semver reads it.
  if (semver.valid(value)) return { kind: 'exact', tag: value };
  const range = semver.validRange(value, { loose: true });
  if (range !== null) return { kind: 'range', range: value };
  // Anything else may still be a tag name (`release-2024-01`), but never contains spaces.
  if (/\s/.test(value) || value.startsWith('-')) {
    throw new VersionResolutionError(
      `server-version "${value}" is neither "latest", a tag nor a semver range: write "latest", ` +
        'a tag such as "v2.0.0", or a range such as "^2.6", "2.x" or ">=2.4 <3".',
      [],
    );
  }
  return { kind: 'exact', tag: value };
}

interface Entry {
  tag: string;
  source: 'release' | 'tag';
  version: semver.SemVer | null;
  /** Marked prerelease on its release, or a semver prerelease tag. */
  prerelease: boolean;
  /** Marked prerelease on GitHub although its tag is a plain X.Y.Z. */
  markedOnly: boolean;
}

/**
 * The candidates read once: published releases and tags as entries (each parsed once), the draft
 * tags, and every tag's entry by name (a release wins over a bare tag), so that N exact tags
 * resolve in N lookups, not N scans of every release.
 */
interface Pool {
  releases: Entry[];
  tags: Entry[];
  drafts: Set<string>;
  byTag: Map<string, Entry>;
  count: number;
}

function poolOf(candidates: readonly VersionCandidate[]): Pool {
  const releases: Entry[] = [];
  const tags: Entry[] = [];
  const drafts = new Set<string>();
  for (const c of candidates) {
    const { source, draft } = c;
    if (source === 'release' && draft) drafts.add(c.tag);
    else if (source === 'release') releases.push(toEntry(c));
    else if (source === 'tag') tags.push(toEntry(c));
  }
  const byTag = new Map<string, Entry>();
  for (const e of [...releases, ...tags]) if (!byTag.has(e.tag)) byTag.set(e.tag, e);
  return { releases, tags, drafts, byTag, count: candidates.length };
}

/** Chooses the tag the spec names; throws VersionResolutionError listing nearby versions. */
export function selectServerTag(
  candidates: readonly VersionCandidate[],
  spec: string,
  options: SelectOptions = {},
): VersionSelection {
  return selectFrom(poolOf(candidates), spec, options);
}

function selectFrom(p: Pool, spec: string, options: SelectOptions): VersionSelection {
  const parsed = parseVersionSpec(spec);
  const includePrereleases = options.includePrereleases ?? false;
  const { releases, tags, drafts } = p;

  if (parsed.kind === 'exact' || parsed.kind === 'range') {
    const literal = parsed.kind === 'exact' ? parsed.tag : parsed.range;
    const exact = findExact(p, literal);
    if (exact) return selection(exact);
    if (parsed.kind === 'exact') {
      const draftHint = [literal, `v${literal}`].find((t) => drafts.has(t));
      const pool = releases.length > 0 ? releases : tags;
      const prefix = draftHint
        ? `Server version "${literal}" is only a draft release, and drafts are never used: publish it first. `
        : `Server version "${literal}" was not found as a tag or a release. `;
      throw notFound(prefix, pool, includePrereleases);
    }
  }

  // latest and ranges choose among published releases; among tags when there are none.
  const pool = releases.length > 0 ? releases : tags;
  const fromWhat = releases.length > 0 ? 'release' : 'tag';
  const versioned = pool.filter((e) => e.version !== null);

  if (parsed.kind === 'latest') {
    const eligible = versioned.filter((e) => includePrereleases || !e.prerelease);
    const best = highest(eligible);
    if (best) return selection(best);
    if (versioned.length > 0) {
      throw new VersionResolutionError(
        `The server repository has only prereleases (${list(versioned)}). Set include-prereleases: true ` +
          'to accept them, or set server-version to one of these tags.',
        sortDesc(versioned).map((e) => e.tag),
      );
    }
    throw new VersionResolutionError(
      p.count === 0
        ? 'The server repository has no releases and no tags; check server-repository.'
        : `The server repository has no ${fromWhat} with a semver tag (vX.Y.Z); set server-version to a tag.`,
      [],
    );
  }

  const range = parsed.range;
  const matching = versioned.filter((e) =>
    includePrereleases
      ? semver.satisfies(e.version!, range, { loose: true, includePrerelease: true })
      : // semver's own rule admits a prerelease tag only when the range names that X.Y.Z; a
        // release merely marked prerelease on GitHub needs includePrereleases.
        !e.markedOnly && semver.satisfies(e.version!, range, { loose: true }),
  );
  const best = highest(matching);
  if (best) return selection(best);
  const withPre = versioned.filter((e) =>
    semver.satisfies(e.version!, range, { loose: true, includePrerelease: true }),
  );
  const preHint =
    !includePrereleases && withPre.length > 0
      ? ` Prereleases that match: ${list(withPre)}; set include-prereleases: true to accept them.`
      : '';
  throw notFound(`No server ${fromWhat} matches the range "${range}".${preHint} `, pool, includePrereleases);
}

function toEntry(c: VersionCandidate): Entry {
  const { tag, source, prerelease } = c;
  const version = semver.parse(tag, { loose: true });
  const semverPre = version !== null && version.prerelease.length > 0;
  return {
    tag,
    source,
    version,
    prerelease: Boolean(prerelease) || semverPre,
    markedOnly: Boolean(prerelease) && !semverPre,
  };
}

/** `v2.0.0` finds `v2.0.0`; `2.0.0` finds `2.0.0`, else `v2.0.0`. Releases win over bare tags. */
function findExact(p: Pool, literal: string): Entry | undefined {
  return p.byTag.get(literal) ?? (literal.startsWith('v') ? undefined : p.byTag.get(`v${literal}`));
}

function sortDesc(entries: Entry[]): Entry[] {
  return [...entries].sort((a, b) => {
    const byVersion = semver.rcompare(a.version!, b.version!);
    if (byVersion !== 0) return byVersion;
    if (a.source !== b.source) return a.source === 'release' ? -1 : 1;
    // Same version twice (`2.0.0` and `v2.0.0`): prefer the conventional `v` tag.
    return a.tag.startsWith('v') === b.tag.startsWith('v')
      ? a.tag.localeCompare(b.tag)
      : a.tag.startsWith('v')
        ? -1
        : 1;
  });
}

function highest(entries: Entry[]): Entry | undefined {
  return sortDesc(entries)[0];
}

function selection(e: Entry): VersionSelection {
  return { tag: e.tag, source: e.source, prerelease: e.prerelease };
}

function list(entries: Entry[]): string {
  return sortDesc(entries)
    .slice(0, NEAREST)
    .map((e) => e.tag)
    .join(', ');
}

function notFound(prefix: string, pool: Entry[], includePrereleases: boolean): VersionResolutionError {
  const versioned = pool.filter((e) => e.version !== null && (includePrereleases || !e.prerelease));
  const nearest = sortDesc(versioned)
    .slice(0, NEAREST)
    .map((e) => e.tag);
  const others = pool.filter((e) => e.version === null).map((e) => e.tag);
  const shown = nearest.length > 0 ? nearest : others.slice(0, NEAREST);
  const available =
    shown.length > 0
      ? `Available (highest first): ${shown.join(', ')}.`
      : 'The repository has no releases or tags.';
  const major = nearest[0] ? semver.parse(nearest[0], { loose: true })!.major : 1;
  return new VersionResolutionError(
    `${prefix}${available} Set server-version to one of these, to a range such as "^${major}", or to "latest".`,
    shown,
  );
}

/** What `server-versions` chose: the releases, newest first, and what the cap left out. */
export interface VersionsSelection {
  /** Newest first, each tag once, at most `max`. */
  selected: VersionSelection[];
  /** Matching releases beyond the cap (newest first), for the log. */
  leftOut: string[];
}

/**
 * Several releases from a list of specs: an exact tag names that tag, `latest` the newest
 * release, a range EVERY matching release (prereleases as for one release: only when the range
 * names one or includePrereleases is set). The union, each tag once, newest first, capped at the
 * newest `max`. A spec that matches nothing throws the same error as for one release.
 */
export function selectServerTags(
  candidates: readonly VersionCandidate[],
  specs: readonly string[],
  options: SelectOptions & { max: number },
): VersionsSelection {
  if (specs.length === 0) {
    throw new VersionResolutionError(
      'server-versions is empty: write at least one tag, range or "latest".',
      [],
    );
  }
  const includePrereleases = options.includePrereleases ?? false;
  const p = poolOf(candidates);
  const pool = p.releases.length > 0 ? p.releases : p.tags;
  const chosen = new Map<string, Entry>();
  for (const spec of specs) {
    const parsed = parseVersionSpec(spec);
    // latest, exact tags and ranges without a match: the one-release rules and their errors.
    const one = selectFrom(p, spec, options);
    const entry = p.byTag.get(one.tag)!;
    if (parsed.kind !== 'range' || findExact(p, parsed.range)) {
      chosen.set(entry.tag, entry);
      continue;
    }
    for (const e of pool) {
      if (e.version === null) continue;
      const match = includePrereleases
        ? semver.satisfies(e.version, parsed.range, { loose: true, includePrerelease: true })
        : !e.markedOnly && semver.satisfies(e.version, parsed.range, { loose: true });
      if (match) chosen.set(e.tag, e);
    }
  }
  // Newest first; tags without a version (exact names such as `release-2024-01`) after them.
  const all = [...chosen.values()];
  const versioned = sortDesc(all.filter((e) => e.version !== null));
  const others = all.filter((e) => e.version === null);
  const ordered = dedupeVersions([...versioned, ...others]);
  return {
    selected: ordered.slice(0, options.max).map(selection),
    leftOut: ordered.slice(options.max).map((e) => e.tag),
  };
}

/** `2.0.0` and `v2.0.0` are one release: the first (the preferred, by sortDesc) stays. */
function dedupeVersions(entries: Entry[]): Entry[] {
  const seen = new Set<string>();
  return entries.filter((e) => {
    const key = e.version ? e.version.version : `tag:${e.tag}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
