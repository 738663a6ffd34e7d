import { describe, expect, it } from 'vitest';
import { buildArgv, forwardedEnvNames, goBuildCommand, targetLdflags } from '../../src/build/argv';
import { planBuild, type PlanInput } from '../../src/build/plan';
import { parseTarget, parseTargets } from '../../src/build/targets';

const input: PlanInput = {
  targets: parseTargets('linux-arm-7,linux-amd64'),
  buildImage: 'flow/build',
  goVersion: '1.12.0',
  serverTag: 'v2.0.0',
  pluginName: 'hello',
  fileNameTemplate: '{name}-{target}.so',
  buildFlags: ['-mod=readonly', '-a', '-installsuffix', 'cgo'],
  ldflags: '-w -s',
  pluginDir: '/w/plugin',
  outputDir: '/w/plugin/build',
  cacheDir: '/tmp/rt/flow',
  user: { uid: 1001, gid: 121 },
  forwardEnv: ['GOPROXY', 'GOPRIVATE'],
  dockerArgs: ['--network', 'host'],
  runId: 'r1',
};

describe('planBuild', () => {
  const plan = planBuild(input);

  it('builds the upstream command for every target', () => {
    expect(plan.targets[0]!.argv).toEqual([
      'run', '--rm', '--name', 'flow-build-r1-linux-arm-7',
      '-v', '/w/plugin:/proj',
      '-v', '/tmp/rt/flow/gomodcache:/go/pkg/mod',
      '-v', '/tmp/rt/flow/gocache:/gocache',
      '-v', '/w/plugin/build:/out',
      '-w', '/proj',
      '--user', '1001:121',
      '-e', 'HOME=/tmp', '-e', 'GOCACHE=/gocache', '-e', 'GOTOOLCHAIN=local', '-e', 'GOWORK=off',
      '-e', 'GOPROXY', '-e', 'GOPRIVATE',
      '--network', 'host',
      'flow/build:1.12.0-linux-arm-7',
      'go', 'build', '-mod=readonly', '-a', '-installsuffix', 'cgo',
      // Go before 1.21 links arm with gold: a soname keeps the temporary path out (targetLdflags).
      '-ldflags', '-w -s -extldflags=-Wl,-soname=hello-linux-arm-7.so', '-buildmode=plugin',
      '-o', '/out/.hello-linux-arm-7.so.r1.partial', '/proj',
    ]); // prettier-ignore
    expect(plan.targets.map((t) => [t.image, t.fileName, t.path, t.tempPath])).toEqual([
      ['flow/build:1.12.0-linux-arm-7', 'hello-linux-arm-7.so', '/w/plugin/build/hello-linux-arm-7.so', '/w/plugin/build/.hello-linux-arm-7.so.r1.partial'],
      ['flow/build:1.12.0-linux-amd64', 'hello-linux-amd64.so', '/w/plugin/build/hello-linux-amd64.so', '/w/plugin/build/.hello-linux-amd64.so.r1.partial'],
    ]); // prettier-ignore
  });

  it('prepares modules once, in the amd64 image, without the output mount', () => {
    expect(plan.prepareArgv.slice(-4)).toEqual([
      'flow/build:1.12.0-linux-amd64',
      'sh',
      '-c',
      'go mod tidy && go mod download',
    ]);
    expect(plan.prepareArgv).not.toContain('/w/plugin/build:/out');
    expect(plan.prepareArgv).toContain('/tmp/rt/flow/gomodcache:/go/pkg/mod');
  });

  it('lists each image once with its targets', () => {
    expect(plan.images.map((i) => [i.image, i.targets.map((t) => t.name)])).toEqual([
      ['flow/build:1.12.0-linux-arm-7', ['linux-arm-7']],
      ['flow/build:1.12.0-linux-amd64', ['linux-amd64']],
    ]);
  });

  it('prepares in the first image when amd64 is not built, and runs as root when no user is given', () => {
    const p = planBuild({ ...input, targets: parseTargets('linux-arm64'), user: undefined });
    expect(p.prepareArgv).toContain('flow/build:1.12.0-linux-arm64');
    expect(p.targets[0]!.argv).not.toContain('--user');
  });

  it('refuses colliding file names before anything runs', () => {
    expect(() => planBuild({ ...input, fileNameTemplate: 'plugin.so' })).toThrow(/add \{target\}/);
  });
});

describe('argv pieces', () => {
  it('forwards only the Go variables that are set, by name', () => {
    expect(
      forwardedEnvNames({
        GOPROXY: 'file:///x',
        GOPRIVATE: '',
        GOFLAGS: '-mod=mod',
        GITHUB_TOKEN: 's',
        GONOSUMDB: 'corp',
      }),
    ).toEqual(['GOPROXY', 'GONOSUMDB', 'GOFLAGS']);
  });

  it('always adds -buildmode=plugin after the user flags', () => {
    expect(
      goBuildCommand({
        target: parseTarget('linux-386'),
        buildFlags: ['-tags', 'a b'],
        ldflags: '',
        outputName: 'x.so',
      }),
    ).toEqual([
      'go',
      'build',
      '-tags',
      'a b',
      '-ldflags',
      '',
      '-buildmode=plugin',
      '-o',
      '/out/x.so',
      '/proj',
    ]);
  });

  it('never passes a value of the environment in argv', () => {
    const argv = buildArgv(
      {
        image: 'i',
        pluginDir: '/p',
        modCacheDir: '/m',
        goCacheDir: '/c',
        forwardEnv: ['GOPROXY'],
        dockerArgs: [],
      },
      { target: parseTarget('linux-amd64'), buildFlags: [], ldflags: '-w', outputName: 'o' },
    );
    expect(argv.filter((a) => a.startsWith('GOPROXY'))).toEqual(['GOPROXY']);
  });
});

describe('targetLdflags (reproducible arm plugins before Go 1.21)', () => {
  const arm64 = parseTarget('linux-arm64');
  it.each([
    ['1.19.8', 'linux-arm64', '-w -s', '-w -s -extldflags=-Wl,-soname=p.so'],
    ['1.20.14', 'linux-arm-7', '-w -s', '-w -s -extldflags=-Wl,-soname=p.so'],
    ['go1.16', 'linux-arm64', '', '-extldflags=-Wl,-soname=p.so'],
    ['1.21.0', 'linux-arm64', '-w -s', '-w -s'],
    ['1.23.5', 'linux-arm-7', '-w -s', '-w -s'],
    ['1.19.8', 'linux-amd64', '-w -s', '-w -s'],
    ['1.19.8', 'linux-386', '-w -s', '-w -s'],
    ['1.19.8', 'linux-arm64', '-w -s -extldflags "-static"', '-w -s -extldflags "-static"'],
    ['1.19.8', 'linux-arm64', '-extldflags=-L/x', '-extldflags=-L/x'],
  ])('Go %s %s %j -> %j', (go, target, ldflags, want) => {
    expect(targetLdflags(ldflags, go, parseTarget(target), 'p.so')).toBe(want);
  });

  it('the plan passes it to the arm builds of an old Go only', () => {
    const plan = planBuild({ ...input, goVersion: '1.19.8', targets: [arm64, parseTarget('linux-amd64')] });
    const ld = plan.targets.map((t) => t.argv[t.argv.indexOf('-ldflags') + 1]);
    expect(ld).toEqual(['-w -s -extldflags=-Wl,-soname=hello-linux-arm64.so', '-w -s']);
  });
});
