// Issue 21, item 2: the build info reader against real Go binaries, built here by the host Go
// (a cgo plugin; programs for arm with GOARM=5 and -trimpath, 386, arm64; a module replaced by a
// folder), read by `go version -m` and by readBuildInfo: the same Go version, main module,
// modules and settings. And what the comparison says about the GOARM=5/-trimpath build.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { compareBuildInfo, describeDifference, readBuildInfo } from '../../src/verify/build-info';
import { findHostGo, hermeticGoEnv, runGo, type HostGo } from '../support/host-go';
import { sharedGoCache } from '../support/test-cache';

const dir = mkdtempSync(join(tmpdir(), 'flow-buildinfo-'));
let go: HostGo;
let env: NodeJS.ProcessEnv;

beforeAll(() => {
  go = findHostGo();
  env = hermeticGoEnv(join(dir, 'home'));
  const shared = sharedGoCache();
  if (shared) env.GOCACHE = shared;
  mkdirSync(join(dir, 'src', 'lib'), { recursive: true });
  writeFileSync(
    join(dir, 'src', 'go.mod'),
    'module example.com/p\n\ngo 1.22\n\nrequire example.com/lib v1.0.0\n\nreplace example.com/lib => ./lib\n',
  );
  writeFileSync(join(dir, 'src', 'lib', 'go.mod'), 'module example.com/lib\n\ngo 1.22\n');
  writeFileSync(join(dir, 'src', 'lib', 'lib.go'), 'package lib\n\nfunc Name() string { return "lib" }\n');
  writeFileSync(
    join(dir, 'src', 'main.go'),
    'package main\n\nimport "example.com/lib"\n\nfunc Hello() string { return lib.Name() }\n\nfunc main() { println(Hello()) }\n',
  );
});

/** `go version -m` output as data: the Go version, then tab-separated lines. */
function goVersionM(text: string) {
  const [first, ...rest] = text.trimEnd().split('\n');
  const lines = rest.map((l) => l.replace(/^\t/, '').split('\t'));
  return {
    goVersion: first!.split(': ')[1]!,
    path: lines.find((l) => l[0] === 'path')?.[1],
    deps: lines.filter((l) => l[0] === 'dep').map((l) => l[1]),
    replaced: lines.filter((l) => l[0] === '=>').map((l) => l[1]),
    settings: lines.filter((l) => l[0] === 'build').map((l) => l[1]!.slice(0, l[1]!.indexOf('='))),
  };
}

async function build(name: string, args: string[], extraEnv: NodeJS.ProcessEnv) {
  const out = join(dir, name);
  const r = await runGo(go, ['build', ...args, '-ldflags=-w -s', '-o', out, '.'], join(dir, 'src'), {
    ...env,
    ...extraEnv,
  });
  expect(r.stderr).toBe('');
  const m = await runGo(go, ['version', '-m', out], dir, env);
  return { file: readFileSync(out), expected: goVersionM(m.stdout) };
}

describe('readBuildInfo reads what go version -m reads', () => {
  it.each([
    ['an amd64 cgo plugin', 'p.so', ['-buildmode=plugin'], { CGO_ENABLED: '1' }],
    [
      'an arm GOARM=5 -trimpath program',
      'arm5',
      ['-trimpath'],
      { GOARCH: 'arm', GOARM: '5', CGO_ENABLED: '0' },
    ],
    ['a 386 program', 'x386', [], { GOARCH: '386', CGO_ENABLED: '0' }],
    ['an arm64 program', 'arm64', [], { GOARCH: 'arm64', CGO_ENABLED: '0' }],
  ])(
    '%s',
    async (_, name, args, extraEnv) => {
      const { file, expected } = await build(name as string, args as string[], extraEnv as NodeJS.ProcessEnv);
      const info = readBuildInfo(file)!;
      expect(info.goVersion).toBe(expected.goVersion);
      expect(info.path).toBe(expected.path);
      expect(info.deps.map((d) => d.path)).toEqual(expected.deps);
      expect(info.deps.flatMap((d) => (d.replace ? [d.replace.path] : []))).toEqual(expected.replaced);
      expect(info.settings.map(([k]) => k)).toEqual(expected.settings);
    },
    240_000,
  );

  it('the GOARM=5 -trimpath build against a GOARM=7 build: both settings named', async () => {
    const bad = readBuildInfo(
      (await build('arm5b', ['-trimpath'], { GOARCH: 'arm', GOARM: '5', CGO_ENABLED: '0' })).file,
    )!;
    const good = readBuildInfo(
      (await build('arm7', [], { GOARCH: 'arm', GOARM: '7', CGO_ENABLED: '0' })).file,
    )!;
    expect(compareBuildInfo(good, good)).toEqual([]);
    expect(compareBuildInfo(bad, good).map(describeDifference)).toEqual([
      'build setting -trimpath: the plugin has true, the server (not set)',
      'build setting GOARM: the plugin has 5, the server 7',
    ]);
  }, 240_000);
});
