// Overlapped releases build the same plugins: the committed bundle builds the fixture plugin for
// three fixture server releases of three Gos (linux-amd64 and linux-386, the byte-reproducible
// targets) twice - overlapped (parallel: 2: release N+1 prepared while N builds) and one after
// another (parallel: 1) - and every plugin has the same sha256, plugins.json and the job summary
// are the same. The overlapped log still reads release by release, and it did overlap (the
// FLOW_TIMINGS_FILE spans: release 2's work started before release 1's build ended).
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startGitHubStandIn, type GitHubStandIn } from './support/github';
import {
  actionModuleSetup,
  builderGoVersions,
  makeGoEnv,
  removeTree,
  serverFiles,
  writePlugin,
} from './support/fixtures';
import { runAction, type RunResult } from './support/runner';
import type { ArtifactEntry } from '../src/report/record';

const versions = await builderGoVersions();
if (versions.length < 3)
  throw new Error(
    `need builder images for three Go versions (run .ci/docker.sh); have: ${versions.join(', ')}`,
  );
const TOKEN = 'ghs_overlapToken';
const TAGS = ['v3.0.0', 'v2.0.0', 'v1.0.0']; // newest first: Go versions[2], [1], [0]
const root = mkdtempSync(join(tmpdir(), 'flow-overlap-'));
let gh: GitHubStandIn;
const runs: Record<'overlapped' | 'sequential', { r: RunResult; index: string; timings: string }> =
  {} as never;

beforeAll(async () => {
  const env = makeGoEnv(join(root, 'go'));
  gh = await startGitHubStandIn({
    repos: {
      'flow/server': {
        token: TOKEN,
        commits: { a: serverFiles(versions[0]!), b: serverFiles(versions[1]!), c: serverFiles(versions[2]!) },
        tags: { 'v1.0.0': 'a', 'v2.0.0': 'b', 'v3.0.0': 'c' },
        releases: [{ tag: 'v1.0.0' }, { tag: 'v2.0.0' }, { tag: 'v3.0.0' }],
      },
    },
  });
  const mods = actionModuleSetup(env);
  for (const [name, parallel] of [
    ['overlapped', '2'],
    ['sequential', '1'],
  ] as const) {
    const dir = writePlugin(join(root, name));
    const timings = join(root, `${name}-timings.jsonl`);
    const r = await runAction({
      cwd: dir,
      inputs: {
        'server-repository': 'flow/server',
        'server-versions': '>=1',
        'github-token': TOKEN,
        targets: 'linux-amd64,linux-386',
        parallel,
        verify: 'false',
        'plugin-index': 'true',
        'upload-artifacts': 'false',
        release: 'false',
        'docker-args': mods.dockerArgs,
      },
      env: { GITHUB_API_URL: gh.url, FLOW_TIMINGS_FILE: timings, ...mods.env },
      timeoutMs: 600_000,
    });
    const index = r.exitCode === 0 ? readFileSync(join(dir, 'build', 'plugins.json'), 'utf8') : '';
    runs[name] = { r, index, timings };
  }
}, 900_000);

afterAll(async () => {
  await gh?.close();
  removeTree(root);
});

const entries = (r: RunResult) =>
  (JSON.parse(r.outputs.artifacts!) as ArtifactEntry[]).map((e) => ({
    server: e.server,
    target: e.target,
    fileName: e.fileName,
    size: e.size,
    sha256: e.sha256,
  }));
/** The summary without its timings (seconds vary from run to run). */
const summaryOf = (r: RunResult) => r.summary.replace(/\d+(\.\d+)? ?s\b/g, 'N s');

describe('releases overlapped and one after another', () => {
  test('both runs build every release x target', () => {
    for (const { r } of Object.values(runs)) expect(r.exitCode, r.stdout).toBe(0);
    expect(entries(runs.sequential.r).map((e) => `${e.server} ${e.target}`)).toEqual(
      TAGS.flatMap((t) => [`${t} linux-amd64`, `${t} linux-386`]),
    );
  });

  test('the plugins are byte-identical (sha256 per release x target), plugins.json and the summary the same', () => {
    expect(entries(runs.overlapped.r)).toEqual(entries(runs.sequential.r));
    expect(runs.overlapped.index).toBe(runs.sequential.index);
    expect(summaryOf(runs.overlapped.r)).toBe(summaryOf(runs.sequential.r));
  });

  test('the overlapped run overlapped, and its log reads release by release', () => {
    const spans = readFileSync(runs.overlapped.timings, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { release: string; part: string; start: number; end: number });
    const first = spans.filter((s) => s.release === TAGS[0] && s.part === 'build');
    const second = spans.filter((s) => s.release === TAGS[1]);
    expect(Math.min(...second.map((s) => s.start))).toBeLessThan(Math.max(...first.map((s) => s.end)));
    // Every line about release N comes before the first about release N+1.
    const log = runs.overlapped.r.stdout;
    for (let i = 0; i + 1 < TAGS.length; i++) {
      const lastOfThis = log.lastIndexOf(`for ${TAGS[i]} (${i + 1} of 3)`);
      const firstOfNext = log.indexOf(`for ${TAGS[i + 1]} (${i + 2} of 3)`);
      expect(lastOfThis).toBeGreaterThan(0);
      expect(lastOfThis).toBeLessThan(firstOfNext);
    }
  });
});
