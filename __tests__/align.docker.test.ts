// go-mod-sync: align end to end: generated module graphs in the file proxy, the committed bundle
// run as the runner runs it, and each case either builds a plugin that loads into a fixture
// server linking the shared modules, or fails before building, naming the requirement chain.
// One Go version and linux-amd64 only: the graphs are platform-independent.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startGitHubStandIn, type GitHubStandIn } from './support/github';
import {
  goModText,
  goSumLines,
  moduleGraphGoSum,
  writeModuleGraph,
  writeModuleVersion,
  type FakeModule,
} from './support/goproxy';
import {
  SERVER_MAIN_GO,
  actionModuleSetup,
  buildHost,
  builderGoVersions,
  loadPlugins,
  makeGoEnv,
  removeTree,
  type GoEnv,
} from './support/fixtures';
import { runAction, type RunResult } from './support/runner';
import type { ArtifactEntry as Entry } from '../src/report/record';

const versions = await builderGoVersions();
if (versions.length === 0) throw new Error('need builder images (run .ci/docker.sh)');
const GO = versions.at(-1)!;
const TARGET = 'linux-amd64';
const TOKEN = 'ghs_alignE2eToken';

const Y = 'example.com/y';
const X = 'example.com/x';
const SOLO = 'example.com/solo';
const [A1, A2, A3] = ['example.com/deep/a1', 'example.com/deep/a2', 'example.com/deep/a3'];
const OLD_A = 'example.com/old/a';
const OLD_Z = 'example.com/old/z';

/** The graphs: the server has y v1.9.1; x v1.5.0 and solo need y v1.10.0, x v1.4.2 fits. */
const MODULES: FakeModule[] = [
  { path: Y, version: 'v1.9.0' },
  { path: Y, version: 'v1.9.1' },
  { path: Y, version: 'v1.10.0' },
  { path: X, version: 'v1.4.2', requires: { [Y]: 'v1.9.0' } },
  { path: X, version: 'v1.5.0', requires: { [Y]: 'v1.10.0' } },
  // Only one version, and it needs more than the server has: no version fits.
  { path: SOLO, version: 'v1.0.0', requires: { [Y]: 'v1.10.0' } },
  // A deep chain: a1 -> a2 -> a3 -> y, each v1.1.0 needing more than the server has.
  { path: A3, version: 'v1.0.0', requires: { [Y]: 'v1.9.0' } },
  { path: A3, version: 'v1.1.0', requires: { [Y]: 'v1.10.0' } },
  { path: A2, version: 'v1.0.0', requires: { [A3]: 'v1.0.0' } },
  { path: A2, version: 'v1.1.0', requires: { [A3]: 'v1.1.0' } },
  { path: A1, version: 'v1.0.0', requires: { [A2]: 'v1.0.0' } },
  { path: A1, version: 'v1.1.0', requires: { [A2]: 'v1.1.0' } },
  // An old server (go 1.16 go.mod: direct dependencies only) links z through a.
  { path: OLD_Z, version: 'v1.1.0', go: '1.16' },
  { path: OLD_Z, version: 'v1.2.0', go: '1.16' },
  { path: OLD_A, version: 'v1.0.0', requires: { [OLD_Z]: 'v1.1.0' }, go: '1.16' },
];

/** The fixture server's loader, linking `pkg` instead of the fixtures' lib. */
function serverMain(pkg: string): string {
  const main = SERVER_MAIN_GO.replace('"example.com/lib"', `shared "${pkg}"`).replace(
    'lib.Version',
    'shared.Describe()',
  );
  if (!main.includes('shared.Describe()')) throw new Error('SERVER_MAIN_GO changed: update serverMain');
  return main;
}

function serverFilesFor(goMod: string, pkg: string): Record<string, string> {
  return {
    'go.mod': goMod,
    'go.sum': moduleGraphGoSum(MODULES),
    GO_VERSION: `${GO}\n`,
    'main.go': serverMain(pkg),
  };
}

// The shape of github.com/ugorji/go: split v1.0.0 holds package codec in its folder codec/; at
// v1.1.0 codec became its own module (split/codec), whose go.mod requires split at the split, as
// split's requires codec there; codec v1.2.0 no longer requires split (as ugorji's codec from
// v1.2.11 on, which gotify requires). A 2021 plugin requires split v1.0.0 and an old codec:
// gomod-cap raises codec to the server's v1.2.0, and split v1.0.0 still holds the package.
const SPLIT = 'example.com/split';
const CODEC = 'example.com/split/codec';
const codecGo = (version: string) =>
  `// Package codec is a fake of github.com/ugorji/go/codec.\npackage codec\n\n// Version differs between the versions.\nvar Version = "${version}"\n\n// Describe names the version.\nfunc Describe() string {\n\treturn "${CODEC} " + Version\n}\n`;
const SPLIT_FILES: [string, string, Record<string, string>][] = [
  [
    SPLIT,
    'v1.0.0',
    {
      'go.mod': `module ${SPLIT}\n`,
      'split.go': 'package split\n',
      'codec/codec.go': codecGo('split v1.0.0'),
    },
  ],
  [
    SPLIT,
    'v1.1.0',
    { 'go.mod': goModText(SPLIT, '1.16', { [CODEC]: 'v1.1.0' }), 'split.go': 'package split\n' },
  ],
  [CODEC, 'v0.1.0', { 'go.mod': `module ${CODEC}\n`, 'codec.go': codecGo('v0.1.0') }],
  [
    CODEC,
    'v1.1.0',
    { 'go.mod': goModText(CODEC, '1.16', { [SPLIT]: 'v1.1.0' }), 'codec.go': codecGo('v1.1.0') },
  ],
  [CODEC, 'v1.2.0', { 'go.mod': `module ${CODEC}\n`, 'codec.go': codecGo('v1.2.0') }],
];
const SERVER_SPLIT = {
  ...serverFilesFor(goModText('example.com/flow/server', '1.19', { [CODEC]: 'v1.2.0' }), CODEC),
  'go.sum': SPLIT_FILES.map(([m, v, files]) => goSumLines(m, v, files)).join(''),
};

const SERVER_NEW = serverFilesFor(goModText('example.com/flow/server', '1.19', { [Y]: 'v1.9.1' }), Y);
const SERVER_OLD = serverFilesFor(goModText('example.com/flow/server', '1.16', { [OLD_A]: 'v1.0.0' }), OLD_A);

const root = mkdtempSync(join(tmpdir(), 'flow-align-'));
let env: GoEnv;
let gh: GitHubStandIn;
const hosts: Record<string, string> = {};

beforeAll(async () => {
  env = makeGoEnv(join(root, 'go'));
  writeModuleGraph(env.proxyDir, MODULES);
  for (const [m, v, files] of SPLIT_FILES) writeModuleVersion(env.proxyDir, m, v, files);
  gh = await startGitHubStandIn({
    repos: {
      'flow/server': {
        token: TOKEN,
        commits: { new: SERVER_NEW, old: SERVER_OLD, split: SERVER_SPLIT },
        tags: { 'v2.0.0': 'new', 'v1.0.0': 'old', 'v2.1.0': 'split' },
        releases: [{ tag: 'v1.0.0' }, { tag: 'v2.0.0' }, { tag: 'v2.1.0' }],
      },
    },
  });
});

afterAll(async () => {
  await gh?.close();
  removeTree(root);
});

/** Builds the fixture server of `files` for linux-amd64 once. */
async function host(name: string, files: Record<string, string>): Promise<string> {
  if (hosts[name]) return hosts[name];
  const serverDir = join(root, `server-${name}`);
  writeFiles(serverDir, files);
  const file = join(root, 'hosts', `server-${name}`);
  await buildHost(GO, TARGET, file, { env, serverDir });
  hosts[name] = file;
  return file;
}

function writeFiles(dir: string, files: Record<string, string>): void {
  mkdirSync(dir, { recursive: true });
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
}

let n = 0;
/** A plugin whose Hello calls `pkg`'s Describe; `goMod` as given, no go.sum (tidy writes it). */
function plugin(goMod: string, pkg: string): string {
  const dir = join(root, `plugin-${++n}`);
  writeFiles(dir, {
    'go.mod': goMod,
    'main.go': `// Fixture plugin linking ${pkg}.\npackage main\n\nimport dep "${pkg}"\n\n// Hello is looked up by the fixture server.\nfunc Hello() string {\n\treturn dep.Describe()\n}\n\nfunc main() {}\n`,
  });
  return dir;
}

async function action(dir: string, inputs: Record<string, string>): Promise<RunResult> {
  return runAction({
    cwd: dir,
    inputs: {
      'server-repository': 'flow/server',
      'server-version': 'v2.0.0',
      'github-token': TOKEN,
      'upload-artifacts': 'false',
      release: 'false',
      targets: TARGET,
      cache: 'false',
      'docker-args': actionModuleSetup(env).dockerArgs,
      ...inputs,
    },
    env: { GITHUB_API_URL: gh.url, ...actionModuleSetup(env).env },
    timeoutMs: 600_000,
  });
}

async function loads(r: RunResult, serverName: string, serverFiles: Record<string, string>) {
  const [e] = JSON.parse(r.outputs.artifacts!) as Entry[];
  const dir = mkdtempSync(join(root, 'plugins-'));
  copyFileSync(e!.path, join(dir, 'plugin.so'));
  return loadPlugins(GO, TARGET, await host(serverName, serverFiles), dir);
}

type Change = { module: string; from: string; to: string; step: string; reason?: string };
const changes = (r: RunResult) => JSON.parse(r.outputs['go-mod-changes'] ?? '[]') as Change[];

describe('a transitive requirement raised by tidy, resolvable by a downgrade', () => {
  // The plugin was tidied against y v1.10.0 (x v1.5.0 needs it); the server has y v1.9.1.
  const goMod = goModText('example.com/plugins/raised', '1.19', { [X]: 'v1.5.0' }).concat(
    `\nrequire ${Y} v1.10.0 // indirect\n`,
  );

  test('align: gomod-cap, then x downgraded to v1.4.2; the plugin loads into the server', async () => {
    const dir = plugin(goMod, X);
    const r = await action(dir, {});
    expect(r.exitCode, r.stdout).toBe(0);
    expect(changes(r)).toEqual([
      { module: Y, from: 'v1.10.0', to: 'v1.9.1', step: 'cap' },
      {
        module: X,
        from: 'v1.5.0',
        to: 'v1.4.2',
        step: 'align',
        reason: `v1.5.0 needs ${Y} v1.10.0, the server has v1.9.1`,
      },
      {
        module: Y,
        from: 'v1.10.0',
        to: 'v1.9.1',
        step: 'align',
        reason: `the server's version (v1.10.0 came from plugin -> ${X} v1.5.0 -> ${Y} v1.10.0)`,
      },
    ]);
    const text = readFileSync(join(dir, 'go.mod'), 'utf8');
    expect(text).toContain(`${X} v1.4.2`);
    expect(text).toContain(`${Y} v1.9.1`);
    expect(r.stdout).toContain('::group::Align module graph with the server (go-mod-sync: align)');
    expect(r.summary).toContain('v1.5.0 needs');
    const loaded = await loads(r, 'new', SERVER_NEW);
    expect(loaded.output).toContain('loaded plugin.so');
    expect(loaded.output).toContain(`${X}@v1.4.2 ${Y}@v1.9.1`);
    expect(loaded.exitCode, loaded.output).toBe(0);
  });

  test('cap: gomod-cap exactly, then the check after tidy fails naming y and align; nothing built', async () => {
    const dir = plugin(goMod, X);
    const r = await action(dir, { 'go-mod-sync': 'cap' });
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain(`plugin -> ${X} v1.5.0 -> ${Y} v1.10.0; the server has ${Y} v1.9.1`);
    expect(r.stdout).toContain('Set go-mod-sync: align');
    expect(r.stdout).toMatch(/::error title=module graph differs from the server,file=go\.mod,line=\d+::/);
    expect(r.stdout).not.toContain('::group::Built');
  });
});

describe('the checks', () => {
  const goMod = goModText('example.com/plugins/raised', '1.19', { [X]: 'v1.5.0' }).concat(
    `\nrequire ${Y} v1.10.0 // indirect\n`,
  );

  test('check: the whole graph after tidy, every disagreement listed; go.mod not capped, nothing built', async () => {
    const dir = plugin(goMod, X);
    const r = await action(dir, { 'go-mod-sync': 'check' });
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain('The whole module graph is checked after go mod tidy');
    expect(r.stdout).toContain("The plugin's build list disagrees with the server's on 1 module:");
    expect(r.stdout).toContain(`plugin -> ${X} v1.5.0 -> ${Y} v1.10.0; the server has ${Y} v1.9.1`);
    expect(readFileSync(join(dir, 'go.mod'), 'utf8')).toContain(`${Y} v1.10.0`);
    expect(r.stdout).not.toContain('::group::Built');
  });

  test('negative control: with go-mod-sync off the plugin builds and the server refuses it', async () => {
    const dir = plugin(goMod, X);
    const r = await action(dir, { 'go-mod-sync': 'off' });
    expect(r.exitCode, r.stdout).toBe(0);
    expect(r.stdout).not.toContain('Align module graph');
    const loaded = await loads(r, 'new', SERVER_NEW);
    expect(loaded.exitCode).not.toBe(0);
    expect(loaded.output).toContain(`plugin was built with a different version of package ${Y}`);
  });
});

describe('no version fits', () => {
  test('solo v1.0.0 needs y v1.10.0: fails before building, the chain on the require line', async () => {
    const goModSolo = goModText('example.com/plugins/stuck', '1.19', { [SOLO]: 'v1.0.0' });
    const dir = plugin(goModSolo, SOLO);
    const r = await action(dir, {});
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain(`plugin -> ${SOLO} v1.0.0 -> ${Y} v1.10.0; the server has ${Y} v1.9.1`);
    expect(r.stdout).toContain(`no version of ${SOLO} works with ${Y} v1.9.1`);
    const line =
      readFileSync(join(dir, 'go.mod'), 'utf8')
        .split('\n')
        .findIndex((l) => l.includes(SOLO)) + 1;
    expect(r.stdout).toContain(
      `::error title=module graph differs from the server,file=go.mod,line=${line}::`,
    );
    expect(r.stdout).not.toContain('::group::Built');
    expect(existsSync(join(dir, 'build', 'stuck-linux-amd64.so'))).toBe(false);
  });
});

describe('a replace of a shared module', () => {
  test('fails on the replace line, saying what to write', async () => {
    const goModReplace =
      goModText('example.com/plugins/replaced', '1.19', { [Y]: 'v1.9.1' }) +
      `\nreplace ${Y} => ${Y} v1.10.0\n`;
    const dir = plugin(goModReplace, Y);
    const r = await action(dir, {});
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain(`go.mod replaces ${Y} => ${Y} v1.10.0; the server has ${Y} v1.9.1`);
    expect(r.stdout).toContain(`make it replace ${Y} => ${Y} v1.9.1`);
    const line =
      readFileSync(join(dir, 'go.mod'), 'utf8')
        .split('\n')
        .findIndex((l) => l.startsWith('replace')) + 1;
    expect(r.stdout).toContain(`file=go.mod,line=${line}::`);
  });
});

describe('a deep chain', () => {
  test('a1 -> a2 -> a3 -> y: every link downgraded, each with its chain; the plugin loads', async () => {
    const dir = plugin(goModText('example.com/plugins/deep', '1.19', { [A1]: 'v1.1.0' }), A1);
    const r = await action(dir, {});
    expect(r.exitCode, r.stdout).toBe(0);
    const byModule = new Map(
      changes(r)
        .filter((c) => c.step === 'align')
        .map((c) => [c.module, c]),
    );
    expect(byModule.get(A1)).toMatchObject({
      from: 'v1.1.0',
      to: 'v1.0.0',
      reason: `v1.1.0 needs ${A2} v1.1.0 -> ${A3} v1.1.0 -> ${Y} v1.10.0, the server has v1.9.1`,
    });
    expect(byModule.get(A3)).toMatchObject({ from: 'v1.1.0', to: 'v1.0.0' });
    expect(byModule.get(Y)).toMatchObject({ from: 'v1.10.0', to: 'v1.9.1' });
    const loaded = await loads(r, 'new', SERVER_NEW);
    expect(loaded.exitCode, loaded.output).toBe(0);
  });
});

describe('a module only in the server build list', () => {
  test('a go 1.16 server links z v1.1.0 through a: the plugin is brought from z v1.2.0 to it', async () => {
    const dir = plugin(goModText('example.com/plugins/onlyserver', '1.16', { [OLD_Z]: 'v1.2.0' }), OLD_Z);
    const r = await action(dir, { 'server-version': 'v1.0.0' });
    expect(r.exitCode, r.stdout).toBe(0);
    expect(r.stdout).toContain("computing the server's build list");
    expect(changes(r)).toEqual([
      { module: OLD_Z, from: 'v1.2.0', to: 'v1.1.0', step: 'align', reason: "the server's version" },
    ]);
    const loaded = await loads(r, 'old', SERVER_OLD);
    expect(loaded.exitCode, loaded.output).toBe(0);
  });
});

describe('an ambiguous import between a module and one split out of it (github.com/ugorji/go)', () => {
  const goMod = goModText('example.com/plugins/ugorji', '1.16', { [SPLIT]: 'v1.0.0', [CODEC]: 'v0.1.0' });

  test('align: tidy fails, split is required where it no longer holds codec, tidy passes; the plugin loads', async () => {
    const dir = plugin(goMod, CODEC);
    const r = await action(dir, { 'server-version': 'v2.1.0' });
    expect(r.exitCode, r.stdout).toBe(0);
    expect(r.stdout).toContain(`ambiguous import: found package ${CODEC} in multiple modules`);
    expect(changes(r)).toEqual([
      { module: CODEC, from: 'v0.1.0', to: 'v1.2.0', step: 'cap' },
      {
        module: SPLIT,
        from: 'v1.0.0',
        to: 'v1.1.0',
        step: 'align',
        reason: `ambiguous import: ${SPLIT} v1.0.0 and ${CODEC} v1.2.0 both hold package ${CODEC}; ${SPLIT} no longer holds it from v1.1.0, where ${CODEC} was split out`,
      },
    ]);
    const goModAfter = readFileSync(join(dir, 'go.mod'), 'utf8');
    expect(goModAfter).toContain(`${CODEC} v1.2.0`);
    expect(goModAfter).not.toContain(`${SPLIT} v1.0.0`);
    const loaded = await loads(r, 'split', SERVER_SPLIT);
    expect(loaded.output).toContain(`${CODEC} v1.2.0`);
    expect(loaded.exitCode, loaded.output).toBe(0);
  });

  test('cap: tidy fails, and the error says that align repairs it', async () => {
    const dir = plugin(goMod, CODEC);
    const r = await action(dir, { 'server-version': 'v2.1.0', 'go-mod-sync': 'cap' });
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(
      /::error::go mod tidy failed .*go-mod-sync: align requires the version where they no longer overlap/,
    );
  });
});
