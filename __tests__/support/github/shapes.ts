// GitHub's REST response bodies (the fields our adapters and Octokit rely on, plus the usual
// neighbours), built from stand-in state. Shapes follow docs.github.com/rest (2022-11-28).
import { createHash } from 'node:crypto';
import type { StandInAsset, StandInRelease, StandInRepo } from './fixtures';

export interface Urls {
  /** The API root, e.g. http://127.0.0.1:1234 */
  api: string;
  /** The upload host root (GitHub: https://uploads.github.com). */
  uploads: string;
  /** The web root used for html/download links. */
  web: string;
}

const owner = (login: string) => ({
  login,
  id: 1,
  node_id: 'MDQ6VXNlcjE=',
  type: 'Organization',
  site_admin: false,
});
const nodeId = (kind: string, id: number) => Buffer.from(`${kind}:${id}`).toString('base64');

export function repoBody(u: Urls, repo: StandInRepo) {
  const full = `${repo.owner}/${repo.name}`;
  return {
    id: repo.id,
    node_id: nodeId('Repository', repo.id),
    name: repo.name,
    full_name: full,
    private: repo.private,
    visibility: repo.private ? 'private' : 'public',
    owner: owner(repo.owner),
    html_url: `${u.web}/${full}`,
    url: `${u.api}/repos/${full}`,
    releases_url: `${u.api}/repos/${full}/releases{/id}`,
    tags_url: `${u.api}/repos/${full}/tags`,
    default_branch: repo.defaultBranch,
    archived: false,
    disabled: false,
    fork: false,
  };
}

export function assetBody(u: Urls, repo: StandInRepo, release: StandInRelease, a: StandInAsset) {
  const full = `${repo.owner}/${repo.name}`;
  return {
    url: `${u.api}/repos/${full}/releases/assets/${a.id}`,
    // GitHub lists a draft's assets under untagged-<hash>, a URL that breaks when it is published.
    browser_download_url: `${u.web}/${full}/releases/download/${release.draft ? `untagged-${createHash('sha1').update(`draft:${release.id}`).digest('hex').slice(0, 20)}` : encodeURIComponent(release.tag)}/${encodeURIComponent(a.name)}`,
    id: a.id,
    node_id: nodeId('ReleaseAsset', a.id),
    name: a.name,
    label: a.label,
    state: a.state,
    content_type: a.contentType,
    size: a.bytes.length,
    digest: a.state === 'uploaded' ? `sha256:${createHash('sha256').update(a.bytes).digest('hex')}` : null,
    download_count: 0,
    created_at: a.createdAt,
    updated_at: a.updatedAt,
    uploader: owner('github-actions[bot]'),
  };
}

export function releaseBody(u: Urls, repo: StandInRepo, r: StandInRelease) {
  const full = `${repo.owner}/${repo.name}`;
  const tagPath = encodeURIComponent(r.tag);
  return {
    url: `${u.api}/repos/${full}/releases/${r.id}`,
    html_url: r.draft
      ? `${u.web}/${full}/releases/tag/untagged-${r.id}`
      : `${u.web}/${full}/releases/tag/${tagPath}`,
    assets_url: `${u.api}/repos/${full}/releases/${r.id}/assets`,
    upload_url: `${u.uploads}/repos/${full}/releases/${r.id}/assets{?name,label}`,
    tarball_url: r.draft ? null : `${u.api}/repos/${full}/tarball/${tagPath}`,
    zipball_url: r.draft ? null : `${u.api}/repos/${full}/zipball/${tagPath}`,
    id: r.id,
    node_id: nodeId('Release', r.id),
    tag_name: r.tag,
    target_commitish: repo.defaultBranch,
    name: r.name,
    body: '',
    draft: r.draft,
    prerelease: r.prerelease,
    immutable: r.immutable,
    created_at: r.createdAt,
    published_at: r.draft ? null : r.createdAt,
    author: owner('flow-bot'),
    assets: r.assets.map((a) => assetBody(u, repo, r, a)),
  };
}

export function tagBody(u: Urls, repo: StandInRepo, tag: string, sha: string) {
  const full = `${repo.owner}/${repo.name}`;
  return {
    name: tag,
    zipball_url: `${u.api}/repos/${full}/zipball/refs/tags/${encodeURIComponent(tag)}`,
    tarball_url: `${u.api}/repos/${full}/tarball/refs/tags/${encodeURIComponent(tag)}`,
    commit: { sha, url: `${u.api}/repos/${full}/commits/${sha}` },
    node_id: Buffer.from(`Ref:refs/tags/${tag}`).toString('base64'),
  };
}

/** Git's blob SHA-1, as the contents API reports it. */
export function blobSha(bytes: Buffer): string {
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

export function fileBody(u: Urls, repo: StandInRepo, path: string, ref: string, bytes: Buffer) {
  const full = `${repo.owner}/${repo.name}`;
  const sha = blobSha(bytes);
  const self = `${u.api}/repos/${full}/contents/${path}?ref=${encodeURIComponent(ref)}`;
  return {
    type: 'file',
    encoding: 'base64',
    size: bytes.length,
    name: path.split('/').pop(),
    path,
    // GitHub wraps the base64 at 60 characters with newlines.
    content: (bytes.toString('base64').match(/.{1,60}/g) ?? []).map((l) => `${l}\n`).join(''),
    sha,
    url: self,
    git_url: `${u.api}/repos/${full}/git/blobs/${sha}`,
    html_url: `${u.web}/${full}/blob/${ref}/${path}`,
    download_url: `${u.web}/raw/${full}/${ref}/${path}`,
    _links: {
      self,
      git: `${u.api}/repos/${full}/git/blobs/${sha}`,
      html: `${u.web}/${full}/blob/${ref}/${path}`,
    },
  };
}

export const DOCS = 'https://docs.github.com/rest';

export const messages = {
  notFound: (documentation_url = DOCS) => ({ message: 'Not Found', documentation_url, status: '404' }),
  badCredentials: () => ({ message: 'Bad credentials', documentation_url: DOCS, status: '401' }),
  requiresAuth: () => ({ message: 'Requires authentication', documentation_url: DOCS, status: '401' }),
  primaryRateLimit: (who: string) => ({
    message: `API rate limit exceeded for ${who}. (But here's the good news: Authenticated requests get a higher rate limit. Check out the documentation for more details.)`,
    documentation_url:
      'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-the-primary-rate-limit',
  }),
  secondaryRateLimit: (requestId: string) => ({
    message: `You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID ${requestId}.`,
    documentation_url:
      'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
  }),
  alreadyExists: (requestId: string) => ({
    message: 'Validation Failed',
    request_id: requestId,
    documentation_url: DOCS,
    errors: [{ resource: 'ReleaseAsset', code: 'already_exists', field: 'name' }],
  }),
  immutable: (requestId: string) => ({
    message: 'Cannot upload assets to an immutable release.',
    request_id: requestId,
    documentation_url: DOCS,
  }),
  serverError: () => ({ message: 'Server Error' }),
};
