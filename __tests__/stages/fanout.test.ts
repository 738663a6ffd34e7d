// The fan-out chapters on plain data with a fake toolkit and a fake artifact client: what the
// plan step outputs and logs, and what a publish job says when the run holds no plan or two.
import type { Octokit } from '@octokit/rest';
import { describe, expect, it } from 'vitest';
import { makePlan, planStage } from '../../src/modes/plan';
import { publishCellsStage } from '../../src/modes/publish';
import type { RunArtifactClient } from '../../src/fanout/run-artifacts';
import { fakeContext } from './fake-toolkit';

/** An artifact client whose run holds `names` and that records every upload. */
function fakeClient(names: string[] = []) {
  const uploads: string[] = [];
  const client = {
    listArtifacts: async () => ({ artifacts: names.map((name, i) => ({ id: i + 1, name, size: 1 })) }),
    uploadArtifact: async (name: string) => {
      uploads.push(name);
      return { id: 7, size: 1 };
    },
    deleteArtifact: async () => ({ id: 7 }),
    downloadArtifact: async () => ({}),
  } as unknown as RunArtifactClient;
  return { client: async () => client, uploads };
}

const noGitHub = {} as Octokit;

describe('plan stage', () => {
  it('outputs the matrix, the cell count and the releases, and uploads the plan once', async () => {
    const { ctx, rec } = fakeContext({ targets: 'linux-amd64,linux-386' });
    const plan = makePlan(ctx, { name: 'hello', module: 'github.com/me/hello' }, ['v2.9.1', 'v2.8.0']);
    const fake = fakeClient();
    await planStage(ctx, plan, fake.client);
    expect(JSON.parse(rec.outputs.matrix!).include).toHaveLength(4);
    expect(rec.outputs.cells).toBe('4');
    expect(rec.outputs['server-versions']).toBe('["v2.9.1","v2.8.0"]');
    expect(fake.uploads).toEqual(['hello.plan.json']);
    expect(rec.summary).toContain('| v2.8.0 | linux-amd64, linux-386 |');
  });

  it('more than 256 cells: refused before any output or upload, naming the count and the inputs', async () => {
    const { ctx, rec } = fakeContext({ targets: 'linux-amd64,linux-arm-7,linux-arm64,linux-386' });
    const tags = Array.from({ length: 70 }, (_, i) => `v2.${i}.0`);
    const fake = fakeClient();
    await expect(
      planStage(ctx, makePlan(ctx, { name: 'hello', module: 'm' }, tags), fake.client),
    ).rejects.toThrow(
      /The plan has 280 cells \(70 server releases x 4 targets\), more than the 256 jobs .* lower max-server-versions \(64 or fewer/,
    );
    expect(rec.outputs).toEqual({});
    expect(fake.uploads).toEqual([]);
  });

  it('an empty plan uploads nothing and says how to skip the other jobs', async () => {
    const { ctx, rec } = fakeContext();
    const fake = fakeClient();
    await planStage(ctx, makePlan(ctx, { name: 'hello', module: 'm' }, []), fake.client);
    expect(rec.outputs.matrix).toBe('{"include":[]}');
    expect(rec.outputs.cells).toBe('0');
    expect(fake.uploads).toEqual([]);
    expect(rec.log.join('\n')).toContain("if: needs.plan.outputs.cells != '0'");
  });
});

describe('publish stage', () => {
  it('a run without a plan: says which job is missing, before any GitHub request', async () => {
    const { ctx } = fakeContext({ mode: 'publish' });
    await expect(
      publishCellsStage(ctx, noGitHub, fakeClient(['hello_linux-amd64_v1.cell.json']).client),
    ).rejects.toThrow(/no plan: run the action with mode: plan in an earlier job/);
  });

  it('two plans: plugin-name picks one, else the step asks for it', async () => {
    const { ctx } = fakeContext({ mode: 'publish' });
    await expect(
      publishCellsStage(ctx, noGitHub, fakeClient(['a.plan.json', 'b.plan.json']).client),
    ).rejects.toThrow(
      'This workflow run has 2 plans (a.plan.json, b.plan.json): set plugin-name to the plugin to publish.',
    );
  });
});
