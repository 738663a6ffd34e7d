// The real adapters over real HTTP (Octokit -> loopback) against the GitHub stand-in.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createGitHubClient, type GitHubClientOptions } from '../../src/github/client';
import { GitHubNoAnswerError, GitHubRateLimitError, GitHubTimeoutError } from '../../src/github/errors';
import { resolveServerGoVersion } from '../../src/github/go-version';
import { readFileAtTag, readServerFiles, resolveServerRelease } from '../../src/github/server-release';
import { VersionResolutionError } from '../../src/github/versions';
import { commitSha, startGitHubStandIn, type GitHubStandIn } from '../support/github';

const TOKEN = 'ghs_standInSecretToken123';
const goMod = (toolchain?: string) =>
  `module github.com/flow/server/v2\n\ngo 1.24\n${toolchain ? `toolchain ${toolchain}\n` : ''}\nrequire example.com/lib v1.2.0\n`;

let gh: GitHubStandIn;
beforeAll(async () => {
  gh = await startGitHubStandIn({
    repos: {
      'flow/server': {
        commits: {
          c1: { GO_VERSION: '1.12.0\n', 'go.mod': goMod() },
          c2: { GO_VERSION: '1.22.4\n', 'go.mod': goMod() },
          c3: { 'go.mod': goMod('go1.26.0') }, // newer layout without GO_VERSION
          c4: { GO_VERSION: '1.26.0\n', 'go.mod': goMod('go1.26.1') }, // the two disagree
        },
        // v2.0.0 and v2.0.1 share a commit; v2.5.0 is a tag without a release.
        tags: {
          'v1.2.1': 'c1',
          'v2.0.0': 'c1',
          'v2.0.1': 'c1',
          'v2.5.0': 'c2',
          'v2.6.0': 'c2',
          'v2.7.0-rc.1': 'c2',
          'v3.0.0': 'c3',
          'v3.1.0': 'c4',
        },
        releases: [
          { tag: 'v1.2.1' },
          { tag: 'v2.0.0' },
          { tag: 'v2.0.1' },
          { tag: 'v2.6.0' },
          { tag: 'v2.7.0-rc.1', prerelease: true },
          { tag: 'v3.0.0' },
          { tag: 'v3.1.0', prerelease: true },
          { tag: 'v4.0.0', draft: true },
        ],
      },
      'flow/tags-only': {
        commits: { a: { GO_VERSION: '1.21rc1\n' } },
        tags: { 'v0.9.0': 'a', 'v1.0.0': 'a', 'v1.1.0-beta.1': 'a', 'v1.0.1': 'a' },
      },
      'flow/private': { private: true, token: TOKEN, releases: [{ tag: 'v1.0.0' }] },
      'flow/many': {
        releases: Array.from({ length: 250 }, (_, i) => ({ tag: `v1.${i}.0` })),
      },
    },
  });
});
afterAll(() => gh.close());

const fast: GitHubClientOptions = { retryBaseMs: 5, writeSpacingMs: 0, retries: 3 };
const client = (o: GitHubClientOptions = {}) => createGitHubClient({ baseUrl: gh.url, ...fast, ...o });
const resolve = (
  spec: string,
  o: { repo?: string; includePrereleases?: boolean; client?: GitHubClientOptions } = {},
) =>
  resolveServerRelease(client(o.client), {
    owner: 'flow',
    repo: o.repo ?? 'server',
    spec,
    includePrereleases: o.includePrereleases,
  });

describe('resolveServerRelease', () => {
  it('latest: the newest published non-prerelease release, with its commit and page', async () => {
    const got = await resolve('latest', { client: { token: TOKEN } });
    expect(got).toEqual({
      tag: 'v3.0.0',
      commitSha: commitSha('c3'),
      releaseUrl: `${gh.url}/web/flow/server/releases/tag/v3.0.0`,
      source: 'release',
      prerelease: false,
    });
  });

  it.each([
    ['v2.0.0', {}, 'v2.0.0', 'release'],
    ['2.0.0', {}, 'v2.0.0', 'release'],
    ['v2.5.0', {}, 'v2.5.0', 'tag'],
    ['^2.6', {}, 'v2.6.0', 'release'],
    ['2.x', {}, 'v2.6.0', 'release'],
    ['>=2.0 <3', { includePrereleases: true }, 'v2.7.0-rc.1', 'release'],
    ['>=2.7.0-rc.0 <2.8', {}, 'v2.7.0-rc.1', 'release'],
    ['latest', { includePrereleases: true }, 'v3.1.0', 'release'],
  ] as const)('%s %j -> %s (%s)', async (spec, o, tag, source) => {
    const got = await resolve(spec, o);
    expect(got.tag).toBe(tag);
    expect(got.source).toBe(source);
  });

  it('two tags on one commit resolve to the same commit', async () => {
    const [a, b] = await Promise.all([resolve('v2.0.0'), resolve('v2.0.1')]);
    expect(a.commitSha).toBe(commitSha('c1'));
    expect(b.commitSha).toBe(a.commitSha);
  });

  it('never picks a draft, even when the token can see it', async () => {
    await expect(resolve('v4.0.0', { client: { token: TOKEN } })).rejects.toThrow(/only a draft release/);
    await expect(resolve('^4', { client: { token: TOKEN } })).rejects.toThrow(
      /No server release matches the range "\^4"\. .*v3\.0\.0, v2\.6\.0, v2\.0\.1, v2\.0\.0, v1\.2\.1/,
    );
  });

  it('resolves from tags when the repository has no releases', async () => {
    expect(await resolve('latest', { repo: 'tags-only' })).toMatchObject({ tag: 'v1.0.1', source: 'tag' });
    expect((await resolve('~0.9', { repo: 'tags-only' })).tag).toBe('v0.9.0');
  });

  it('follows pagination past 100 releases (per_page=100, Link headers)', async () => {
    const before = gh.requests.length;
    const got = await resolve('latest', { repo: 'many' });
    expect(got.tag).toBe('v1.249.0');
    const pages = gh.requests.slice(before).filter((r) => r.path.startsWith('/repos/flow/many/releases'));
    expect(pages.map((r) => new URL(r.path, gh.url).searchParams.get('page') ?? '1')).toEqual([
      '1',
      '2',
      '3',
    ]);
    expect(pages.every((r) => r.path.includes('per_page=100'))).toBe(true);
    expect((await resolve('1.17.0', { repo: 'many' })).tag).toBe('v1.17.0');
  });

  it('a malformed spec fails before any request', async () => {
    const before = gh.requests.length;
    await expect(resolve('not a version')).rejects.toBeInstanceOf(VersionResolutionError);
    expect(gh.requests.length).toBe(before);
  });
});

describe('files at a tag', () => {
  const read = (tag: string, path: string) =>
    readFileAtTag(client(), { owner: 'flow', repo: 'server', tag, path });

  it('reads GO_VERSION and go.mod (base64 JSON from the contents API)', async () => {
    expect(await read('v2.0.0', 'GO_VERSION')).toBe('1.12.0\n');
    expect(await readServerFiles(client(), { owner: 'flow', repo: 'server', tag: 'v2.6.0' })).toEqual({
      goVersionFile: '1.22.4\n',
      goMod: goMod(),
    });
  });

  it('a missing file is undefined; a missing tag is an error', async () => {
    expect(await read('v3.0.0', 'GO_VERSION')).toBeUndefined();
    expect(await read('v2.0.0', 'no/such/file')).toBeUndefined();
    await expect(read('v9.9.9', 'GO_VERSION')).rejects.toThrow('flow/server has no tag or ref "v9.9.9"');
  });

  it('falls back to the toolchain line and warns when the two disagree', async () => {
    const v300 = await readServerFiles(client(), { owner: 'flow', repo: 'server', tag: 'v3.0.0' });
    expect(resolveServerGoVersion({ tag: 'v3.0.0', ...v300 })).toEqual({
      version: '1.26.0',
      source: 'toolchain',
      warnings: [],
    });
    const v310 = await readServerFiles(client(), { owner: 'flow', repo: 'server', tag: 'v3.1.0' });
    const got = resolveServerGoVersion({ tag: 'v3.1.0', ...v310 });
    expect(got.version).toBe('1.26.0');
    expect(got.warnings).toEqual([expect.stringContaining('go.mod says toolchain go1.26.1')]);
  });
});

describe('faults', () => {
  afterEach(() => gh.clearFaults());

  it('retries 5xx answers and succeeds', async () => {
    gh.inject({ path: '/repos/flow/tags-only/releases', status: 502, times: 2 });
    const lines: string[] = [];
    const got = await resolve('latest', { repo: 'tags-only', client: { log: (m) => lines.push(m) } });
    expect(got.tag).toBe('v1.0.1');
    expect(lines).toEqual([
      expect.stringMatching(/^GET \/repos\/flow\/tags-only\/releases: 502 .*\(attempt 1\)$/),
      expect.stringMatching(/\(attempt 2\)$/),
    ]);
  });

  it('retries a dropped connection and a stalled answer', async () => {
    gh.inject({ path: '/repos/flow/tags-only/tags', drop: true });
    gh.inject({ path: '/repos/flow/tags-only/releases', delayMs: 5_000 });
    const lines: string[] = [];
    const started = Date.now();
    const got = await resolve('latest', {
      repo: 'tags-only',
      client: { attemptTimeoutMs: 300, log: (m) => lines.push(m) },
    });
    expect(got.tag).toBe('v1.0.1');
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(lines.join('\n')).toMatch(/releases: no answer within 300 ms \(attempt 1\)/);
    expect(lines.join('\n')).toMatch(/tags: network error .*\(attempt 1\)/);
  });

  it('waits out a secondary rate limit (Retry-After) and succeeds', async () => {
    gh.inject({ path: '/repos/flow/tags-only/releases', rateLimit: 'secondary' });
    const lines: string[] = [];
    const got = await resolve('latest', { repo: 'tags-only', client: { log: (m) => lines.push(m) } });
    expect(got.tag).toBe('v1.0.1');
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^GitHub secondary rate limit on GET \/repos\/flow\/tags-only\/releases; retrying in 1s \(retry 1 of 3\)$/,
      ),
    );
  });

  it('gives up on a persistent secondary rate limit with advice that fits', async () => {
    gh.inject({ path: '/repos/flow/tags-only/releases', rateLimit: 'secondary', times: Infinity });
    const lines: string[] = [];
    const before = gh.requestsTo('GET', '/repos/flow/tags-only/releases').length;
    await expect(
      resolve('latest', { repo: 'tags-only', client: { retries: 2, log: (m) => lines.push(m) } }),
    ).rejects.toThrow(
      /^GitHub's secondary rate limit kept refusing requests while listing the releases of flow\/tags-only, also after waiting and retrying \(403: You have exceeded a secondary rate limit/,
    );
    expect(gh.requestsTo('GET', '/repos/flow/tags-only/releases').length - before).toBe(3);
    expect(lines.at(-1)).toMatch(/secondary rate limit on GET .*; giving up$/);
  });

  it('does not wait for a secondary limit beyond the total time bound', async () => {
    gh.inject({
      path: '/repos/flow/tags-only/releases',
      rateLimit: 'secondary',
      headers: { 'retry-after': '60' },
    });
    const lines: string[] = [];
    const before = gh.requestsTo('GET', '/repos/flow/tags-only/releases').length;
    // 60 s Retry-After at 5 ms per second = 300 ms, more than the 200 ms bound: no retry.
    await expect(
      resolve('latest', { repo: 'tags-only', client: { totalTimeoutMs: 200, log: (m) => lines.push(m) } }),
    ).rejects.toThrow(/secondary rate limit kept refusing/);
    expect(gh.requestsTo('GET', '/repos/flow/tags-only/releases').length - before).toBe(1);
    expect(lines).toEqual([expect.stringMatching(/; giving up$/)]);
  });

  it('counts only time spent in GitHub calls towards the bound, not the time between them', async () => {
    const c = createGitHubClient({ baseUrl: gh.url, ...fast, totalTimeoutMs: 1_000 });
    await new Promise((r) => setTimeout(r, 1_200)); // e.g. a build between two GitHub phases
    expect((await resolveServerRelease(c, { owner: 'flow', repo: 'tags-only', spec: 'latest' })).tag).toBe(
      'v1.0.1',
    );
    gh.inject({ path: '/repos/flow/tags-only/releases', delayMs: 5_000 });
    await expect(
      resolveServerRelease(c, { owner: 'flow', repo: 'tags-only', spec: 'latest' }),
    ).rejects.toThrow(GitHubTimeoutError);
  });

  it('takes the API root as given, a trailing slash trimmed (main passes GITHUB_API_URL)', async () => {
    const c = createGitHubClient({ baseUrl: `${gh.url}/`, ...fast });
    expect((await resolveServerRelease(c, { owner: 'flow', repo: 'tags-only', spec: 'latest' })).tag).toBe(
      'v1.0.1',
    );
  });

  it('gives up on persistent 5xx after the configured retries, saying so', async () => {
    gh.inject({ path: '/repos/flow/tags-only/releases', status: 503, times: Infinity });
    const before = gh.requestsTo('GET', '/repos/flow/tags-only/releases').length;
    await expect(resolve('latest', { repo: 'tags-only', client: { retries: 2 } })).rejects.toThrow(
      /GitHub answered 503 while listing the releases of flow\/tags-only and kept failing after retries/,
    );
    expect(gh.requestsTo('GET', '/repos/flow/tags-only/releases').length - before).toBe(3);
  });

  it('gives up within the total time bound when GitHub stalls', async () => {
    gh.inject({ path: '/repos/flow/server/releases', delayMs: 5_000, times: Infinity });
    const started = Date.now();
    const error = await resolve('latest', {
      client: { totalTimeoutMs: 400, attemptTimeoutMs: 150, silentAttempts: 99 },
    }).catch((e) => e);
    const elapsed = Date.now() - started;
    expect(error).toBeInstanceOf(GitHubTimeoutError);
    expect(error.message).toMatch(
      /took longer than their time bound of 400 ms in total \(at GET \/repos\/flow\/server\/releases\)/,
    );
    expect(elapsed).toBeLessThan(1_500);
  });
});

describe('issue 21: a GitHub API that accepts the connection and never answers', () => {
  afterEach(() => gh.clearFaults());

  it('gives up after two silent attempts, saying nothing answered, with the URL - not "GitHub answered 504"', async () => {
    gh.inject({ path: '/repos/flow/server/releases', delayMs: 10_000, times: Infinity });
    const lines: string[] = [];
    const started = Date.now();
    const error = await resolve('latest', {
      client: { answerTimeoutMs: 200, retryBaseMs: 5, log: (m) => lines.push(m) },
    }).catch((e: unknown) => e);
    const elapsed = Date.now() - started;
    expect(error).toBeInstanceOf(GitHubNoAnswerError);
    expect((error as Error).message).toMatch(
      new RegExp(
        `^No answer from the GitHub API in 200 ms to GET ${gh.url.replace(/[.]/g, '\\.')}/repos/flow/server/releases\\?per_page=100 \\(2 attempts\\): the connection was accepted, but not even a status line came back`,
      ),
    );
    expect((error as Error).message).not.toMatch(/answered 504/);
    expect(lines).toEqual([
      expect.stringMatching(/^GET \/repos\/flow\/server\/releases: no answer within 200 ms \(attempt 1\)$/),
    ]);
    expect(elapsed).toBeLessThan(2_000);
  });
});

describe('access and rate limits', () => {
  afterEach(() => gh.clearFaults());

  it('an unknown repository: 404 with what to check', async () => {
    await expect(resolve('latest', { repo: 'nope' })).rejects.toThrow(
      'GitHub repository flow/nope was not found (404) while listing the releases of flow/nope, and no token was sent. ' +
        'If it is private, set github-token to a token that can read it; otherwise check server-repository (owner/name).',
    );
  });

  it('a private repository: 404 without a token, 401 with a bad one, works with the right one', async () => {
    await expect(resolve('latest', { repo: 'private' })).rejects.toThrow(
      /no token was sent\. If it is private, set github-token/,
    );
    const lines: string[] = [];
    const bad = 'ghp_wrongTokenValue987';
    const error = await resolve('latest', {
      repo: 'private',
      client: { token: bad, log: (m) => lines.push(m) },
    }).catch((e: Error) => e);
    expect((error as Error).message).toBe(
      'GitHub rejected the token (401 Bad credentials) while listing the releases of flow/private. ' +
        'Set github-token to a valid token that can read flow/private, or leave it empty for a public repository.',
    );
    expect(
      await resolve('latest', { repo: 'private', client: { token: TOKEN, log: (m) => lines.push(m) } }),
    ).toMatchObject({
      tag: 'v1.0.0',
    });
    // The token went over the wire, and nowhere else.
    const sent = gh.requestsTo('GET', '/repos/flow/private/releases').map((r) => r.headers.authorization);
    expect(sent).toContain(`token ${TOKEN}`);
    expect(sent).toContain(`token ${bad}`);
    for (const text of [...lines, (error as Error).message, String((error as Error).stack)]) {
      expect(text).not.toContain(TOKEN);
      expect(text).not.toContain(bad);
    }
  });

  it('a token that cannot see a private repository gets the token hint', async () => {
    const other = await startGitHubStandIn({
      repos: { 'flow/secret': { private: true, token: 'a' }, 'x/y': { token: 'b' } },
    });
    try {
      const c = createGitHubClient({ baseUrl: other.url, token: 'b', ...fast });
      await expect(
        resolveServerRelease(c, { owner: 'flow', repo: 'secret', spec: 'latest' }),
      ).rejects.toThrow(
        /not found \(404\) while listing the releases of flow\/secret\. It does not exist, or the token in github-token cannot read it: check server-repository \(owner\/name\), or set github-token to a token that can read flow\/secret/,
      );
    } finally {
      await other.close();
    }
  });

  it('primary rate limit: fails at once, saying when it resets', async () => {
    gh.inject({ path: '/repos/flow/server/releases', rateLimit: 'primary' });
    const before = gh.requestsTo('GET', '/repos/flow/server/releases').length;
    const error = await resolve('latest').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitHubRateLimitError);
    const reset =
      Number(gh.requestsTo('GET', '/repos/flow/server/releases').length) &&
      (error as GitHubRateLimitError).resetAt;
    expect(reset).toBeInstanceOf(Date);
    expect((error as Error).message).toMatch(
      new RegExp(
        `^GitHub API rate limit exhausted for the "core" resource \\(60 requests an hour\\)\\. It resets at ${(
          reset as Date
        )
          .toISOString()
          .replace(
            /\./g,
            '\\.',
          )} \\(in (59|60) minutes\\); re-run the job after that\\. Unauthenticated requests get only 60 an hour: set github-token`,
      ),
    );
    expect(gh.requestsTo('GET', '/repos/flow/server/releases').length - before).toBe(1); // not retried
  });

  it('a real exhausted bucket gives the same error with the reset from x-ratelimit-reset', async () => {
    const small = await startGitHubStandIn({
      repos: { 'flow/server': { tags: { 'v1.0.0': 'a' } } },
      rateLimit: { limit: 3, resetInSeconds: 120 },
    });
    try {
      const c = createGitHubClient({ baseUrl: small.url, token: 't', ...fast });
      await resolveServerRelease(c, { owner: 'flow', repo: 'server', spec: 'latest' }); // 2 requests
      await readFileAtTag(c, { owner: 'flow', repo: 'server', tag: 'v1.0.0', path: 'GO_VERSION' }); // the 3rd
      const error = await resolveServerRelease(c, { owner: 'flow', repo: 'server', spec: 'latest' }).catch(
        (e) => e,
      );
      expect(error).toBeInstanceOf(GitHubRateLimitError);
      const last = small.requests.at(-1)!;
      expect(last.status).toBe(403);
      expect(error.message).toContain('(3 requests an hour)');
      expect(error.message).toMatch(/\(in 2 minutes\)/);
      expect(error.message).not.toContain('Unauthenticated');
    } finally {
      await small.close();
    }
  });
});
