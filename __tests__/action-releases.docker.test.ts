// Several real server releases in one step: the committed bundle builds a real plugin (telegram,
// `go 1.23`) for every gotify release a range selects from the GitHub stand-in serving the real
// bed - v2.9.1 (Go 1.26), v2.6.1 and v2.6.0 (one Go 1.23: one builder image, one build cache),
// and v2.1.4 (Go 1.19), which it skips for its go line - proves each plugin loads into that
// release's own server, and publishes them all to a draft release with one checksums.txt and
// plugins.json. The real servers (the bed's oracle) then load every file; the workspace go.mod
// and go.sum are byte-identical after the run. linux-amd64 only: the per-target work is the
// one-release tests'.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parsePluginIndex } from '../src/publish/plugin-index';
import type { ArtifactEntry } from '../src/report/record';
import { removeTree } from './support/fixtures';
import { startGitHubStandIn, type GitHubStandIn } from './support/github';
import {
  copyPlugin,
  ensureRealBed,
  loadIntoRealServer,
  pluginOf,
  realModuleSetup,
  realServerRepo,
  serverOf,
  type RealBed,
} from './support/real';
import { runAction, type RunResult } from './support/runner';

const TOKEN = 'ghs_releasesToken';
const PLUGIN_REPO = 'me/telegram';
const root = mkdtempSync(join(tmpdir(), 'flow-releases-'));
let bed: RealBed;
let gh: GitHubStandIn;
let r: RunResult;
let dir: string;
let before: { goMod: string; goSum: string };
let entries: ArtifactEntry[];

beforeAll(async () => {
  bed = await ensureRealBed();
  gh = await startGitHubStandIn({
    repos: {
      // The four releases this test was made for (the bed holds more: v2.5.0 and v2.8.0 too).
      'gotify/server': realServerRepo(bed, { token: TOKEN, tags: ['v2.1.4', 'v2.6.0', 'v2.6.1', 'v2.9.1'] }),
      [PLUGIN_REPO]: { token: TOKEN, releases: [{ tag: 'v1.0.0', draft: true }] },
    },
  });
  dir = copyPlugin(bed, 'telegram', join(root, 'telegram'));
  before = {
    goMod: readFileSync(join(dir, 'go.mod'), 'utf8'),
    goSum: existsSync(join(dir, 'go.sum')) ? readFileSync(join(dir, 'go.sum'), 'utf8') : '',
  };
  const mods = realModuleSetup(bed);
  r = await runAction({
    cwd: dir,
    inputs: {
      'server-repository': 'gotify/server',
      'server-versions': '>=2 <3',
      'unsupported-server-version': 'skip',
      'github-token': TOKEN,
      targets: 'linux-amd64',
      'upload-artifacts': 'false',
      release: 'true',
      'release-tag': 'v1.0.0',
      'docker-args': mods.dockerArgs,
    },
    env: { GITHUB_API_URL: gh.url, GITHUB_REPOSITORY: PLUGIN_REPO, ...mods.env },
    timeoutMs: 1_500_000,
    realModules: true,
  });
  entries = r.exitCode === 0 ? (JSON.parse(r.outputs.artifacts!) as ArtifactEntry[]) : [];
}, 1_600_000);

afterAll(async () => {
  await gh?.close();
  removeTree(root);
});

const BUILT = ['v2.9.1', 'v2.6.1', 'v2.6.0'];

describe('one step, every release of a range', () => {
  test('builds v2.9.1, v2.6.1 and v2.6.0, newest first, and skips v2.1.4 for its go line', () => {
    expect(r.exitCode, r.stdout).toBe(0);
    expect(JSON.parse(r.outputs['server-versions']!)).toEqual(BUILT);
    expect(JSON.parse(r.outputs['skipped-server-versions']!)).toEqual([
      {
        server: 'v2.1.4',
        go: serverOf(bed, 'v2.1.4').goVersion,
        reason: expect.stringContaining('go.mod says go 1.23, newer than the server'),
      },
    ]);
    expect(entries.map((e) => [e.server, e.fileName])).toEqual(
      BUILT.map((tag) => [tag, `gotify-to-telegram-linux-amd64-for-${tag}.so`]),
    );
    // The action's own verify loaded each into its release's server.
    expect(JSON.parse(r.outputs.verified!)).toEqual(
      BUILT.map((server) => expect.objectContaining({ server, target: 'linux-amd64', status: 'loaded' })),
    );
  });

  test.each(BUILT.map((t) => [t]))('the real gotify %s loads its plugin (the bed oracle)', async (tag) => {
    const entry = entries.find((e) => e.server === tag);
    expect(entry, r.stdout).toBeDefined();
    const result = await loadIntoRealServer({
      tag,
      target: 'linux-amd64',
      serverBinary: serverOf(bed, tag).binaries['linux-amd64']!,
      pluginFile: entry!.path,
      timeoutMs: 240_000,
    });
    expect(result.panic, result.output).toBeUndefined();
    expect(result.plugins.map((p) => p.modulePath)).toEqual([pluginOf(bed, 'telegram').module]);
  });

  test('the workspace go.mod and go.sum are byte-identical after the run', () => {
    expect(readFileSync(join(dir, 'go.mod'), 'utf8')).toBe(before.goMod);
    expect(existsSync(join(dir, 'go.sum')) ? readFileSync(join(dir, 'go.sum'), 'utf8') : '').toBe(
      before.goSum,
    );
  });

  test('work is shared: one image check and one build cache for the two Go 1.23 releases, one module cache', () => {
    const go123 = serverOf(bed, 'v2.6.1').goVersion;
    expect(r.stdout).toContain(`Go ${go123}: v2.6.1, v2.6.0 share its builder images`);
    expect(r.stdout).toContain(`flow/build:${go123}-linux-amd64 (checked for v2.6.1: shared)`);
    expect(r.stdout).toContain('Go module cache: shared with v2.9.1');
    expect(r.stdout).toContain(
      `Go build cache: shared with v2.9.1 (one folder for the run); v2.6.1 was built with the same Go ${go123} before, so only what differs is compiled.`,
    );
  });

  test('one release upload: every plugin, one checksums.txt and plugins.json', () => {
    const assets = gh.uploadedAssets(PLUGIN_REPO, 'v1.0.0');
    expect(assets.map((a) => a.name).sort()).toEqual(
      [...entries.map((e) => e.fileName), 'checksums.txt', 'plugins.json'].sort(),
    );
    const out = execFileSync('sha256sum', ['-c', 'checksums.txt'], { cwd: join(dir, 'build') }).toString();
    expect(out.trim().split('\n')).toHaveLength(3);
    const index = parsePluginIndex(assets.find((a) => a.name === 'plugins.json')!.bytes.toString());
    expect(index).toMatchObject({
      schema: 1,
      plugin: 'gotify-to-telegram',
      module: pluginOf(bed, 'telegram').module,
      serverRepository: 'gotify/server',
    });
    expect(Object.keys(index.releases)).toEqual(BUILT);
    for (const e of entries) {
      const release = index.releases[e.server]!;
      expect(release.go).toBe(serverOf(bed, e.server).goVersion);
      expect(release.serverModule).toBe('github.com/gotify/server/v2');
      expect(release.targets['linux-amd64']).toEqual({
        file: e.fileName,
        size: e.size,
        sha256: e.sha256,
        verified: 'loaded',
      });
    }
  });

  test('the summary: one table, release x target, with the skipped release and why', () => {
    expect(r.summary).toContain('for 3 releases of gotify/server');
    expect(r.summary).toMatch(/v2\.6\.0.*✅ loaded/);
    expect(r.summary).toMatch(/v2\.1\.4.*⏭️ skipped.*go 1\.23/);
  });
});
