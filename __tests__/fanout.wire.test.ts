// The fan-out over the real wire: the committed bundle, run as the runner runs it, plans a matrix
// (GitHub stand-in for the server's releases, results-service stand-in for the plan artifact),
// the matrix jobs leave their plugins and cell records in the same workflow run (made here by the
// action's own upload code, one job each), and a publish job checks them against the plan and
// writes the release; a follow run reads the plugin release's plugins.json and adds only what it
// does not cover, never touching the files there, also when two runs overlap.
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  cellRecordName,
  formatCellRecord,
  makeCellRecord,
  type CellVerified,
} from '../src/fanout/cell-record';
import { uploadTextArtifact } from '../src/fanout/run-artifacts';
import { uploadPluginArtifacts } from '../src/publish/artifacts';
import { formatChecksums } from '../src/publish/checksums';
import { buildPluginIndex, formatPluginIndex, parsePluginIndex } from '../src/publish/plugin-index';
import { startGitHubStandIn, type FixtureRepo, type GitHubStandIn } from './support/github';
import { startResultsService, type ResultsService } from './support/results-service';
import { runAction, type RunResult } from './support/runner';

const TOKEN = 'ghs_fanoutWireToken';
const PLUGIN_REPO = 'plugin-owner/plugin';
const SERVER_REPO = 'flow/server';
const MODULE = 'github.com/me/hello';
const GO_MOD = `module ${MODULE}\n\ngo 1.22\n`;
const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

/** A plugin file of the first release, already on the plugin's release v1.0.0. */
const OLD_PLUGIN = randomBytes(3000);
const oldIndex = (tags: string[]) =>
  formatPluginIndex(
    buildPluginIndex({
      plugin: 'hello',
      module: MODULE,
      serverRepository: SERVER_REPO,
      releases: tags.map((tag) => ({
        tag,
        go: '1.22.4',
        serverModule: 'github.com/flow/server/v2',
        goModChanges: [],
        targets: [
          {
            target: 'linux-amd64',
            file: `hello-linux-amd64-for-${tag}.so`,
            size: 3000,
            sha256: sha(OLD_PLUGIN),
            verified: 'loaded',
          },
        ],
      })),
    }),
  );

function pluginRepo(covered: string[]): FixtureRepo {
  return {
    token: TOKEN,
    releases: [
      {
        tag: 'v1.0.0',
        assets: [
          ...covered.map((t) => ({ name: `hello-linux-amd64-for-${t}.so`, content: OLD_PLUGIN })),
          {
            name: 'checksums.txt',
            content: formatChecksums(
              covered.map((t) => ({ fileName: `hello-linux-amd64-for-${t}.so`, sha256: sha(OLD_PLUGIN) })),
            ),
          },
          { name: 'plugins.json', content: oldIndex(covered), contentType: 'application/json' },
          { name: 'README.txt', content: 'hand-written notes' },
        ],
      },
      { tag: 'v1.1.0', draft: true },
    ],
  };
}

const serverRepo: FixtureRepo = {
  token: TOKEN,
  // v2.2.0 is built with Go 1.19.1: the plugin's go 1.22 is too new for it.
  commits: {
    old: { GO_VERSION: '1.19.1\n', 'go.mod': 'module github.com/flow/server/v2\n\ngo 1.19\n' },
    new: { GO_VERSION: '1.22.4\n', 'go.mod': 'module github.com/flow/server/v2\n\ngo 1.22\n' },
  },
  tags: { 'v2.2.0': 'old', 'v2.1.0': 'new', 'v2.0.0': 'new' },
  releases: [
    { tag: 'v2.0.0' },
    { tag: 'v2.1.0' },
    { tag: 'v2.2.0' },
    { tag: 'v2.3.0-rc.1', prerelease: true },
  ],
};

let gh: GitHubStandIn;
let results: ResultsService;
let workspace: string;
let savedEnv: NodeJS.ProcessEnv;

async function freshGitHub(covered = ['v2.0.0']): Promise<void> {
  await gh?.close();
  gh = await startGitHubStandIn({ repos: { [SERVER_REPO]: serverRepo, [PLUGIN_REPO]: pluginRepo(covered) } });
}

beforeAll(() => {
  savedEnv = { ...process.env };
});
afterAll(async () => {
  process.env = savedEnv;
  await gh?.close();
});
beforeEach(async () => {
  await freshGitHub();
  results = await startResultsService({ repository: PLUGIN_REPO });
  workspace = mkdtempSync(join(tmpdir(), 'fanout-wire-'));
  writeFileSync(join(workspace, 'go.mod'), GO_MOD);
});
afterEach(async () => {
  await results.close();
  rmSync(workspace, { recursive: true, force: true });
});

/** One step of a job of this workflow run: the bundle with the stand-ins' environment. */
function step(
  inputs: Record<string, string>,
  jobEnv: Record<string, string>,
  extra: Record<string, string> = {},
): Promise<RunResult> {
  return runAction({
    cwd: workspace,
    inputs: {
      'server-repository': SERVER_REPO,
      'github-token': TOKEN,
      targets: 'linux-amd64,linux-arm64',
      ...inputs,
    },
    env: {
      GITHUB_API_URL: gh.url,
      FLOW_GITHUB_RETRY_BASE_MS: '5',
      FLOW_GITHUB_WRITE_SPACING_MS: '0',
      FLOW_LOCK_POLL_MS: '100',
      ...jobEnv,
      GITHUB_REPOSITORY: PLUGIN_REPO,
      ...extra,
    },
  });
}

interface CellPlan {
  serverTag: string;
  target: string;
  verified?: CellVerified;
  built?: boolean;
  /** The size the record says (default the plugin's). */
  size?: number;
}

/**
 * The matrix jobs: each cell, in a job of its own of this workflow run, uploads its plugin and its
 * cell record with the action's own upload code (the plugin bytes are made up: the docker test
 * builds real ones). Gives the plugins by file name.
 */
async function matrixJobs(cells: CellPlan[]): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  for (const c of cells) {
    Object.assign(process.env, results.jobEnv(), { RUNNER_TEMP: workspace });
    const file = `hello-${c.target}-for-${c.serverTag}.so`;
    const bytes = randomBytes(2000 + files.size);
    const dir = join(workspace, 'cells', `${c.serverTag}-${c.target}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, file), bytes);
    const built = c.built ?? true;
    const verified = c.verified ?? 'loaded';
    const uploads =
      built && verified !== 'failed'
        ? await uploadPluginArtifacts([{ path: join(dir, file), target: c.target, fileName: file }], {
            name: 'hello',
            serverTag: c.serverTag,
            env: process.env,
          })
        : [];
    const record = makeCellRecord({
      plugin: 'hello',
      module: MODULE,
      serverRepository: SERVER_REPO,
      serverTag: c.serverTag,
      serverModule: 'github.com/flow/server/v2',
      go: '1.22.4',
      goModChanges: [{ module: 'example.com/lib', from: 'v1.3.0', to: 'v1.2.0' }],
      target: c.target,
      built,
      ...(!built && { error: 'exit status 1' }),
      file,
      ...(uploads[0]?.ok && { artifact: uploads[0].artifactName }),
      size: c.size ?? bytes.length,
      sha256: sha(bytes),
      verified: {
        status: verified,
        ...(verified === 'failed' && {
          reason: 'plugin was built with a different version of package example.com/lib',
        }),
      },
    });
    await uploadTextArtifact(
      await makeClient(),
      cellRecordName({ name: 'hello', target: c.target, serverTag: c.serverTag }),
      formatCellRecord(record),
      {
        tempDir: workspace,
        overwrite: false,
      },
    );
    files.set(file, bytes);
  }
  return files;
}

async function makeClient() {
  return new (await import('@actions/artifact')).DefaultArtifactClient();
}

const cellsOf = (matrix: string): CellPlan[] =>
  (JSON.parse(matrix) as { include: { 'server-version': string; target: string }[] }).include.map((e) => ({
    serverTag: e['server-version'],
    target: e.target,
  }));

const assetNames = (tag: string) =>
  gh
    .uploadedAssets(PLUGIN_REPO, tag)
    .map((a) => a.name)
    .sort();

describe('plan', () => {
  it('outputs every selected release x target as the matrix, and uploads the plan; writes nothing to GitHub', async () => {
    const r = await step({ mode: 'plan', 'server-versions': '>=2.0.0 <3' }, results.env());
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    expect(JSON.parse(r.outputs.matrix!)).toEqual({
      include: [
        { 'server-version': 'v2.2.0', target: 'linux-amd64' },
        { 'server-version': 'v2.2.0', target: 'linux-arm64' },
        { 'server-version': 'v2.1.0', target: 'linux-amd64' },
        { 'server-version': 'v2.1.0', target: 'linux-arm64' },
        { 'server-version': 'v2.0.0', target: 'linux-amd64' },
        { 'server-version': 'v2.0.0', target: 'linux-arm64' },
      ],
    });
    expect(r.outputs.cells).toBe('6');
    expect(JSON.parse(r.outputs['server-versions']!)).toEqual(['v2.2.0', 'v2.1.0', 'v2.0.0']);
    expect(results.artifact('hello.plan.json')?.finalized).toBe(true);
    expect(gh.writeRequests()).toEqual([]);
    expect(r.summary).toContain('| v2.1.0 | linux-amd64, linux-arm64 |');
  });
});

describe('plan -> matrix -> publish', () => {
  const tagRef = { GITHUB_REF: 'refs/tags/v1.1.0', GITHUB_EVENT_NAME: 'push' };

  it('publishes a complete set once: every plugin, one checksums.txt, plugins.json', async () => {
    const plan = await step({ mode: 'plan', 'server-versions': 'v2.1.0, v2.2.0' }, results.env());
    expect(plan.exitCode, plan.stdout).toBe(0);
    const files = await matrixJobs(cellsOf(plan.outputs.matrix!));
    const r = await step({ mode: 'publish' }, results.jobEnv(), tagRef);
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    expect(assetNames('v1.1.0')).toEqual(
      [...[...files.keys()].sort(), 'checksums.txt', 'plugins.json'].sort(),
    );
    for (const [name, bytes] of files) expect(gh.assetBytes(PLUGIN_REPO, 'v1.1.0', name)).toEqual(bytes);
    const index = parsePluginIndex(gh.assetBytes(PLUGIN_REPO, 'v1.1.0', 'plugins.json')!.toString());
    expect(Object.keys(index.releases)).toEqual(['v2.2.0', 'v2.1.0']);
    expect(index.releases['v2.1.0']!.targets['linux-arm64']).toEqual({
      file: 'hello-linux-arm64-for-v2.1.0.so',
      size: files.get('hello-linux-arm64-for-v2.1.0.so')!.length,
      sha256: sha(files.get('hello-linux-arm64-for-v2.1.0.so')!),
      verified: 'loaded',
    });
    expect(index.releases['v2.1.0']!.goModChanges).toEqual([
      { path: 'example.com/lib', from: 'v1.3.0', to: 'v1.2.0' },
    ]);
    const sums = gh.assetBytes(PLUGIN_REPO, 'v1.1.0', 'checksums.txt')!.toString();
    expect(sums.trim().split('\n')).toHaveLength(4);
    expect(JSON.parse(r.outputs['server-versions']!)).toEqual(['v2.2.0', 'v2.1.0']);
    // The lock is given back.
    expect(assetNames('v1.1.0')).not.toContain('plugins.json.lock');
  });

  it('a re-run replaces its own files and entries, and keeps the index entries of other releases', async () => {
    const v1 = { GITHUB_REF: 'refs/tags/v1.0.0', GITHUB_EVENT_NAME: 'push' };
    const before = new Map(gh.uploadedAssets(PLUGIN_REPO, 'v1.0.0').map((a) => [a.name, a.bytes]));
    let files = new Map<string, Buffer>();
    for (let attempt = 1; attempt <= 2; attempt++) {
      await results.close();
      results = await startResultsService({ repository: PLUGIN_REPO });
      const plan = await step({ mode: 'plan', 'server-versions': 'v2.1.0' }, results.env());
      files = await matrixJobs(cellsOf(plan.outputs.matrix!));
      const r = await step({ mode: 'publish' }, results.jobEnv(), v1);
      expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    }
    const index = parsePluginIndex(gh.assetBytes(PLUGIN_REPO, 'v1.0.0', 'plugins.json')!.toString());
    expect(Object.keys(index.releases)).toEqual(['v2.1.0', 'v2.0.0']);
    expect(index.releases['v2.0.0']).toEqual(
      parsePluginIndex(before.get('plugins.json')!.toString()).releases['v2.0.0'],
    );
    for (const [name, bytes] of files) {
      expect(gh.assetBytes(PLUGIN_REPO, 'v1.0.0', name)).toEqual(bytes); // the second run's
      expect(
        index.releases['v2.1.0']!.targets[name.includes('arm64') ? 'linux-arm64' : 'linux-amd64']!.sha256,
      ).toBe(sha(bytes));
    }
    expect(gh.assetBytes(PLUGIN_REPO, 'v1.0.0', 'hello-linux-amd64-for-v2.0.0.so')).toEqual(OLD_PLUGIN);
    expect(gh.assetBytes(PLUGIN_REPO, 'v1.0.0', 'README.txt')).toEqual(before.get('README.txt'));
    const sums = gh.assetBytes(PLUGIN_REPO, 'v1.0.0', 'checksums.txt')!.toString();
    expect(sums.trim().split('\n')).toHaveLength(3);
  });

  it('unsupported-server-version: skip: the plan leaves out what one step skips, listed alike, and publish publishes the rest', async () => {
    const skip = { 'server-versions': 'v2.1.0, v2.2.0', 'unsupported-server-version': 'skip' };
    const plan = await step({ mode: 'plan', ...skip }, results.env());
    expect(plan.exitCode, plan.stdout + plan.stderr).toBe(0);
    expect(cellsOf(plan.outputs.matrix!).map((c) => c.serverTag)).toEqual(['v2.1.0', 'v2.1.0']);
    expect(JSON.parse(plan.outputs['server-versions']!)).toEqual(['v2.1.0']);
    const skipped = JSON.parse(plan.outputs['skipped-server-versions']!) as { server: string }[];
    expect(skipped.map((x) => x.server)).toEqual(['v2.2.0']);
    expect(plan.summary).toContain('Skipped (`unsupported-server-version: skip`): v2.2.0 (Go 1.19.1).');
    // One step with the same inputs skips the same release for the same reason, and fails when
    // that is every release - as the plan does.
    const one = await step({ ...skip, 'server-versions': 'v2.2.0' }, results.env());
    expect(JSON.parse(one.outputs['skipped-server-versions']!)).toEqual(skipped);
    const onlySkipped = await step({ mode: 'plan', ...skip, 'server-versions': 'v2.2.0' }, results.env());
    expect([one.exitCode, onlySkipped.exitCode]).toEqual([1, 1]);
    for (const r of [one, onlySkipped]) {
      expect(r.stdout).toMatch(
        /::error::Every server release was skipped, so nothing was built: v2\.2\.0: go\.mod says go 1\.22/,
      );
    }
    await matrixJobs(cellsOf(plan.outputs.matrix!));
    const r = await step({ mode: 'publish' }, results.jobEnv(), tagRef);
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('Skipped by the plan (unsupported-server-version: skip): v2.2.0');
    const index = parsePluginIndex(gh.assetBytes(PLUGIN_REPO, 'v1.1.0', 'plugins.json')!.toString());
    expect(Object.keys(index.releases)).toEqual(['v2.1.0']);
  });

  it('a cell its build skipped (a reason the plan cannot see) leaves a skipped record; publish leaves its release out', async () => {
    // Planned without skip; the cells of v2.2.0 run with it (as a module graph that cannot be
    // aligned is found only by the build): the real bundle skips them and records why.
    const plan = await step({ mode: 'plan', 'server-versions': 'v2.1.0, v2.2.0' }, results.env());
    const cells = cellsOf(plan.outputs.matrix!);
    const files = await matrixJobs(cells.filter((c) => c.serverTag === 'v2.1.0'));
    for (const c of cells.filter((x) => x.serverTag === 'v2.2.0')) {
      const cell = await step(
        {
          'server-versions': c.serverTag,
          targets: c.target,
          'unsupported-server-version': 'skip',
          release: 'false',
        },
        results.jobEnv(),
        { RUNNER_TEMP: join(workspace, 'runner-temp') },
      );
      expect(cell.stdout).toContain('Every server release was skipped');
      expect(cell.stdout).toContain(`uploaded hello_${c.target}_v2.2.0.cell.json`);
    }
    const r = await step({ mode: 'publish' }, results.jobEnv(), tagRef);
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /Skipped by their build \(unsupported-server-version: skip\), left out: v2\.2\.0 linux-amd64: go\.mod says go 1\.22/,
    );
    const index = parsePluginIndex(gh.assetBytes(PLUGIN_REPO, 'v1.1.0', 'plugins.json')!.toString());
    expect(Object.keys(index.releases)).toEqual(['v2.1.0']);
    expect(assetNames('v1.1.0')).toEqual(
      [...[...files.keys()].sort(), 'checksums.txt', 'plugins.json'].sort(),
    );
  });

  it("reads only this plan's records: another step's .cell.json is named in one notice; files named by no Content-Disposition", async () => {
    await results.close();
    // No Content-Disposition: the artifact library names every download `artifact`.
    results = await startResultsService({ repository: PLUGIN_REPO, contentDisposition: () => undefined });
    const plan = await step({ mode: 'plan', 'server-versions': 'v2.1.0' }, results.env());
    const files = await matrixJobs(cellsOf(plan.outputs.matrix!));
    Object.assign(process.env, results.jobEnv(), { RUNNER_TEMP: workspace });
    for (const name of ['results.cell.json', 'other_linux-amd64_v2.1.0.cell.json']) {
      await uploadTextArtifact(await makeClient(), name, '{"not":"a record"}\n', {
        tempDir: workspace,
        overwrite: false,
      });
    }
    const r = await step({ mode: 'publish' }, results.jobEnv(), tagRef);
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /::notice title=other cell records::2 cell records of this run are not of plan hello\.plan\.json, not read: (other_linux-amd64_v2\.1\.0|results)\.cell\.json, (other_linux-amd64_v2\.1\.0|results)\.cell\.json/,
    );
    for (const [name, bytes] of files) expect(gh.assetBytes(PLUGIN_REPO, 'v1.1.0', name)).toEqual(bytes);
  });

  it('a record whose size is not the downloaded file: nothing is uploaded', async () => {
    const plan = await step({ mode: 'plan', 'server-versions': 'v2.1.0' }, results.env());
    await matrixJobs(cellsOf(plan.outputs.matrix!).map((c, i) => (i === 0 ? { ...c, size: 7 } : c)));
    const r = await step({ mode: 'publish' }, results.jobEnv(), tagRef);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(
      /v2\.1\.0 linux-amd64: artifact \S+ has \d+ bytes, its cell record 7: nothing was uploaded/,
    );
    expect(gh.writeRequests()).toEqual([]);
  });

  it("re-run failed jobs: the earlier attempt's artifacts 404 on the internal download and come through the REST API", async () => {
    gh.repo(PLUGIN_REPO).artifactDownload = (id) => results.publicDownloadUrl(id);
    const plan = await step({ mode: 'plan', 'server-versions': 'v2.1.0' }, results.env());
    const [first, ...others] = cellsOf(plan.outputs.matrix!);
    const files = await matrixJobs(others); // attempt 1: the first cell's job failed before its upload
    results.rerunFailedJobs();
    for (const [name, bytes] of await matrixJobs([first!])) files.set(name, bytes);
    const r = await step({ mode: 'publish' }, results.jobEnv(), tagRef);
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('not found by the artifact service (an earlier attempt');
    expect(gh.requestsTo('GET', /\/actions\/artifacts\/\d+\/zip/).length).toBeGreaterThanOrEqual(3);
    for (const [name, bytes] of files) expect(gh.assetBytes(PLUGIN_REPO, 'v1.1.0', name)).toEqual(bytes);
  });

  it('a missing cell: nothing is uploaded, the cell is named', async () => {
    const plan = await step({ mode: 'plan', 'server-versions': 'v2.1.0, v2.2.0' }, results.env());
    await matrixJobs(
      cellsOf(plan.outputs.matrix!).filter((c) => !(c.serverTag === 'v2.1.0' && c.target === 'linux-arm64')),
    );
    const before = gh.writeRequests().length;
    const r = await step({ mode: 'publish' }, results.jobEnv(), tagRef);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain('1 of 4 planned cells cannot be published, so nothing was uploaded');
    expect(r.stdout).toContain('v2.1.0 linux-arm64: no cell record in this workflow run');
    expect(gh.writeRequests().length).toBe(before);
    expect(assetNames('v1.1.0')).toEqual([]);
  });

  it('a cell the server refused, and one whose build failed: nothing is uploaded, both are named', async () => {
    const plan = await step({ mode: 'plan', 'server-versions': 'v2.1.0, v2.2.0' }, results.env());
    await matrixJobs(
      cellsOf(plan.outputs.matrix!).map((c) =>
        c.serverTag === 'v2.2.0' && c.target === 'linux-amd64'
          ? { ...c, verified: 'failed' as const }
          : c.serverTag === 'v2.1.0' && c.target === 'linux-arm64'
            ? { ...c, built: false }
            : c,
      ),
    );
    const r = await step({ mode: 'publish' }, results.jobEnv(), tagRef);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain(
      'v2.2.0 linux-amd64: the server refused the plugin: plugin was built with a different version of package example.com/lib',
    );
    expect(r.stdout).toContain('v2.1.0 linux-arm64: the build failed: exit status 1');
    expect(gh.writeRequests()).toEqual([]);
    expect(assetNames('v1.1.0')).toEqual([]);
    expect(r.summary).toContain('**Nothing was uploaded**: 2 of 4 cells cannot be published.');
  });
});

describe('follow', () => {
  it('nothing new: no build and not one write request; the summary says so', async () => {
    await freshGitHub(['v2.2.0', 'v2.1.0', 'v2.0.0']);
    const r = await step({ mode: 'follow', 'server-versions': '>=2 <3' }, results.env());
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    expect(gh.writeRequests()).toEqual([]);
    expect(results.requests().filter((q) => q.op === 'CreateArtifact')).toEqual([]);
    expect(r.stdout).not.toMatch(/Builder images|docker run/);
    expect(r.summary).toContain(
      'plugins.json of release v1.0.0 already covers every server release the selection names (v2.2.0, v2.1.0, v2.0.0): nothing to build, nothing written.',
    );
  });

  it('every new release skipped (unsupported-server-version: skip): said, nothing built or written, the run passes', async () => {
    await freshGitHub(['v2.1.0', 'v2.0.0']);
    const r = await step(
      { mode: 'follow', 'server-versions': '>=2 <3', 'unsupported-server-version': 'skip' },
      results.env(),
    );
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('New server release to build: v2.2.0');
    expect(r.stdout).toMatch(/Skipped v2\.2\.0 \(unsupported-server-version: skip\): go\.mod says go 1\.22/);
    expect(r.stdout).toContain(
      'Every new server release was skipped (unsupported-server-version: skip): nothing added to release v1.0.0.',
    );
    expect(gh.writeRequests()).toEqual([]);
    expect(r.stdout).not.toMatch(/docker run/);
  });

  it('plan -> matrix -> publish adds only the new server release: its files, the index, checksums; old assets byte for byte', async () => {
    await freshGitHub(['v2.1.0', 'v2.0.0']);
    const before = new Map(gh.uploadedAssets(PLUGIN_REPO, 'v1.0.0').map((a) => [a.name, a.bytes]));
    const plan = await step({ mode: 'plan', follow: 'true', 'server-versions': '>=2 <3' }, results.env());
    expect(plan.exitCode, plan.stdout).toBe(0);
    expect(cellsOf(plan.outputs.matrix!)).toEqual([
      { serverTag: 'v2.2.0', target: 'linux-amd64' },
      { serverTag: 'v2.2.0', target: 'linux-arm64' },
    ]);
    const files = await matrixJobs(cellsOf(plan.outputs.matrix!));
    // release: false writes nothing, a follow plan's release included (issue 24).
    const writes = gh.writeRequests().length;
    const dry = await step({ mode: 'publish', release: 'false' }, results.jobEnv());
    expect(dry.exitCode, dry.stdout).toBe(0);
    expect(dry.stdout).toContain('release is false: nothing written to release v1.0.0');
    expect(gh.writeRequests().length).toBe(writes);
    const r = await step({ mode: 'publish' }, results.jobEnv());
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);

    const after = gh.uploadedAssets(PLUGIN_REPO, 'v1.0.0');
    for (const [name, bytes] of before) {
      if (name === 'plugins.json' || name === 'checksums.txt') continue;
      expect(after.find((a) => a.name === name)?.bytes, name).toEqual(bytes);
    }
    expect(after.map((a) => a.name).sort()).toEqual([...before.keys(), ...files.keys()].sort());
    const index = parsePluginIndex(gh.assetBytes(PLUGIN_REPO, 'v1.0.0', 'plugins.json')!.toString());
    expect(Object.keys(index.releases)).toEqual(['v2.2.0', 'v2.1.0', 'v2.0.0']);
    // The entries that were there are kept as they were.
    expect(index.releases['v2.1.0']).toEqual(
      parsePluginIndex(before.get('plugins.json')!.toString()).releases['v2.1.0'],
    );
    const sums = gh.assetBytes(PLUGIN_REPO, 'v1.0.0', 'checksums.txt')!.toString();
    expect(sums).toContain(`${sha(OLD_PLUGIN)}  hello-linux-amd64-for-v2.0.0.so\n`);
    expect(sums).toContain(
      `${sha(files.get('hello-linux-arm64-for-v2.2.0.so')!)}  hello-linux-arm64-for-v2.2.0.so\n`,
    );
    // No asset was deleted but the two the index and checksums replace.
    const deletes = gh.requestsTo('DELETE', /\/releases\/assets\/\d+$/).length;
    expect(deletes).toBe(3); // plugins.json, checksums.txt and the lock
  });

  it('a file no index entry names (an unfinished write left it) is replaced; without an index a file there stops the run', async () => {
    await freshGitHub(['v2.0.0']);
    gh.addAsset(PLUGIN_REPO, 'v1.0.0', {
      name: 'hello-linux-amd64-for-v2.1.0.so',
      content: 'half of a file',
    });
    const plan = await step({ mode: 'plan', follow: 'true', 'server-versions': 'v2.1.0' }, results.env());
    const files = await matrixJobs(cellsOf(plan.outputs.matrix!));
    const r = await step({ mode: 'publish' }, results.jobEnv());
    expect(r.exitCode, r.stdout).toBe(0);
    expect(r.stdout).toContain(
      'hello-linux-amd64-for-v2.1.0.so is on release v1.0.0 but in no entry of plugins.json',
    );
    expect(gh.assetBytes(PLUGIN_REPO, 'v1.0.0', 'hello-linux-amd64-for-v2.1.0.so')).toEqual(
      files.get('hello-linux-amd64-for-v2.1.0.so'),
    );

    // A release made before the action wrote plugins.json: its files are never replaced.
    await freshGitHub(['v2.0.0']);
    const release = gh.repo(PLUGIN_REPO).releases[0]!;
    release.assets = release.assets.filter((a) => a.name !== 'plugins.json');
    await results.close();
    results = await startResultsService({ repository: PLUGIN_REPO });
    const plan2 = await step({ mode: 'plan', follow: 'true', 'server-versions': 'v2.0.0' }, results.env());
    expect(cellsOf(plan2.outputs.matrix!).map((c) => c.serverTag)).toEqual(['v2.0.0', 'v2.0.0']);
    await matrixJobs(cellsOf(plan2.outputs.matrix!));
    const r2 = await step({ mode: 'publish' }, results.jobEnv());
    expect(r2.exitCode).toBe(1);
    expect(r2.stdout).toContain(
      'release v1.0.0 has no plugins.json but already has hello-linux-amd64-for-v2.0.0.so, which a follow run never replaces',
    );
    expect(gh.assetBytes(PLUGIN_REPO, 'v1.0.0', 'hello-linux-amd64-for-v2.0.0.so')).toEqual(OLD_PLUGIN);
    expect(gh.requestsTo('POST', /name=hello/)).toEqual([]);
    expect(gh.assetBytes(PLUGIN_REPO, 'v1.0.0', 'plugins.json.lock')).toBeUndefined();
  });

  it('two overlapping follow runs leave one complete index: every entry, every file once', async () => {
    await freshGitHub(['v2.0.0']);
    // Two workflow runs, each a plan and its matrix: one for v2.1.0, the other for v2.2.0 and v2.1.0.
    const runs: { service: ResultsService; files: Map<string, Buffer> }[] = [];
    await results.close();
    for (const selection of ['v2.1.0', 'v2.2.0, v2.1.0']) {
      results = await startResultsService({ repository: PLUGIN_REPO });
      const plan = await step({ mode: 'plan', follow: 'true', 'server-versions': selection }, results.env());
      expect(plan.exitCode, plan.stdout).toBe(0);
      runs.push({ service: results, files: await matrixJobs(cellsOf(plan.outputs.matrix!)) });
    }
    // The first writer is slow with checksums.txt, so the other one meets its lock.
    gh.inject({ method: 'POST', path: /\/assets\?name=checksums\.txt/, delayMs: 1500 });
    const [a, b] = await Promise.all(runs.map((run) => step({ mode: 'publish' }, run.service.jobEnv())));
    await runs[0]!.service.close();
    expect(a!.exitCode, a!.stdout).toBe(0);
    expect(b!.exitCode, b!.stdout).toBe(0);
    expect(`${a!.stdout}${b!.stdout}`).toMatch(
      /plugins\.json\.lock on release v1\.0\.0 is held by another run/,
    );

    const index = parsePluginIndex(gh.assetBytes(PLUGIN_REPO, 'v1.0.0', 'plugins.json')!.toString());
    expect(Object.keys(index.releases)).toEqual(['v2.2.0', 'v2.1.0', 'v2.0.0']);
    const names = gh.uploadedAssets(PLUGIN_REPO, 'v1.0.0').map((x) => x.name);
    expect(names.length).toBe(new Set(names).size);
    for (const tag of ['v2.2.0', 'v2.1.0']) {
      for (const [target, t] of Object.entries(index.releases[tag]!.targets)) {
        expect(sha(gh.assetBytes(PLUGIN_REPO, 'v1.0.0', t.file)!), `${tag} ${target}`).toBe(t.sha256);
      }
    }
    const sums = gh.assetBytes(PLUGIN_REPO, 'v1.0.0', 'checksums.txt')!.toString();
    expect(sums.trim().split('\n')).toHaveLength(5);
    expect(names).not.toContain('plugins.json.lock');
  });
});
