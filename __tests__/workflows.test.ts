// Every workflow this repository runs and every workflow the README, CONTRIBUTING.md and docs/ show
// asks only for what action.yml has: each `with:` key of a step using this action (`uses: ./` or
// `uses: Flow/plugin-build-action@...`) is an input, each `steps.<id>.outputs.<name>` read of such
// a step is an output. action.yml and the markdown files are read now, so new inputs, outputs and
// examples are checked as they come, wherever they are written. (actionlint checks the same and
// more in .ci/actionlint.sh.)
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { docFiles } from '../scripts/doc-files.mjs';
import {
  actionInterface,
  asLocalAction,
  blockKind,
  completeBlock,
  interfaceFindings,
  readmeWorkflowBlocks,
  scanWorkflow,
  usesThisAction,
} from '../scripts/workflow-blocks.mjs';
import { projectRoot } from './support/runner';

const read = (p: string) => readFileSync(join(projectRoot, p), 'utf8');
const iface = actionInterface(read('action.yml'));
const workflowFiles = readdirSync(join(projectRoot, '.github/workflows')).filter((f) => /\.ya?ml$/.test(f));
const docs = docFiles(projectRoot);
const readmeBlocks = docs.flatMap((doc) =>
  readmeWorkflowBlocks(read(doc))
    .filter((b) => b.kind !== 'other')
    .map((b) => ({ ...b, doc })),
);

describe('every workflow asks only for what action.yml has', () => {
  it.each(workflowFiles)('.github/workflows/%s', (file) => {
    expect(interfaceFindings(read(`.github/workflows/${file}`), iface)).toEqual([]);
  });

  it.each(readmeBlocks.map((b) => [b.doc, b.line, b.heading, b] as const))(
    '%s line %i (%s)',
    (_d, _l, _h, b) => {
      expect(
        interfaceFindings(b.yaml!, iface).map((f) => ({ ...f, line: b.line + f.line - 1 - b.prefix! })),
      ).toEqual([]);
    },
  );

  it('checks something: the README and the workflows use the action with inputs and read its outputs', () => {
    const all = [
      ...workflowFiles.map((f) => read(`.github/workflows/${f}`)),
      ...readmeBlocks.map((b) => b.yaml!),
    ];
    const ours = all.flatMap((y) => scanWorkflow(y).steps.filter((s) => usesThisAction(s.uses)));
    expect(readmeBlocks.length).toBeGreaterThanOrEqual(3);
    expect(ours.length).toBeGreaterThanOrEqual(4);
    expect(ours.flatMap((s) => s.with).length).toBeGreaterThan(5);
    expect(all.flatMap((y) => scanWorkflow(y).reads).length).toBeGreaterThan(3);
  });

  it('reads the README, CONTRIBUTING.md and every docs/ file, and finds workflows in README and docs/', () => {
    expect(docs.slice(0, 2)).toEqual(['README.md', 'CONTRIBUTING.md']);
    const inDocs = docs.filter((d) => d.startsWith('docs/'));
    expect(inDocs).toContain('docs/fan-out.md');
    expect(inDocs.every((d) => d.endsWith('.md'))).toBe(true);
    const where = new Set(readmeBlocks.map((b) => b.doc));
    expect(where).toContain('README.md');
    expect(where).toContain('docs/fan-out.md');
    expect(where).toContain('docs/follow.md');
  });

  it('reads the inputs and outputs of action.yml', () => {
    expect(iface.inputs).toContain('server-version');
    expect(iface.inputs).toContain('github-token');
    expect(iface.outputs).toContain('verified');
    expect(iface.inputs).not.toContain('description');
  });
});

describe('the interface check', () => {
  const wf = (steps: string) =>
    `on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n${steps}\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - id: p\n        uses: actions/other@v1\n        with:\n          anything: 1\n      - run: echo \${{ steps.p.outputs.whatever }}\n`;
  const small = { inputs: ['server-version', 'targets'], outputs: ['files'] };

  it('finds a with: key that is not an input, at its line', () => {
    const y = wf(
      '      - id: p\n        uses: Flow/plugin-build-action@v1\n        with:\n          server-version: latest\n          target: linux-amd64\n          targets: |\n            linux-amd64\n            version: x\n',
    );
    expect(interfaceFindings(y, small)).toEqual([
      { line: 10, message: 'with: target is not an input of action.yml' },
    ]);
  });

  it('finds an output read that is not an output, only for steps of this action in the same job', () => {
    const y = wf(
      '      - id: p\n        uses: ./\n      - run: echo "${{ steps.p.outputs.files }} ${{ steps.p.outputs.file }}"',
    );
    expect(interfaceFindings(y, small)).toEqual([
      { line: 8, message: 'steps.p.outputs.file: file is not an output of action.yml' },
    ]);
  });

  it('refuses a flow-style with: (it could not be checked)', () => {
    const y = wf('      - uses: ./\n        with: { targte: x }');
    expect(interfaceFindings(y, small)).toEqual([
      { line: 6, message: "write the step's with: as a block (one key a line), so it can be checked" },
    ]);
  });

  it('knows this action by ./ and by its repository at any ref, in any case', () => {
    expect(usesThisAction('./')).toBe(true);
    expect(usesThisAction('Flow/plugin-build-action@v1')).toBe(true);
    expect(usesThisAction('flow/plugin-build-action@0123456789abcdef0123456789abcdef01234567')).toBe(true);
    expect(usesThisAction('Flow/plugin-build-action-fork@v1')).toBe(false);
    expect(usesThisAction('actions/checkout@v5')).toBe(false);
    expect(usesThisAction(undefined)).toBe(false);
  });
});

describe('README blocks completed into workflows', () => {
  it('tells the kinds apart by their top-level keys', () => {
    expect(blockKind('name: x\non: push\njobs:\n  a:\n    runs-on: ubuntu-latest')).toBe('workflow');
    expect(blockKind('jobs:\n  a:\n    runs-on: ubuntu-latest')).toBe('jobs');
    expect(blockKind('runs-on: ubuntu-latest\nsteps:\n  - run: true')).toBe('job');
    expect(blockKind('- uses: actions/checkout@v5\n- uses: ./')).toBe('steps');
    expect(blockKind('- id: p\n  uses: ./\n  with:\n    targets: x')).toBe('steps');
    expect(blockKind('uses: Flow/plugin-build-action@v1\nwith:\n  targets: x')).toBe('step');
    expect(blockKind('with:\n  server-version: latest\nid: plugin')).toBe('inputs');
    expect(blockKind('version: 2\nupdates: []')).toBe('other');
    expect(blockKind('server-version: latest')).toBe('other');
  });

  it('wraps a fragment so its own lines keep their text, after `prefix` lines and `indent` columns', () => {
    for (const text of [
      'jobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: true',
      'runs-on: ubuntu-latest\nsteps:\n  - run: true',
      '- id: p\n  uses: ./\n  with:\n    targets: x',
    ]) {
      const c = completeBlock(text);
      const lines = c.yaml.split('\n');
      expect(lines.slice(c.prefix).map((l) => l.slice(c.indent))).toEqual(text.split('\n'));
      expect(c.yaml).toMatch(/^on: /m);
      expect(c.yaml).toMatch(/^jobs:$/m);
    }
    const only = completeBlock('with:\n  targte: x');
    expect(interfaceFindings(only.yaml, { inputs: ['targets'], outputs: [] })).toEqual([
      { line: only.prefix + 2, message: 'with: targte is not an input of action.yml' },
    ]);
    const step = completeBlock('uses: ./\nwith:\n  targets: x');
    expect(step.yaml.split('\n').slice(step.prefix)).toEqual([
      '      - uses: ./',
      '        with:',
      '          targets: x',
    ]);
    expect(scanWorkflow(step.yaml).steps).toEqual([
      { job: 'build', line: step.prefix + 1, uses: './', with: [{ key: 'targets', line: step.prefix + 3 }] },
    ]);
  });

  it('finds every ```yaml block with its README line and heading', () => {
    const md =
      '# T\n\n## Build\n\n```yaml\njobs:\n  a:\n    runs-on: x\n```\n\n```sh\nls\n```\n\n### Config\n```yml\nversion: 2\n```\n';
    const blocks = readmeWorkflowBlocks(md);
    expect(blocks.map((b) => [b.line, b.heading, b.kind])).toEqual([
      [6, 'Build', 'jobs'],
      [17, 'Config', 'other'],
    ]);
  });

  it('reads the published action as this checkout for actionlint', () => {
    expect(
      asLocalAction(
        '      - uses: Flow/plugin-build-action@v1 # the action\n      - uses: Flow/plugin-build-action/sub@main',
      ),
    ).toBe('      - uses: ./ # the action\n      - uses: ./sub');
    expect(asLocalAction('uses: actions/checkout@v5')).toBe('uses: actions/checkout@v5');
  });
});
