// go-mod-sync: align against a real gotify release, from the real bed (__tests__/support/real):
// upstream's clock example plugin (github.com/robfig/cron + the plugin API, go 1.18) built for
// gotify v2.1.4, whose go.mod says `go 1.14` and lists only direct dependencies. gomod-cap sets
// the five modules both go.mod files list; after `go mod tidy` three modules the plugin links are
// still not the server's: github.com/go-playground/validator/v10 v10.2.0 (server v10.3.0, in the
// server's go.mod but not in the plugin's, gin v1.6.3 asks only for v10.2.0), golang.org/x/sys
// and google.golang.org/protobuf (in the server's build list only). Found by capping and tidying
// the bed's plugins against each release the module proxy serves (v2.1.4, v2.5.0, v2.6.1, v2.8.0,
// v2.9.1); the other real plugins looked at agreed after tidy. The aligned plugin must load into
// the real server, built the way upstream builds it.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startGitHubStandIn, type GitHubStandIn } from './support/github';
import { removeTree } from './support/fixtures';
import {
  capPlugin,
  copyPlugin,
  ensureRealBed,
  loadIntoRealServer,
  pluginOf,
  realModuleSetup,
  realServerRepo,
  serverOf,
} from './support/real';
import { runAction, type RunResult } from './support/runner';
import type { ArtifactEntry as Entry } from '../src/report/record';

const TAG = 'v2.1.4';
const TARGET = 'linux-amd64';
const TOKEN = 'ghs_alignRealToken';
const VALIDATOR = 'github.com/go-playground/validator/v10';

const bed = await ensureRealBed();
const mods = realModuleSetup(bed);
const root = mkdtempSync(join(tmpdir(), 'flow-align-real-'));
let gh: GitHubStandIn;

beforeAll(async () => {
  gh = await startGitHubStandIn({ repos: { 'gotify/server': realServerRepo(bed, { token: TOKEN }) } });
});

afterAll(async () => {
  await gh?.close();
  removeTree(root);
});

let n = 0;
async function action(
  inputs: Record<string, string>,
  dir = copyPlugin(bed, 'clock', join(root, `clock-${++n}`)),
): Promise<{ r: RunResult; dir: string }> {
  const r = await runAction({
    cwd: dir,
    inputs: {
      'server-repository': 'gotify/server',
      'server-version': TAG,
      'github-token': TOKEN,
      'build-image': 'flow/build',
      targets: TARGET,
      'upload-artifacts': 'false',
      release: 'false',
      cache: 'false',
      'docker-args': mods.dockerArgs,
      ...inputs,
    },
    env: { GITHUB_API_URL: gh.url, ...mods.env },
    timeoutMs: 900_000,
    realModules: true,
  });
  return { r, dir };
}

type Change = { module: string; from: string; to: string; step: string; reason?: string };

describe(`the clock example for gotify ${TAG}`, () => {
  test('align: the modules gomod-cap cannot see are brought to the server build list; the real server loads it', async () => {
    const { r, dir } = await action({});
    expect(r.exitCode, r.stdout).toBe(0);
    expect(r.stdout).toContain("computing the server's build list");
    const changes = JSON.parse(r.outputs['go-mod-changes']!) as Change[];
    expect(changes.filter((c) => c.step === 'cap').map((c) => c.module)).toContain('github.com/robfig/cron');
    expect(changes.find((c) => c.step === 'align' && c.module === VALIDATOR)).toMatchObject({
      from: 'v10.2.0',
      to: 'v10.3.0',
      reason: expect.stringMatching(/^the server's version/),
    });
    expect(readFileSync(join(dir, 'go.mod'), 'utf8')).toContain(`${VALIDATOR} v10.3.0`);
    const [e] = JSON.parse(r.outputs.artifacts!) as Entry[];
    const loaded = await loadIntoRealServer({
      tag: TAG,
      target: TARGET,
      serverBinary: serverOf(bed, TAG).binaries[TARGET]!,
      pluginFile: e!.path,
    });
    expect(loaded.panic, loaded.output).toBeUndefined();
    expect(loaded.loaded, loaded.output).toBe(true);
    expect(loaded.plugins.map((p) => p.modulePath)).toEqual([pluginOf(bed, 'clock').module]);
  });

  test('negative control: gomod-cap and tidy alone (the seed Makefile) build a plugin the real server refuses', async () => {
    const dir = copyPlugin(bed, 'clock', join(root, `clock-${++n}`));
    capPlugin(dir, serverOf(bed, TAG));
    // verify: false, so the action ships what it built and the real server is the judge here
    // (with verify on, the action itself refuses this plugin before any upload).
    const { r } = await action({ 'go-mod-sync': 'off', verify: 'false' }, dir);
    expect(r.exitCode, r.stdout).toBe(0);
    const [e] = JSON.parse(r.outputs.artifacts!) as Entry[];
    const loaded = await loadIntoRealServer({
      tag: TAG,
      target: TARGET,
      serverBinary: serverOf(bed, TAG).binaries[TARGET]!,
      pluginFile: e!.path,
    });
    expect(loaded.loaded).toBe(false);
    expect(loaded.panic).toMatch(
      /plugin was built with a different version of package (github\.com\/go-playground\/validator\/v10|golang\.org\/x\/sys|google\.golang\.org\/protobuf)/,
    );
  });

  test('cap: gomod-cap alone leaves validator at v10.2.0; the check after tidy fails before building', async () => {
    const { r } = await action({ 'go-mod-sync': 'cap' });
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(
      new RegExp(
        `plugin -> .*${VALIDATOR.replace(/[./]/g, '\\$&')} v10\\.2\\.0; the server has ${VALIDATOR.replace(/[./]/g, '\\$&')} v10\\.3\\.0`,
      ),
    );
    expect(r.stdout).toContain('Set go-mod-sync: align');
    expect(r.stdout).not.toContain('::group::Built');
  });
});
