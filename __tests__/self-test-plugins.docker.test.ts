// The GitHub self-test (.github/workflows/self-test.yml) as far as this machine can run it: the
// same plugin folders of this repository and the same judge (.github/self-test/check-outputs.mjs),
// the committed bundle run as the runner runs it with verify: true, but gotify's releases from the
// real test bed (built from source, served by the GitHub stand-in) and the local builder images
// instead of Docker Hub's. Modules come from the Go module proxy, as on a runner (the containers
// trust the machine's certificate authorities). What only GitHub shows: the gotify/build images,
// the release assets gotify publishes, and GitHub's artifact and cache services.
import { cpSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { outputProblems } from '../.github/self-test/check-outputs.mjs';
import { removeTree } from './support/fixtures';
import { startGitHubStandIn, type GitHubStandIn } from './support/github';
import { ensureRealBed, realServerRepo, type RealBed } from './support/real';
import { startResultsService, type ResultsService } from './support/results-service';
import { projectRoot, runAction } from './support/runner';

const TOKEN = 'ghs_selfTestToken';
const bed: RealBed = await ensureRealBed();
const newest = bed.servers.at(-1)!;
const root = mkdtempSync(join(tmpdir(), 'flow-self-test-'));
let gh: GitHubStandIn;
let results: ResultsService;

beforeAll(async () => {
  gh = await startGitHubStandIn({
    repos: {
      'gotify/server': realServerRepo(bed, { token: TOKEN }),
      'plugin-owner/plugin': { token: TOKEN },
    },
  });
  results = await startResultsService({ repository: 'plugin-owner/plugin' });
});
afterAll(async () => {
  await gh?.close();
  await results?.close();
  removeTree(root);
});

const full = process.env.FLOW_REAL_FULL === '1';
let n = 0;
/** One job of the self-test's matrix: the action on a copy of the plugin folder, then the judge. */
async function selfTest(
  plugin: string,
  serverVersion: string,
  targets: readonly string[],
  changed: string[] = [],
) {
  const workspace = join(root, `job-${++n}`);
  cpSync(join(projectRoot, '.github/self-test/plugins', plugin), join(workspace, plugin), {
    recursive: true,
  });
  const r = await runAction({
    cwd: workspace,
    inputs: {
      'server-repository': 'gotify/server',
      'server-version': serverVersion,
      'working-directory': plugin,
      targets: targets.join(','),
      verify: 'true',
      release: 'false',
      'github-token': TOKEN,
      // The Go module proxy from the containers, as on a runner.
      'docker-args': '-v /etc/ssl/certs:/etc/ssl/certs:ro',
    },
    env: {
      ...results.env(),
      GITHUB_API_URL: gh.url,
      GITHUB_REPOSITORY: 'plugin-owner/plugin',
      RUNNER_TOOL_CACHE: join(root, 'tool-cache'),
    },
    timeoutMs: 1_500_000,
  });
  expect(r.exitCode, r.stdout).toBe(0);
  const read = (p: string) => (existsSync(p) ? readFileSync(p) : undefined);
  expect(outputProblems(r.outputs, { targets: [...targets], changed }, read), r.stdout).toEqual([]);
  return r;
}

describe('the self-test plugins, judged as on GitHub, on the real bed', () => {
  // GitHub's job builds the four default targets; here one native and one through the emulator
  // keep the test lean (a cold four-target run took more than 15 minutes on this loaded machine).
  // The two hello jobs (about 180 s warm) run with FLOW_REAL_FULL=1; CI runs gin-echo (alignment
  // through the real module proxy) to keep its time.
  test.runIf(full)(
    `hello for latest (${newest.tag}): built, loaded (natively and under qemu) and uploaded`,
    async () => {
      const r = await selfTest('hello', 'latest', ['linux-amd64', 'linux-arm64']);
      expect(r.outputs['server-version']).toBe(newest.tag);
    },
    1_500_000,
  );

  test.runIf(full)('hello for an older range (~2.6.0, the bed built its linux-amd64)', async () => {
    const r = await selfTest('hello', '~2.6.0', ['linux-amd64']);
    expect(r.outputs['server-version']).toMatch(/^v2\.6\./);
  });

  test(`gin-echo for latest: its gin v1.9.1 aligned to the server's, and it loads`, async () => {
    const r = await selfTest('gin-echo', 'latest', ['linux-amd64'], ['github.com/gin-gonic/gin']);
    const gin = (JSON.parse(r.outputs['go-mod-changes']!) as { module: string; to: string }[]).find(
      (c) => c.module === 'github.com/gin-gonic/gin',
    );
    expect(newest.goModText).toContain(`github.com/gin-gonic/gin ${gin!.to}`);
    // The judge is no rubber stamp: the same run, asked for a target it did not build, fails.
    const read = (p: string) => (existsSync(p) ? readFileSync(p) : undefined);
    expect(outputProblems(r.outputs, { targets: ['linux-amd64', 'linux-arm64'] }, read)).toEqual([
      'linux-arm64: not in verified',
      'linux-arm64: not in artifacts',
    ]);
  });
});
