// The real bed's pure parts, as data: the server build command is upstream's, the stand-in
// repository is laid out as upstream publishes releases, the matrices and the catalog hold.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import {
  NEGATIVE_CONTROL,
  REAL_PLUGINS,
  REAL_SERVERS,
  REAL_TARGETS,
  panicLine,
  realModuleSetup,
  realServerRepo,
  serverRunner,
  serverTargets,
  type RealBed,
} from './support/real';
import { authoredGoMod, requireVersions, unprunedGoLine } from './support/real/plugins';
import { serverBuildArgv } from './support/real/servers';

describe('server build', () => {
  test('is upstream release command: /proj, /go/pkg/mod, -mod=readonly -a -installsuffix cgo, the -X flags', () => {
    const argv = serverBuildArgv(
      {
        tag: 'v2.9.1',
        dir: '/src/v2.9.1',
        key: 'k',
        goModText: '',
        commit: 'abc',
        time: '2026-02-28T17:56:17Z',
      },
      'flow/build:1.26.11-linux-arm-7',
      '/out-dir',
      'linux-arm-7',
      '/bed',
    );
    expect(argv.slice(argv.indexOf('flow/build:1.26.11-linux-arm-7'))).toEqual([
      'flow/build:1.26.11-linux-arm-7',
      'go',
      'build',
      '-mod=readonly',
      '-a',
      '-installsuffix',
      'cgo',
      '-ldflags',
      '-w -s -X main.Version=2.9.1 -X main.BuildDate=2026-02-28-17:56:17 -X main.Commit=abc -X main.Mode=prod',
      '-o',
      '/out/gotify-linux-arm-7',
      '/proj',
    ]);
    expect(argv).toContain('/src/v2.9.1:/proj:ro');
    expect(argv).toContain('/bed/gomod:/go/pkg/mod');
    expect(argv.join(' ')).toContain('--network none');
  });
});

describe('matrices and catalog', () => {
  test('quick: every target of one release, amd64 of the others; full: everything', () => {
    expect(serverTargets('v2.9.1', 'quick')).toEqual([...REAL_TARGETS]);
    expect(serverTargets('v2.1.4', 'quick')).toEqual(['linux-amd64']);
    expect(serverTargets('v2.1.4', 'full')).toEqual([...REAL_TARGETS]);
    // The quick matrix still builds one release of every Go series of the bed (linux-amd64).
    const quickSeries = new Set(
      REAL_SERVERS.filter((s) => serverTargets(s.tag, 'quick').length > 0).map((s) => s.goSeries),
    );
    expect(quickSeries).toEqual(new Set(REAL_SERVERS.map((s) => s.goSeries)));
  });
  test('every release the module proxy serves (six, on five Go series: two share one); at least four plugins, each meant for a release of the bed', () => {
    expect(REAL_SERVERS.map((s) => s.tag)).toEqual([
      'v2.1.4',
      'v2.5.0',
      'v2.6.0',
      'v2.6.1',
      'v2.8.0',
      'v2.9.1',
    ]);
    expect(new Set(REAL_SERVERS.map((s) => s.goSeries)).size).toBe(5);
    // The upstream Go series is the builder's, except v2.1.4 (GO_VERSION 1.16: no Debian Go).
    for (const s of REAL_SERVERS.filter((x) => x.tag !== 'v2.1.4'))
      expect(s.upstreamGoVersion.startsWith(`${s.goSeries}.`), s.tag).toBe(true);
    expect(REAL_PLUGINS.length).toBeGreaterThanOrEqual(4);
    for (const p of REAL_PLUGINS) expect(REAL_SERVERS.map((s) => s.tag)).toContain(p.serverTag);
    expect(REAL_PLUGINS.map((p) => p.id)).toContain(NEGATIVE_CONTROL.plugin);
  });
  test('every target has a way to run here', () => {
    for (const t of REAL_TARGETS) expect(Array.isArray(serverRunner(t))).toBe(true);
    expect(serverRunner('linux-386')[0]).toBe('/usr/i686-linux-gnu/lib/ld-linux.so.2');
  });
});

describe('helpers', () => {
  test('requireVersions reads single lines and blocks, first version wins', () => {
    const m = requireVersions(
      'module x\n\nrequire a.com/b v1.0.0\n\nrequire (\n\tc.com/d v0.1.0 // indirect\n\ta.com/b v2.0.0\n)\n',
    );
    expect([...m]).toEqual([
      ['a.com/b', 'v1.0.0'],
      ['c.com/d', 'v0.1.0'],
    ]);
  });
  test('authoredGoMod: paths at the versions of the source, path@version at its own; an unknown path is an error', () => {
    const spec = REAL_PLUGINS.find((p) => p.id === 'echo-2019')!;
    const server = new Map([
      ['github.com/gotify/plugin-api', 'v1.0.0'],
      ['github.com/gin-gonic/gin', 'v1.11.0'],
    ]);
    expect(authoredGoMod(spec, server)).toBe(
      'module github.com/gotify/server/v2/plugin/example/echo\n\ngo 1.16\n\nrequire (\n' +
        '\tgithub.com/gin-gonic/gin v1.4.0\n\tgithub.com/gotify/plugin-api v1.0.0\n\tgithub.com/ugorji/go v1.1.4\n)\n',
    );
    expect(spec.authoredGoMod!.tidy).toBe(false);
    expect(() => authoredGoMod(spec, new Map())).toThrow(/github\.com\/gotify\/plugin-api is not required/);
  });
  test('unprunedGoLine: no go line or one older than 1.17', () => {
    expect(unprunedGoLine('module m\n')).toBe(true);
    expect(unprunedGoLine('module m\n\ngo 1.16\n')).toBe(true);
    expect(unprunedGoLine('module m\n\ngo 1.17\n')).toBe(false);
    expect(unprunedGoLine('module m\n\ngo 1.23.0\n')).toBe(false);
  });
  test('panicLine finds the server panic', () => {
    expect(panicLine('Starting Gotify\npanic: error while loading plugin a.so: x\n\ngoroutine 1')).toBe(
      'panic: error while loading plugin a.so: x',
    );
    expect(panicLine('fine')).toBeUndefined();
  });
  test('realModuleSetup mounts the bed proxy with no network', () => {
    const m = realModuleSetup({ goproxyDir: '/bed/gomod/cache/download' } as RealBed);
    expect(m.dockerArgs).toBe('--network none -v /bed/gomod/cache/download:/goproxy:ro');
    expect(m.env).toEqual({ GOPROXY: 'file:///goproxy', GOSUMDB: 'off', GOFLAGS: '-mod=mod' });
  });
});

describe('realServerRepo', () => {
  test('one commit per tag with GO_VERSION and go.mod, a release per tag with upstream asset names', () => {
    const dir = mkdtempSync(join(tmpdir(), 'real-repo-'));
    const zip = join(dir, 'a.zip');
    writeFileSync(zip, 'zip bytes');
    const bed = {
      servers: [
        {
          tag: 'v2.6.1',
          goModText: 'module m\n',
          goVersionFileText: '1.23.5\n',
          commit: 'c'.repeat(40),
          assets: { 'linux-amd64': zip },
        },
        {
          tag: 'v2.9.1',
          goModText: 'module n\n',
          goVersionFileText: '1.26.11\n',
          assets: { 'linux-arm-7': zip },
        },
      ],
    } as unknown as RealBed;
    const repo = realServerRepo(bed, { token: 't' });
    expect(repo.token).toBe('t');
    expect(repo.tags).toEqual({ 'v2.6.1': 'c'.repeat(40), 'v2.9.1': 'gotify-v2.9.1' });
    expect(repo.commits!['gotify-v2.9.1']).toEqual({ 'go.mod': 'module n\n', GO_VERSION: '1.26.11\n' });
    expect(repo.releases!.map((r) => [r.tag, r.assets!.map((a) => a.name)])).toEqual([
      ['v2.6.1', ['gotify-linux-amd64.zip']],
      ['v2.9.1', ['gotify-linux-arm-7.zip']],
    ]);
    expect(Buffer.from(repo.releases![0]!.assets![0]!.content!).toString()).toBe('zip bytes');
  });
});
