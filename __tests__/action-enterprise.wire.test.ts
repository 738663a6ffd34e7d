// A GitHub Enterprise Server run over the real wire, with two GitHub stand-ins: an "enterprise"
// one (the run's own API, GITHUB_API_URL: the plugin's repository) and a "github.com" one
// (server-api-url: the server repository). The committed bundle, run as the runner runs it on a
// GHES host: the server is read from the second, the plugin's release from the first, each with
// its own token and never the other's; artifacts are off with one notice; plan is refused up front.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitHubStandIn, type GitHubStandIn, type LoggedRequest } from './support/github';
import { runAction } from './support/runner';

const JOB_TOKEN = 'ghs_enterpriseJobToken1';
const SERVER_TOKEN = 'github_pat_dotcomReadOnly2';
const GHES = 'https://ghes.example.com';

const serverGoMod = [
  'module github.com/flow/server/v2',
  '',
  'go 1.22',
  '',
  'require example.com/lib v1.2.0',
  '',
].join('\n');

let enterprise: GitHubStandIn;
let dotcom: GitHubStandIn;
beforeAll(async () => {
  // Each stand-in answers 404 to a request without its repository's token (private).
  enterprise = await startGitHubStandIn({
    repos: {
      'plugin-owner/plugin': { private: true, token: JOB_TOKEN, releases: [] },
    },
  });
  dotcom = await startGitHubStandIn({
    repos: {
      'flow/server': {
        private: true,
        token: SERVER_TOKEN,
        commits: { a: { GO_VERSION: '1.22.4\n', 'go.mod': serverGoMod } },
        tags: { 'v2.0.0': 'a' },
        releases: [{ tag: 'v2.0.0' }],
      },
    },
  });
});
afterAll(async () => {
  await enterprise?.close();
  await dotcom?.close();
});

function pluginDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'flow-ghes-'));
  writeFileSync(
    join(dir, 'go.mod'),
    'module github.com/me/hello\n\ngo 1.22\n\nrequire example.com/lib v1.3.0\n',
  );
  return dir;
}

const auth = (r: LoggedRequest) => String(r.headers.authorization ?? '');

function run(inputs: Record<string, string>) {
  enterprise.requests.length = 0;
  dotcom.requests.length = 0;
  return runAction({
    cwd: pluginDir(),
    inputs: {
      'server-repository': 'flow/server',
      'github-token': JOB_TOKEN,
      'server-api-url': dotcom.url,
      'server-token': SERVER_TOKEN,
      ...inputs,
    },
    env: { GITHUB_SERVER_URL: GHES, GITHUB_API_URL: enterprise.url, FLOW_GITHUB_RETRY_BASE_MS: '5' },
    timeoutMs: 60_000,
  });
}

describe('a run on GitHub Enterprise Server', () => {
  it('reads the server from server-api-url with server-token; artifacts off with one notice', async () => {
    const r = await run({ build: 'false' });
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    expect(r.outputs['server-version']).toBe('v2.0.0');
    expect(r.outputs['go-version']).toBe('1.22.4');
    expect(dotcom.requests.length).toBeGreaterThan(0);
    expect(dotcom.requests.every((q) => auth(q).includes(SERVER_TOKEN))).toBe(true);
    expect(enterprise.requests).toEqual([]); // build: false writes nowhere: the run's API is not asked
    const notices = r.stdout.split('\n').filter((l) => l.startsWith('::notice'));
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(/GitHub Enterprise Server \(ghes\.example\.com\): no workflow artifacts/);
    expect(r.stdout).toContain(
      `The server repository is read from ${dotcom.url} (server-api-url, server-token).`,
    );
    const log = r.stdout.replace(/^::add-mask::.*$/gm, ''); // the masks are the only place a token may be
    expect(log).not.toContain(JOB_TOKEN);
    expect(log).not.toContain(SERVER_TOKEN);
  });

  it("checks the plugin's release on the run's API with github-token, the server on the other: no token crosses", async () => {
    const r = await run({ release: 'true', 'release-tag': 'v9.9.9' });
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(/::error::.*v9\.9\.9/);
    expect(dotcom.requests.some((q) => q.path.startsWith('/repos/flow/server/'))).toBe(true);
    expect(enterprise.requests.some((q) => q.path.startsWith('/repos/plugin-owner/plugin/'))).toBe(true);
    expect(enterprise.requests.every((q) => !q.path.startsWith('/repos/flow/server'))).toBe(true);
    expect(dotcom.requests.every((q) => !auth(q).includes(JOB_TOKEN))).toBe(true);
    expect(enterprise.requests.every((q) => auth(q).includes(JOB_TOKEN))).toBe(true);
  });

  it('refuses mode: plan before any request, saying what to use instead', async () => {
    const r = await run({ mode: 'plan', 'server-versions': '>=2' });
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(
      /::error::Input mode: "plan" needs GitHub's workflow artifact service.*server-versions/,
    );
    expect([...enterprise.requests, ...dotcom.requests]).toEqual([]);
  });
});
