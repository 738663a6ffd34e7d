// Several server releases in one step, over the real wire: the committed bundle resolves every
// release a range selects from the GitHub stand-in, syncs go.mod for each in a scratch copy (the
// workspace go.mod is left byte-identical), and says which releases it built and skipped.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitHubStandIn, type GitHubStandIn } from './support/github';
import { runAction } from './support/runner';

const TOKEN = 'ghs_publicReadToken';
const serverGoMod = (lib: string) =>
  `module github.com/flow/server/v2\n\ngo 1.19\n\nrequire (\n\texample.com/lib ${lib}\n\tgithub.com/gorilla/websocket v1.4.2\n)\n`;
const PLUGIN_GO_MOD =
  'module github.com/me/hello/v2\n\ngo 1.21\n\nrequire (\n\texample.com/lib v1.3.0 // pinned by hand\n\tgithub.com/gorilla/websocket v1.5.0\n)\n';

let gh: GitHubStandIn;
beforeAll(async () => {
  gh = await startGitHubStandIn({
    repos: {
      'flow/server': {
        token: TOKEN,
        commits: {
          a: { GO_VERSION: '1.19.8\n', 'go.mod': serverGoMod('v1.1.0') },
          b: { GO_VERSION: '1.22.4\n', 'go.mod': serverGoMod('v1.2.0') },
          c: { GO_VERSION: '1.22.4\n', 'go.mod': serverGoMod('v1.2.1') },
          d: { GO_VERSION: '1.23.2\n', 'go.mod': serverGoMod('v1.2.5') },
        },
        tags: { 'v1.9.0': 'a', 'v2.0.0': 'b', 'v2.1.0': 'c', 'v2.2.0-rc.1': 'd', 'v2.3.0': 'd' },
        releases: [
          { tag: 'v1.9.0' },
          { tag: 'v2.0.0' },
          { tag: 'v2.1.0' },
          { tag: 'v2.2.0-rc.1', prerelease: true },
          { tag: 'v2.3.0' },
        ],
      },
    },
  });
});
afterAll(() => gh?.close());

async function run(
  inputs: Record<string, string>,
  env: Record<string, string> = {},
  goMod = PLUGIN_GO_MOD,
  edit?: (dir: string) => void,
) {
  const dir = mkdtempSync(join(tmpdir(), 'flow-releases-'));
  writeFileSync(join(dir, 'go.mod'), goMod);
  edit?.(dir);
  writeFileSync(join(dir, 'main.go'), 'package main\n');
  const r = await runAction({
    cwd: dir,
    inputs: { 'server-repository': 'flow/server', 'github-token': TOKEN, ...inputs },
    env: { GITHUB_API_URL: gh.url, FLOW_GITHUB_RETRY_BASE_MS: '5', ...env },
    timeoutMs: 60_000,
  });
  return { ...r, dir, goMod: readFileSync(join(dir, 'go.mod'), 'utf8') };
}

describe('server-versions', () => {
  it('a range selects every matching release, newest first; each synced in a scratch copy; go.mod untouched', async () => {
    const r = await run({ 'server-versions': '>=2.0.0 <3\nv1.9.0', build: 'false' });
    expect(r.exitCode, r.stdout).toBe(0);
    expect(JSON.parse(r.outputs['server-versions']!)).toEqual(['v2.3.0', 'v2.1.0', 'v2.0.0', 'v1.9.0']);
    expect(r.outputs['server-version']).toBe('v2.3.0');
    expect(r.goMod).toBe(PLUGIN_GO_MOD); // byte-identical
    expect(readdirSync(r.dir).sort()).toEqual(['go.mod', 'main.go']);
    // go-mod-changes: per release, each entry with its tag.
    const changes = JSON.parse(r.outputs['go-mod-changes']!) as {
      server: string;
      module: string;
      to: string;
    }[];
    expect(changes.filter((c) => c.module === 'example.com/lib')).toEqual([
      expect.objectContaining({ server: 'v2.3.0', to: 'v1.2.5' }),
      expect.objectContaining({ server: 'v2.1.0', to: 'v1.2.1' }),
      expect.objectContaining({ server: 'v2.0.0', to: 'v1.2.0' }),
      expect.objectContaining({ server: 'v1.9.0', to: 'v1.1.0' }),
    ]);
    expect(r.stdout).toContain('::group::Sync go.mod for v2.1.0 (2 of 4) (in a scratch copy');
    expect(r.stdout).toContain('Go 1.22.4: v2.1.0, v2.0.0 share its builder images');
    expect(JSON.parse(r.outputs['skipped-server-versions']!)).toEqual([]);
    expect(r.summary).toContain('for 4 releases of flow/server');
    expect(r.summary).toContain('the workspace go.mod is unchanged');
  });

  it('the cap keeps the newest and says what it left out; prereleases only when asked', async () => {
    const capped = await run({ 'server-versions': '>=2', 'max-server-versions': '2', build: 'false' });
    expect(JSON.parse(capped.outputs['server-versions']!)).toEqual(['v2.3.0', 'v2.1.0']);
    expect(capped.stdout).toContain('Not built (beyond max-server-versions: 2): v2.0.0.');
    const pre = await run({
      'server-versions': '~2.2.0-0 || >=2.3',
      'include-prereleases': 'true',
      build: 'false',
    });
    expect(JSON.parse(pre.outputs['server-versions']!)).toEqual(['v2.3.0', 'v2.2.0-rc.1']);
  });

  it('a file-name without {server} is refused before any request', async () => {
    const before = gh.requests.length;
    const r = await run({ 'server-versions': 'v2.0.0,v2.1.0', 'file-name': '{name}-{target}.so' });
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(/::error::Input file-name: "\{name\}-\{target\}\.so" has no \{server\}/);
    expect(gh.requests.length).toBe(before);
  });

  it('a go line newer than a release: fail by default, skip (with the reason, an output and the summary) when asked', async () => {
    // go 1.23 is newer than every release's Go here but v2.3.0's (1.23.2): the others cannot be supported.
    const newer = { 'server-versions': 'v2.1.0, v1.9.0', targets: 'linux-amd64', 'go-mod-sync': 'cap' };
    // Any docker call would fail differently: the go line is checked before any image.
    const env = { FLOW_DOCKER_BINARY: '/nonexistent/docker' };
    const goMod = PLUGIN_GO_MOD.replace('go 1.21', 'go 1.23');
    const failed = await run(newer, env, goMod);
    expect(failed.exitCode).toBe(1);
    expect(failed.stdout).toContain("::error title=go line newer than v2.1.0's Go,file=go.mod,line=3::");

    const skipped = await run({ ...newer, 'unsupported-server-version': 'skip' }, env, goMod);
    expect(skipped.exitCode).toBe(1); // every release skipped: nothing was built
    expect(skipped.stdout).toContain("::warning title=go line newer than v2.1.0's Go,file=go.mod,line=3::");
    expect(skipped.stdout).toMatch(/::error::Every server release was skipped/);
    expect(JSON.parse(skipped.outputs['skipped-server-versions']!)).toEqual([
      { server: 'v2.1.0', go: '1.22.4', reason: expect.stringContaining('newer than the server') },
      { server: 'v1.9.0', go: '1.19.8', reason: expect.stringContaining('newer than the server') },
    ]);
    expect(skipped.summary).toMatch(/v2\.1\.0.*⏭️ skipped/);
    expect(skipped.goMod).toBe(goMod);
  });
});
