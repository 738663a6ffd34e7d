import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { describeConfig, parseInputs, secretsOf } from '../src/inputs';
import { inputEnv, projectRoot } from './support/runner';

/** The runner passes every input of action.yml, defaulted; tests name only what they change. */
function getter(overrides: Record<string, string> = {}): (name: string) => string {
  const env = inputEnv(overrides);
  return (name) => {
    const key = `INPUT_${name.toUpperCase()}`;
    if (!(key in env)) throw new Error(`test asked for an input action.yml does not declare: ${name}`);
    return env[key]!;
  };
}
const ctx = { workspace: '/ws', cpuCount: 2 };

describe('parseInputs', () => {
  it('GitHub Enterprise Server: upload-artifacts auto is off there, on elsewhere; plan and publish refused there', () => {
    const at = (url: string, inputs: Record<string, string> = {}) =>
      parseInputs(getter(inputs), { ...ctx, env: { GITHUB_SERVER_URL: url } });
    const GHES = 'https://ghes.example.com';
    expect(at(GHES)).toMatchObject({ uploadArtifacts: false, uploadArtifactsAuto: true });
    expect(at('https://github.com')).toMatchObject({ uploadArtifacts: true, uploadArtifactsAuto: true });
    expect(at(GHES, { 'upload-artifacts': 'false' })).toMatchObject({
      uploadArtifacts: false,
      uploadArtifactsAuto: false,
    });
    expect(() => at(GHES, { mode: 'plan' })).toThrow(
      /^Input mode: "plan" needs GitHub's workflow artifact service/,
    );
    expect(() => at(GHES, { mode: 'publish' })).toThrow(/^Input mode: "publish" needs/);
    expect(() => at(GHES, { 'upload-artifacts': 'true' })).toThrow(/^Input upload-artifacts: "true" needs/);
    expect(() => at('https://github.com', { mode: 'plan' })).not.toThrow();
    expect(() => at(GHES, { 'server-api-url': 'ftp://x' })).toThrow(
      /^Input server-api-url: "ftp:\/\/x" is not an http\(s\) URL/,
    );
    // server-token is a secret: masked, and only shown as set in the debug log.
    const c = at(GHES, { 'server-token': 'github_pat_server' });
    expect(c.serverApi).toMatchObject({ url: 'https://api.github.com', token: 'github_pat_server' });
    expect(secretsOf(c)).toContain('github_pat_server');
    expect(describeConfig(c)).not.toContain('github_pat_server');
  });

  it('turns the defaults of action.yml into one typed object', () => {
    const c = parseInputs(getter(), ctx);
    expect(c).toEqual({
      mode: 'build',
      follow: false,
      server: { owner: 'Flow', repo: 'server' },
      serverVersion: 'latest',
      maxServerVersions: 5,
      unsupportedServerVersion: 'fail',
      includePrereleases: false,
      serverApi: { url: 'https://api.github.com', why: "the run's API, no token" },
      workingDirectory: '/ws',
      goModSync: 'align',
      goModTidy: true,
      cache: true,
      buildCache: true,
      build: true,
      targets: [
        { name: 'linux-amd64', os: 'linux', arch: 'amd64' },
        { name: 'linux-arm-7', os: 'linux', arch: 'arm', goarm: '7' },
        { name: 'linux-arm64', os: 'linux', arch: 'arm64' },
        { name: 'linux-386', os: 'linux', arch: '386' },
      ],
      buildImage: 'flow/build',
      outputDir: '/ws/build',
      fileName: '{name}-{target}.so',
      ldflags: '-w -s',
      buildFlags: ['-mod=readonly', '-installsuffix', 'cgo'],
      pull: 'missing',
      parallel: 2,
      dockerArgs: [],
      uploadArtifacts: true,
      uploadArtifactsAuto: true,
      release: 'auto',
      overwrite: true,
      checksums: true,
      pluginIndex: true,
      summary: true,
      verify: 'auto',
      serverAsset: '{owner}-{target}.zip',
    });
  });

  it('reads every input it is given', () => {
    const c = parseInputs(
      getter({
        'server-repository': 'gotify/server',
        'server-version': '^2.6',
        'include-prereleases': 'TRUE',
        'github-token': 'ghs_secret',
        'working-directory': 'plugins/hello',
        'go-mod-sync': 'Check',
        'go-mod-tidy': 'false',
        cache: 'false',
        'build-cache': 'false',
        build: 'false',
        targets: 'linux-arm64',
        'build-image': 'gotify/build',
        'plugin-name': 'hi',
        'output-dir': '/ws/abs/out',
        'file-name': '{name}-{os}-{arch}-for-gotify-{server}.so',
        ldflags: '-w -s -X main.v=1',
        'build-flags': '-a',
        pull: 'never',
        parallel: '3',
        'docker-args': '--network host',
        'upload-artifacts': 'false',
        'retention-days': '5',
        release: 'true',
        'release-tag': 'v1.0.0',
        overwrite: 'false',
        checksums: 'false',
        summary: 'false',
      }),
      ctx,
    );
    expect(c).toMatchObject({
      server: { owner: 'gotify', repo: 'server' },
      serverVersion: '^2.6',
      includePrereleases: true,
      token: 'ghs_secret',
      workingDirectory: '/ws/plugins/hello',
      goModSync: 'check',
      goModTidy: false,
      cache: false,
      buildCache: false,
      build: false,
      buildImage: 'gotify/build',
      pluginName: 'hi',
      outputDir: '/ws/abs/out',
      ldflags: '-w -s -X main.v=1',
      buildFlags: ['-a'],
      pull: 'never',
      parallel: 3,
      dockerArgs: ['--network', 'host'],
      uploadArtifacts: false,
      retentionDays: 5,
      release: 'true',
      releaseTag: 'v1.0.0',
      overwrite: false,
      checksums: false,
      summary: false,
    });
    expect(c.targets.map((t) => t.name)).toEqual(['linux-arm64']);
  });

  describe('issue 17: several server releases in one step', () => {
    it('server-versions: one spec per line or comma, ranges keep their spaces; the default file name holds {server}', () => {
      const c = parseInputs(
        getter({
          'server-versions': '>=2.6 <3\nv2.1.4, latest\n',
          'max-server-versions': '3',
          'unsupported-server-version': 'skip',
        }),
        ctx,
      );
      expect(c.serverVersions).toEqual(['>=2.6 <3', 'v2.1.4', 'latest']);
      expect(c.maxServerVersions).toBe(3);
      expect(c.unsupportedServerVersion).toBe('skip');
      expect(c.fileName).toBe('{name}-{target}-for-{server}.so');
    });

    it('without server-versions: one release, the file name as before', () => {
      const c = parseInputs(getter({ 'server-version': 'v2.6.1' }), ctx);
      expect(c.serverVersions).toBeUndefined();
      expect(c.fileName).toBe('{name}-{target}.so');
    });

    it.each([
      [
        { 'server-versions': 'v2.6.1', 'file-name': '{name}-{target}.so' },
        /Input file-name: "\{name\}-\{target\}\.so" has no \{server\}/,
      ],
      [
        { 'server-versions': 'v2.6.1', 'server-version': '^2' },
        /Input server-versions: is set, and so is server-version \("\^2"\)/,
      ],
      [{ 'server-versions': 'v2.6.1\nnewest one' }, /Input server-versions: "newest one" is neither/],
      [{ 'max-server-versions': '0' }, /Input max-server-versions: "0" is not a whole number from 1 to 100/],
      [
        { 'unsupported-server-version': 'warn' },
        /Input unsupported-server-version: "warn" is not allowed; write one of "fail", "skip"/,
      ],
    ])('%j is refused with what to write instead', (inputs, message) => {
      expect(() => parseInputs(getter(inputs), ctx)).toThrow(message);
    });
  });

  it('mode: build, plan, publish or follow; follow: true only with mode: plan', () => {
    for (const mode of ['build', 'plan', 'publish', 'follow']) {
      expect(parseInputs(getter({ mode }), ctx).mode).toBe(mode);
    }
    expect(() => parseInputs(getter({ mode: 'matrix' }), ctx)).toThrow(
      'Input mode: "matrix" is not allowed; write one of "build", "plan", "publish", "follow"',
    );
    expect(parseInputs(getter({ mode: 'plan', follow: 'true' }), ctx).follow).toBe(true);
    expect(() => parseInputs(getter({ follow: 'true' }), ctx)).toThrow(
      'Input follow: "true" is for mode: plan (a plan of what the plugin release does not cover yet); with mode: build leave it false, or write mode: follow to follow in one job',
    );
    // Follow needs the index (issue 24): refused up front, saying why.
    expect(() => parseInputs(getter({ mode: 'follow', 'plugin-index': 'false' }), ctx)).toThrow(
      /^Input plugin-index: mode: follow reads plugins.json .* set plugin-index: true/,
    );
    expect(() => parseInputs(getter({ mode: 'plan', follow: 'true', 'plugin-index': 'false' }), ctx)).toThrow(
      /^Input plugin-index: follow: true reads plugins.json/,
    );
    expect(() => parseInputs(getter({ mode: 'follow', build: 'false' }), ctx)).toThrow(
      /^Input build: mode: follow builds/,
    );
  });

  it('resolves output-dir against working-directory', () => {
    expect(
      parseInputs(getter({ 'working-directory': 'p', 'output-dir': 'dist/plugins' }), ctx).outputDir,
    ).toBe('/ws/p/dist/plugins');
  });

  it.each([
    [
      'server-repository',
      'Flow',
      'Input server-repository: "Flow" is not owner/name; write e.g. Flow/server',
    ],
    [
      'server-version',
      'newest one',
      'Input server-version: "newest one" is neither "latest", a tag nor a semver range',
    ],
    [
      'go-mod-sync',
      'yes',
      'Input go-mod-sync: "yes" is not allowed; write one of "align", "cap", "check", "off"',
    ],
    ['build', 'maybe', 'Input build: "maybe" is not a boolean; write true or false'],
    [
      'pull',
      'if-needed',
      'Input pull: "if-needed" is not allowed; write one of "missing", "always", "never"',
    ],
    [
      'parallel',
      '0',
      'Input parallel: "0" is not a whole number from 1 to 64; write e.g. 4, or leave it empty',
    ],
    ['retention-days', '365', 'Input retention-days: "365" is not a whole number from 1 to 90'],
    [
      'targets',
      'linux-arm',
      'Input targets: "linux-arm": 32-bit arm needs its GOARM level: write linux-arm-7',
    ],
    ['build-flags', '-trimpath', 'Input build-flags: -trimpath is refused'],
    [
      'docker-args',
      '-v /c:/go/pkg/mod',
      'Input docker-args: "-v /c:/go/pkg/mod" would replace the action\'s own mount',
    ],
    [
      'build-image',
      'flow/build:1.12.0-linux-amd64',
      'Input build-image: "flow/build:1.12.0-linux-amd64" is not an image name without a tag',
    ],
    ['file-name', '{name}-{platform}.so', 'Input file-name: unknown placeholder {platform}'],
    ['plugin-name', 'my plugin', 'Input plugin-name: "my plugin" is not usable in a file name'],
    ['release', 'yes', 'Input release: "yes" is not allowed; write one of "auto", "true", "false"'],
  ])('%s: %j is refused with what to write instead', (name, value, message) => {
    expect(() => parseInputs(getter({ [name]: value }), ctx)).toThrow(message);
  });

  describe('issue 12: every input and every combination known up front is checked here', () => {
    it.each([
      // file-name per target, with the run's own names reserved
      ['file-name', 'plugin.so', /gives "plugin\.so" for both linux-amd64 and linux-arm-7: add \{target\}/],
      ['file-name', 'sub/{name}-{target}.so', /not a safe file name/],
      ['file-name', '../{name}-{target}.so', /not a safe file name/],
      ['file-name', '{name}-{target} .so', /not a safe file name/],
      [
        'file-name',
        'go.mod',
        /gives "go\.mod" for linux-amd64, a name the plugin's sources or the action's own files use/,
      ],
      ['file-name', '{name}-{target}.go', /a name the plugin's sources/],
      // targets separated by spaces
      [
        'targets',
        'linux-amd64 linux-arm64',
        /separate targets with commas or newlines, not spaces: write linux-amd64,linux-arm64/,
      ],
      ['targets', 'linux-amd64, linux-386 linux-arm64', /write linux-386,linux-arm64/],
      // outside the workspace
      ['working-directory', '/etc', /Input working-directory: "\/etc" is outside the workspace \(\/ws\)/],
      ['working-directory', '../other', /"\.\.\/other" is outside the workspace/],
      ['working-directory', 'a/../../x', /is outside the workspace/],
      ['output-dir', '/tmp/out', /Input output-dir: "\/tmp\/out" is outside the workspace \(\/ws\)/],
      ['output-dir', '../../out', /Input output-dir: "\.\.\/\.\.\/out" is outside the workspace/],
      // repository names
      ['server-repository', 'owner/..', /is not owner\/name/],
      ['server-repository', 'owner/.', /is not owner\/name/],
      ['server-repository', 'https://github.com/owner/..', /is not owner\/name/],
      // shell-like splitting refuses what a shell refuses
      ['docker-args', '--network "host', /docker-args: the double quote at character 11 is never closed/],
      ['build-flags', "-tags 'netgo", /build-flags: the single quote at character 7 is never closed/],
      [
        'build-flags',
        './cmd/plugin',
        /"\.\/cmd\/plugin" is not a flag; build-flags holds only go build flags/,
      ],
      ['build-flags', '-v ./...', /"\.\/\.\.\." is not a flag/],
    ])('%s: %j is refused', (name, value, message) => {
      expect(() => parseInputs(getter({ [name]: value }), ctx)).toThrow(message);
    });

    it('checksums.txt is a reserved file name only when checksums are written', () => {
      const one = { targets: 'linux-amd64', 'file-name': 'checksums.txt' };
      expect(() => parseInputs(getter(one), ctx)).toThrow(/"checksums\.txt"/);
      expect(parseInputs(getter({ ...one, checksums: 'false' }), ctx).fileName).toBe('checksums.txt');
    });

    it('paths inside the workspace are fine, also when written absolute or with ..', () => {
      const c = parseInputs(
        getter({ 'working-directory': '/ws/a/../p', 'output-dir': '../shared/out' }),
        ctx,
      );
      expect(c.workingDirectory).toBe('/ws/p');
      expect(c.outputDir).toBe('/ws/shared/out');
    });

    it('modules-token and netrc: secrets, never in the debug description; a netrc must hold machine lines', () => {
      const netrc = 'machine proxy.corp.example\r\n  login ci\r\n  password pw_S3cret';
      const c = parseInputs(getter({ 'modules-token': 'github_pat_X1', netrc }), ctx);
      expect(c.modulesToken).toBe('github_pat_X1');
      expect(c.netrc).toBe('machine proxy.corp.example\n  login ci\n  password pw_S3cret\n');
      const described = describeConfig(c);
      expect(described).toContain('"modulesToken":"set (not shown)"');
      expect(described).not.toContain('pw_S3cret');
      expect(described).not.toContain('github_pat_X1');
      expect(secretsOf(c)).toEqual(['github_pat_X1', 'ci', 'pw_S3cret']);
      let message = '';
      try {
        parseInputs(getter({ netrc: 'login ci password pw_S3cret' }), ctx);
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message).toMatch(/^Input netrc: is not .netrc lines/);
      expect(message).not.toContain('pw_S3cret');
    });

    it('a token with a newline or another control character is refused without echoing it', () => {
      for (const token of ['ghs_abc\ndef', 'ghs_abc\rdef', 'ghs_a\u0000b', 'ghs_a\u001bb', 'ghs_a\u0085b']) {
        let message = '';
        try {
          parseInputs(getter({ 'github-token': token }), ctx);
        } catch (e) {
          message = (e as Error).message;
        }
        expect(message).toMatch(
          /^Input github-token: the token contains a line break or another control character/,
        );
        expect(message).not.toContain('ghs_a');
      }
    });

    it.each([
      ['-trimpath', /GOFLAGS in the step's environment has -trimpath, which is refused/],
      ['-mod=mod -race', /GOFLAGS .* has -race/],
      ['--trimpath=true', /has --trimpath=true/],
      ['-modfile=/tmp/x.mod', /has -modfile=\/tmp\/x\.mod/],
    ])('GOFLAGS=%j in the step environment is refused like build-flags', (goflags, message) => {
      expect(() => parseInputs(getter(), { ...ctx, env: { GOFLAGS: goflags } })).toThrow(message);
    });

    it('release: true without a tag is refused up front when building', () => {
      const env = { GITHUB_REF: 'refs/heads/main', GITHUB_EVENT_NAME: 'push', GITHUB_REPOSITORY: 'me/hello' };
      expect(() => parseInputs(getter({ release: 'true' }), { ...ctx, env })).toThrow(
        /Input release: "true" needs a tag, but this run is for refs\/heads\/main/,
      );
      expect(parseInputs(getter({ release: 'true', 'release-tag': 'v1.0.0' }), { ...ctx, env }).release).toBe(
        'true',
      );
      expect(parseInputs(getter({ release: 'true', build: 'false' }), { ...ctx, env }).release).toBe('true');
    });

    it('GOFLAGS without refused flags is fine', () => {
      expect(() =>
        parseInputs(getter(), { ...ctx, env: { GOFLAGS: '-mod=mod -buildvcs=false' } }),
      ).not.toThrow();
    });
  });

  it('reads every input action.yml declares, and no other', () => {
    const asked = new Set<string>();
    const get = getter();
    parseInputs((n) => (asked.add(n), get(n)), ctx);
    const declared = [
      ...readFileSync(`${projectRoot}/action.yml`, 'utf8')
        .split(/^outputs:/m)[0]!
        .split(/^inputs:/m)[1]!
        .matchAll(/^ {2}([a-z0-9-]+):/gm),
    ].map((m) => m[1]!);
    expect([...asked].sort()).toEqual(declared.sort());
  });
});

describe('issue 21: release-tag and the repository of the release, before anything runs', () => {
  it.each([
    ['v1.0.0\n::warning::x', /holds a line break or another control character/],
    ['v1 .0', /holds " "/],
    ['v1..0', /holds "\.\."/],
    ['release/', /starts or ends with "\/"/],
    ['-/.hidden', /a part starting with "\."/],
    ['v1.lock', /ending with "\.lock"/],
    ['v1.', /ends with "\."/],
    ['v1@{0}', /holds "@\{"/],
    ['v1:2', /holds ":"/],
    ['v1\\2', /holds "\\"/],
    ['@', /is "@"/],
  ])('release-tag %j is refused like git refuses it', (tag, message) => {
    const run = () => parseInputs(getter({ 'release-tag': tag }), ctx);
    expect(run).toThrow(message);
    expect(run).toThrow(/^Input release-tag: /);
    expect(() => run()).not.toThrow(/\n::/);
  });

  it.each([['v1.0.0'], ['release/2026-12'], ['v2.0.0-rc.1+build.5'], ['plugin@v1']])(
    'release-tag %j is fine',
    (tag) => {
      expect(parseInputs(getter({ 'release-tag': tag }), ctx).releaseTag).toBe(tag);
    },
  );

  it('a run that will upload needs GITHUB_REPOSITORY as owner/name, known before building', () => {
    const env = { GITHUB_REF: 'refs/tags/v1.0.0', GITHUB_EVENT_NAME: 'push' };
    expect(() => parseInputs(getter(), { ...ctx, env })).toThrow(
      /Input release: this run uploads to release v1\.0\.0, but GITHUB_REPOSITORY is not set/,
    );
    expect(() => parseInputs(getter(), { ...ctx, env: { ...env, GITHUB_REPOSITORY: 'nope' } })).toThrow(
      /GITHUB_REPOSITORY "nope" is not owner\/name/,
    );
    expect(parseInputs(getter(), { ...ctx, env: { ...env, GITHUB_REPOSITORY: 'me/hello' } }).release).toBe(
      'auto',
    );
    // No upload, no need.
    expect(parseInputs(getter({ release: 'false' }), { ...ctx, env }).release).toBe('false');
  });
});
