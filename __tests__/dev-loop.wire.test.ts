// The documented dev loop, run as a developer runs it (`npm run dev -- ...`, here `node
// scripts/dev.mjs`): the action bundled from src/ on the spot, run against the GitHub stand-in on
// a plugin folder of the repository, with an input; no Docker (build=false).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { removeTree } from './support/fixtures';
import { projectRoot } from './support/runner';

const dev = (...args: string[]) =>
  spawnSync(process.execPath, ['scripts/dev.mjs', ...args], {
    cwd: projectRoot,
    encoding: 'utf8',
    timeout: 120_000,
  });

describe('npm run dev', () => {
  it('runs the action from source on a copy of the plugin folder and prints its log and outputs', () => {
    const plugin = '.github/self-test/plugins/gin-echo';
    const before = readFileSync(join(projectRoot, plugin, 'go.mod'), 'utf8');
    const r = dev(plugin, 'build=false', 'go-mod-tidy=false', '--go', '1.26.11');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(
      `dev loop: the action from src/ (${join(projectRoot, '.tmp/dev/action/index.cjs')})`,
    );
    expect(r.stdout).toContain('::group::Resolve server');
    expect(r.stdout).toContain('flow/server v2.0.0: Go 1.26.11 (from GO_VERSION)');
    expect(r.stdout).toContain('build is false: stopping after resolve and sync.');
    expect(r.stdout).toMatch(/^server-version: v2\.0\.0$/m);
    const workspace = /^workspace: (.*)$/m.exec(r.stdout)![1]!;
    expect(readFileSync(join(workspace, 'gin-echo', 'go.mod'), 'utf8')).toContain(
      'github.com/gin-gonic/gin v1.9.1',
    );
    expect(readFileSync(join(projectRoot, plugin, 'go.mod'), 'utf8')).toBe(before); // the folder itself is untouched
    removeTree(dirname(workspace));
  });

  it('refuses an input action.yml does not have, before anything starts', () => {
    const r = dev('servr-version=latest');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^dev loop: "servr-version" is not an input of action.yml; the inputs are: /);
  });
});
