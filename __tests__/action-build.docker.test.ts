// The action end to end, for real: the committed bundle run as the runner runs it, the server
// release resolved from the GitHub stand-in, go.mod capped, plugins built in the local builder
// images, and every plugin loaded into a fixture server built the way the server is built
// (amd64 natively, arm64 and arm-7 under qemu-user; 386 built and checked, not run).
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startGitHubStandIn, type GitHubStandIn } from './support/github';
import { LIB_MODULE } from './support/goproxy';
import {
  DEFAULT_TARGETS,
  ELF_MACHINE,
  LIB_MISMATCH,
  RUNNABLE_TARGETS,
  SERVER_LIB_VERSION,
  buildHost,
  builderGoVersions,
  elfMachine,
  loadPlugins,
  makeGoEnv,
  removeTree,
  serverFiles,
  writePlugin,
  type GoEnv,
  actionModuleSetup,
} from './support/fixtures';
import { runAction, type RunResult } from './support/runner';
import type { ArtifactEntry as Entry } from '../src/report/record';

const versions = await builderGoVersions();
if (versions.length < 2)
  throw new Error(
    `need builder images for two Go versions (run .ci/docker.sh); have: ${versions.join(', ')}`,
  );
const OLD_GO = versions[0]!;
const NEW_GO = versions.at(-1)!;
const TOKEN = 'ghs_dockerE2eToken';

const root = mkdtempSync(join(tmpdir(), 'flow-action-build-'));
let env: GoEnv;
let gh: GitHubStandIn;
/** hosts[goVersion][target]: the fixture server binary built in that image. */
const hosts: Record<string, Record<string, string>> = { [OLD_GO]: {}, [NEW_GO]: {} };

beforeAll(async () => {
  env = makeGoEnv(join(root, 'go'));
  gh = await startGitHubStandIn({
    repos: {
      'flow/server': {
        token: TOKEN,
        commits: { old: serverFiles(OLD_GO), new: serverFiles(NEW_GO) },
        tags: { 'v1.0.0': 'old', 'v2.0.0': 'new' },
        releases: [{ tag: 'v1.0.0' }, { tag: 'v2.0.0' }],
      },
    },
  });
  // The servers: every runnable target for the new Go, amd64 for the old one.
  const jobs: [string, string][] = [
    ...RUNNABLE_TARGETS.map((t): [string, string] => [NEW_GO, t]),
    [OLD_GO, 'linux-amd64'],
  ];
  for (const [go, target] of jobs) {
    const file = join(root, 'hosts', `server-${go}-${target}`);
    await buildHost(go, target, file, { env });
    hosts[go]![target] = file;
  }
});

afterAll(async () => {
  await gh?.close();
  removeTree(root);
});

let n = 0;
function newPlugin(): string {
  return writePlugin(join(root, `plugin-${++n}`));
}

async function action(dir: string, inputs: Record<string, string>): Promise<RunResult> {
  return runAction({
    cwd: dir,
    inputs: {
      'server-repository': 'flow/server',
      'github-token': TOKEN,
      'upload-artifacts': 'false',
      release: 'false',
      'docker-args': actionModuleSetup(env).dockerArgs,
      ...inputs,
    },
    env: { GITHUB_API_URL: gh.url, ...actionModuleSetup(env).env },
    timeoutMs: 900_000,
  });
}

/** Loads one plugin file into the server for `target`, from a folder holding only it. */
async function load(go: string, target: string, file: string) {
  const dir = mkdtempSync(join(root, 'plugins-'));
  copyFileSync(file, join(dir, 'plugin.so'));
  return loadPlugins(go, target, hosts[go]![target]!, dir);
}

describe(`the action builds for server v2.0.0 (Go ${NEW_GO}), every default target`, () => {
  let r: RunResult;
  let dir: string;
  let entries: Entry[];

  beforeAll(async () => {
    dir = newPlugin();
    r = await action(dir, { 'server-version': 'v2.0.0' });
    entries = r.outputs.artifacts ? (JSON.parse(r.outputs.artifacts) as Entry[]) : [];
  });

  test('succeeds, one .so per target, ELF for the right machine, from the right image', () => {
    expect(r.exitCode, r.stdout).toBe(0);
    expect(r.outputs['go-version']).toBe(NEW_GO);
    expect(entries.map((e) => e.target)).toEqual([...DEFAULT_TARGETS]);
    for (const e of entries) {
      expect(e.fileName).toBe(`hello-${e.target}.so`);
      expect(e.path).toBe(join(dir, 'build', e.fileName));
      expect(e.image).toBe(`flow/build:${NEW_GO}-${e.target}`);
      expect(elfMachine(e.path)).toBe(ELF_MACHINE[e.target]);
      expect(readFileSync(e.path).length).toBe(e.size);
    }
    expect(r.outputs.files!.split('\n')).toEqual(entries.map((e) => e.path));
    // Only the plugins, the checksums and the index: no temporary files left behind.
    expect(readdirSync(join(dir, 'build')).sort()).toEqual(
      [...entries.map((e) => e.fileName), 'checksums.txt', 'plugins.json'].sort(),
    );
  });

  test('go.mod was capped to the server and tidied', () => {
    expect(JSON.parse(r.outputs['go-mod-changes']!)).toEqual([
      { module: LIB_MODULE, from: 'v1.3.0', to: SERVER_LIB_VERSION, step: 'cap' },
    ]);
    expect(readFileSync(join(dir, 'go.mod'), 'utf8')).toContain(
      `require ${LIB_MODULE} ${SERVER_LIB_VERSION}\n`,
    );
    expect(readFileSync(join(dir, 'go.sum'), 'utf8')).toContain(`${LIB_MODULE} ${SERVER_LIB_VERSION} `);
  });

  test.each(RUNNABLE_TARGETS.map((t) => [t]))(
    'the %s plugin loads into the server built for it',
    async (target) => {
      const e = entries.find((x) => x.target === target)!;
      const loaded = await load(NEW_GO, target, e.path);
      expect(loaded.output).toContain('loaded');
      expect(loaded.exitCode, loaded.output).toBe(0);
    },
  );

  test('the log is grouped per stage and per target, with durations', () => {
    for (const g of ['Resolve server', 'Sync go.mod', 'Builder images', 'Prepare modules']) {
      expect(r.stdout).toContain(`::group::${g}`);
    }
    for (const t of DEFAULT_TARGETS)
      expect(r.stdout).toMatch(new RegExp(`::group::Built ${t} in \\d+\\.\\d s`));
  });
});

describe('the image follows the server', () => {
  test(`server v1.0.0 is built with Go ${OLD_GO}: loads into its server, not into the Go ${NEW_GO} one`, async () => {
    const dir = newPlugin();
    const r = await action(dir, { 'server-version': 'v1.0.0', targets: 'linux-amd64' });
    expect(r.exitCode, r.stdout).toBe(0);
    const [e] = JSON.parse(r.outputs.artifacts!) as Entry[];
    expect(e!.image).toBe(`flow/build:${OLD_GO}-linux-amd64`);
    const ok = await load(OLD_GO, 'linux-amd64', e!.path);
    expect(ok.exitCode, ok.output).toBe(0);
    const wrong = await load(NEW_GO, 'linux-amd64', e!.path);
    expect(wrong.exitCode).not.toBe(0);
    expect(wrong.output).toMatch(
      /plugin was built with a different version of package|different version of Go|no plugin module data/,
    );
  });
});

describe('negative control', () => {
  test('with go-mod-sync: off the plugin fails to load exactly as the seed describes', async () => {
    const dir = newPlugin();
    const r = await action(dir, { 'server-version': 'v2.0.0', targets: 'linux-amd64', 'go-mod-sync': 'off' });
    expect(r.exitCode, r.stdout).toBe(0);
    const [e] = JSON.parse(r.outputs.artifacts!) as Entry[];
    const loaded = await load(NEW_GO, 'linux-amd64', e!.path);
    expect(loaded.exitCode).not.toBe(0);
    expect(loaded.output).toContain(LIB_MISMATCH);
  });
});

describe('failures', () => {
  test('a missing image fails before any build, naming the tag, Go version and target', async () => {
    const dir = newPlugin();
    const r = await action(dir, {
      'server-version': 'v2.0.0',
      targets: 'linux-amd64,linux-arm-6',
      pull: 'never',
    });
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain(`flow/build:${NEW_GO}-linux-arm-6 (Go ${NEW_GO}, linux-arm-6)`);
    expect(existsSync(join(dir, 'build', 'hello-linux-amd64.so'))).toBe(false);
    expect(r.stdout).not.toContain('::group::Built');
  });

  test('a compile error fails every target, reported with annotations on the file and line', async () => {
    const dir = newPlugin();
    mkdirSync(join(dir, 'extra'), { recursive: true });
    writeFileSync(
      join(dir, 'broken.go'),
      'package main\n\nfunc Broken() int {\n\treturn undefinedThing\n}\n',
    );
    const r = await action(dir, { 'server-version': 'v2.0.0', targets: 'linux-amd64,linux-arm64' });
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(
      /::error title=go build,file=broken\.go,line=4,col=\d+::linux-amd64: undefined: undefinedThing/,
    );
    expect(r.stdout).toMatch(
      /::error title=go build,file=broken\.go,line=4,col=\d+::linux-arm64: undefined: undefinedThing/,
    );
    expect(r.stdout).toMatch(/::error::the build failed for linux-amd64, linux-arm64/);
    expect(readdirSync(join(dir, 'build'))).toEqual([]); // no partial output left
  });
});
