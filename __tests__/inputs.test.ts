import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseInputs } from '../src/inputs';
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
  it('turns the defaults of action.yml into one typed object', () => {
    const c = parseInputs(getter(), ctx);
    expect(c).toEqual({
      server: { owner: 'Flow', repo: 'server' },
      serverVersion: 'latest',
      includePrereleases: false,
      workingDirectory: '/ws',
      goModSync: 'cap',
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
      release: 'auto',
      overwrite: true,
      checksums: true,
      summary: true,
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
        'output-dir': '/abs/out',
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
      outputDir: '/abs/out',
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
    ['go-mod-sync', 'yes', 'Input go-mod-sync: "yes" is not allowed; write one of "cap", "check", "off"'],
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
