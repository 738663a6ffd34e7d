// End to end over the real wire: the committed bundle, run as the runner runs it, resolves the
// server release from the GitHub stand-in and syncs the plugin's go.mod (build: false).
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capGoMod } from '../src/gomod';
import { startGitHubStandIn, type GitHubStandIn } from './support/github';
import { runAction, type RunOptions } from './support/runner';

const TOKEN = 'ghs_e2eSecretTokenNeverPrinted42';
// Authenticated by default, as on a runner (anonymous callers get 60 requests an hour).
const PUBLIC_TOKEN = 'ghs_publicReadToken';

const serverGoMod = (lib: string, toolchain?: string): string =>
  [
    'module github.com/flow/server/v2',
    '',
    'go 1.22',
    ...(toolchain ? [`toolchain ${toolchain}`] : []),
    '',
    'require (',
    `\texample.com/lib ${lib}`,
    '\tgithub.com/gorilla/websocket v1.4.2',
    '\tgolang.org/x/text v0.14.0 // indirect',
    ')',
    '',
  ].join('\n');

const PLUGIN_GO_MOD = [
  'module github.com/me/hello/v2',
  '',
  'go 1.22',
  '',
  'require (',
  '\texample.com/lib v1.3.0 // pinned by hand',
  '\tgithub.com/gorilla/websocket v1.5.0',
  '\tgithub.com/only/plugin v0.1.0',
  ')',
  '',
  'require golang.org/x/text v0.3.0 // indirect',
  '',
].join('\n');

let gh: GitHubStandIn;
beforeAll(async () => {
  gh = await startGitHubStandIn({
    repos: {
      'flow/server': {
        token: PUBLIC_TOKEN,
        commits: {
          old: { GO_VERSION: '1.19.8\n', 'go.mod': serverGoMod('v1.1.0') },
          mid: { GO_VERSION: '1.22.4\n', 'go.mod': serverGoMod('v1.2.0', 'go1.22.5') },
          new: { 'go.mod': serverGoMod('v1.2.5', 'go1.23.2') },
          nogo: { 'go.mod': serverGoMod('v1.2.0') },
        },
        tags: {
          'v1.9.0': 'old',
          'v2.0.0': 'mid',
          'v2.1.0': 'mid',
          'v2.2.0-rc.1': 'new',
          'v2.3.0': 'new',
          'v2.4.0': 'nogo',
        },
        releases: [
          { tag: 'v1.9.0' },
          { tag: 'v2.0.0' },
          { tag: 'v2.1.0' },
          { tag: 'v2.2.0-rc.1', prerelease: true },
          { tag: 'v2.3.0', draft: true },
          { tag: 'v2.4.0', draft: true },
          { tag: 'v2.9.0', draft: true }, // a draft's tag does not exist until it is published
        ],
      },
      'flow/tagsonly': {
        commits: { a: { GO_VERSION: '1.21.3\n', 'go.mod': serverGoMod('v1.2.0') } },
        tags: { 'v0.1.0': 'a', 'v0.2.0': 'a' },
      },
      'flow/private': {
        private: true,
        token: TOKEN,
        commits: { a: { GO_VERSION: '1.22.4\n', 'go.mod': serverGoMod('v1.2.0') } },
        tags: { 'v1.0.0': 'a' },
        releases: [{ tag: 'v1.0.0' }],
      },
    },
  });
});
afterAll(() => gh?.close());

function pluginDir(goMod = PLUGIN_GO_MOD): string {
  const dir = mkdtempSync(join(tmpdir(), 'flow-plugin-'));
  writeFileSync(join(dir, 'go.mod'), goMod);
  return dir;
}

async function run(inputs: Record<string, string>, dir = pluginDir(), extra: Partial<RunOptions> = {}) {
  const r = await runAction({
    cwd: dir,
    inputs: { 'server-repository': 'flow/server', build: 'false', 'github-token': PUBLIC_TOKEN, ...inputs },
    env: {
      GITHUB_API_URL: gh.url,
      FLOW_GITHUB_RETRY_BASE_MS: '5',
      ...extra.env,
    },
    timeoutMs: 60_000,
  });
  return { ...r, dir, goMod: readFileSync(join(dir, 'go.mod'), 'utf8') };
}

describe('resolve the server release', () => {
  it('latest: the newest published release, its Go version, module and a capped go.mod', async () => {
    const r = await run({});
    expect(r.exitCode, r.stdout).toBe(0);
    expect(r.outputs['server-version']).toBe('v2.1.0'); // rc and drafts are not latest
    expect(r.outputs['go-version']).toBe('1.22.4');
    expect(r.outputs['server-module']).toBe('github.com/flow/server/v2');
    expect(JSON.parse(r.outputs['go-mod-changes']!)).toEqual([
      { module: 'example.com/lib', from: 'v1.3.0', to: 'v1.2.0', step: 'cap' },
      { module: 'github.com/gorilla/websocket', from: 'v1.5.0', to: 'v1.4.2', step: 'cap' },
      { module: 'golang.org/x/text', from: 'v0.3.0', to: 'v0.14.0', step: 'cap' },
    ]);
    expect(r.goMod).toBe(capGoMod(serverGoMod('v1.2.0', 'go1.22.5'), PLUGIN_GO_MOD).text);
    expect(r.goMod).toContain('example.com/lib v1.2.0 // pinned by hand');
    expect(r.goMod).toContain('github.com/only/plugin v0.1.0');
    expect(r.stdout).toContain('::group::Resolve server');
    expect(r.stdout).toContain('::group::Sync go.mod');
    expect(r.stdout).toMatch(/example\.com\/lib\s+v1\.3\.0 -> v1\.2\.0/);
    // GO_VERSION (1.22.4) and toolchain (go1.22.5) disagree: warned, GO_VERSION wins.
    expect(r.stdout).toMatch(/::warning::GO_VERSION at v2\.0\.0|::warning::GO_VERSION at v2\.1\.0/);
  });

  it.each([
    ['2.0.0', 'v2.0.0', '1.22.4'],
    ['v1.9.0', 'v1.9.0', '1.19.8'],
    ['^1', 'v1.9.0', '1.19.8'],
    ['>=2.0.0 <2.1.0', 'v2.0.0', '1.22.4'],
    ['2.x', 'v2.1.0', '1.22.4'],
    ['^2.2.0-rc.1', 'v2.2.0-rc.1', '1.23.2'],
  ])('server-version %s -> %s (Go %s)', async (spec, tag, go) => {
    const r = await run({ 'server-version': spec });
    expect(r.exitCode, r.stdout).toBe(0);
    expect(r.outputs['server-version']).toBe(tag);
    expect(r.outputs['go-version']).toBe(go);
  });

  it('prereleases only when asked; the toolchain line stands in for a missing GO_VERSION', async () => {
    const r = await run({ 'include-prereleases': 'true' });
    expect(r.outputs['server-version']).toBe('v2.2.0-rc.1');
    expect(r.outputs['go-version']).toBe('1.23.2');
  });

  it('resolves a repository with tags but no releases from its tags', async () => {
    const r = await run({ 'server-repository': 'flow/tagsonly' });
    expect(r.exitCode, r.stdout).toBe(0);
    expect(r.outputs['server-version']).toBe('v0.2.0');
    expect(r.outputs['go-version']).toBe('1.21.3');
  });

  it.each(['v2.9.0', '>=2.3'])(
    'a draft is never picked (%s), and the error lists what exists',
    async (spec) => {
      const r = await run({ 'server-version': spec });
      expect(r.exitCode).toBe(1);
      expect(r.stdout).toMatch(/::error::.*(v2\.9\.0|>=2\.3)[\s\S]*v2\.1\.0/);
      expect(readFileSync(join(r.dir, 'go.mod'), 'utf8')).toBe(PLUGIN_GO_MOD);
    },
  );

  it('no release in a range: says so and lists the nearest', async () => {
    const r = await run({ 'server-version': '^9' });
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(/::error::.*\^9[\s\S]*v2\.1\.0/);
  });

  it('a private repository: 404 without a token says to set github-token; with it, it works and the token is never printed', async () => {
    const denied = await run({ 'server-repository': 'flow/private', 'github-token': '' });
    expect(denied.exitCode).toBe(1);
    expect(denied.stdout).toMatch(/::error::.*github-token/);

    const before = gh.requests.length;
    const ok = await run({ 'server-repository': 'flow/private', 'github-token': TOKEN });
    expect(ok.exitCode, ok.stdout).toBe(0);
    expect(ok.outputs['server-version']).toBe('v1.0.0');
    const sent = gh.requests.slice(before).map((q) => q.headers.authorization);
    expect(sent.every((h) => h === `token ${TOKEN}` || h === `Bearer ${TOKEN}`)).toBe(true);
    // The only place it appears is the command that tells the runner to mask it.
    expect((ok.stdout + ok.stderr).split(TOKEN).length - 1).toBe(1);
    expect(ok.stdout).toContain(`::add-mask::${TOKEN}\n`);
  });

  it('a bad token: 401 is explained', async () => {
    const r = await run({ 'server-repository': 'flow/private', 'github-token': 'ghs_wrong' });
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(/::error::.*(401|[Bb]ad credentials|github-token)/);
    expect(r.stdout.replace('::add-mask::ghs_wrong', '')).not.toContain('ghs_wrong');
  });

  it('a tag with neither GO_VERSION nor a toolchain line fails and says so', async () => {
    // v2.4.0's release is a draft, but its tag exists: an exact tag resolves from the tags.
    const r = await run({ 'server-version': 'v2.4.0' });
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(/::error::v2\.4\.0 has neither a GO_VERSION file nor a toolchain line/);
  });
});

describe('faults over the wire', () => {
  it('retries 5xx and dropped connections, then succeeds', async () => {
    gh.inject({ path: /\/releases\?/, status: 502, times: 1 });
    gh.inject({ path: /\/contents\/go\.mod/, drop: true, times: 1 });
    const r = await run({});
    expect(r.exitCode, r.stdout).toBe(0);
    expect(r.outputs['server-version']).toBe('v2.1.0');
    expect(gh.requestsTo('GET', /\/releases\?/).some((q) => q.status === 502)).toBe(true);
    gh.clearFaults();
  });

  it('gives up within the bound and says what failed', async () => {
    gh.inject({ path: /\/releases\?/, status: 503, times: 100 });
    const started = Date.now();
    const r = await run({});
    gh.clearFaults();
    expect(r.exitCode).toBe(1);
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(r.stdout).toMatch(/::error::.*503/);
  });
});

describe('go-mod-sync', () => {
  it('check: fails listing every mismatch, each an annotation on its go.mod line; go.mod untouched', async () => {
    const r = await run({ 'go-mod-sync': 'check', 'server-version': 'v2.0.0' });
    expect(r.exitCode).toBe(1);
    expect(r.goMod).toBe(PLUGIN_GO_MOD);
    expect(r.stdout).toContain(
      '::error title=go.mod mismatch,file=go.mod,line=6::example.com/lib v1.3.0 differs from the server',
    );
    expect(r.stdout).toContain('file=go.mod,line=7::github.com/gorilla/websocket v1.5.0');
    expect(r.stdout).toContain('file=go.mod,line=11::golang.org/x/text v0.3.0');
    expect(r.stdout).toMatch(/requires 3 module versions other than the server's/);
  });

  it('off: go.mod is not touched and no changes are reported', async () => {
    const r = await run({ 'go-mod-sync': 'off' });
    expect(r.exitCode, r.stdout).toBe(0);
    expect(r.goMod).toBe(PLUGIN_GO_MOD);
    expect(r.outputs['go-mod-changes']).toBe('[]');
  });

  it('cap on a go.mod that already matches leaves the file alone, byte for byte and mtime', async () => {
    const matching = capGoMod(serverGoMod('v1.2.0'), PLUGIN_GO_MOD).text.replace('\n', '\r\n'); // odd bytes stay
    const dir = pluginDir(matching);
    const before = statSync(join(dir, 'go.mod')).mtimeMs;
    await new Promise((res) => setTimeout(res, 20));
    const r = await run({ 'server-version': 'v2.0.0' }, dir);
    expect(r.exitCode, r.stdout).toBe(0);
    expect(r.goMod).toBe(matching);
    expect(statSync(join(dir, 'go.mod')).mtimeMs).toBe(before);
    expect(r.outputs['go-mod-changes']).toBe('[]');
  });

  it('an invalid plugin go.mod fails with file:line:column and is left as it was', async () => {
    const broken = 'module example.com/p\n\nrequire (\n\texample.com/lib\n)\n';
    const r = await run({}, pluginDir(broken));
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(/::error::go\.mod:4:\d+: /);
    expect(r.stdout).toMatch(/::error title=invalid go\.mod,file=go\.mod,line=4,col=\d+::/);
    expect(r.goMod).toBe(broken);
  });

  it("a go line newer than the server's Go fails before any image is touched, on that line", async () => {
    const newer = PLUGIN_GO_MOD.replace('go 1.22', 'go 1.24');
    const r = await run({ build: 'true', 'server-version': 'v2.0.0' }, pluginDir(newer), {
      env: { FLOW_DOCKER_BINARY: '/nonexistent/docker' }, // any docker call would fail differently
    });
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain(
      "::error title=go line newer than the server,file=go.mod,line=3::go.mod says go 1.24, newer than the server's Go 1.22.4",
    );
    expect(r.stdout).toContain('go mod edit -go=1.22');
    expect(r.stdout).not.toContain('::group::Builder images');
  });

  it('a missing go.mod points at working-directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flow-empty-'));
    const r = await runAction({
      cwd: dir,
      inputs: { 'server-repository': 'flow/server', build: 'false', 'github-token': PUBLIC_TOKEN },
      env: { GITHUB_API_URL: gh.url },
    });
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(/::error::There is no go\.mod in .*: set working-directory/);
  });

  it('bad input fails before any request, naming the input', async () => {
    const before = gh.requests.length;
    const r = await run({ 'go-mod-sync': 'rewrite' });
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain(
      '::error::Input go-mod-sync: "rewrite" is not allowed; write one of "align", "cap", "check", "off"',
    );
    expect(gh.requests.length).toBe(before);
  });
});
