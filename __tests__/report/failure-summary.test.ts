import { describe, expect, it } from 'vitest';
import { failureStages, summaryData } from '../../src/report/record';
import { renderFailureSummary, renderSummary } from '../../src/report/summary';
import { parseGoMod } from '../../src/gomod';

const server = {
  repository: 'Flow/server',
  tag: 'v2.0.0',
  goVersion: '1.22.4',
  goVersionSource: 'GO_VERSION' as const,
  module: 'github.com/flow/server/v2',
  goMod: parseGoMod('module github.com/flow/server/v2\n'),
  goModText: 'module github.com/flow/server/v2\n',
  goModName: 'Flow/server@v2.0.0:go.mod',
  warnings: [],
};
const sync = {
  mode: 'check' as const,
  goModPath: '/ws/go.mod',
  changes: [],
  written: false,
  goModText: '',
  goSum: '',
};

describe('issue 12: a failed run still reports', () => {
  it('lists what ran, what failed and what did not run', () => {
    expect(failureStages({ stage: 'Sync go.mod', build: true, server })).toEqual([
      { name: 'Inputs', state: 'done' },
      { name: 'Workspace check', state: 'done' },
      { name: 'Resolve server', state: 'done', detail: 'Flow/server v2.0.0, Go 1.22.4' },
      { name: 'Sync go.mod', state: 'failed' },
      { name: 'Build', state: 'not run' },
      { name: 'Verify', state: 'not run' },
      { name: 'Publish', state: 'not run' },
    ]);
    expect(failureStages({ stage: 'Inputs', build: false }).map((s) => s.state)).toEqual([
      'failed',
      'not run',
      'not run',
      'not run',
      'skipped',
      'skipped',
      'skipped',
    ]);
  });

  it('renders the stages, the message and what to do, bounded and escaped', () => {
    const md = renderFailureSummary({
      pluginName: 'hello',
      stages: failureStages({ stage: 'Resolve server', build: true }),
      message: `Could not reach the GitHub API <at> x\n${'line\n'.repeat(40)}`,
    });
    expect(md).toContain('## Flow plugin hello: failed at Resolve server');
    expect(md).toContain('❌ The run stopped at **Resolve server**; the stages after it did not run.');
    expect(md).toContain('Could not reach the GitHub API &lt;at&gt; x<br>line');
    expect(md).toContain('| Resolve server | ❌ failed |');
    expect(md).toContain('| Publish | - not run |');
    expect(md).toContain('### What failed and what to do');
    expect(md).toContain('(21 more lines in the log)');
  });

  it('build: false says nothing was built instead of "0 of 0 targets built"', () => {
    const md = renderSummary(summaryData({ server, sync }));
    expect(md).not.toMatch(/0 of 0/);
    expect(md).toContain('no plugins were built (`build: false`)');
    expect(md).toContain('Not built: `build` is false.');
  });
});
