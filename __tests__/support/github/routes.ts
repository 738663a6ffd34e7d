// The stand-in's REST endpoints as a table: method, path pattern, handler. To add an endpoint,
// add an entry; handlers get the live state and answer [status, body, headers] or throw
// HttpError. Bodies come from shapes.ts.
import type { IncomingHttpHeaders } from 'node:http';
import { randomBytes } from 'node:crypto';
import { resolveRef, type StandInAsset, type StandInRelease, type StandInRepo } from './fixtures';
import { assetBody, DOCS, fileBody, messages, releaseBody, repoBody, tagBody, type Urls } from './shapes';

export type Answer = [status: number, body: unknown, headers?: Record<string, string>];

export class HttpError {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {}
}

export interface RouteContext {
  urls: Urls;
  url: URL;
  headers: IncomingHttpHeaders;
  body: Buffer;
  token: string | undefined;
  /** The repository named in the path, already checked for visibility. */
  repo: StandInRepo;
  newAssetId(): number;
  /** The name GitHub gives an uploaded asset (it renames names it does not accept). */
  assetName(name: string): string;
}

interface Route {
  method: 'GET' | 'POST' | 'DELETE' | 'PATCH' | 'PUT';
  /** Matched against the decoded path; groups 1 and 2 are owner and repository. */
  pattern: RegExp;
  handle(ctx: RouteContext, params: string[]): Answer;
}

const repoPath = String.raw`\/repos\/([^/]+)\/([^/]+)`;
const r = (s: string) => new RegExp(`^${s}$`);

export const routes: Route[] = [
  {
    // The REST artifact download: 302 to the blob (what @actions/artifact's findBy path follows).
    method: 'GET',
    pattern: r(`${repoPath}/actions/artifacts/(\\d+)/zip`),
    handle: (c, params) => {
      requireToken(c);
      const location = found(c.repo.artifactDownload?.(Number(params[0])));
      return [302, '', { location }];
    },
  },
  { method: 'GET', pattern: r(repoPath), handle: (c) => [200, repoBody(c.urls, c.repo)] },
  {
    method: 'GET',
    pattern: r(`${repoPath}/releases`),
    handle: (c) =>
      paginate(
        c,
        newestFirst(c.repo)
          .filter((x) => canSeeDrafts(c) || !x.draft)
          .map((x) => releaseBody(c.urls, c.repo, x)),
      ),
  },
  {
    method: 'GET',
    pattern: r(`${repoPath}/releases/latest`),
    handle: (c) => [
      200,
      releaseBody(c.urls, c.repo, found(newestFirst(c.repo).find((x) => !x.draft && !x.prerelease))),
    ],
  },
  {
    method: 'GET',
    pattern: r(`${repoPath}/releases/tags/(.+)`),
    // Drafts are never returned by the tag endpoint, whoever asks.
    handle: (c, [tag]) => [
      200,
      releaseBody(c.urls, c.repo, found(newestFirst(c.repo).find((x) => x.tag === tag && !x.draft))),
    ],
  },
  {
    method: 'GET',
    pattern: r(`${repoPath}/releases/(\\d+)`),
    handle: (c, [id]) => {
      const release = releaseById(c.repo, Number(id));
      if (release.draft && !canSeeDrafts(c)) throw new HttpError(404, messages.notFound());
      return [200, releaseBody(c.urls, c.repo, release)];
    },
  },
  {
    method: 'GET',
    pattern: r(`${repoPath}/releases/(\\d+)/assets`),
    handle: (c, [id]) => {
      const release = releaseById(c.repo, Number(id));
      return paginate(
        c,
        release.assets.map((a) => assetBody(c.urls, c.repo, release, a)),
      );
    },
  },
  {
    method: 'GET',
    pattern: r(`${repoPath}/releases/assets/(\\d+)`),
    handle: (c, [id]) => {
      const [release, asset] = assetById(c.repo, Number(id));
      if (String(c.headers.accept ?? '').includes('application/octet-stream')) return [200, asset.bytes];
      return [200, assetBody(c.urls, c.repo, release, asset)];
    },
  },
  {
    method: 'DELETE',
    pattern: r(`${repoPath}/releases/assets/(\\d+)`),
    handle: (c, [id]) => {
      requireToken(c);
      const [release, asset] = assetById(c.repo, Number(id));
      if (release.immutable && !release.draft) {
        throw new HttpError(422, {
          message: 'Cannot delete assets of an immutable release.',
          documentation_url: DOCS,
        });
      }
      release.assets = release.assets.filter((a) => a !== asset);
      return [204, undefined];
    },
  },
  {
    // Update a release asset: `name` renames it (GitHub answers 422 already_exists when another
    // asset of the release has that name), `label` relabels it.
    method: 'PATCH',
    pattern: r(`${repoPath}/releases/assets/(\\d+)`),
    handle: (c, [id]) => {
      requireToken(c);
      const [release, asset] = assetById(c.repo, Number(id));
      if (release.immutable && !release.draft) {
        throw new HttpError(422, messages.immutable(randomBytes(8).toString('hex').toUpperCase()));
      }
      let patch: { name?: unknown; label?: unknown };
      try {
        patch = JSON.parse(c.body.toString('utf8') || '{}') as typeof patch;
      } catch {
        throw new HttpError(400, { message: 'Problems parsing JSON', documentation_url: DOCS });
      }
      if (typeof patch.name === 'string' && patch.name !== asset.name) {
        if (patch.name === '')
          throw new HttpError(422, { message: 'Validation Failed', documentation_url: DOCS });
        if (release.assets.some((a) => a !== asset && a.name === patch.name)) {
          throw new HttpError(422, messages.alreadyExists(randomBytes(8).toString('hex').toUpperCase()));
        }
        asset.name = patch.name;
      }
      if (typeof patch.label === 'string' || patch.label === null) asset.label = patch.label;
      asset.updatedAt = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
      return [200, assetBody(c.urls, c.repo, release, asset)];
    },
  },
  {
    method: 'GET',
    pattern: r(`${repoPath}/tags`),
    handle: (c) =>
      paginate(
        c,
        [...c.repo.tags].reverse().map(([tag, sha]) => tagBody(c.urls, c.repo, tag, sha)),
      ),
  },
  {
    method: 'GET',
    pattern: r(`${repoPath}/contents/(.*)`),
    handle: (c, [rawPath]) => {
      const path = rawPath!.replace(/\/+$/, '');
      const ref = c.url.searchParams.get('ref');
      const sha = resolveRef(c.repo, ref);
      if (!sha) {
        throw new HttpError(404, {
          message: `No commit found for the ref ${ref ?? c.repo.defaultBranch}`,
          documentation_url: 'https://docs.github.com/rest/repos/contents',
          status: '404',
        });
      }
      const bytes = c.repo.commits.get(sha)?.get(path);
      if (!bytes) {
        throw new HttpError(
          404,
          messages.notFound('https://docs.github.com/rest/repos/contents#get-repository-content'),
        );
      }
      return [200, fileBody(c.urls, c.repo, path, ref ?? c.repo.defaultBranch, bytes)];
    },
  },
  // The upload host (GitHub: uploads.github.com): the release's upload_url points here.
  {
    method: 'POST',
    pattern: r(`/uploads${repoPath}/releases/(\\d+)/assets`),
    handle: (c, [id]) => upload(c, releaseById(c.repo, Number(id))),
  },
];

function upload(c: RouteContext, release: StandInRelease): Answer {
  requireToken(c);
  const requestId = randomBytes(8).toString('hex').toUpperCase();
  const asked = c.url.searchParams.get('name');
  const name = asked === null ? null : c.assetName(asked);
  if (!name) {
    throw new HttpError(422, {
      message: 'Validation Failed',
      request_id: requestId,
      documentation_url: DOCS,
      errors: [{ resource: 'ReleaseAsset', code: 'missing_field', field: 'name' }],
    });
  }
  const length = Number(c.headers['content-length']);
  if (!Number.isFinite(length) || length !== c.body.length) {
    throw new HttpError(400, { message: `Bad Content-Length: ${c.headers['content-length'] ?? ''}` });
  }
  const contentType = c.headers['content-type'];
  if (!contentType) throw new HttpError(400, { message: 'Content-Type header is required' });
  if (release.immutable && !release.draft) throw new HttpError(422, messages.immutable(requestId));
  if (release.assets.some((a) => a.name === name))
    throw new HttpError(422, messages.alreadyExists(requestId));
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const asset: StandInAsset = {
    id: c.newAssetId(),
    name,
    label: c.url.searchParams.get('label'),
    contentType,
    state: 'uploaded',
    bytes: c.body,
    createdAt: now,
    updatedAt: now,
  };
  release.assets.push(asset);
  return [201, assetBody(c.urls, c.repo, release, asset)];
}

/** Callers with a token are treated as having push access, so they see drafts (as on GitHub). */
const canSeeDrafts = (c: RouteContext) => c.token !== undefined;

function requireToken(c: RouteContext): void {
  if (!c.token) throw new HttpError(401, messages.requiresAuth());
}

const newestFirst = (repo: StandInRepo) => [...repo.releases].reverse();

function found<T>(x: T | undefined): T {
  if (x === undefined) throw new HttpError(404, messages.notFound());
  return x;
}

function releaseById(repo: StandInRepo, id: number): StandInRelease {
  return found(repo.releases.find((x) => x.id === id));
}

function assetById(repo: StandInRepo, id: number): [StandInRelease, StandInAsset] {
  for (const release of repo.releases) {
    const asset = release.assets.find((x) => x.id === id);
    if (asset) return [release, asset];
  }
  throw new HttpError(404, messages.notFound());
}

/** GitHub's pagination: per_page (default 30, max 100), page, and a Link header. */
function paginate(c: RouteContext, items: unknown[]): Answer {
  const perPage = Math.min(100, Math.max(1, Number(c.url.searchParams.get('per_page')) || 30));
  const page = Math.max(1, Number(c.url.searchParams.get('page')) || 1);
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const link = (p: number) => {
    const u = new URL(c.url.pathname + c.url.search, c.urls.api);
    u.searchParams.set('per_page', String(perPage));
    u.searchParams.set('page', String(p));
    return u.toString();
  };
  const rels: string[] = [];
  if (page > 1) rels.push(`<${link(page - 1)}>; rel="prev"`);
  if (page < last) rels.push(`<${link(page + 1)}>; rel="next"`, `<${link(last)}>; rel="last"`);
  if (page > 1) rels.push(`<${link(1)}>; rel="first"`);
  return [
    200,
    items.slice((page - 1) * perPage, page * perPage),
    rels.length > 0 ? { link: rels.join(', ') } : {},
  ];
}
