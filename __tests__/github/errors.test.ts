import { describe, expect, it } from 'vitest';
import {
  apiUrlProblem,
  explainGitHubError,
  GitHubInvalidResponseError,
  redact,
} from '../../src/github/errors';

const ctx = { doing: 'listing the releases of flow/server', repository: 'flow/server', authenticated: true };

describe('issue 12: plain words for network failures', () => {
  it('a request that got no answer is "could not reach the GitHub API at <root>", not "answered 500"', () => {
    const e = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), {
      status: 500,
      request: { url: 'http://127.0.0.1:1/repos/flow/server/releases?per_page=100' },
    });
    const m = explainGitHubError(e, ctx).message;
    expect(m).toMatch(
      /^Could not reach the GitHub API at http:\/\/127\.0\.0\.1:1 while listing the releases of flow\/server \(connect ECONNREFUSED 127\.0\.0\.1:1\)/,
    );
    expect(m).not.toContain('answered 500');
  });

  it('a real 500 answer is still "GitHub answered 500"', () => {
    const e = Object.assign(new Error('Server Error'), {
      status: 500,
      response: { headers: {}, data: { message: 'Server Error' } },
    });
    expect(explainGitHubError(e, ctx).message).toMatch(/^GitHub answered 500/);
  });

  it('an invalid response passes through as it is', () => {
    const e = new GitHubInvalidResponseError('GitHub returned an invalid response to GET /x');
    expect(explainGitHubError(e, ctx)).toBe(e);
  });

  it('redacts every occurrence of a secret', () => {
    expect(redact('a ghs_x1y2 b ghs_x1y2', ['ghs_x1y2'])).toBe('a *** b ***');
    expect(redact('nothing', [undefined])).toBe('nothing');
  });

  it.each([
    ['not a url', /GITHUB_API_URL "not a url" is not an http\(s\) URL/],
    ['http://[::1', /is not an http\(s\) URL/],
    ['ftp://example.com', /is not an http\(s\) URL/],
    [`https://${'x'.repeat(500)}`, undefined],
  ])('GITHUB_API_URL %j', (value, problem) => {
    const p = apiUrlProblem(value);
    if (problem) expect(p).toMatch(problem);
    else expect(p).toBeUndefined();
  });

  it('accepts the runner values and no value', () => {
    for (const v of [
      undefined,
      '',
      'https://api.github.com',
      'https://ghe.example.com/api/v3',
      'http://127.0.0.1:8080',
    ])
      expect(apiUrlProblem(v)).toBeUndefined();
  });
});
