// The alignment loop with Docker faked: what each container is asked to run, and how its output
// drives the rounds (no processes, no network).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { ContainerSpec } from '../../src/build/argv';
import type { Docker, DockerResult } from '../../src/build/docker';
import {
  AlignError,
  alignModuleGraph,
  scriptSections,
  splitPrepareOutput,
  type AlignInput,
} from '../../src/sync/align';

const MARK = '@@flow-align@@';
const mod = (path: string, version = '', extra: Record<string, unknown> = {}) =>
  JSON.stringify(version ? { Path: path, Version: version, ...extra } : { Path: path, Main: true });

/** What the list-and-graph script prints for a build list and graph. */
function listing(modules: string[], graph: string[]): string {
  return `${MARK}list\n${modules.join('\n')}\n${MARK}graph\n${graph.join('\n')}\n`;
}

const RAISED = listing(
  [mod('p'), mod('x', 'v1.5.0'), mod('y', 'v1.10.0', { Indirect: true })],
  ['p x@v1.5.0', 'p y@v1.10.0', 'x@v1.5.0 y@v1.10.0'],
);
const ALIGNED = listing(
  [mod('p'), mod('x', 'v1.4.2'), mod('y', 'v1.9.1', { Indirect: true })],
  ['p x@v1.4.2', 'p y@v1.9.1', 'x@v1.4.2 y@v1.9.0'],
);

function fakeDocker(
  answers: ((argv: string[]) => DockerResult | undefined)[],
): Docker & { calls: string[][] } {
  const calls: string[][] = [];
  return {
    calls,
    run(argv) {
      calls.push(argv);
      for (const a of answers) {
        const r = a(argv);
        if (r) return Promise.resolve(r);
      }
      return Promise.resolve({ exitCode: 1, output: `unexpected: ${argv.join(' ')}` });
    },
  };
}
const ok = (stdout: string): DockerResult => ({
  exitCode: 0,
  output: `go: downloading x\n${stdout}`,
  stdout,
});
const script = (argv: string[]) => argv[argv.indexOf('-c') + 1] ?? '';

const spec: ContainerSpec = {
  image: 'flow/build:1.23.5-linux-amd64',
  pluginDir: '/ws/plugin',
  modCacheDir: '/cache/mod',
  goCacheDir: '/cache/go',
  forwardEnv: [],
  dockerArgs: [],
};

function input(docker: Docker, extra: Partial<AlignInput> = {}): AlignInput {
  const dir = mkdtempSync(join(tmpdir(), 'flow-align-unit-'));
  writeFileSync(
    join(dir, 'go.mod'),
    'module p\n\ngo 1.19\n\nrequire x v1.5.0\n\nrequire y v1.10.0 // indirect\n',
  );
  return {
    mode: 'align',
    docker,
    spec,
    serverGoMod: 'module s\n\ngo 1.19\n\nrequire y v1.9.1\n',
    serverGoModName: 'flow/server@v2.0.0:go.mod',
    workDir: dir,
    pluginGoModPath: join(dir, 'go.mod'),
    pluginGoModName: 'go.mod',
    log: { info: () => {}, warning: () => {} },
    ...extra,
  };
}

test('script output splits at the marker lines', () => {
  expect([...scriptSections(`a\n${MARK}list\nb\nc\n${MARK}graph\nd`)]).toEqual([
    ['', 'a'],
    ['list', 'b\nc'],
    ['graph', 'd'],
  ]);
});

describe('align', () => {
  test('one round: go get every shared module at the server version, in the prepare container', async () => {
    let round = 0;
    const docker = fakeDocker([
      (argv) =>
        script(argv).startsWith('go get')
          ? (round++, ok(`${MARK}after-get\n${mod('x', 'v1.4.2')}\n${ALIGNED}`))
          : undefined,
      (argv) =>
        script(argv).startsWith(`echo ${MARK}list`) ? ok(round === 0 ? RAISED : ALIGNED) : undefined,
    ]);
    const r = await alignModuleGraph(input(docker));
    expect(r).toMatchObject({ mode: 'align', serverSource: 'go.mod', rounds: 1, shared: 1 });
    expect(r.changes.map((c) => `${c.module} ${c.from} -> ${c.to}`)).toEqual([
      'x v1.5.0 -> v1.4.2',
      'y v1.10.0 -> v1.9.1',
    ]);
    const get = docker.calls[1]!;
    expect(get.slice(0, 3)).toEqual(['run', '--rm', '-v']);
    expect(get).toContain('/ws/plugin:/proj');
    expect(get.slice(-3)).toEqual([script(get), 'sh', 'y@v1.9.1']);
  });

  test('a disagreement in a module the plugin does not link is left alone', async () => {
    const docker = fakeDocker([
      (argv) =>
        script(argv).startsWith(`echo ${MARK}list`) ? ok(`${RAISED}${MARK}used\np\nx\n`) : undefined,
    ]);
    const r = await alignModuleGraph(input(docker));
    expect(r).toMatchObject({ rounds: 0, shared: 0, changes: [] });
    expect(script(docker.calls[0]!)).toContain(
      "go list -mod=mod -e -deps -f '{{with .Module}}{{.Path}}{{end}}' .",
    );
  });

  test('no progress: fails with the chain and the go.mod line of the direct requirement', async () => {
    const docker = fakeDocker([
      (argv) =>
        script(argv).startsWith('go get') ? ok(`${MARK}after-get\n${mod('p')}\n${RAISED}`) : undefined,
      (argv) => (script(argv).startsWith(`echo ${MARK}list`) ? ok(RAISED) : undefined),
    ]);
    const e = await alignModuleGraph(input(docker)).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(AlignError);
    expect((e as AlignError).message).toContain('go get and go mod tidy keep selecting these versions');
    expect((e as AlignError).conflicts).toMatchObject([
      { module: 'y', message: 'plugin -> x v1.5.0 -> y v1.10.0; the server has y v1.9.1', line: 5 },
    ]);
    // x was removed by go get (no version fits) and brought back by tidy.
    expect((e as AlignError).conflicts[0]!.fix).toMatch(/^no version of x works with y v1.9.1/);
  });

  test('cap and check only check: no go get, the error names align', async () => {
    for (const mode of ['cap', 'check'] as const) {
      const docker = fakeDocker([
        (argv) => (script(argv).startsWith(`echo ${MARK}list`) ? ok(RAISED) : undefined),
      ]);
      const e = (await alignModuleGraph(input(docker, { mode })).catch((x: unknown) => x)) as AlignError;
      expect(e.message).toContain('y v1.10.0; the server has y v1.9.1');
      expect(e.message).toContain('go-mod-sync: align');
      expect(docker.calls.map(script).some((s) => s.startsWith('go get'))).toBe(false);
    }
  });

  test('a go 1.16 server: its build list is computed from its go.mod in its own folder', async () => {
    const docker = fakeDocker([
      (argv) =>
        script(argv).startsWith('go list -mod=mod')
          ? ok([mod('s'), mod('a', 'v1.0.0'), mod('y', 'v1.9.1')].join('\n'))
          : undefined,
      (argv) => (script(argv).startsWith(`echo ${MARK}list`) ? ok(ALIGNED) : undefined),
    ]);
    const i = input(docker, {
      serverGoMod: 'module s\n\ngo 1.16\n\nrequire a v1.0.0\n',
      spec: { ...spec, name: 'flow-build-1234-prepare' },
    });
    const r = await alignModuleGraph(i);
    expect(r).toMatchObject({ serverSource: 'build list', shared: 1, rounds: 0, changes: [] });
    expect(docker.calls[0]).toContain(`${join(i.workDir, 'server-modules')}:/proj`);
    // It may run beside tidy's container (the spec's name): a name of its own.
    const name = (argv: string[]) => argv[argv.indexOf('--name') + 1];
    expect(name(docker.calls[0]!)).toBe('flow-build-1234-prepare-server-modules');
    expect(name(docker.calls[1]!)).toBe('flow-build-1234-prepare');
  });

  test('a failing go get is an error with its last lines and, for a newer Go, what to do', async () => {
    const docker = fakeDocker([
      (argv) =>
        script(argv).startsWith('go get')
          ? { exitCode: 1, output: 'go: y@v1.9.1 requires go >= 1.24 (running go 1.23.5; GOTOOLCHAIN=local)' }
          : undefined,
      (argv) => (script(argv).startsWith(`echo ${MARK}list`) ? ok(RAISED) : undefined),
    ]);
    await expect(alignModuleGraph(input(docker))).rejects.toThrow(
      /go get failed \(exit code 1\)[\s\S]*needs Go 1.24/,
    );
  });
});

describe('the first listing in the prepare container (after go mod tidy)', () => {
  const tidyOut = 'go: downloading example.com/x v1.5.0\n';
  test('tidy failed before the listing: everything is tidy output, nothing listed', () => {
    const r = { exitCode: 1, output: `${tidyOut}go: updates to go.mod needed\n`, stdout: '' };
    expect(splitPrepareOutput(r)).toEqual({ tidy: { exitCode: 1, output: r.output } });
  });

  test('tidy ran: its output for the log, the listing for the alignment (no second container)', async () => {
    const stdout = listing([mod('p'), mod('x', 'v1.4.2')], ['p x@v1.4.2']);
    const split = splitPrepareOutput({ exitCode: 0, output: `${tidyOut}${stdout}`, stdout });
    expect(split.tidy).toEqual({ exitCode: 0, output: tidyOut.trimEnd() });
    expect(scriptSections(split.listed!.stdout).get('graph')).toBe('p x@v1.4.2\n');
    const calls: string[][] = [];
    const docker: Docker = {
      run: (argv) => {
        calls.push(argv);
        return Promise.resolve({ exitCode: 1, output: 'not expected' });
      },
    };
    const dir = mkdtempSync(join(tmpdir(), 'flow-align-listed-'));
    const r = await alignModuleGraph({
      mode: 'check',
      docker,
      spec: {
        image: 'img',
        pluginDir: dir,
        modCacheDir: dir,
        goCacheDir: dir,
        forwardEnv: [],
        dockerArgs: [],
      },
      serverGoMod: 'module s\n\ngo 1.21\n\nrequire x v1.4.2\n',
      serverGoModName: 's@v1:go.mod',
      workDir: dir,
      pluginGoModPath: join(dir, 'go.mod'),
      pluginGoModName: 'go.mod',
      log: { info: () => undefined, warning: () => undefined },
      listed: split.listed!,
    });
    expect(r.changes).toEqual([]);
    expect(calls).toEqual([]);
  });

  test("the listing failed after tidy: the failure is the listing's, not tidy's", () => {
    const stdout = `${MARK}list\n`;
    const split = splitPrepareOutput({
      exitCode: 1,
      output: `${stdout}go: inconsistent vendoring\n`,
      stdout,
    });
    expect(split.tidy.exitCode).toBe(0);
    expect(split.listed).toMatchObject({ exitCode: 1, output: 'go: inconsistent vendoring\n' });
  });
});
