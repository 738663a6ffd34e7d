// Real plugins, built by the action (the committed bundle) for real gotify server releases
// served by the GitHub stand-in, loaded into the real servers, which report through their own
// API (`GET /plugin`) what they loaded. The bed (servers, plugins, modules) comes from
// support/real and is cached on the machine; .ci/run builds it before the tests.
//
// Quick subset (default, CI): every default target of gotify v2.9.1 with a third-party plugin,
// a plugin on linux-amd64 for a release of every other Go series of the bed (v2.1.4 with Go 1.19,
// v2.5.0 with 1.22, v2.6.1 with 1.23, v2.8.0 with 1.25), the old split-module graph (echo-2019) on
// v2.9.1, a plugin whose go line is too new for v2.1.4, and the negative control (go-mod-sync: off makes the real server panic).
// FLOW_REAL_FULL=1: every plugin x release x default target.
// Each case adds a row to .tmp/real-results/<matrix>.json; scripts/tested-against.mjs turns the
// latest run into the "Tested against" table of docs/tested-against.md.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import type { ArtifactEntry } from '../src/report/record';
import { startGitHubStandIn, type GitHubStandIn } from './support/github';
import { hostRuns386, removeTree } from './support/fixtures';
import {
  REAL_PLUGINS,
  REAL_SERVERS,
  REAL_TARGETS,
  copyPlugin,
  ensureRealBed,
  loadIntoRealServer,
  pluginOf,
  realModuleSetup,
  realServerRepo,
  serverAssetName,
  serverBinaryName,
  serverOf,
  type LoadResult,
  type RealBed,
  type RealTarget,
} from './support/real';
import { projectRoot, runAction, type RunResult } from './support/runner';

const TOKEN = 'ghs_realBedToken';
const root = mkdtempSync(join(tmpdir(), 'flow-real-plugins-'));
let bed: RealBed;
let gh: GitHubStandIn;

/** One row of the tested-against table. */
interface Row {
  server: string;
  plugin: string;
  module: string;
  target: string;
  sync: boolean;
  run?: string;
  result: 'loaded' | 'refused' | 'not built';
  reason: string;
  buildSeconds?: number;
  loadSeconds?: number;
}
const rows: Row[] = [];
const started = new Date().toISOString();

beforeAll(async () => {
  bed = await ensureRealBed();
  gh = await startGitHubStandIn({ repos: { 'gotify/server': realServerRepo(bed, { token: TOKEN }) } });
});

// The results so far, after every test: a long full run that is stopped keeps what it proved.
afterEach(() => writeResults());

afterAll(async () => {
  await gh?.close();
  removeTree(root);
});

/** Writes .tmp/real-results/<matrix>.json from the rows recorded so far. */
function writeResults(): void {
  if (!bed || rows.length === 0) return;
  const dir = join(projectRoot, '.tmp', 'real-results');
  mkdirSync(dir, { recursive: true });
  const servers = bed.servers.map((s) => ({
    tag: s.tag,
    goVersion: s.goVersion,
    upstreamGoVersion: s.upstreamGoVersion,
  }));
  const plugins = bed.plugins.map((p) => ({
    id: p.id,
    module: p.module,
    source: `${p.sourceModule}@${p.version}`,
    why: p.why,
  }));
  writeFileSync(
    join(dir, `${bed.matrix}.json`),
    JSON.stringify({ matrix: bed.matrix, date: started, servers, plugins, rows }, null, 2),
  );
}

interface Built {
  /** The plugin folder the action ran in. */
  dir: string;
  r: RunResult;
  entries: ArtifactEntry[];
  seconds: number;
}

let n = 0;
/** Copies a real plugin and builds it with the action for `tag` (several: one per line). */
async function build(
  pluginId: string,
  tag: string,
  targets: readonly string[],
  extra: Record<string, string> = {},
  /** Run again in this folder (its go.mod as the previous run left it) instead of a fresh copy. */
  again?: string,
): Promise<Built> {
  const dir = again ?? copyPlugin(bed, pluginId, join(root, `${pluginId}-${tag.replace(/\n/g, '+')}-${++n}`));
  const mods = realModuleSetup(bed);
  const started = Date.now();
  const r = await runAction({
    cwd: dir,
    inputs: {
      'server-repository': 'gotify/server',
      ...(tag.includes('\n') ? { 'server-versions': tag } : { 'server-version': tag }),
      'github-token': TOKEN,
      targets: targets.join(','),
      'upload-artifacts': 'false',
      release: 'false',
      'docker-args': mods.dockerArgs,
      ...extra,
    },
    env: { GITHUB_API_URL: gh.url, ...mods.env },
    timeoutMs: 1_500_000,
    realModules: true,
  });
  const entries =
    r.exitCode === 0 && r.outputs.artifacts ? (JSON.parse(r.outputs.artifacts) as ArtifactEntry[]) : [];
  return { dir, r, entries, seconds: (Date.now() - started) / 1000 };
}

/** The action's first error annotation (what a user would read), for the table. */
function actionError(r: RunResult): string {
  const line = r.stdout.split('\n').find((l) => l.startsWith('::error'));
  return (line ?? `exit code ${r.exitCode}`)
    .replace(/^::error[^:]*::/, '')
    .replace(/%0A/g, ' ')
    .slice(0, 200);
}

/** Loads the action's plugin for `target` into the real server `tag` and records the row. */
async function loadAndRecord(
  pluginId: string,
  tag: string,
  target: RealTarget,
  b: Built,
  sync = true,
  /** Tells runs of one case apart in the table (e.g. `second run`). */
  run?: string,
): Promise<LoadResult | undefined> {
  const plugin = pluginOf(bed, pluginId);
  const row: Omit<Row, 'result' | 'reason'> = {
    server: tag,
    plugin: pluginId,
    module: plugin.module,
    target,
    sync,
    ...(run ? { run } : {}),
    buildSeconds: Math.round(b.seconds),
  };
  const entry = b.entries.find((e) => e.target === target && e.server === tag);
  if (!entry) {
    rows.push({ ...row, result: 'not built', reason: actionError(b.r) });
    return undefined;
  }
  const server = serverOf(bed, tag);
  const result = await loadIntoRealServer({
    tag,
    target,
    serverBinary: server.binaries[target]!,
    pluginFile: entry.path,
    timeoutMs: 240_000,
  });
  rows.push({
    ...row,
    result: result.loaded ? 'loaded' : 'refused',
    reason: result.loaded
      ? `GET /plugin lists ${result.plugins.map((p) => p.modulePath).join(', ')}`
      : (result.panic ?? result.output.trim().split('\n').slice(-1)[0] ?? 'no answer'),
    loadSeconds: Math.round(result.durationMs / 1000),
  });
  return result;
}

function expectLoaded(result: LoadResult | undefined, module: string): void {
  expect(result, 'the action built no plugin for this target').toBeDefined();
  expect(result!.panic, result!.output).toBeUndefined();
  expect(result!.loaded, result!.output).toBe(true);
  expect(result!.plugins.map((p) => p.modulePath)).toEqual([module]);
}

describe('the bed', () => {
  test('every release the module proxy serves, on five Go series (two of one Go), built for their targets and published as upstream publishes them', () => {
    expect(bed.servers.map((s) => s.tag)).toEqual([
      'v2.1.4',
      'v2.5.0',
      'v2.6.0',
      'v2.6.1',
      'v2.8.0',
      'v2.9.1',
    ]);
    expect(bed.servers.map((s) => s.goVersion.split('.').slice(0, 2).join('.'))).toEqual([
      '1.19',
      '1.22',
      '1.23',
      '1.23',
      '1.25',
      '1.26',
    ]);
    for (const s of bed.servers) {
      expect(s.goModText).toMatch(/^module github\.com\/gotify\/server\/v2\n/);
      const release = gh.repo('gotify/server').releases.find((r) => r.tag === s.tag)!;
      expect(release.assets.map((a) => a.name).sort()).toEqual(
        Object.keys(s.assets).map(serverAssetName).sort(),
      );
      for (const [target, zip] of Object.entries(s.assets)) {
        // The flat binary and LICENSE, like upstream's `zip -j`.
        const names = execFileSync('unzip', ['-Z1', zip], { encoding: 'utf8' }).trim().split('\n');
        expect(names.sort()).toEqual(['LICENSE', serverBinaryName(target)].sort());
      }
    }
    expect(Object.keys(serverOf(bed, bed.quickAllTargetsTag).binaries).sort()).toEqual(
      [...REAL_TARGETS].sort(),
    );
  });
});

describe.each(REAL_TARGETS.map((t) => [t]))('a real server starts on %s', (target) => {
  // A kernel without 32-bit x86 support cannot start the linux-386 server (fixtures.ts).
  test.skipIf(target === 'linux-386' && !hostRuns386())(
    'with an empty plugins folder, answering GET /plugin',
    async () => {
      const s = serverOf(bed, bed.quickAllTargetsTag);
      const r = await loadIntoRealServer({
        tag: s.tag,
        target,
        serverBinary: s.binaries[target]!,
        timeoutMs: 240_000,
      });
      expect(r.panic, r.output).toBeUndefined();
      expect(r.plugins).toEqual([]);
      expect(r.output).toMatch(/Started listening/i);
    },
  );
});

const full = process.env.FLOW_REAL_FULL === '1';

describe.skipIf(full)('quick subset', () => {
  describe('echo for gotify v2.9.1 (Go 1.26), every default target', () => {
    let b: Built;
    beforeAll(async () => {
      b = await build('echo', 'v2.9.1', REAL_TARGETS);
    });
    test('the action succeeds for every target', () => {
      expect(b.r.exitCode, b.r.stdout).toBe(0);
      expect(b.entries.map((e) => e.target)).toEqual([...REAL_TARGETS]);
    });
    test.for(REAL_TARGETS.map((t) => [t] as const))(
      'the real server loads it on %s',
      async ([target], { skip }) => {
        if (target === 'linux-386' && !hostRuns386()) skip('this kernel does not run 32-bit x86 binaries');
        expectLoaded(await loadAndRecord('echo', 'v2.9.1', target, b), pluginOf(bed, 'echo').module);
      },
    );
  });

  // One run of the action is enough: go-mod-sync: align (the default) brings every module the
  // plugin links to the server's version after go mod tidy, and the verify stage loads the plugin
  // into the release's own server before the step succeeds. (With gomod-cap alone, tidy brought in
  // golang.org/x/crypto for clock @ v2.6.1 and quic-go for telegram @ v2.9.1 at the plugin's
  // versions, and the real server refused both until a second run.)
  test.each([
    ['telegram', 'v2.9.1'],
    ['clock', 'v2.6.1'],
  ])('%s for gotify %s: the real server loads the first run on linux-amd64', async (pluginId, tag) => {
    const b = await build(pluginId, tag, ['linux-amd64']);
    expect(b.r.exitCode, b.r.stdout).toBe(0);
    expect(JSON.parse(b.r.outputs.verified ?? '[]')).toMatchObject([
      { target: 'linux-amd64', status: 'loaded' },
    ]);
    expectLoaded(
      await loadAndRecord(pluginId, tag, 'linux-amd64', b, true, 'run 1'),
      pluginOf(bed, pluginId).module,
    );
  });

  // The old split-module graph (gin v1.4.0 with github.com/ugorji/go v1.1.4): tidy fails with an
  // ambiguous import; align requires github.com/ugorji/go where it no longer holds codec, says so,
  // and the first run loads.
  test('echo-2019 for gotify v2.9.1: the ambiguous import is repaired, said, and the first run loads on linux-amd64', async () => {
    const b = await build('echo-2019', 'v2.9.1', ['linux-amd64']);
    expect(b.r.exitCode, b.r.stdout).toBe(0);
    expect(b.r.stdout).toMatch(/ambiguous import.*github\.com\/ugorji\/go/i);
    expect(b.r.stdout).toContain('github.com/ugorji/go v1.1.4');
    expectLoaded(
      await loadAndRecord('echo-2019', 'v2.9.1', 'linux-amd64', b, true, 'run 1'),
      pluginOf(bed, 'echo-2019').module,
    );
  });

  // The Go series only the quick subset's several-releases run covers: one step, two releases,
  // each built with its own Go and loaded by its own server (the action's verify stage, then here).
  test('minimal for gotify v2.5.0 (Go 1.22) and v2.8.0 (Go 1.25) in one step: each real server loads its plugin', async () => {
    const b = await build('minimal', 'v2.5.0\nv2.8.0', ['linux-amd64']);
    expect(b.r.exitCode, b.r.stdout).toBe(0);
    for (const tag of ['v2.5.0', 'v2.8.0']) {
      expectLoaded(
        await loadAndRecord('minimal', tag, 'linux-amd64', b, true, 'run 1'),
        pluginOf(bed, 'minimal').module,
      );
    }
  });

  // gotify v2.1.4's go.mod is `go 1.14`: it names only the server's direct dependencies, so
  // modules that reach the server indirectly (golang.org/x/sys through x/crypto) are invisible to
  // gomod-cap. align compares against the server's own build list and the first run loads; cap
  // refuses to build a plugin whose build list disagrees with the server's, naming align.
  test('minimal for gotify v2.1.4 (Go 1.19): align loads on the first run; cap refuses before building', async () => {
    const b = await build('minimal', 'v2.1.4', ['linux-amd64']);
    expect(b.r.exitCode, b.r.stdout).toBe(0);
    expectLoaded(
      await loadAndRecord('minimal', 'v2.1.4', 'linux-amd64', b, true, 'run 1'),
      pluginOf(bed, 'minimal').module,
    );
    const cap = await build('minimal', 'v2.1.4', ['linux-amd64'], { 'go-mod-sync': 'cap' });
    expect(cap.r.exitCode).toBe(1);
    expect(cap.r.stdout).toMatch(/::error.*align/);
    expect(cap.entries).toEqual([]);
  });
});

describe.skipIf(full)('go line too new', () => {
  test('telegram (go 1.23) is not built for gotify v2.1.4 (Go 1.19): the action says why', async () => {
    const b = await build('telegram', 'v2.1.4', ['linux-amd64']);
    await loadAndRecord('telegram', 'v2.1.4', 'linux-amd64', b);
    expect(b.r.exitCode).toBe(1);
    expect(b.r.stdout).toMatch(/go 1\.23/);
  });
});

describe('negative control', () => {
  test('with go-mod-sync: off the real server refuses the plugin and panics at start', async () => {
    const { plugin, serverTag } = bed.negativeControl;
    // verify: false, so the action ships what it built and the real server is the judge here
    // (with verify on, the action itself refuses this plugin before any upload).
    const b = await build(plugin, serverTag, ['linux-amd64'], { 'go-mod-sync': 'off', verify: 'false' });
    expect(b.r.exitCode, b.r.stdout).toBe(0);
    const r = await loadAndRecord(plugin, serverTag, 'linux-amd64', b, false);
    expect(r!.loaded).toBe(false);
    expect(r!.panic).toMatch(/^panic: error while loading plugin /);
    expect(r!.output).toContain('plugin was built with a different version of package');
  });
});

describe.runIf(full)('full matrix: every plugin x release x default target', () => {
  const cases = bedCases();
  // Up to three runs of the action in one folder (each syncs once more), every default target,
  // each run loaded into the real server of each target; the table shows every run.
  test.each(cases)(
    '%s for gotify %s',
    async (pluginId, tag) => {
      let dir: string | undefined;
      for (let i = 1; i <= 3; i++) {
        const b = await build(pluginId, tag, REAL_TARGETS, {}, dir);
        dir = b.dir;
        const results = [];
        for (const target of REAL_TARGETS)
          results.push(await loadAndRecord(pluginId, tag, target, b, true, `run ${i}`));
        if (b.r.exitCode !== 0) {
          // Not built (e.g. the plugin's go line is newer than the server's Go): said by the action.
          expect(b.r.stdout).toMatch(/::error/);
          return;
        }
        for (const r of results) {
          if (!r!.loaded)
            expect(r!.panic, r!.output).toMatch(
              /^panic: error while loading plugin .*different version of package /,
            );
        }
        if (results.every((r) => r!.loaded)) return;
      }
    },
    3_600_000,
  );
});

function bedCases(): [string, string][] {
  // Every plugin x every release of the catalog (the bed is made in beforeAll, after collection).
  return REAL_PLUGINS.flatMap((p) => REAL_SERVERS.map((s): [string, string] => [p.id, s.tag]));
}
