// Benchmark: the time the verify stage adds per target, natively and under qemu (binfmt_misc).
// The plugin is built once by the action (the committed bundle, verify: false) for the real
// bed's gotify release; then the verify stage's own adapters run round after round - each round
// loads the plugin into the server of every target back to back (native and emulated targets
// interleaved, so machine load hits both alike) - and report the median of the rounds. The
// one-time cost of getting each server (API download + unzip + tool cache) is measured too, and
// the tool-cache hit that replaces it on re-runs.
//
//   bash bench/verify.sh [plugin-id] [targets] [rounds]   (default: telegram, the 4 default targets, 3)
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { removeTree } from '../__tests__/support/fixtures';
import { startGitHubStandIn } from '../__tests__/support/github';
import {
  capAndTidy,
  copyPlugin,
  ensureRealBed,
  realModuleSetup,
  realServerRepo,
  serverOf,
} from '../__tests__/support/real';
import { runAction } from '../__tests__/support/runner';
import { createDocker } from '../src/build/docker';
import { parseTargets } from '../src/build/targets';
import { createGitHubClient } from '../src/github/client';
import { loadPlugin } from '../src/verify/load';
import { assetLister, serverBinaryFor } from '../src/verify/server-binary';

const pluginId = process.argv[2] ?? 'telegram';
const targets = parseTargets(process.argv[3] ?? 'linux-amd64,linux-arm-7,linux-arm64,linux-386');
const rounds = Number(process.argv[4] ?? 3);
const TOKEN = 'ghs_bench';
const bed = await ensureRealBed();
const server = serverOf(bed, bed.quickAllTargetsTag);
const root = mkdtempSync(join(tmpdir(), 'flow-bench-verify-'));
const toolCache = join(root, 'tool-cache');
mkdirSync(toolCache);
process.env.RUNNER_TOOL_CACHE = toolCache;
const gh = await startGitHubStandIn({ repos: { 'gotify/server': realServerRepo(bed, { token: TOKEN }) } });
const mods = realModuleSetup(bed);
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const image = (t: string) => `flow/build:${server.goVersion}-${t}`;

console.log(
  `[bench] plugin ${pluginId}, gotify ${server.tag} (Go ${server.goVersion}), images ${targets.map((t) => image(t.name)).join(', ')}`,
);
const dir = copyPlugin(bed, pluginId, join(root, 'plugin'));
// go.mod as after one run with the action's advice followed (capped and tidied), so that the
// plugin loads: see alignedPlugin in __tests__/action-verify.docker.test.ts.
await capAndTidy(bed, dir, server);
const built = await runAction({
  cwd: dir,
  inputs: {
    'server-repository': 'gotify/server',
    'server-version': server.tag,
    'github-token': TOKEN,
    targets: targets.map((t) => t.name).join(','),
    verify: 'false',
    'upload-artifacts': 'false',
    release: 'false',
    summary: 'false',
    'docker-args': mods.dockerArgs,
  },
  env: { GITHUB_API_URL: gh.url, ...mods.env },
  timeoutMs: 1_800_000,
});
if (built.exitCode !== 0) throw new Error(`the build failed:\n${built.stdout}`);
const artifacts = JSON.parse(built.outputs.artifacts!) as {
  target: string;
  path: string;
  fileName: string;
}[];

const octokit = createGitHubClient({ token: TOKEN, baseUrl: gh.url });
const listAssets = assetLister(octokit, { owner: 'gotify', repo: 'server', tag: server.tag });
const docker = createDocker(process.env);
const binaries: Record<string, string> = {};
for (const target of targets) {
  for (const pass of ['download', 'tool cache'] as const) {
    const started = Date.now();
    const b = await serverBinaryFor({
      octokit,
      config: {
        server: { owner: 'gotify', repo: 'server' },
        serverAsset: '{owner}-{target}.zip',
        workspace: root,
      },
      tag: server.tag,
      target,
      listAssets,
      tempDir: join(root, 'tmp'),
      log: () => undefined,
    });
    if (!b.ok) throw new Error(b.reason);
    binaries[target.name] = b.path;
    console.log(`[bench] ${target.name}: server binary by ${pass}: ${s(Date.now() - started)}`);
  }
}

const times: Record<string, number[]> = {};
for (let i = 0; i < rounds; i++) {
  const line: string[] = [];
  for (const target of targets) {
    const a = artifacts.find((x) => x.target === target.name)!;
    const r = await loadPlugin(docker, {
      image: image(target.name),
      target,
      via: ['amd64', '386'].includes(target.arch) ? 'native' : 'emulator',
      serverBinary: binaries[target.name]!,
      pluginFile: a.path,
      pluginFileName: a.fileName,
      tempDir: join(root, 'tmp'),
      timeoutMs: 300_000,
      ...(process.getuid && process.getgid && { user: { uid: process.getuid(), gid: process.getgid() } }),
    });
    (times[target.name] ??= []).push(r.durationMs);
    line.push(`${target.name} ${s(r.durationMs)}${r.status === 'loaded' ? '' : ` (${r.status})`}`);
  }
  console.log(`[bench] round ${i + 1}: ${line.join(', ')}`);
}
for (const target of targets) {
  const how = ['amd64', '386'].includes(target.arch) ? 'native' : 'qemu (binfmt_misc)';
  console.log(
    `[bench] ${target.name} (${how}): load = start + GET /plugin + stop, median of ${rounds}: ${s(median(times[target.name]!))} (all: ${times[target.name]!.map(s).join(', ')})`,
  );
}
await gh.close();
removeTree(root);
