// Issue 20, local replaces (monorepos), end to end with the committed bundle: a `replace` to a
// folder outside the workspace, to one that does not exist, or written as an absolute path is
// refused at the workspace check - before any request or container - as an annotation on the
// go.mod line, saying what to do. (That a good one builds and loads: local-replace in
// private-vendor-replace.docker.test.ts.)
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitHubStandIn, type GitHubStandIn } from './support/github';
import { runAction } from './support/runner';

const TOKEN = 'ghs_localReplaceToken42';
const SERVER_GO_MOD = 'module github.com/flow/server/v2\n\ngo 1.22\n\nrequire example.com/shared v1.2.0\n';

let gh: GitHubStandIn;
beforeAll(async () => {
  gh = await startGitHubStandIn({
    repos: {
      'flow/server': {
        token: TOKEN,
        commits: { a: { GO_VERSION: '1.22.4\n', 'go.mod': SERVER_GO_MOD } },
        tags: { 'v2.0.0': 'a' },
        releases: [{ tag: 'v2.0.0' }],
      },
    },
  });
});
afterAll(() => gh?.close());

/** A monorepo workspace: `plugin/` whose go.mod replaces example.com/lib with `replacePath`. */
function monorepo(replacePath: string, lib = true): string {
  const ws = mkdtempSync(join(tmpdir(), 'flow-monorepo-'));
  mkdirSync(join(ws, 'plugin'));
  writeFileSync(
    join(ws, 'plugin', 'go.mod'),
    `module example.com/plugin\n\ngo 1.22\n\nrequire example.com/lib v0.0.0\n\nreplace example.com/lib => ${replacePath}\n`,
  );
  if (lib) {
    mkdirSync(join(ws, 'lib'));
    writeFileSync(join(ws, 'lib', 'go.mod'), 'module example.com/lib\n\ngo 1.22\n');
  }
  return ws;
}

async function run(ws: string) {
  const before = gh.requests.length;
  const r = await runAction({
    cwd: ws,
    inputs: {
      'server-repository': 'flow/server',
      'github-token': TOKEN,
      'working-directory': 'plugin',
      targets: 'linux-amd64',
      pull: 'never',
    },
    env: {
      GITHUB_API_URL: gh.url,
      FLOW_GITHUB_RETRY_BASE_MS: '5',
      FLOW_DOCKER_BINARY: '/nonexistent/docker',
    },
    timeoutMs: 60_000,
  });
  const annotation = r.stdout.split('\n').find((l) => l.startsWith('::error title=workspace check,')) ?? '';
  return { ...r, requests: gh.requests.length - before, annotation };
}

describe('a replace to a folder the containers cannot see is refused at the workspace check', () => {
  it('outside the workspace: on the replace line, before any request', async () => {
    const r = await run(monorepo('../../elsewhere/lib'));
    expect(r.exitCode).toBe(1);
    expect(r.annotation).toMatch(/^::error title=workspace check,file=plugin\/go\.mod,line=7::/);
    expect(r.annotation).toContain(
      'plugin/go.mod:7: replace example.com/lib => ../../elsewhere/lib points outside the workspace',
    );
    expect(r.annotation).toContain('actions/checkout with path:');
    expect(r.requests).toBe(0);
  });

  it('a folder that does not exist: says to check it out', async () => {
    const r = await run(monorepo('../lib', false));
    expect(r.exitCode).toBe(1);
    expect(r.annotation).toMatch(/^::error title=workspace check,file=plugin\/go\.mod,line=7::/);
    expect(r.annotation).toContain('replace example.com/lib => ../lib: the folder lib does not exist');
    expect(r.requests).toBe(0);
  });

  it('a folder that leads outside through a symlink, an absolute path, a folder without go.mod', async () => {
    const linked = monorepo('../link');
    symlinkSync(mkdtempSync(join(tmpdir(), 'flow-outside-')), join(linked, 'link'));
    expect((await run(linked)).annotation).toContain('leads outside the workspace through a symlink');

    const abs = monorepo('../lib');
    writeFileSync(
      join(abs, 'plugin', 'go.mod'),
      `module example.com/plugin\n\ngo 1.22\n\nrequire example.com/lib v0.0.0\n\nreplace example.com/lib => ${join(abs, 'lib')}\n`,
    );
    expect((await run(abs)).annotation).toContain('is an absolute path');
    expect((await run(abs)).annotation).toContain('replace example.com/lib => ../lib');

    const empty = monorepo('../empty');
    mkdirSync(join(empty, 'empty'));
    const r = await run(empty);
    expect(r.annotation).toContain('empty has no go.mod');
    expect(r.requests).toBe(0);
  });

  it('a good one passes the workspace check (and gets as far as Docker, absent here)', async () => {
    const r = await run(monorepo('../lib'));
    expect(r.annotation).toBe('');
    expect(r.stdout).toContain('No builder image');
    expect(r.requests).toBeGreaterThan(0);
  });
});
