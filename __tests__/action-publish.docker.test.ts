// Publishing end to end, over the real wire: the bundle builds real plugins in the builder images,
// then uploads them as workflow artifacts to the Actions results stand-in (the real
// @actions/artifact client) and as release assets to the GitHub stand-in (the real Octokit), with
// checksums, outputs and the job summary. Asserts what reached the stand-ins, byte for byte.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startGitHubStandIn, type GitHubStandIn } from './support/github';
import {
  builderGoVersions,
  makeGoEnv,
  freshRunner,
  removeTree,
  serverRepo,
  writePlugin,
  type GoEnv,
  actionModuleSetup,
} from './support/fixtures';
import { startResultsService, type ResultsService } from './support/results-service';
import { startCacheService } from './support/cache-service';
import { runAction, type RunResult } from './support/runner';
import type { ArtifactEntry as Entry } from '../src/report/record';

const [GO] = (await builderGoVersions()).slice(-1);
if (!GO) throw new Error('no builder images: run .ci/docker.sh');
const TOKEN = 'ghs_publishE2eToken';
const PLUGIN_REPO = 'plugin-owner/hello';

const root = mkdtempSync(join(tmpdir(), 'flow-action-publish-'));
let env: GoEnv;
let gh: GitHubStandIn;
let results: ResultsService;

beforeAll(async () => {
  env = makeGoEnv(join(root, 'go'));
  gh = await startGitHubStandIn({
    repos: {
      'flow/server': serverRepo(GO!, TOKEN),
      [PLUGIN_REPO]: {
        token: TOKEN,
        releases: [
          { tag: 'v0.1.0', draft: true },
          // An older checksums.txt (sha256sum form: one that is not is refused up front, issue 24).
          {
            tag: 'v0.2.0',
            assets: [{ name: 'checksums.txt', content: `${'0'.repeat(64)}  hello-linux-amd64.so\n` }],
          },
          { tag: 'v0.3.0', immutable: true },
          { tag: 'v0.4.0' },
        ],
      },
    },
  });
  results = await startResultsService({ repository: PLUGIN_REPO });
});

afterAll(async () => {
  await gh?.close();
  await results?.close();
  removeTree(root);
});

let n = 0;
async function action(
  inputs: Record<string, string>,
  ref = 'refs/tags/v0.1.0',
  extraEnv: Record<string, string> = {},
  edit?: (dir: string) => void,
): Promise<RunResult & { dir: string }> {
  const dir = writePlugin(join(root, `plugin-${++n}`));
  edit?.(dir);
  const r = await runAction({
    cwd: dir,
    inputs: {
      'server-repository': 'flow/server',
      'server-version': 'v2.0.0',
      'github-token': TOKEN,
      targets: 'linux-amd64',
      'docker-args': actionModuleSetup(env).dockerArgs,
      ...inputs,
    },
    env: {
      ...results.env(),
      GITHUB_API_URL: gh.url,
      GITHUB_REPOSITORY: PLUGIN_REPO,
      GITHUB_REF: ref,
      GITHUB_EVENT_NAME: 'push',
      ...actionModuleSetup(env).env,
      FLOW_GITHUB_RETRY_BASE_MS: '10',
      FLOW_GITHUB_WRITE_SPACING_MS: '0',
      ...extraEnv,
    },
    timeoutMs: 600_000,
  });
  return { ...r, dir };
}

describe('a tag push: artifacts, release assets, checksums, outputs, summary', () => {
  let r: RunResult & { dir: string };
  let entries: Entry[];
  beforeAll(async () => {
    r = await action({ targets: 'linux-amd64,linux-arm64', 'retention-days': '7' });
    entries = JSON.parse(r.outputs.artifacts ?? '[]') as Entry[];
  });

  test('succeeds and logs the upload stages', () => {
    expect(r.exitCode, r.stdout).toBe(0);
    expect(r.stdout).toContain('::group::Upload artifacts');
    expect(r.stdout).toContain('::group::Upload release assets (v0.1.0)');
  });

  test('each plugin is its own unzipped workflow artifact, byte for byte, kept 7 days', () => {
    for (const e of entries) {
      const a = results.artifact(`hello_${e.target}_v2.0.0.so`);
      expect(a, `artifact for ${e.target}`).toBeDefined();
      expect(a!.finalized).toBe(true);
      expect(a!.zipped).toBe(false);
      expect(a!.bytes.equals(readFileSync(e.path))).toBe(true);
      const days = (Date.parse(a!.expiresAt!) - Date.now()) / 86_400_000;
      expect(days).toBeGreaterThan(6.9);
      expect(days).toBeLessThan(7.1);
      expect(e.artifactId).toBe(a!.id);
      expect(e.artifactUrl).toBe(
        `https://github.com/${PLUGIN_REPO}/actions/runs/${results.env().GITHUB_RUN_ID}/artifacts/${a!.id}`,
      );
    }
    expect(results.artifacts().some((a) => a.name.endsWith('checksums.txt') && a.finalized)).toBe(true);
  });

  test('the draft release of the tag gets every plugin and checksums.txt, byte for byte', () => {
    const assets = gh.uploadedAssets(PLUGIN_REPO, 'v0.1.0');
    expect(assets.map((a) => a.name).sort()).toEqual([
      'checksums.txt',
      'hello-linux-amd64.so',
      'hello-linux-arm64.so',
      'plugins.json',
    ]);
    for (const e of entries) {
      const asset = assets.find((a) => a.name === e.fileName)!;
      expect(asset.bytes.equals(readFileSync(e.path))).toBe(true);
      expect(asset.contentType).toBe('application/octet-stream');
      expect(asset.state).toBe('uploaded');
      expect(e.releaseAssetUrl).toMatch(new RegExp(`/releases/download/v0\\.1\\.0/${e.fileName}$`));
    }
    const sums = assets.find((a) => a.name === 'checksums.txt')!;
    expect(sums.bytes.toString()).toBe(readFileSync(r.outputs.checksums!, 'utf8'));
    // A draft's page is not under its tag (GitHub names it untagged-...): the release's own html_url.
    const release = gh.requestsTo('GET', /\/repos\/plugin-owner\/hello\/releases/).length;
    expect(release).toBeGreaterThan(0);
    expect(r.outputs['release-url']).toMatch(/\/plugin-owner\/hello\/releases\//);
  });

  test('checksums.txt verifies with sha256sum -c', () => {
    const out = execFileSync('sha256sum', ['-c', 'checksums.txt'], { cwd: join(r.dir, 'build') }).toString();
    expect(out).toBe('hello-linux-amd64.so: OK\nhello-linux-arm64.so: OK\n');
  });

  test('the job summary names the server, Go, the go.mod change and every target with its links', () => {
    expect(r.summary).toContain('v2.0.0');
    expect(r.summary).toContain(GO!);
    expect(r.summary).toContain('example.com/lib');
    expect(r.summary).toContain('v1.3.0');
    for (const e of entries) {
      expect(r.summary).toContain(e.fileName);
      expect(r.summary).toContain(e.sha256.slice(0, 12));
      expect(r.summary).toContain(e.artifactUrl!);
      expect(r.summary).toContain(e.releaseAssetUrl!);
    }
  });
});

describe('re-runs and faults', () => {
  test('a re-run replaces the release assets (and the artifacts of the earlier attempt), including an older checksums.txt', async () => {
    const first = await action({}, 'refs/tags/v0.2.0');
    expect(first.exitCode, first.stdout).toBe(0);
    const ids1 = gh.uploadedAssets(PLUGIN_REPO, 'v0.2.0').map((a) => a.name);
    const again = await action({}, 'refs/tags/v0.2.0');
    expect(again.exitCode, again.stdout).toBe(0);
    const assets = gh.uploadedAssets(PLUGIN_REPO, 'v0.2.0');
    expect(assets.map((a) => a.name).sort()).toEqual([
      'checksums.txt',
      'hello-linux-amd64.so',
      'plugins.json',
    ]);
    expect(ids1.sort()).toEqual(['checksums.txt', 'hello-linux-amd64.so', 'plugins.json']);
    const plugin = JSON.parse(again.outputs.artifacts!)[0] as Entry;
    expect(
      assets.find((a) => a.name === 'hello-linux-amd64.so')!.bytes.equals(readFileSync(plugin.path)),
    ).toBe(true);
    expect(assets.find((a) => a.name === 'checksums.txt')!.bytes.toString()).toBe(
      readFileSync(again.outputs.checksums!, 'utf8'),
    );
  });

  test('a 5xx from the upload host is retried and the upload succeeds', async () => {
    gh.inject({
      method: 'POST',
      path: /\/releases\/\d+\/assets\?name=hello-linux-amd64\.so/,
      status: 502,
      times: 1,
    });
    const r = await action({ 'upload-artifacts': 'false' }, 'refs/tags/v0.4.0');
    expect(r.exitCode, r.stdout).toBe(0);
    expect(gh.requestsTo('POST', /assets\?name=hello-linux-amd64\.so/).map((q) => q.status)).toContain(502);
    expect(
      gh
        .uploadedAssets(PLUGIN_REPO, 'v0.4.0')
        .map((a) => a.name)
        .sort(),
    ).toEqual(['checksums.txt', 'hello-linux-amd64.so', 'plugins.json']);
    gh.clearFaults();
  });

  test('an immutable published release fails the step before anything is built, with what to do', async () => {
    const r = await action({ 'upload-artifacts': 'false' }, 'refs/tags/v0.3.0');
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(/::error::.*immutable/i);
    expect(r.stdout).toMatch(/draft/);
    // Known at the resolve (issue 21): the release is looked up before the build, not after it.
    expect(r.stdout).toMatch(/nothing was built/);
    expect(r.stdout).not.toMatch(/::group::Build/);
    expect(gh.uploadedAssets(PLUGIN_REPO, 'v0.3.0')).toEqual([]);
  });

  test('an artifact upload refused by the service fails the step and says which files were uploaded', async () => {
    results.inject({ op: 'CreateArtifact', artifact: 'hello_linux-amd64_v2.0.0.so', status: 403, times: 1 });
    const r = await action({ release: 'false', targets: 'linux-amd64,linux-arm64' }, 'refs/heads/main');
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(
      /::error::1 of 3 workflow artifacts were not uploaded to this run\.%0A.*Not uploaded:%0A {2}- hello_linux-amd64_v2\.0\.0\.so: .*403/,
    );
    expect(r.stdout).toMatch(
      /%0AUploaded: hello_linux-arm64_v2\.0\.0\.so, hello_v2\.0\.0_.*checksums\.txt\.%0A/,
    );
    expect(results.pendingFaults()).toEqual([]); // a 403 is final: not retried
  });

  test('when a target fails, the others still become artifacts but nothing goes to the release', async () => {
    const before = gh.requestsTo('POST', /\/assets\?/).length;
    const r = await action({ targets: 'linux-amd64,linux-arm64' }, 'refs/tags/v0.4.0', {}, (dir) =>
      writeFileSync(
        join(dir, 'broken_arm64.go'),
        '//go:build arm64\n\npackage main\n\nvar Broken int = "x"\n',
      ),
    );
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(
      /::error::the build failed for linux-arm64; not uploaded to release v0\.4\.0 because the build failed for linux-arm64/,
    );
    expect(results.artifacts().some((a) => a.name === 'hello_linux-amd64_v2.0.0.so' && a.finalized)).toBe(
      true,
    );
    expect(gh.requestsTo('POST', /\/assets\?/).length).toBe(before);
  });

  test('on a branch push (release: auto) only artifacts are uploaded; side effects switch off', async () => {
    const before = gh.requestsTo('POST', /\/assets\?/).length;
    const r = await action(
      { 'upload-artifacts': 'false', checksums: 'false', summary: 'false' },
      'refs/heads/main',
    );
    expect(r.exitCode, r.stdout).toBe(0);
    expect(r.stdout).toContain('No release upload: release is auto and this run is not for a tag push');
    expect(gh.requestsTo('POST', /\/assets\?/).length).toBe(before);
    expect(r.outputs.checksums).toBeUndefined();
    expect(r.summary).toBe('');
  });
});

describe('the Go module cache', () => {
  test('the first run saves the modules; the next run restores them exactly and saves nothing', async () => {
    const service = await startCacheService();
    const job = async (inputs: Record<string, string> = {}) => {
      const { workspace, runnerTemp } = freshRunner(root);
      return runAction({
        cwd: workspace,
        inputs: {
          'server-repository': 'flow/server',
          'server-version': 'v2.0.0',
          'github-token': TOKEN,
          targets: 'linux-amd64',
          'upload-artifacts': 'false',
          release: 'false',
          'docker-args': actionModuleSetup(env).dockerArgs,
          ...inputs,
        },
        // On a runner both services sit behind ACTIONS_RESULTS_URL: these runs talk to the cache one.
        env: {
          ...service.env(),
          GITHUB_API_URL: gh.url,
          RUNNER_TEMP: runnerTemp,
          ...actionModuleSetup(env).env,
        },
        timeoutMs: 600_000,
      });
    };
    try {
      const first = await job();
      expect(first.exitCode, first.stdout).toBe(0);
      expect(first.stdout).toContain('::group::Restore Go module cache');
      expect(first.stdout).toContain('go: downloading example.com/lib');
      // (the build cache is saved beside it: __tests__/build-cache.docker.test.ts)
      const modules = () =>
        service.entries().filter((e) => e.finalized && e.key.startsWith('flow-plugin-gomod-'));
      const saved = modules();
      expect(saved).toHaveLength(1);
      expect(saved[0]!.key).toMatch(
        new RegExp(`^flow-plugin-gomod-linux-go${GO!.replace(/\./g, '\\.')}-[0-9a-f]{32}$`),
      );
      expect(first.stdout).toContain(`Go module cache saved under ${saved[0]!.key}.`);

      const second = await job();
      expect(second.exitCode, second.stdout).toBe(0);
      expect(second.stdout).toContain(`Go module cache restored from ${saved[0]!.key}.`);
      expect(second.stdout).toContain('was restored exactly, not saving again');
      // The restored cache served the build: nothing was downloaded again.
      expect(second.stdout).not.toContain('go: downloading');
      expect(modules()).toHaveLength(1);

      const off = await job({ cache: 'false' });
      expect(off.exitCode, off.stdout).toBe(0);
      expect(off.stdout).not.toContain('Go module cache');
    } finally {
      await service.close();
    }
  });
});
