// Fan-out on the real bed, one workflow run of three jobs: the committed bundle plans two cells
// (gotify v2.9.1 and v2.6.1 x linux-amd64; v2.5.0, whose Go 1.22.4 is older than the plugin's
// go 1.23, left out with unsupported-server-version: skip) from the GitHub stand-in serving the
// real releases, each cell is built and verified by the bundle in a job of its own (a fresh copy
// of the real telegram plugin; the second one in a re-run attempt, after another step left a
// .cell.json of its own), and a publish job (no checkout) checks the cell records against the
// plan - the first attempt's artifacts through the REST download, as after "Re-run failed jobs" -
// and writes the plugins, checksums.txt and plugins.json to the plugin's release v1.0.0. Then a
// scheduled follow run on the newest release, v1.1.0 (made when the author supported v2.9.1
// only), finds v2.6.1 not covered by the widened selection, builds only it, and adds it, leaving
// every file there byte for byte. The real servers (the bed's oracle) load what the releases end
// up holding. linux-amd64 only: the per-target work is the other docker tests'.
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { uploadTextArtifact } from '../src/fanout/run-artifacts';
import { formatPluginIndex, parsePluginIndex } from '../src/publish/plugin-index';
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
import { startResultsService, type ResultsService } from './support/results-service';
import { runAction, type RunResult } from './support/runner';

const TOKEN = 'ghs_fanoutDockerToken';
const PLUGIN_REPO = 'me/telegram';
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
/** name -> sha256: a failing comparison prints hashes (a diff of 15 MB Buffers ran the worker out of heap). */
const hashes = (entries: [string, Buffer][]) => Object.fromEntries(entries.map(([n, b]) => [n, sha(b)]));
const FILE = (tag: string) => `gotify-to-telegram-linux-amd64-for-${tag}.so`;
const root = mkdtempSync(join(tmpdir(), 'flow-fanout-'));
let bed: RealBed;
let gh: GitHubStandIn;
let results: ResultsService;
/** The follow run is another workflow run. */
let followRun: ResultsService | undefined;
let plan: RunResult;
const cells: RunResult[] = [];
let publish: RunResult;
let follow: RunResult;
let afterPublish: Map<string, Buffer>;
let beforeFollow: Map<string, Buffer>;

beforeAll(async () => {
  // Lean: the two releases and the one target this test uses.
  bed = await ensureRealBed({ tags: ['v2.9.1', 'v2.6.1'], targets: ['linux-amd64'] });
  const server = realServerRepo(bed, { token: TOKEN, tags: ['v2.9.1', 'v2.6.1'] });
  // gotify v2.5.0's facts (Go 1.22.4): older than the plugin's go 1.23, so skipped; never built.
  server.commits!['gotify-v2.5.0'] = {
    'go.mod': 'module github.com/gotify/server/v2\n\ngo 1.22\n',
    GO_VERSION: '1.22.4\n',
  };
  server.tags!['v2.5.0'] = 'gotify-v2.5.0';
  server.releases = [{ tag: 'v2.5.0' }, ...server.releases!];
  gh = await startGitHubStandIn({
    repos: {
      'gotify/server': server,
      [PLUGIN_REPO]: { token: TOKEN, releases: [{ tag: 'v1.0.0' }, { tag: 'v1.1.0' }] },
    },
  });
  results = await startResultsService({ repository: PLUGIN_REPO });
  gh.repo(PLUGIN_REPO).artifactDownload = (id) => results.publicDownloadUrl(id);
  const mods = realModuleSetup(bed);
  const job = (cwd: string, inputs: Record<string, string>, jobEnv: Record<string, string>) =>
    runAction({
      cwd,
      inputs: {
        'server-repository': 'gotify/server',
        'github-token': TOKEN,
        targets: 'linux-amd64',
        'docker-args': mods.dockerArgs,
        ...inputs,
      },
      env: {
        GITHUB_API_URL: gh.url,
        FLOW_GITHUB_WRITE_SPACING_MS: '0',
        ...mods.env,
        ...jobEnv,
        GITHUB_REPOSITORY: PLUGIN_REPO,
        GITHUB_REF: 'refs/tags/v1.0.0',
        GITHUB_EVENT_NAME: 'push',
      },
      timeoutMs: 900_000,
      realModules: true,
    });

  plan = await job(
    copyPlugin(bed, 'telegram', join(root, 'plan')),
    { mode: 'plan', 'server-versions': 'v2.9.1, v2.6.1, v2.5.0', 'unsupported-server-version': 'skip' },
    results.env(),
  );
  if (plan.exitCode !== 0) return;
  const matrix = JSON.parse(plan.outputs.matrix!) as {
    include: { 'server-version': string; target: string }[];
  };
  for (const [i, cell] of matrix.include.entries()) {
    if (i === 1) {
      // Another step of the run leaves a .cell.json of its own; the second cell's job "failed" and
      // is re-run: the artifacts of the first attempt are then not found by the internal download.
      const saved = { ...process.env };
      Object.assign(process.env, results.jobEnv(), { RUNNER_TEMP: root });
      await uploadTextArtifact(
        new (await import('@actions/artifact')).DefaultArtifactClient(),
        'coverage.cell.json',
        '{"lines": 97}\n',
        { tempDir: root, overwrite: false },
      );
      process.env = saved;
      results.rerunFailedJobs();
    }
    cells.push(
      await job(
        copyPlugin(bed, 'telegram', join(root, `cell-${i}`)),
        { 'server-versions': cell['server-version'], targets: cell.target, release: 'false' },
        results.jobEnv(),
      ),
    );
  }
  const empty = join(root, 'publish');
  mkdirSync(empty);
  publish = await job(empty, { mode: 'publish' }, results.jobEnv());
  afterPublish = new Map(gh.uploadedAssets(PLUGIN_REPO, 'v1.0.0').map((a) => [a.name, a.bytes]));
  if (!afterPublish.has('plugins.json')) return;

  // v1.1.0, released when the plugin supported v2.9.1 only: its file, checksums and index.
  const published = parsePluginIndex(afterPublish.get('plugins.json')!.toString());
  const only = { ...published, releases: { 'v2.9.1': published.releases['v2.9.1']! } };
  const file = afterPublish.get(FILE('v2.9.1'))!;
  gh.addAsset(PLUGIN_REPO, 'v1.1.0', { name: FILE('v2.9.1'), content: file });
  gh.addAsset(PLUGIN_REPO, 'v1.1.0', { name: 'checksums.txt', content: `${sha(file)}  ${FILE('v2.9.1')}\n` });
  gh.addAsset(PLUGIN_REPO, 'v1.1.0', { name: 'plugins.json', content: formatPluginIndex(only) });
  beforeFollow = new Map(gh.uploadedAssets(PLUGIN_REPO, 'v1.1.0').map((a) => [a.name, a.bytes]));

  // On schedule, with the selection widened to every v2.6+ release.
  follow = await job(
    copyPlugin(bed, 'telegram', join(root, 'follow')),
    { mode: 'follow', 'server-versions': '>=2.6 <3' },
    (followRun = await startResultsService({ repository: PLUGIN_REPO })).env(),
  );
}, 2_400_000);

afterAll(async () => {
  await gh?.close();
  await results?.close();
  await followRun?.close();
  removeTree(root);
});

async function oracle(tag: string, release = 'v1.0.0'): Promise<void> {
  const bytes = gh.assetBytes(PLUGIN_REPO, release, FILE(tag));
  expect(bytes, `${FILE(tag)} on the release`).toBeDefined();
  const dir = mkdtempSync(join(root, 'oracle-'));
  writeFileSync(join(dir, FILE(tag)), bytes!);
  const result = await loadIntoRealServer({
    tag,
    target: 'linux-amd64',
    serverBinary: serverOf(bed, tag).binaries['linux-amd64']!,
    pluginFile: join(dir, FILE(tag)),
    timeoutMs: 240_000,
  });
  expect(result.panic, result.output).toBeUndefined();
  expect(result.plugins.map((p) => p.modulePath)).toEqual([pluginOf(bed, 'telegram').module]);
}

describe('plan -> two cells -> publish', () => {
  test('the plan is two cells; v2.5.0 is left out as one step would skip it', () => {
    expect(plan.exitCode, plan.stdout).toBe(0);
    const skipped = JSON.parse(plan.outputs['skipped-server-versions']!) as { server: string; go: string }[];
    expect(skipped.map((x) => [x.server, x.go])).toEqual([['v2.5.0', '1.22.4']]);
    expect(JSON.parse(plan.outputs.matrix!)).toEqual({
      include: [
        { 'server-version': 'v2.9.1', target: 'linux-amd64' },
        { 'server-version': 'v2.6.1', target: 'linux-amd64' },
      ],
    });
  });

  test('each cell built, loaded into its own server, and left its plugin and cell record', () => {
    expect(cells).toHaveLength(2);
    for (const [i, tag] of ['v2.9.1', 'v2.6.1'].entries()) {
      expect(cells[i]!.exitCode, cells[i]!.stdout).toBe(0);
      expect(results.artifact(`gotify-to-telegram_linux-amd64_${tag}.cell.json`)?.finalized).toBe(true);
      expect(results.artifact(`gotify-to-telegram_linux-amd64_${tag}.so`)?.finalized).toBe(true);
    }
    // The cells wrote nothing to a release: the publish job does, once.
    expect(cells.every((c) => !/Upload release assets/.test(c.stdout))).toBe(true);
  });

  test('the publish job wrote both plugins, checksums.txt and plugins.json, all loaded', () => {
    expect(publish.exitCode, publish.stdout + publish.stderr).toBe(0);
    expect(publish.stdout).toContain('Skipped by the plan (unsupported-server-version: skip): v2.5.0');
    expect(publish.stdout).toContain('1 cell record of this run is not of plan');
    expect(publish.stdout).toContain('not found by the artifact service (an earlier attempt');
    expect(gh.requestsTo('GET', /\/actions\/artifacts\/\d+\/zip/).length).toBeGreaterThanOrEqual(3);
    expect([...afterPublish.keys()].sort()).toEqual(
      [FILE('v2.9.1'), FILE('v2.6.1'), 'checksums.txt', 'plugins.json'].sort(),
    );
    const index = parsePluginIndex(afterPublish.get('plugins.json')!.toString());
    expect(Object.keys(index.releases)).toEqual(['v2.9.1', 'v2.6.1']);
    for (const tag of ['v2.9.1', 'v2.6.1']) {
      expect(index.releases[tag]!.go).toBe(serverOf(bed, tag).goVersion);
      expect(index.releases[tag]!.targets['linux-amd64']).toEqual({
        file: FILE(tag),
        size: afterPublish.get(FILE(tag))!.length,
        sha256: sha(afterPublish.get(FILE(tag))!),
        verified: 'loaded',
      });
    }
    expect(afterPublish.get('checksums.txt')!.toString()).toBe(
      [FILE('v2.6.1'), FILE('v2.9.1')].map((f) => `${sha(afterPublish.get(f)!)}  ${f}\n`).join(''),
    );
  });

  test.each([['v2.9.1'], ['v2.6.1']])(
    'the real gotify %s loads the file the release holds (the bed oracle)',
    (tag) => oracle(tag),
  );
});

describe('follow: the selection names a release the newest plugin release does not cover', () => {
  test('only v2.6.1 is built and added to v1.1.0; the files there are untouched, byte for byte', () => {
    writeFileSync(join(tmpdir(), 'flow-fanout-follow.log'), follow?.stdout ?? '');
    expect(follow?.exitCode, follow?.stdout.slice(-4000)).toBe(0);
    expect(follow.stdout).toContain('Following into release v1.1.0 of me/telegram (the newest)');
    expect(follow.stdout).toContain('New server release to build: v2.6.1');
    expect(JSON.parse(follow.outputs['server-versions']!)).toEqual(['v2.6.1']);
    const now = new Map(gh.uploadedAssets(PLUGIN_REPO, 'v1.1.0').map((a) => [a.name, a.bytes]));
    expect([...now.keys()].sort()).toEqual([...beforeFollow.keys(), FILE('v2.6.1')].sort());
    expect(sha(now.get(FILE('v2.9.1'))!)).toBe(sha(beforeFollow.get(FILE('v2.9.1'))!));
    const index = parsePluginIndex(now.get('plugins.json')!.toString());
    expect(Object.keys(index.releases)).toEqual(['v2.9.1', 'v2.6.1']);
    const before = parsePluginIndex(beforeFollow.get('plugins.json')!.toString());
    expect(index.releases['v2.9.1']).toEqual(before.releases['v2.9.1']);
    expect(index.releases['v2.6.1']!.targets['linux-amd64']!.sha256).toBe(sha(now.get(FILE('v2.6.1'))!));
    expect(now.get('checksums.txt')!.toString()).toBe(
      [FILE('v2.6.1'), FILE('v2.9.1')].map((f) => `${sha(now.get(f)!)}  ${f}\n`).join(''),
    );
    // The release the publish job wrote is not touched by the follow run.
    expect(hashes(gh.uploadedAssets(PLUGIN_REPO, 'v1.0.0').map((a) => [a.name, a.bytes]))).toEqual(
      hashes([...afterPublish]),
    );
  });

  test('the real gotify v2.6.1 loads the file follow added (the bed oracle)', () =>
    oracle('v2.6.1', 'v1.1.0'));
});
