// The alignment's changes in what people and later steps read: go-mod-changes and the summary.
import { describe, expect, test } from 'vitest';
import { parseGoMod } from '../../src/gomod';
import { summaryData } from '../../src/report/record';
import { goModChangesOutput } from '../../src/sync/sync';
import { renderSummary } from '../../src/report/summary';
import type { AlignChange } from '../../src/sync/align-plan';
import type { ServerFacts } from '../../src/resolve/server';

const cap = [{ module: 'example.com/y', from: 'v1.10.0', to: 'v1.9.1', line: 7 }];
const align: AlignChange[] = [
  {
    module: 'example.com/x',
    from: 'v1.5.0',
    to: 'v1.4.2',
    step: 'align',
    reason: 'v1.5.0 needs example.com/y v1.10.0, the server has v1.9.1',
  },
  { module: 'example.com/w', from: 'v1.0.0', to: 'none', step: 'align', reason: 'no longer required' },
];
const server: ServerFacts = {
  repository: 'flow/server',
  tag: 'v2.0.0',
  goVersion: '1.23.5',
  goVersionSource: 'GO_VERSION',
  module: 'example.com/flow/server',
  goMod: parseGoMod('module example.com/flow/server\n'),
  goModText: 'module example.com/flow/server\n',
  goModName: 'flow/server@v2.0.0:go.mod',
  warnings: [],
};

describe('go-mod-changes', () => {
  test('every change with the step that made it; align changes with their reason', () => {
    expect(JSON.parse(goModChangesOutput(cap, align))).toEqual([
      { module: 'example.com/y', from: 'v1.10.0', to: 'v1.9.1', step: 'cap' },
      { ...align[0] },
      { ...align[1] },
    ]);
    expect(JSON.parse(goModChangesOutput(cap))).toEqual([
      { module: 'example.com/y', from: 'v1.10.0', to: 'v1.9.1', step: 'cap' },
    ]);
  });
});

describe('job summary', () => {
  test('cap and align changes in one table, with step and why; removed modules said so', () => {
    const data = summaryData({
      server,
      sync: { mode: 'align', goModPath: '/p/go.mod', changes: cap, written: true, goModText: '', goSum: '' },
      align: { changes: align },
    });
    expect(data.goMod!.changes).toHaveLength(3);
    const md = renderSummary(data);
    expect(md).toContain("go.mod was changed to the server's versions (3 modules):");
    expect(md).toContain('| Module | From | To | Step | Why |');
    expect(md).toContain(
      '| <code>example.com/x</code> | <code>v1.5.0</code> | <code>v1.4.2</code> | align | v1.5.0 needs example.com/y v1.10.0, the server has v1.9.1 |',
    );
    expect(md).toContain(
      '| <code>example.com/w</code> | <code>v1.0.0</code> | (removed) | align | no longer required |',
    );
  });

  test('without an alignment the table keeps its three columns', () => {
    const md = renderSummary(
      summaryData({
        server,
        sync: { mode: 'cap', goModPath: '/p/go.mod', changes: cap, written: true, goModText: '', goSum: '' },
      }),
    );
    expect(md).toContain('| Module | From | To |\n');
  });
});
