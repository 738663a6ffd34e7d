// Issue 12, end to end with the committed bundle: what a careless or hostile user can do to the
// action is refused before any side effect, stays inside the workspace, and fails in plain words
// (and with a job summary). Run against the GitHub stand-in, build: false unless said otherwise.
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitHubStandIn, type GitHubStandIn } from './support/github';
import { runAction, type RunOptions } from './support/runner';

const TOKEN = 'ghs_hardenTokenNeverPrinted77';

const SERVER_GO_MOD = 'module github.com/flow/server/v2\n\ngo 1.22\n\nrequire example.com/lib v1.2.0\n';
const PLUGIN_GO_MOD = 'module github.com/me/hello\n\ngo 1.22\n\nrequire example.com/lib v1.3.0\n';

let gh: GitHubStandIn;
beforeAll(async () => {
  gh = await startGitHubStandIn({
    repos: {
      'flow/server': {
        token: TOKEN,
        commits: { a: { GO_VERSION: '1.22.4\n', 'go.mod': SERVER_GO_MOD } },
        tags: { 'v2.0.0': 'a', 'v2.1.0': 'a' },
        releases: [{ tag: 'v2.0.0' }, { tag: 'v2.1.0' }],
      },
    },
  });
});
afterAll(() => gh?.close());

/** A workspace holding the plugin at its root (or in `sub`). */
function workspace(goMod = PLUGIN_GO_MOD, sub = '.'): string {
  const ws = mkdtempSync(join(tmpdir(), 'flow-harden-'));
  mkdirSync(join(ws, sub), { recursive: true });
  writeFileSync(join(ws, sub, 'go.mod'), goMod);
  return ws;
}

async function run(ws: string, inputs: Record<string, string>, extra: Partial<RunOptions> = {}) {
  const before = gh.requests.length;
  const r = await runAction({
    cwd: ws,
    inputs: { 'server-repository': 'flow/server', build: 'false', 'github-token': TOKEN, ...inputs },
    env: {
      GITHUB_API_URL: gh.url,
      FLOW_GITHUB_RETRY_BASE_MS: '5',
      FLOW_DOCKER_BINARY: '/nonexistent/docker', // no test here reaches Docker
      ...extra.env,
    },
    timeoutMs: extra.timeoutMs ?? 60_000,
  });
  return { ...r, requests: gh.requests.length - before, log: r.stdout + r.stderr };
}

/** A loopback port nothing listens on (bound, then closed). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

/** `chattr +i` / `-i`: not writable even for root; false when chattr is not available. */
function immutable(path: string, on: boolean): boolean {
  try {
    execFileSync('chattr', [on ? '+i' : '-i', path], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const errorLine = (stdout: string): string => stdout.split('\n').find((l) => l.startsWith('::error')) ?? '';

describe('1. everything is checked before any request or write', () => {
  it.each([
    [{ 'file-name': 'plugin.so' }, /Input file-name: file-name "plugin\.so" gives "plugin\.so" for both/],
    [{ 'file-name': '{name}/{target}.so' }, /not a safe file name/],
    [{ 'file-name': 'go.mod', targets: 'linux-amd64' }, /gives "go\.mod"/],
    [{ targets: 'linux-amd64 linux-arm64' }, /separate targets with commas or newlines, not spaces/],
    [{ 'build-flags': '-tags "netgo' }, /double quote at character 7 is never closed/],
    [{ 'build-flags': '-v ./cmd' }, /"\.\/cmd" is not a flag/],
    [{ 'docker-args': '--mount type=bind,src=/x,dst=//proj/' }, /own mount of \/proj/],
    [
      { 'file-name': '{name}-{server}-{target}.so', 'server-version': 'release/2' },
      /gives "plugin-release\/2-linux-amd64\.so", which is not a safe file name/,
    ],
  ])('%j: refused, no request, go.mod untouched', async (inputs, message) => {
    const ws = workspace();
    const r = await run(ws, { build: 'true', ...inputs });
    expect(r.exitCode).toBe(1);
    expect(errorLine(r.stdout)).toMatch(message);
    expect(r.requests).toBe(0);
    expect(readFileSync(join(ws, 'go.mod'), 'utf8')).toBe(PLUGIN_GO_MOD);
  });

  it('output-dir that is a file, or a folder where a plugin goes: refused before any request', async () => {
    const ws = workspace();
    writeFileSync(join(ws, 'out'), 'a file');
    const file = await run(ws, { build: 'true', 'output-dir': 'out/plugins' });
    expect(errorLine(file.stdout)).toMatch(/output-dir: out is a regular file, not a folder/);
    expect(file.requests).toBe(0);

    mkdirSync(join(ws, 'build', 'hello-linux-amd64.so'), { recursive: true });
    const dir = await run(ws, { build: 'true', targets: 'linux-amd64' });
    expect(errorLine(dir.stdout)).toMatch(
      /output-dir: build\/hello-linux-amd64\.so is a folder, where the plugin for linux-amd64 would be written/,
    );
    expect(dir.requests).toBe(0);
    expect(readFileSync(join(ws, 'go.mod'), 'utf8')).toBe(PLUGIN_GO_MOD);
  });

  it('GOFLAGS=-trimpath in the step environment is refused like build-flags', async () => {
    const r = await run(workspace(), {}, { env: { GOFLAGS: '-mod=mod -trimpath' } });
    expect(errorLine(r.stdout)).toMatch(/GOFLAGS in the step's environment has -trimpath, which is refused/);
    expect(r.requests).toBe(0);
  });
});

describe('2. the run stays inside the workspace', () => {
  it.each([
    [{ 'working-directory': '..' }, /Input working-directory: "\.\." is outside the workspace/],
    [{ 'working-directory': '/etc' }, /Input working-directory: "\/etc" is outside the workspace/],
    [{ 'output-dir': '/tmp/flow-out', build: 'true' }, /Input output-dir: "\/tmp\/flow-out" is outside/],
    [{ 'output-dir': '../../x', build: 'true' }, /Input output-dir: "\.\.\/\.\.\/x" is outside/],
  ])('%j is refused', async (inputs, message) => {
    const r = await run(workspace(), inputs);
    expect(r.exitCode).toBe(1);
    expect(errorLine(r.stdout)).toMatch(message);
    expect(r.requests).toBe(0);
  });

  it("a go.mod symlinked to a file outside the workspace is refused before it is read: the file's content never reaches the log", async () => {
    const secretDir = mkdtempSync(join(tmpdir(), 'flow-secret-'));
    const secret = join(secretDir, 'credentials');
    writeFileSync(secret, 'password=SECRET_hunter2_LINE\naws_key=SECRET_AKIA_LINE\n');
    const ws = mkdtempSync(join(tmpdir(), 'flow-harden-'));
    symlinkSync(secret, join(ws, 'go.mod'));
    for (const mode of ['cap', 'check', 'off']) {
      const r = await run(ws, { 'go-mod-sync': mode, build: 'true' });
      expect(r.exitCode).toBe(1);
      expect(errorLine(r.stdout)).toMatch(/go\.mod is a symlink to a file outside the workspace/);
      expect(r.log).not.toContain('SECRET_');
      expect(r.requests).toBe(0);
    }
    expect(lstatSync(join(ws, 'go.mod')).isSymbolicLink()).toBe(true);
    expect(readFileSync(secret, 'utf8')).toContain('SECRET_hunter2_LINE');
  });

  it('a working-directory that is a symlink out of the workspace is refused', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'flow-outside-'));
    writeFileSync(join(outside, 'go.mod'), PLUGIN_GO_MOD);
    const ws = mkdtempSync(join(tmpdir(), 'flow-harden-'));
    symlinkSync(outside, join(ws, 'plugin'));
    const r = await run(ws, { 'working-directory': 'plugin' });
    expect(errorLine(r.stdout)).toMatch(
      /working-directory: plugin leads outside the workspace through a symlink/,
    );
    expect(r.requests).toBe(0);
  });

  it('a go.mod symlinked inside the workspace stays a symlink; its target is rewritten', async () => {
    const ws = workspace(PLUGIN_GO_MOD, 'shared');
    mkdirSync(join(ws, 'plugin'));
    symlinkSync('../shared/go.mod', join(ws, 'plugin', 'go.mod'));
    const r = await run(ws, { 'working-directory': 'plugin' });
    expect(r.exitCode, r.stdout).toBe(0);
    expect(lstatSync(join(ws, 'plugin', 'go.mod')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(ws, 'plugin', 'go.mod'))).toBe('../shared/go.mod');
    expect(readFileSync(join(ws, 'shared', 'go.mod'), 'utf8')).toContain('example.com/lib v1.2.0');
  });

  it('with build: true a go.mod symlink must stay inside working-directory, where the containers see it', async () => {
    const ws = workspace(PLUGIN_GO_MOD, 'shared');
    mkdirSync(join(ws, 'plugin'));
    symlinkSync('../shared/go.mod', join(ws, 'plugin', 'go.mod'));
    const r = await run(ws, { 'working-directory': 'plugin', build: 'true' });
    expect(errorLine(r.stdout)).toMatch(
      /plugin\/go\.mod is a symlink to \.\.\/shared\/go\.mod, which the build containers cannot see/,
    );
    expect(r.requests).toBe(0);

    const inside = workspace(PLUGIN_GO_MOD, 'p/mods');
    symlinkSync('mods/go.mod', join(inside, 'p', 'go.mod'));
    const ok = await run(inside, { 'working-directory': 'p', build: 'true' });
    expect(errorLine(ok.stdout)).not.toMatch(/symlink/); // gets as far as Docker (absent here)
    expect(ok.requests).toBeGreaterThan(0);
  });

  it('verify: true for a target this runner cannot run is refused before any request or write', async () => {
    // A binfmt_misc folder without handlers: a runner where arm64 binaries cannot run.
    const binfmt = mkdtempSync(join(tmpdir(), 'flow-binfmt-'));
    writeFileSync(join(binfmt, 'status'), 'enabled\n');
    const ws = workspace();
    const inputs = { build: 'true', verify: 'true', targets: 'linux-amd64,linux-arm64' };
    const r = await run(ws, inputs, { env: { FLOW_BINFMT_DIR: binfmt } });
    expect(r.exitCode).toBe(1);
    expect(errorLine(r.stdout)).toContain(
      'verify is true, but this runner cannot run linux-arm64 (no emulator for arm64 is registered on this runner), so those plugins could not be loaded before the upload. Add `- uses: docker/setup-qemu-action@v4` before this step, or set verify: auto to load the plugins this runner can run (verify: false loads none). Nothing was built or uploaded.',
    );
    expect(r.requests).toBe(0);
    expect(readFileSync(join(ws, 'go.mod'), 'utf8')).toBe(PLUGIN_GO_MOD);
    // auto goes on (to Docker, absent here): the unrunnable target is only left unverified later.
    const auto = await run(workspace(), { ...inputs, verify: 'auto' }, { env: { FLOW_BINFMT_DIR: binfmt } });
    expect(errorLine(auto.stdout)).not.toMatch(/verify is true/);
    expect(errorLine(auto.stdout)).toMatch(/No builder image/);
    expect(auto.requests).toBeGreaterThan(0);
  });

  it('a file that is not a go.mod is quoted in a bounded excerpt at most', async () => {
    const long = `password=${'x'.repeat(5000)}\n`;
    const r = await run(workspace(long), {});
    expect(r.exitCode).toBe(1);
    for (const line of r.stdout.split('\n').filter((l) => l.startsWith('::error'))) {
      expect(line.length).toBeLessThan(400);
    }
    expect(r.log).not.toContain('x'.repeat(200));
  });
});

describe('7. plain messages for file-system and network failures', () => {
  it('working-directory that is a file', async () => {
    const ws = workspace();
    writeFileSync(join(ws, 'plugin'), 'not a folder');
    const r = await run(ws, { 'working-directory': 'plugin' });
    expect(errorLine(r.stdout)).toMatch(/working-directory: plugin is a regular file, not a folder/);
    expect(r.log).not.toMatch(/ENOTDIR|EISDIR|EEXIST|EACCES/);
  });

  it('go.mod that is a folder', async () => {
    const ws = mkdtempSync(join(tmpdir(), 'flow-harden-'));
    mkdirSync(join(ws, 'go.mod'));
    const r = await run(ws, {});
    expect(errorLine(r.stdout)).toMatch(/go\.mod is a folder, not a regular file/);
    expect(r.log).not.toMatch(/ENOTDIR|EISDIR|EEXIST|EACCES/);
  });

  it('a go.mod that cannot be written: cap says so and that check needs no write; check runs', async () => {
    const ws = workspace();
    const goMod = join(ws, 'go.mod');
    if (!immutable(goMod, true)) return; // chattr is not available here: nothing to test with
    try {
      const cap = await run(ws, {});
      expect(errorLine(cap.stdout)).toMatch(
        /go\.mod is not writable: go-mod-sync: align rewrites it .* or set go-mod-sync: check \(needs no write\)/,
      );
      expect(cap.requests).toBe(0);
      expect(cap.log).not.toMatch(/EACCES|EPERM/);
      const check = await run(ws, { 'go-mod-sync': 'check' });
      expect(check.stdout).toMatch(/::error::go\.mod requires 1 module version other than the server's/);
    } finally {
      immutable(goMod, false);
    }
  });

  it('an output-dir that cannot be written is refused before any request', async () => {
    const ws = workspace();
    mkdirSync(join(ws, 'build'));
    if (!immutable(join(ws, 'build'), true)) return;
    try {
      const r = await run(ws, { build: 'true' });
      expect(errorLine(r.stdout)).toMatch(/output-dir: build is not writable for the runner's user/);
      expect(r.requests).toBe(0);
    } finally {
      immutable(join(ws, 'build'), false);
    }
  });

  it('go.mod that is a FIFO is refused at once instead of hanging', async () => {
    const ws = mkdtempSync(join(tmpdir(), 'flow-harden-'));
    execFileSync('mkfifo', [join(ws, 'go.mod')]);
    const started = Date.now();
    const r = await run(ws, {}, { timeoutMs: 20_000 });
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(errorLine(r.stdout)).toMatch(/go\.mod is a FIFO \(named pipe\), not a regular file/);
    expect(r.requests).toBe(0);
  });

  it('a refused connection says the API could not be reached, not "GitHub answered 500"', async () => {
    const port = await closedPort();
    const r = await run(workspace(), {}, { env: { GITHUB_API_URL: `http://127.0.0.1:${port}` } });
    expect(r.exitCode).toBe(1);
    expect(errorLine(r.stdout)).toMatch(
      new RegExp(
        `Could not reach the GitHub API at http://127\\.0\\.0\\.1:${port} while listing the releases of flow/server \\(connect ECONNREFUSED`,
      ),
    );
    expect(r.stdout).not.toMatch(/answered 500/);
  });

  it('a host that does not resolve says the API could not be reached, not a raw DNS error', async () => {
    // .invalid never resolves (RFC 6761): ENOTFOUND, or EAI_AGAIN where DNS is not reachable at all.
    const url = 'http://flow-github-api.invalid';
    const r = await run(workspace(), {}, { env: { GITHUB_API_URL: url } });
    expect(r.exitCode).toBe(1);
    expect(errorLine(r.stdout)).toMatch(
      /Could not reach the GitHub API at http:\/\/flow-github-api\.invalid while listing the releases of flow\/server \(.*(ENOTFOUND|EAI_AGAIN)/,
    );
    expect(r.stdout).not.toMatch(/answered 500/);
    expect(r.log).not.toMatch(/^\s+at /m); // no stack trace
  });

  it('a 200 that is not JSON is "GitHub returned an invalid response", not a TypeError', async () => {
    gh.inject({ path: /\/releases\?/, raw: { text: '<html><body>Sign in to the proxy</body></html>' } });
    const r = await run(workspace(), {});
    gh.clearFaults();
    expect(r.exitCode).toBe(1);
    expect(errorLine(r.stdout)).toMatch(
      /GitHub returned an invalid response to GET \/repos\/flow\/server\/releases/,
    );
    expect(r.log).not.toMatch(/TypeError/);
  });

  it.each(['not a url', 'http://[::1', 'ftp://example.com'])(
    'GITHUB_API_URL=%j is an ::error line, not a stack trace at load time',
    async (url) => {
      const r = await run(workspace(), {}, { env: { GITHUB_API_URL: url } });
      expect(r.exitCode).toBe(1);
      expect(errorLine(r.stdout)).toMatch(/GITHUB_API_URL ".*" is not an http\(s\) URL/);
      expect(r.log).not.toMatch(/\n\s+at /);
      expect(r.requests).toBe(0);
    },
  );

  it('a token with a newline is an input error at once, never echoed', async () => {
    const bad = 'ghs_line1Secret\nghs_line2Secret';
    const r = await run(workspace(), { 'github-token': bad });
    expect(r.exitCode).toBe(1);
    expect(errorLine(r.stdout)).toMatch(/Input github-token: the token contains a line break/);
    expect(r.log).not.toContain('line1Secret');
    expect(r.log).not.toContain('line2Secret');
    expect(r.requests).toBe(0);
  });

  it("the API's error text is shown without the token, even when the server echoes it", async () => {
    gh.inject({
      path: /\/releases\?/,
      status: 422,
      body: { message: `Validation failed for token ${TOKEN} (${TOKEN})` },
    });
    const r = await run(workspace(), {});
    gh.clearFaults();
    expect(r.exitCode).toBe(1);
    expect(errorLine(r.stdout)).toMatch(/GitHub answered 422 .*Validation failed for token \*\*\*/);
    expect(r.log.replace(`::add-mask::${TOKEN}`, '')).not.toContain(TOKEN);
  });
});

describe('6. repository edges and ranges over the wire', () => {
  it('a range with a leading = resolves as semver reads it', async () => {
    const r = await run(workspace(), { 'server-version': '=2.0.0' });
    expect(r.exitCode, r.stdout).toBe(0);
    expect(r.outputs['server-version']).toBe('v2.0.0');
  });

  it.each(['flow/..', 'flow/.'])('server-repository %s is refused before any request', async (repo) => {
    const r = await run(workspace(), { 'server-repository': repo });
    expect(errorLine(r.stdout)).toMatch(/Input server-repository: ".*" is not owner\/name/);
    expect(r.requests).toBe(0);
  });
});

describe('8. a failed run still reports', () => {
  it('the job summary says what ran, what failed and what to do', async () => {
    const r = await run(workspace(), { 'go-mod-sync': 'check' });
    expect(r.exitCode).toBe(1);
    expect(r.summary).toContain('failed at Sync go.mod');
    expect(r.summary).toMatch(/\| Inputs \| ✅ \|/);
    expect(r.summary).toMatch(/\| Resolve server \| ✅: flow\/server v2\.1\.0, Go 1\.22\.4 \|/);
    expect(r.summary).toMatch(/\| Sync go\.mod \| ❌ failed \|/);
    expect(r.summary).toMatch(/\| Build \| - skipped \|/);
    expect(r.summary).toContain('### What failed and what to do');
    expect(r.summary).toContain('Set go-mod-sync: cap');
  });

  it('an input error is in the summary too (and summary: false writes none)', async () => {
    const r = await run(workspace(), { 'go-mod-sync': 'rewrite' });
    expect(r.summary).toContain('failed at Inputs');
    expect(r.summary).toContain('Input go-mod-sync');
    const quiet = await run(workspace(), { 'go-mod-sync': 'rewrite', summary: 'false' });
    expect(quiet.summary).toBe('');
  });

  it('build: false does not claim "0 of 0 targets built"', async () => {
    const r = await run(workspace(), {});
    expect(r.exitCode, r.stdout).toBe(0);
    expect(r.summary).not.toMatch(/0 of 0/);
    expect(r.summary).toContain('no plugins were built (`build: false`)');
  });

  it('a refused run leaves no output folder behind', async () => {
    const ws = workspace();
    await run(ws, { build: 'true', 'file-name': 'plugin.so' });
    expect(existsSync(join(ws, 'build'))).toBe(false);
  });
});
