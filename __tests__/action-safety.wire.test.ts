// Issue 21 end to end with the committed bundle, against the GitHub stand-in and a Docker
// stand-in that succeeds: nothing unasked-for gets into a plugin, text from others stays data,
// output-dir keeps the user's files, and what can be checked before building is.
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { goBinary } from './support/elf';
import { startGitHubStandIn, type GitHubStandIn } from './support/github';
import { runAction, type RunOptions } from './support/runner';

const TOKEN = 'ghs_safetyTokenNeverPrinted21';
const SERVER_GO_MOD = 'module github.com/flow/server/v2\n\ngo 1.22\n\nrequire example.com/lib v1.2.0\n';
const FORGED_SERVER_GO_MOD =
  'module github.com/flow/server/v2\n\ngo 1.22\n\nrequire (\n\texample.com/lib v1.2.0\n\t"example.com/x\\n::stop-commands::pwned\\n::warning::forged" v1.0.0\n)\n';
const PLUGIN_GO_MOD = 'module github.com/me/hello\n\ngo 1.22\n\nrequire example.com/lib v1.2.0\n';

let gh: GitHubStandIn;
beforeAll(async () => {
  gh = await startGitHubStandIn({
    repos: {
      'flow/server': {
        token: TOKEN,
        commits: {
          a: { GO_VERSION: '1.22.4\n', 'go.mod': SERVER_GO_MOD },
          evil: { GO_VERSION: '1.22.4\n', 'go.mod': FORGED_SERVER_GO_MOD },
        },
        tags: { 'v2.0.0': 'a', 'v6.6.6': 'evil' },
        releases: [{ tag: 'v2.0.0' }, { tag: 'v6.6.6' }],
      },
      'me/hello': { token: TOKEN, releases: [{ tag: 'v0.1.0', draft: true }] },
    },
  });
});
afterAll(() => gh?.close());

function workspace(goMod = PLUGIN_GO_MOD): string {
  const ws = mkdtempSync(join(tmpdir(), 'flow-safety-'));
  writeFileSync(join(ws, 'go.mod'), goMod);
  return ws;
}

/**
 * A Docker stand-in: every image exists; tidy and builds succeed and print lines that try to be
 * workflow commands; a build writes a Go plugin (build info with -buildmode=plugin) where -o says.
 */
function dockerStandIn(dir: string): string {
  const plugin = join(dir, 'plugin.so');
  writeFileSync(
    plugin,
    goBinary({ machine: 62, bits: 64 }, 'go1.22.4', [
      'path\tgithub.com/me/hello',
      'mod\tgithub.com/me/hello\t(devel)\t',
      'build\t-buildmode=plugin',
      'build\tGOARCH=amd64',
    ]),
  );
  const script = join(dir, 'docker');
  writeFileSync(
    script,
    `#!/usr/bin/env node
const fs = require('node:fs');
const a = process.argv.slice(2);
if (a[0] === 'image') { console.log('sha256:' + 'a'.repeat(64)); process.exit(0); }
if (a[0] !== 'run') process.exit(0);
console.log('go: downloading example.com/lib v1.2.0');
console.log('::warning::forged by a module');
console.log('::add-mask::github');
console.log('::stop-commands::anything');
console.log('::error file=go.mod::forged error');
const o = a.indexOf('-o');
if (o > 0) {
  const out = a[a.findIndex((x, i) => a[i - 1] === '-v' && x.endsWith(':/out'))].replace(/:\\/out$/, '');
  fs.copyFileSync(${JSON.stringify(plugin)}, out + '/' + a[o + 1].replace(/^\\/out\\//, ''));
}
`,
  );
  chmodSync(script, 0o755);
  return script;
}

async function run(ws: string, inputs: Record<string, string>, extra: Partial<RunOptions> = {}) {
  const before = gh.requests.length;
  const r = await runAction({
    cwd: ws,
    inputs: {
      'server-repository': 'flow/server',
      'server-version': 'v2.0.0',
      'github-token': TOKEN,
      'go-mod-sync': 'off',
      targets: 'linux-amd64',
      cache: 'false',
      'build-cache': 'false',
      verify: 'false',
      'upload-artifacts': 'false',
      release: 'false',
      ...inputs,
    },
    env: {
      GITHUB_API_URL: gh.url,
      FLOW_GITHUB_RETRY_BASE_MS: '5',
      FLOW_DOCKER_BINARY: '/nonexistent/docker',
      ...extra.env,
    },
    timeoutMs: 60_000,
  });
  return { ...r, requests: gh.requests.length - before };
}

const errorLine = (stdout: string): string => stdout.split('\n').find((l) => l.startsWith('::error')) ?? '';

/** Lines of the log that the runner would read as workflow commands (outside stop-commands). */
function activeCommands(stdout: string): string[] {
  const out: string[] = [];
  let stoppedBy: string | undefined;
  for (const line of stdout.split('\n')) {
    const t = line.trim();
    if (stoppedBy !== undefined) {
      if (t === `::${stoppedBy}::`) stoppedBy = undefined;
      continue;
    }
    const m = /^::stop-commands::(.*)$/.exec(t);
    if (m) stoppedBy = m[1];
    else if (t.startsWith('::')) out.push(t);
  }
  return out;
}

describe('issue 21 with the bundle', () => {
  it.each([
    [{ 'docker-args': '-e GOFLAGS=-trimpath' }, /GOFLAGS has -trimpath, which is refused/],
    [{ 'docker-args': '--env=GOARM=5' }, /GOARM is set by the action or by the builder image/],
    [{ 'docker-args': '--env-file .env' }, /--env-file is refused/],
    [{ 'docker-args': '-u 0' }, /-u is refused/],
    [{ 'docker-args': '--platform linux/arm/v5' }, /--platform is refused/],
    [
      { 'release-tag': 'v1.0.0\n::warning::x' },
      /Input release-tag: "v1\.0\.0\\n::warning::x" holds a line break/,
    ],
  ])('%j is refused before any request', async (inputs, message) => {
    const r = await run(workspace(), inputs);
    expect(r.exitCode).toBe(1);
    expect(errorLine(r.stdout)).toMatch(message);
    expect(r.requests).toBe(0);
  });

  it("a forged module path in the server's go.mod: refused as Go refuses it, nothing of it becomes a command", async () => {
    const r = await run(workspace(), { 'server-version': 'v6.6.6', build: 'false' });
    expect(r.exitCode).toBe(1);
    expect(errorLine(r.stdout)).toMatch(
      /flow\/server@v6\.6\.6:go\.mod:7:1: malformed module path "example\.com\/x\\n::stop-commands::pwned\\n::warning::forged": invalid char/,
    );
    expect(
      activeCommands(r.stdout).filter((c) => /forged|pwned/.test(c) && !c.startsWith('::error')),
    ).toEqual([]);
    expect(r.outputs['server-module']).toBeUndefined();
  });

  it("a forged module path in the plugin's go.mod: refused before it is logged", async () => {
    const ws = workspace(PLUGIN_GO_MOD.replace('example.com/lib', '"example.com/lib\\n::warning::forged"'));
    const r = await run(ws, { build: 'false', 'plugin-name': 'hello' });
    expect(r.exitCode).toBe(1);
    expect(errorLine(r.stdout)).toMatch(
      /file=go\.mod,line=5,col=1::malformed module path "example\.com\/lib\\n::warning::forged"/,
    );
    expect(r.stdout).not.toMatch(/^::warning::forged/m);
  });

  it('container output is data: every forged command is between ::stop-commands:: and its token; stray plugins named', async () => {
    const ws = workspace();
    const docker = dockerStandIn(mkdtempSync(join(tmpdir(), 'flow-docker-')));
    // A plugin of an earlier run (another target name) sits in output-dir.
    mkdirSync(join(ws, 'build'));
    writeFileSync(join(ws, 'build', 'hello-linux-riscv64.so'), readFileSync(join(docker, '..', 'plugin.so')));
    const r = await run(ws, {}, { env: { FLOW_DOCKER_BINARY: docker } });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('::warning::forged by a module');
    expect(
      activeCommands(r.stdout).filter((c) => /forged|add-mask::github$|stop-commands::anything/.test(c)),
    ).toEqual([]);
    expect(r.stdout).toMatch(
      /^::notice title=plugins from earlier runs in output-dir::build also holds a plugin this run did not write: hello-linux-riscv64\.so/m,
    );
  });

  it("output-dir: the user's own file where a plugin or checksums.txt goes is refused before any request", async () => {
    const ws = workspace();
    writeFileSync(join(ws, 'hello-linux-amd64.so'), 'my notes\n');
    const plugin = await run(ws, { 'output-dir': '.' });
    expect(errorLine(plugin.stdout)).toMatch(
      /output-dir: hello-linux-amd64\.so is already there and it is not a Go plugin \(a file the action did not write\)/,
    );
    expect(plugin.requests).toBe(0);

    const ws2 = workspace();
    writeFileSync(join(ws2, 'checksums.txt'), `${'0'.repeat(64)}  go.mod\n`);
    const sums = await run(ws2, { 'output-dir': '.' });
    expect(errorLine(sums.stdout)).toMatch(
      /output-dir: checksums\.txt is already there and it lists go\.mod, which is not a Go plugin/,
    );
    expect(readFileSync(join(ws2, 'checksums.txt'), 'utf8')).toBe(`${'0'.repeat(64)}  go.mod\n`);
  });

  it('a run that will upload to a release that does not exist stops before building', async () => {
    const r = await run(
      workspace(),
      { release: 'auto' },
      { env: { GITHUB_REF: 'refs/tags/v9.9.9', GITHUB_EVENT_NAME: 'push', GITHUB_REPOSITORY: 'me/hello' } },
    );
    expect(r.exitCode).toBe(1);
    expect(errorLine(r.stdout)).toMatch(/me\/hello has no release for tag v9\.9\.9/);
    expect(r.stdout).not.toContain('::group::Builder images');
  });
});
