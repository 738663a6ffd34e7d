// Issue 12, class 9, for real: a job cancelled mid-build (the runner sends SIGINT, then SIGTERM)
// stops the containers the run started, removes partial plugin files and leaves go.mod whole.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { docker } from './support/docker';
import { builderGoVersions, removeTree, serverFiles } from './support/fixtures';
import { startGitHubStandIn, type GitHubStandIn } from './support/github';
import { bundlePath, inputEnv } from './support/runner';

const versions = await builderGoVersions();
if (versions.length < 1) throw new Error('need builder images (run .ci/docker.sh)');
const GO = versions.at(-1)!;
const TOKEN = 'ghs_cancelTestToken';

// A plugin without dependencies: nothing to download, and `-a` (the default build-flags) makes
// the build long enough to cancel in the middle.
const GO_MOD = 'module example.com/plugins/slow\n\ngo 1.19\n';
const MAIN_GO = 'package main\n\nfunc Hello() string { return "hello" }\n';

const root = mkdtempSync(join(tmpdir(), 'flow-action-cancel-'));
let gh: GitHubStandIn;
beforeAll(async () => {
  gh = await startGitHubStandIn({
    repos: {
      'flow/server': {
        token: TOKEN,
        commits: { a: serverFiles(GO) },
        tags: { 'v2.0.0': 'a' },
        releases: [{ tag: 'v2.0.0' }],
      },
    },
  });
});
afterAll(async () => {
  await gh?.close();
  removeTree(root);
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function containersNamed(prefix: string): Promise<string[]> {
  const r = await docker(['ps', '-a', '--filter', `name=${prefix}`, '--format', '{{.Names}}']);
  return r.stdout.split('\n').filter((n) => n.startsWith(prefix));
}

function start(name: string, inputs: Record<string, string>) {
  const ws = join(root, name);
  mkdirSync(ws, { recursive: true });
  writeFileSync(join(ws, 'go.mod'), GO_MOD);
  writeFileSync(join(ws, 'main.go'), MAIN_GO);
  const runnerTemp = join(root, 'runner-temp');
  mkdirSync(runnerTemp, { recursive: true });
  const summary = join(root, 'summary');
  const output = join(root, 'output');
  writeFileSync(summary, '');
  writeFileSync(output, '');

  const base: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !/^(INPUT_|GITHUB_|ACTIONS_|RUNNER_)/.test(k)) base[k] = v;
  }
  const child = spawn(process.execPath, [bundlePath], {
    cwd: ws,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...base,
      GITHUB_ACTIONS: 'true',
      GITHUB_WORKSPACE: ws,
      GITHUB_OUTPUT: output,
      GITHUB_STEP_SUMMARY: summary,
      GITHUB_REPOSITORY: 'plugin-owner/plugin',
      GITHUB_REF: 'refs/heads/main',
      GITHUB_EVENT_NAME: 'push',
      GITHUB_API_URL: gh.url,
      RUNNER_TEMP: runnerTemp,
      ...inputEnv({
        'server-repository': 'flow/server',
        'github-token': TOKEN,
        'server-version': 'v2.0.0',
        'go-mod-tidy': 'false',
        cache: 'false',
        'upload-artifacts': 'false',
        release: 'false',
        ...inputs,
      }),
    },
  });
  let stdout = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stdout += d.toString()));
  const exited = new Promise<number | null>((res) => child.on('close', (code) => res(code)));
  return { ws, child, exited, log: () => stdout };
}

describe('cancelling the job mid-build', () => {
  test('SIGINT then SIGTERM: the run stops its containers, removes partial files, go.mod is whole', async () => {
    const { ws, child, exited, log } = start('cancelled', {
      targets: 'linux-amd64,linux-arm64',
      parallel: '2',
    });

    // Wait until the run has named its containers and both are running.
    let prefix = '';
    for (let i = 0; i < 600 && !prefix; i++) {
      prefix = /named (flow-build-[0-9a-f]+-)<target>/.exec(log())?.[1] ?? '';
      if (!prefix) await sleep(100);
    }
    expect(prefix, log()).not.toBe('');
    let running: string[] = [];
    for (let i = 0; i < 300 && running.length < 2; i++) {
      running = await containersNamed(prefix);
      if (running.length < 2) await sleep(200);
    }
    expect(running.sort()).toEqual([`${prefix}linux-amd64`, `${prefix}linux-arm64`]);
    await sleep(3000); // mid-build: the linker has not written the plugins yet

    // As the runner does: SIGINT, then SIGTERM a little later (it waits 7.5 s; we are impatient).
    const signalled = Date.now();
    child.kill('SIGINT');
    await sleep(100); // while it removes the containers: the SIGTERM must not cut that short
    child.kill('SIGTERM');
    const code = await Promise.race([exited, sleep(30_000).then(() => 'timeout' as const)]);
    if (code === 'timeout') child.kill('SIGKILL');
    expect(code, log()).toBe(130);
    // The runner kills the process 10 s after SIGINT (7.5 s, then 2.5 s after SIGTERM).
    const stoppedMs = Date.now() - signalled;
    console.log(
      `cancel: exited ${stoppedMs} ms after SIGINT; SIGTERM ${log().includes('SIGTERM received while stopping') ? 'arrived while stopping' : 'came after the exit'}`,
    );
    expect(stoppedMs).toBeLessThan(10_000);

    expect(await containersNamed(prefix)).toEqual([]);
    expect(log()).toContain(`Cancelled: container ${prefix}linux-amd64`);
    expect(log()).toContain(`Cancelled: container ${prefix}linux-arm64`);
    const left = readdirSync(join(ws, 'build'));
    expect(left.filter((f) => f.endsWith('.partial'))).toEqual([]);
    expect(readFileSync(join(ws, 'go.mod'), 'utf8')).toBe(GO_MOD);
    expect(readdirSync(ws).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    // The job summary says what happened.
    expect(readFileSync(join(root, 'summary'), 'utf8')).toMatch(
      /failed at Build[\s\S]*The job was cancelled \(SIGINT\) during Build/,
    );
  });
});

describe('a run that is not cancelled', () => {
  test('builds in named containers and leaves none behind', async () => {
    const { ws, exited, log } = start('whole', { targets: 'linux-amd64' });
    expect(await exited, log()).toBe(0);
    const prefix = /named (flow-build-[0-9a-f]+-)<target>/.exec(log())?.[1] ?? '';
    expect(prefix).not.toBe('');
    expect(await containersNamed(prefix)).toEqual([]);
    expect(readdirSync(join(ws, 'build')).sort()).toEqual([
      'checksums.txt',
      'plugins.json',
      'slow-linux-amd64.so',
    ]);
  });
});
