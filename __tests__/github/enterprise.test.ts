// GitHub Enterprise Server as data: the library's own GHES rule, where the server repository is
// read from and with which token, what is refused up front, the notice, and the runner check.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ghesArtifactsNotice,
  ghesRefusal,
  isGhes,
  netrcHostFor,
  serverApi,
} from '../../src/github/enterprise';
import { checkRunner, RunnerError, runnerFindings } from '../../src/preflight/runner';
import { fakeToolkit } from '../stages/fake-toolkit';
import { projectRoot } from '../support/runner';

const HOSTS = [
  undefined,
  '',
  'https://github.com',
  'https://GitHub.com/',
  'https://ghes.example.com',
  'https://github.example.com:8443/',
  'https://acme.ghe.com',
  'https://api.acme.ghe.com',
  'http://my.localhost:3000',
  'http://127.0.0.1:9999',
  'https://github.com.evil.example',
];

describe('isGhes', () => {
  const saved = process.env.GITHUB_SERVER_URL;
  afterEach(() => {
    if (saved === undefined) delete process.env.GITHUB_SERVER_URL;
    else process.env.GITHUB_SERVER_URL = saved;
  });

  it("gives @actions/artifact's own answer for every host", async () => {
    // The library's function (not exported by the package: imported by its file).
    const file = join(projectRoot, 'node_modules/@actions/artifact/lib/internal/shared/config.js');
    const lib = (await import(pathToFileURL(file).href)) as { isGhes: () => boolean };
    for (const url of HOSTS) {
      if (url === undefined) delete process.env.GITHUB_SERVER_URL;
      else process.env.GITHUB_SERVER_URL = url;
      expect(isGhes(url), String(url)).toBe(lib.isGhes());
    }
    expect(HOSTS.filter((u) => isGhes(u))).toEqual([
      'https://ghes.example.com',
      'https://github.example.com:8443/',
      'http://127.0.0.1:9999',
      'https://github.com.evil.example',
    ]);
  });
});

describe('serverApi', () => {
  const dotcom = { GITHUB_SERVER_URL: 'https://github.com', GITHUB_API_URL: 'https://api.github.com' };
  const ghes = {
    GITHUB_SERVER_URL: 'https://ghes.example.com',
    GITHUB_API_URL: 'https://ghes.example.com/api/v3',
  };
  const ghe = { GITHUB_SERVER_URL: 'https://acme.ghe.com', GITHUB_API_URL: 'https://api.acme.ghe.com' };

  it.each([
    ['github.com: the run API with the job token', dotcom, {}, 'https://api.github.com', 'JOB'],
    [
      'github.com, server-token given: that token',
      dotcom,
      { serverToken: 'PAT' },
      'https://api.github.com',
      'PAT',
    ],
    [
      'GHES: github.com, anonymous (the GHES token is never sent there)',
      ghes,
      {},
      'https://api.github.com',
      undefined,
    ],
    [
      'GHES with server-token: github.com with it',
      ghes,
      { serverToken: 'PAT' },
      'https://api.github.com',
      'PAT',
    ],
    [
      'GHES, server on the run host: the job token',
      ghes,
      { serverApiUrl: 'https://ghes.example.com/api/v3/' },
      'https://ghes.example.com/api/v3',
      'JOB',
    ],
    ['ghe.com: github.com, anonymous', ghe, {}, 'https://api.github.com', undefined],
    [
      'github.com, another API named: no job token to it',
      dotcom,
      { serverApiUrl: 'https://mirror.example/api' },
      'https://mirror.example/api',
      undefined,
    ],
    ['unset environment: github.com with the job token', {}, {}, 'https://api.github.com', 'JOB'],
  ] as const)('%s', (_name, env, given, url, token) => {
    const api = serverApi({ env, token: 'JOB', ...given });
    expect(api.url).toBe(url);
    expect(api.token).toBe(token);
    expect(api.why).not.toMatch(/JOB|PAT/);
  });
});

describe('GHES up front', () => {
  const GHES = 'https://ghes.example.com';
  it('refuses plan and publish, and upload-artifacts: true, naming the input and what to do instead', () => {
    expect(ghesRefusal({ serverUrl: GHES, mode: 'plan', uploadArtifacts: 'auto' })).toMatchObject({
      input: 'mode',
      message: expect.stringMatching(
        /^"plan" needs GitHub's workflow artifact service.*server-versions.*mode: follow/,
      ),
    });
    expect(ghesRefusal({ serverUrl: GHES, mode: 'publish', uploadArtifacts: 'false' })?.input).toBe('mode');
    expect(ghesRefusal({ serverUrl: GHES, mode: 'build', uploadArtifacts: 'true' })?.input).toBe(
      'upload-artifacts',
    );
    expect(ghesRefusal({ serverUrl: GHES, mode: 'build', uploadArtifacts: 'auto' })).toBeUndefined();
    expect(ghesRefusal({ serverUrl: GHES, mode: 'follow', uploadArtifacts: 'false' })).toBeUndefined();
    expect(
      ghesRefusal({ serverUrl: 'https://github.com', mode: 'plan', uploadArtifacts: 'true' }),
    ).toBeUndefined();
  });

  it('the notice only on GHES with upload-artifacts at its default', () => {
    expect(ghesArtifactsNotice(GHES, 'auto')).toMatch(
      /^GitHub Enterprise Server \(ghes\.example\.com\): no workflow artifacts/,
    );
    expect(ghesArtifactsNotice(GHES, 'false')).toBeUndefined();
    expect(ghesArtifactsNotice('https://github.com', 'auto')).toBeUndefined();
  });

  it('a .netrc line for every git host but github.com', () => {
    expect(netrcHostFor('https://github.com')).toBeUndefined();
    expect(netrcHostFor('https://ghes.example.com:8443')).toBe('ghes.example.com');
    expect(netrcHostFor('https://acme.ghe.com')).toBe('acme.ghe.com');
  });
});

describe('runnerFindings', () => {
  const base = { serverUrl: 'https://github.com', uploadArtifactsAuto: true };
  it('refuses macOS and Windows with the reason and what to run on', () => {
    for (const [platform, name] of [
      ['darwin', 'macOS'],
      ['win32', 'Windows'],
      ['freebsd', 'freebsd'],
    ]) {
      const f = runnerFindings({ ...base, platform: platform!, arch: 'x64' });
      expect(f.refuse).toMatch(
        new RegExp(
          `^This runner is ${name}: .*Linux x86-64 runner with Docker, e\\.g\\. runs-on: ubuntu-latest`,
        ),
      );
    }
  });
  it('warns on arm64 (emulated amd64 builds), says nothing on x86-64', () => {
    expect(runnerFindings({ ...base, platform: 'linux', arch: 'arm64' })).toEqual({
      warnings: [
        expect.stringMatching(
          /^This runner is Linux arm64: the builder images are amd64 only.*docker\/setup-qemu-action/,
        ),
      ],
      notices: [],
    });
    expect(runnerFindings({ ...base, platform: 'linux', arch: 'x64' })).toEqual({
      warnings: [],
      notices: [],
    });
  });
  it('one GHES notice when upload-artifacts is at its default', () => {
    const f = runnerFindings({
      platform: 'linux',
      arch: 'x64',
      serverUrl: 'https://ghes.example.com',
      uploadArtifactsAuto: true,
    });
    expect(f.notices).toHaveLength(1);
    expect(
      runnerFindings({
        platform: 'linux',
        arch: 'x64',
        serverUrl: 'https://ghes.example.com',
        uploadArtifactsAuto: false,
      }).notices,
    ).toEqual([]);
  });
  it('checkRunner: throws on macOS before anything runs; logs the arm64 warning and the GHES notice as annotations', () => {
    const { tk, rec } = fakeToolkit();
    const ctx = {
      tk,
      env: { GITHUB_SERVER_URL: 'https://ghes.example.com' },
      config: { uploadArtifactsAuto: true },
    };
    expect(() => checkRunner(ctx, 'darwin', 'arm64')).toThrow(RunnerError);
    expect(rec.annotations).toEqual([]);
    checkRunner(ctx, 'linux', 'arm64');
    expect(rec.annotations.map((a) => [a.level, a.where?.title])).toEqual([
      ['warning', 'runner'],
      ['notice', 'GitHub Enterprise Server'],
    ]);
  });
});
