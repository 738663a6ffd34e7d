// Private modules: what the containers get (paths only, never the token in argv), the folder's
// modes and its removal, and the refusal that says what to give the token.
import { existsSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { containerOptions } from '../../src/build/argv';
import {
  unusedModulesTokenNotice,
  gitServerUrl,
  planCredentials,
  privatePatterns,
  writeCredentials,
  CREDENTIALS_MOUNT,
} from '../../src/build/credentials';
import { moduleFetchProblems } from '../../src/build/module-errors';
import { undoAll } from '../../src/fs/cleanup';
import { parseGoMod } from '../../src/gomod';
import { secretsOf } from '../../src/inputs';

const TOKEN = 'github_pat_11ABCDEFG0secretPart';

describe('planCredentials', () => {
  it('nothing without GOPRIVATE/GONOPROXY or a netrc', () => {
    expect(planCredentials({ env: {}, token: TOKEN })).toBeUndefined();
    expect(planCredentials({ env: { GOPRIVATE: 'off' }, token: TOKEN })).toBeUndefined();
    // Private patterns without a token: no files, and the log says why git will have none.
    expect(planCredentials({ env: { GOPRIVATE: 'github.com/acme' } })).toEqual({
      files: [],
      setEnv: [],
      say: [
        'Private modules (github.com/acme) but no token: git in the builder containers has no credentials. Set github-token or modules-token.',
      ],
    });
  });

  it('GOPRIVATE and a token: a helper for the run GitHub server, the token only in the credentials file', () => {
    const plan = planCredentials({
      env: {
        GOPRIVATE: 'github.com/acme/*',
        GONOPROXY: 'corp.example.com',
        GITHUB_SERVER_URL: 'https://ghe.corp.example/',
      },
      token: TOKEN,
      tokenInput: 'modules-token',
    })!;
    expect(plan.gitServer).toBe('https://ghe.corp.example');
    expect(plan.setEnv).toEqual([
      ['GIT_CONFIG_GLOBAL', '/flow-credentials/git/config'],
      ['XDG_CONFIG_HOME', '/flow-credentials'],
      ['NETRC', '/flow-credentials/netrc'],
    ]);
    const config = plan.files.find((f) => f.name === 'git/config')!.text;
    expect(config).toContain('[credential "https://ghe.corp.example"]');
    expect(config).not.toContain(TOKEN);
    expect(plan.files.find((f) => f.name === 'git-credentials')!.text).toBe(
      `username=x-access-token\npassword=${TOKEN}\n`,
    );
    expect(plan.say.join('\n')).toContain('github.com/acme/*, corp.example.com');
    expect(plan.say.join('\n')).not.toContain(TOKEN);
    // The argv of every container: paths only.
    const argv = containerOptions({
      image: 'i',
      pluginDir: '/p',
      modCacheDir: '/m',
      goCacheDir: '/c',
      forwardEnv: ['GOPRIVATE'],
      dockerArgs: [],
      setEnv: plan.setEnv,
      mounts: [{ host: '/rt/flow-credentials-r1', container: CREDENTIALS_MOUNT, readOnly: true }],
    });
    expect(argv.join(' ')).not.toContain(TOKEN);
    expect(argv).toContain('type=bind,source=/rt/flow-credentials-r1,target=/flow-credentials,readonly');
    expect(argv).toContain('GIT_CONFIG_GLOBAL=/flow-credentials/git/config');
  });

  it('a host that is not github.com: the token also in a .netrc line for it (Go authenticates ?go-get=1 from netrc), after the netrc input', () => {
    const ghes = planCredentials({
      env: { GOPRIVATE: 'ghe.corp.example/*', GITHUB_SERVER_URL: 'https://ghe.corp.example' },
      token: TOKEN,
      netrc: 'machine proxy.corp.example login me password pw',
    })!;
    expect(ghes.files.find((f) => f.name === 'netrc')!.text).toBe(
      `machine proxy.corp.example login me password pw\nmachine ghe.corp.example login x-access-token password ${TOKEN}\n`,
    );
    expect(ghes.setEnv).toContainEqual(['NETRC', '/flow-credentials/netrc']);
    expect(ghes.say.join('\n')).toContain('?go-get=1 requests to ghe.corp.example');
    expect(ghes.say.join('\n')).not.toContain(TOKEN);
    // github.com: Go knows its import paths without a meta request, so no netrc line and no NETRC.
    const dotcom = planCredentials({
      env: { GOPRIVATE: 'github.com/acme/*', GITHUB_SERVER_URL: 'https://github.com' },
      token: TOKEN,
    })!;
    expect(dotcom.files.map((f) => f.name)).toEqual(['git/config', 'git-credentials']);
    expect(dotcom.setEnv.map(([k]) => k)).not.toContain('NETRC');
    // No private patterns: no token anywhere, on any host.
    expect(planCredentials({ env: { GITHUB_SERVER_URL: 'https://ghe.corp.example' }, token: TOKEN })).toBe(
      undefined,
    );
  });

  it('a netrc for an authenticated GOPROXY: NETRC, its secrets masked', () => {
    const netrc = 'machine proxy.corp.example login ci password s3cretPw\n';
    const plan = planCredentials({ env: {}, netrc })!;
    expect(plan.setEnv).toEqual([['NETRC', '/flow-credentials/netrc']]);
    expect(plan.say.join('')).toContain('proxy.corp.example');
    expect(plan.say.join('')).not.toContain('s3cretPw');
    expect(secretsOf({ token: 't0ken', modulesToken: TOKEN, netrc })).toEqual([
      't0ken',
      TOKEN,
      'ci',
      's3cretPw',
    ]);
  });

  it('patterns and the server URL', () => {
    expect(privatePatterns({ GOPRIVATE: 'a.com/*, ,b.com', GONOPROXY: 'b.com' })).toEqual([
      'a.com/*',
      'b.com',
    ]);
    expect(gitServerUrl({})).toBe('https://github.com');
    expect(gitServerUrl({ GITHUB_SERVER_URL: 'http://127.0.0.1:8080' })).toBe('http://127.0.0.1:8080');
  });
});

describe('writeCredentials', () => {
  const plan = planCredentials({ env: { GOPRIVATE: 'x.com' }, token: TOKEN })!;

  it('a 0700 folder of 0600 files; remove() leaves nothing', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'flow-cred-')), 'flow-credentials-r1');
    const folder = await writeCredentials(dir, plan);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, 'git-credentials')).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'git', 'config')).mode & 0o777).toBe(0o600);
    expect(folder.mount).toEqual({ host: dir, container: '/flow-credentials', readOnly: true });
    await folder.remove();
    expect(existsSync(dir)).toBe(false);
  });

  it('a cancelled run removes it too', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'flow-cred-')), 'flow-credentials-r2');
    await writeCredentials(dir, plan);
    await undoAll(() => undefined, 0);
    expect(existsSync(dir)).toBe(false);
  });
});

describe('moduleFetchProblems', () => {
  const goMod = parseGoMod('module p\n\ngo 1.22\n\nrequire (\n\tgithub.com/acme/private-lib v1.0.0\n)\n');
  const head = (m: string) =>
    `go: p imports\n\tgithub.com/acme/private-lib: reading github.com/acme/private-lib/go.mod at revision v1.0.0: git ls-remote -q --end-of-options https://github.com/acme/private-lib in /go/pkg/mod/cache/vcs/5d2c: exit status 128:\n${m}`;
  const ctx = {
    goMod,
    tokenInput: 'modules-token' as const,
    patterns: ['github.com/acme'],
    gitServer: 'https://github.com',
  };

  it('a wrong token: the module, the host, the repository access to give, on the require line', () => {
    const [p] = moduleFetchProblems(
      head(
        "\tremote: Invalid username or token\n\tfatal: Authentication failed for 'https://github.com/acme/private-lib/'\n",
      ),
      ctx,
    );
    expect(p).toMatchObject({
      module: 'github.com/acme/private-lib',
      host: 'github.com',
      kind: 'refused',
      line: 6,
    });
    expect(p!.message).toMatch(
      /^Cannot fetch the private module github\.com\/acme\/private-lib: github\.com refused the token \(modules-token\)/,
    );
    expect(p!.message).toContain('read access to the repository acme/private-lib');
    expect(p!.message).toContain('Contents: Read-only');
  });

  it('no credentials: without GOPRIVATE says to set it; without a token says to give one', () => {
    const out = head(
      "\tfatal: could not read Username for 'https://github.com': terminal prompts disabled\n",
    );
    expect(moduleFetchProblems(out, { ...ctx, patterns: [] })[0]!.message).toContain('set GOPRIVATE');
    const { gitServer: _, ...noToken } = ctx;
    expect(moduleFetchProblems(out, noToken)[0]!.message).toContain('set github-token or modules-token');
  });

  it('a token without access to the repository (GitHub answers not found)', () => {
    const out = `go: github.com/acme/private-lib@v1.0.0: invalid version: git ls-remote -q origin in /go/pkg/mod/cache/vcs/ab: exit status 128:\n\tremote: Repository not found.\n\tfatal: repository 'https://github.com/acme/private-lib/' not found\n`;
    expect(moduleFetchProblems(out, ctx)).toMatchObject([
      { module: 'github.com/acme/private-lib', kind: 'no-access', line: 6 },
    ]);
  });

  it('other failures are not fetch refusals', () => {
    expect(
      moduleFetchProblems('go: example.com/x@v1.0.0: reading https://proxy/x: 404 Not Found', ctx),
    ).toEqual([]);
  });
});

describe('issue 27: modules-token without a private pattern', () => {
  it('is said in a notice with what to set', () => {
    expect(unusedModulesTokenNotice({ env: {}, modulesToken: true })).toMatch(
      /modules-token is set, but neither GOPRIVATE nor GONOPROXY in the step's env names a private module.*GOPRIVATE: github.com\/your-org\/\*/,
    );
    expect(unusedModulesTokenNotice({ env: { GOPRIVATE: 'off' }, modulesToken: true })).toBeDefined();
  });
  it('is quiet when a pattern uses the token, or when there is no modules-token', () => {
    expect(
      unusedModulesTokenNotice({ env: { GONOPROXY: 'git.corp/*' }, modulesToken: true }),
    ).toBeUndefined();
    expect(unusedModulesTokenNotice({ env: {}, modulesToken: false })).toBeUndefined();
  });
});
