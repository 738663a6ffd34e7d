// main.ts on plain data: the story runs against a fake toolkit and a plain environment. A run
// that stops at the workspace check still reports; the inputs are in the debug log, the token
// never (it is registered as a secret instead).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/main';
import { fakeToolkit } from './fake-toolkit';

describe('main', () => {
  it('a run that stops at the workspace check: failed, summarized, the inputs in debug without the token', async () => {
    const workspace = mkdtempSync(join(tmpdir(), 'flow-main-'));
    const { tk, rec } = fakeToolkit({ 'github-token': 'ghp_not_a_real_token_123', build: 'false' });
    await run(tk, { GITHUB_WORKSPACE: workspace, RUNNER_TEMP: join(workspace, 'tmp') });
    expect(rec.secrets).toEqual(['ghp_not_a_real_token_123']);
    const debug = rec.log.filter((l) => l.startsWith('debug: inputs: '));
    expect(debug).toHaveLength(1);
    expect(debug[0]).not.toContain('ghp_not_a_real_token_123');
    expect(JSON.parse(debug[0]!.slice('debug: inputs: '.length))).toMatchObject({
      token: 'set (not shown)',
      workingDirectory: workspace,
      goModSync: 'align',
      build: false,
    });
    expect(rec.failed).toHaveLength(1);
    expect(rec.failed[0]).toMatch(/go\.mod/);
    expect(rec.summary).toContain('failed at Workspace check');
  });

  it('an invalid input: the message names it, the summary says the run stopped at Inputs', async () => {
    const { tk, rec } = fakeToolkit({ parallel: 'many' });
    await run(tk, { GITHUB_WORKSPACE: mkdtempSync(join(tmpdir(), 'flow-main-')) });
    expect(rec.failed).toEqual([
      'Input parallel: "many" is not a whole number from 1 to 64; write e.g. 4, or leave it empty',
    ]);
    expect(rec.summary).toContain('failed at Inputs');
  });
});

describe('main: a run that fails after the workspace check', () => {
  it("the failure summary names the plugin (from go.mod's module path), the resolve stage as failed", async () => {
    const workspace = mkdtempSync(join(tmpdir(), 'flow-main-'));
    writeFileSync(join(workspace, 'go.mod'), 'module github.com/me/hello\n\ngo 1.21\n');
    const { tk, rec } = fakeToolkit({ build: 'true', targets: 'linux-amd64' });
    await run(tk, {
      GITHUB_WORKSPACE: workspace,
      RUNNER_TEMP: join(workspace, 'tmp'),
      GITHUB_API_URL: 'http://127.0.0.1:9',
      FLOW_GITHUB_RETRY_BASE_MS: '1',
      FLOW_GITHUB_TIMEOUT_MS: '3000',
    });
    expect(rec.failed).toHaveLength(1);
    expect(rec.summary).toContain('## Flow plugin hello: failed at Resolve server');
  });
});
