// Adapter: the server repository's releases, tags and files at a tag, through Octokit. The
// choice of tag is versions.ts (pure); this module only fetches and explains failures.
import type { Octokit } from '@octokit/rest';
import { isAuthenticated } from './client';
import { explainGitHubError, GitHubInvalidResponseError, isHttpError } from './errors';
import {
  parseVersionSpec,
  selectServerTag,
  selectServerTags,
  type VersionCandidate,
  type VersionSelection,
} from './versions';

export interface ServerReleaseQuery {
  owner: string;
  repo: string;
  /** `latest`, a tag (`v2.0.0`, `2.0.0`) or a semver range (`^2.6`). */
  spec: string;
  includePrereleases?: boolean;
}

export interface ServerRelease {
  tag: string;
  /** The commit the tag points at (absent for a release whose tag is not in the tag list). */
  commitSha?: string;
  /** The release page, when the tag has a published release. */
  releaseUrl?: string;
  source: 'release' | 'tag';
  prerelease: boolean;
}

/** Lists releases and tags (all pages) and picks the tag the spec names. */
export async function resolveServerRelease(octokit: Octokit, q: ServerReleaseQuery): Promise<ServerRelease> {
  parseVersionSpec(q.spec); // a malformed spec fails before any request
  const listed = await listServerVersions(octokit, q);
  const chosen = selectServerTag(listed.candidates, q.spec, { includePrereleases: q.includePrereleases });
  return listed.release(chosen);
}

export interface ServerReleasesQuery {
  owner: string;
  repo: string;
  /** `latest`, tags and ranges (a range: every matching release). */
  specs: readonly string[];
  includePrereleases?: boolean;
  /** At most this many (the newest). */
  max: number;
}

/** Several releases from one listing of releases and tags: newest first, capped; what the cap left out. */
export async function resolveServerReleases(
  octokit: Octokit,
  q: ServerReleasesQuery,
): Promise<{ releases: ServerRelease[]; leftOut: string[] }> {
  for (const spec of q.specs) parseVersionSpec(spec);
  const listed = await listServerVersions(octokit, q);
  const chosen = selectServerTags(listed.candidates, q.specs, {
    includePrereleases: q.includePrereleases,
    max: q.max,
  });
  return { releases: chosen.selected.map((c) => listed.release(c)), leftOut: chosen.leftOut };
}

/** Every release and tag of the server repository (all pages), as candidates for the choice. */
async function listServerVersions(
  octokit: Octokit,
  q: { owner: string; repo: string },
): Promise<{ candidates: VersionCandidate[]; release: (chosen: VersionSelection) => ServerRelease }> {
  const full = `${q.owner}/${q.repo}`;
  const token = await isAuthenticated(octokit);
  const ctx = (doing: string) => ({
    doing,
    repository: full,
    authenticated: token,
    repositoryInput: 'server-repository',
  });

  let releases: Awaited<ReturnType<typeof octokit.rest.repos.listReleases>>['data'];
  let tags: Awaited<ReturnType<typeof octokit.rest.repos.listTags>>['data'];
  try {
    releases = await octokit.paginate(octokit.rest.repos.listReleases, {
      owner: q.owner,
      repo: q.repo,
      per_page: 100,
    });
  } catch (e) {
    throw explainGitHubError(e, ctx(`listing the releases of ${full}`));
  }
  try {
    tags = await octokit.paginate(octokit.rest.repos.listTags, {
      owner: q.owner,
      repo: q.repo,
      per_page: 100,
    });
  } catch (e) {
    throw explainGitHubError(e, ctx(`listing the tags of ${full}`));
  }

  for (const [what, list] of [
    [`GET /repos/${full}/releases`, releases],
    [`GET /repos/${full}/tags`, tags],
  ] as const) {
    if (!Array.isArray(list) || list.some((x: unknown) => typeof x !== 'object' || x === null)) {
      throw new GitHubInvalidResponseError(
        `GitHub returned an invalid response to ${what}: expected a list. Check that GITHUB_API_URL is the API root, then re-run the job.`,
      );
    }
  }
  const candidates: VersionCandidate[] = [
    ...releases.map((r) => ({
      tag: r.tag_name,
      draft: r.draft,
      prerelease: r.prerelease,
      source: 'release' as const,
    })),
    ...tags.map((t) => ({ tag: t.name, source: 'tag' as const })),
  ];
  // By name, once: each chosen release is a lookup, not a scan of every release and tag.
  const publishedByTag = new Map<string, (typeof releases)[number]>();
  for (const r of releases)
    if (!r.draft && !publishedByTag.has(r.tag_name)) publishedByTag.set(r.tag_name, r);
  const tagByName = new Map<string, (typeof tags)[number]>();
  for (const t of tags) if (!tagByName.has(t.name)) tagByName.set(t.name, t);
  const release = (chosen: VersionSelection): ServerRelease => {
    const r = publishedByTag.get(chosen.tag);
    return {
      tag: chosen.tag,
      commitSha: tagByName.get(chosen.tag)?.commit.sha,
      releaseUrl: r?.html_url,
      source: chosen.source,
      prerelease: chosen.prerelease,
    };
  };
  return { candidates, release };
}

export interface FileAtTagQuery {
  owner: string;
  repo: string;
  /** A tag (or any ref: branch, commit SHA). */
  tag: string;
  /** Path from the repository root, e.g. `GO_VERSION`. */
  path: string;
}

/** A file's text at a tag; undefined when the file does not exist there. */
export async function readFileAtTag(octokit: Octokit, q: FileAtTagQuery): Promise<string | undefined> {
  const full = `${q.owner}/${q.repo}`;
  const doing = `reading ${q.path} at ${q.tag} of ${full}`;
  let data: unknown;
  try {
    ({ data } = await octokit.rest.repos.getContent({
      owner: q.owner,
      repo: q.repo,
      path: q.path,
      ref: q.tag,
    }));
  } catch (e) {
    if (isHttpError(e) && e.status === 404) {
      if (/no commit found for the ref/i.test(e.message)) {
        throw new Error(`${full} has no tag or ref "${q.tag}" (while ${doing}).`, { cause: e });
      }
      return undefined;
    }
    throw explainGitHubError(e, {
      doing,
      repository: full,
      authenticated: await isAuthenticated(octokit),
      repositoryInput: 'server-repository',
    });
  }
  if (Array.isArray(data)) throw new Error(`${q.path} at ${q.tag} of ${full} is a directory, not a file.`);
  if (typeof data !== 'object' || data === null) {
    throw new GitHubInvalidResponseError(
      `GitHub returned an invalid response while ${doing}: expected a JSON object. Check that GITHUB_API_URL is the API root, then re-run the job.`,
    );
  }
  const file = data as { type?: string; encoding?: string; content?: string };
  if (file.type !== 'file')
    throw new Error(`${q.path} at ${q.tag} of ${full} is a ${file.type ?? 'non-file'}, not a file.`);
  if (file.encoding === 'base64') return Buffer.from(file.content ?? '', 'base64').toString('utf8');
  // Files over 1 MB come back with encoding "none": ask for the raw bytes instead.
  const raw = await octokit.rest.repos.getContent({
    owner: q.owner,
    repo: q.repo,
    path: q.path,
    ref: q.tag,
    mediaType: { format: 'raw' },
  });
  return String(raw.data);
}

export interface ServerFiles {
  /** GO_VERSION at the repository root, if present. */
  goVersionFile?: string;
  /** go.mod at the repository root, if present. */
  goMod?: string;
}

/** GO_VERSION and go.mod at a tag, read in parallel. */
export async function readServerFiles(
  octokit: Octokit,
  q: { owner: string; repo: string; tag: string },
): Promise<ServerFiles> {
  const [goVersionFile, goMod] = await Promise.all([
    readFileAtTag(octokit, { ...q, path: 'GO_VERSION' }),
    readFileAtTag(octokit, { ...q, path: 'go.mod' }),
  ]);
  return { goVersionFile, goMod };
}
