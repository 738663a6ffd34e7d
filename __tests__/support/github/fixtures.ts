// Fixture repositories for the GitHub stand-in, declared as data, and the mutable state the
// stand-in builds from them (ids, commit SHAs, uploaded assets).
import { createHash } from 'node:crypto';

export interface FixtureAsset {
  name: string;
  content?: string | Uint8Array;
  contentType?: string;
  label?: string;
  /** `uploaded` (default) or `starter`: an upload that never finished (GitHub keeps it). */
  state?: 'uploaded' | 'starter';
}

export interface FixtureRelease {
  tag: string;
  name?: string;
  draft?: boolean;
  prerelease?: boolean;
  /** A published immutable release: no asset can be added, replaced or deleted. */
  immutable?: boolean;
  assets?: FixtureAsset[];
}

export interface FixtureRepo {
  /** Private: readable only with `token` (GitHub answers 404 to everyone else). */
  private?: boolean;
  /** The token that can read (and write) this repository. */
  token?: string;
  defaultBranch?: string;
  /** Files per commit: commit label (or 40-hex SHA) -> path -> content. */
  commits?: Record<string, Record<string, string | Uint8Array>>;
  /** Tag -> commit label. Several tags may name one commit. Tags need no release. */
  tags?: Record<string, string>;
  /** Branch -> commit label (the default branch answers contents requests without `ref`). */
  branches?: Record<string, string>;
  /** Oldest first (the order they were created); listed newest first like GitHub does. */
  releases?: FixtureRelease[];
}

export interface StandInAsset {
  id: number;
  name: string;
  label: string | null;
  contentType: string;
  state: 'uploaded' | 'starter';
  bytes: Buffer;
  createdAt: string;
  updatedAt: string;
}

export interface StandInRelease {
  id: number;
  tag: string;
  name: string;
  draft: boolean;
  prerelease: boolean;
  immutable: boolean;
  createdAt: string;
  assets: StandInAsset[];
}

export interface StandInRepo {
  owner: string;
  name: string;
  id: number;
  private: boolean;
  token?: string;
  defaultBranch: string;
  /** Commit SHA -> files. */
  commits: Map<string, Map<string, Buffer>>;
  /** Tag -> commit SHA, in declaration order. */
  tags: Map<string, string>;
  branches: Map<string, string>;
  /** Oldest first. */
  releases: StandInRelease[];
  /**
   * The workflow run's artifacts for GET /repos/{repo}/actions/artifacts/{id}/zip: the signed
   * blob URL it redirects to (a results-service stand-in's publicDownloadUrl), undefined: 404.
   */
  artifactDownload?: (id: number) => string | undefined;
}

export function commitSha(label: string): string {
  return /^[0-9a-f]{40}$/.test(label) ? label : createHash('sha1').update(`commit:${label}`).digest('hex');
}

let nextId = 1000;
const newId = () => nextId++;

/** Fixed timestamps, one minute apart in declaration order, so "newest" follows the fixture. */
function timestamp(index: number): string {
  return new Date(Date.UTC(2024, 0, 1) + index * 60_000).toISOString().replace(/\.000Z$/, 'Z');
}

export function buildRepo(fullName: string, fixture: FixtureRepo): StandInRepo {
  const [owner, name] = fullName.split('/');
  if (!owner || !name) throw new Error(`fixture repository "${fullName}" must be owner/name`);
  const commits = new Map<string, Map<string, Buffer>>();
  for (const [label, files] of Object.entries(fixture.commits ?? {})) {
    commits.set(commitSha(label), new Map(Object.entries(files).map(([p, c]) => [p, Buffer.from(c)])));
  }
  const tags = new Map(Object.entries(fixture.tags ?? {}).map(([tag, label]) => [tag, commitSha(label)]));
  // A published release always has its git tag; add one (on an empty commit) when the fixture omits it.
  for (const r of fixture.releases ?? []) {
    if (!r.draft && !tags.has(r.tag)) tags.set(r.tag, commitSha(`release:${r.tag}`));
  }
  const defaultBranch = fixture.defaultBranch ?? 'main';
  const branches = new Map(Object.entries(fixture.branches ?? {}).map(([b, label]) => [b, commitSha(label)]));
  const releases = (fixture.releases ?? []).map((r, i): StandInRelease => {
    const createdAt = timestamp(i);
    return {
      id: newId(),
      tag: r.tag,
      name: r.name ?? r.tag,
      draft: r.draft ?? false,
      prerelease: r.prerelease ?? false,
      immutable: r.immutable ?? false,
      createdAt,
      assets: (r.assets ?? []).map((a) => ({
        id: newId(),
        name: a.name,
        label: a.label ?? null,
        contentType: a.contentType ?? 'application/octet-stream',
        state: a.state ?? 'uploaded',
        bytes: Buffer.from(a.content ?? ''),
        createdAt,
        updatedAt: createdAt,
      })),
    };
  });
  return {
    owner,
    name,
    id: newId(),
    private: fixture.private ?? false,
    token: fixture.token,
    defaultBranch,
    commits,
    tags,
    branches,
    releases,
  };
}

/** Resolves a `ref` (tag, branch or commit SHA; default branch when absent) to a commit SHA. */
export function resolveRef(repo: StandInRepo, ref: string | null): string | undefined {
  const r = ref ?? repo.defaultBranch;
  return repo.tags.get(r) ?? repo.branches.get(r) ?? (repo.commits.has(r) ? r : undefined);
}
