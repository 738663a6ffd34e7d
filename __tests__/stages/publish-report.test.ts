// The publish and report stages on plain data (a fake toolkit, fake uploads): what the log, the
import { join } from 'node:path';
// outputs and the job summary say. Issue 13's seam: the summary could say a release is a draft,
// and was tested with that flag, but the run never passed the flag on.
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { nextState } from '../../src/release-store';
import { snapshotOf } from '../../src/release-store/snapshot';
import type { Octokit } from '@octokit/rest';
import { describe, expect, it } from 'vitest';
import { parsePluginIndex } from '../../src/publish/plugin-index';
import { publishStage, type Publisher } from '../../src/publish/stage';
import { reportFailure, reportStage } from '../../src/report/stage';
import { serverFacts } from '../../src/resolve/server';
import type { SyncResult } from '../../src/sync/sync';
import { fakeContext } from './fake-toolkit';
import { built, failed, oneRelease, server, SERVER_GO_MOD } from './fixtures';

const octokit = {} as Octokit;
const sync: SyncResult = {
  mode: 'cap',
  goModPath: '/p/go.mod',
  changes: [],
  written: false,
  goModText: '',
  goSum: '',
};
const tagPush = { GITHUB_REPOSITORY: 'me/hello', GITHUB_REF: 'refs/tags/v1.0.0', GITHUB_EVENT_NAME: 'push' };

function publisher(
  draft: boolean,
  calls: string[] = [],
  onRelease: { index?: string; checksums?: string } = {},
  uploaded: Record<string, string> = {},
): Publisher {
  return {
    uploadArtifacts: async (files, o) => {
      calls.push(`artifacts ${files.map((f) => f.fileName).join(',')} env ${o.env?.GITHUB_REPOSITORY}`);
      o.log?.info('the artifact client said hello');
      return files.map((f, i) => ({
        kind: 'plugin' as const,
        target: f.target,
        artifactName: `hello_${f.target}_v2.0.0.so`,
        fileName: f.fileName,
        ok: true,
        id: i + 1,
        url: `https://github.com/me/hello/actions/runs/1/artifacts/${i + 1}`,
      }));
    },
    findRelease: async (_o, q) => {
      calls.push(`find ${q.owner}/${q.repo} ${q.tag}`);
      return {
        id: 7,
        tag_name: q.tag,
        url: 'https://api.github.com/repos/me/hello/releases/7',
        upload_url: 'https://uploads.github.com/repos/me/hello/releases/7/assets{?name,label}',
        html_url: 'https://github.com/me/hello/releases/tag/v1.0.0',
        draft,
      } as Awaited<ReturnType<Publisher['findRelease']>>;
    },
    // The store's decision is the real one (nextState) over a release holding `onRelease`.
    writeRelease: async (_o, w) => {
      const snap = await snapshotOf(w.release, [], async (name) =>
        name === 'plugins.json'
          ? onRelease.index
          : name === 'checksums.txt'
            ? onRelease.checksums
            : undefined,
      );
      const d = nextState(snap, w.wants, (t) => createHash('sha256').update(t).digest('hex'));
      if (!d.ok) throw new Error(d.refused);
      calls.push(`upload ${d.next.files.map((f) => f.name).join(',')}`);
      for (const f of d.next.files) if (f.text !== undefined) uploaded[f.name] = f.text;
      return {
        ok: true,
        release: 'updated',
        leftovers: [],
        written: d.next.writes,
        meanwhile: [],
        draft,
        files: d.next.files.map((f) => ({
          name: f.name,
          ok: true,
          state: 'added' as const,
          url: `https://github.com/me/hello/releases/download/v1.0.0/${f.name}`,
        })),
      };
    },
  };
}

describe('publish stage -> report stage', () => {
  it('a draft release: the summary says to publish it (the flag passes from the upload to the summary)', async () => {
    const { ctx, rec } = fakeContext({ release: 'auto', targets: 'linux-amd64' }, { env: tagPush });
    const results = [built(ctx.config.outputDir, 'linux-amd64')];
    const calls: string[] = [];
    const published = await publishStage(
      ctx,
      octokit,
      { pluginName: 'hello', releases: [{ server, results, goModChanges: [] }] },
      publisher(true, calls),
    );
    expect(published.release).toMatchObject({ tag: 'v1.0.0', draft: true });
    expect(calls).toEqual([
      'artifacts hello-linux-amd64.so env me/hello',
      'find me/hello v1.0.0',
      'upload hello-linux-amd64.so,checksums.txt',
    ]);
    expect(rec.log).toContain('info: the artifact client said hello');
    expect(rec.log).toContain('group: Upload release assets (v1.0.0)');

    await reportStage(ctx, oneRelease({ server, sync, results }, { pluginName: 'hello', published }));
    expect(rec.summary).toContain('(draft: publish it to make the assets public)');
    expect(rec.outputs['release-url']).toBe('https://github.com/me/hello/releases/tag/v1.0.0');
    expect(rec.outputs['checksums']).toBe(published.checksumsPath);
    expect(readFileSync(published.checksumsPath!, 'utf8')).toContain('hello-linux-amd64.so');
    const entries = JSON.parse(rec.outputs['artifacts']!) as {
      artifactId?: number;
      releaseAssetUrl?: string;
    }[];
    expect(entries).toEqual([
      expect.objectContaining({
        artifactId: 1,
        releaseAssetUrl: 'https://github.com/me/hello/releases/download/v1.0.0/hello-linux-amd64.so',
      }),
    ]);
    expect(rec.outputs['files']).toBe(results[0]!.path);
  });

  it('a published release: no draft note', async () => {
    const { ctx, rec } = fakeContext({ release: 'auto', targets: 'linux-amd64' }, { env: tagPush });
    const results = [built(ctx.config.outputDir, 'linux-amd64')];
    const published = await publishStage(
      ctx,
      octokit,
      { pluginName: 'hello', releases: [{ server, results, goModChanges: [] }] },
      publisher(false),
    );
    await reportStage(ctx, oneRelease({ server, sync, results }, { pluginName: 'hello', published }));
    expect(rec.summary).toContain(
      'Release: <a href="https://github.com/me/hello/releases/tag/v1.0.0">v1.0.0</a>',
    );
    expect(rec.summary).not.toContain('draft');
  });

  it('a failed target: nothing goes to the release, the problem says why', async () => {
    const { ctx, rec } = fakeContext(
      { release: 'auto', targets: 'linux-amd64,linux-arm64', 'upload-artifacts': 'false' },
      { env: tagPush },
    );
    const results = [built(ctx.config.outputDir, 'linux-amd64'), failed('linux-arm64')];
    const calls: string[] = [];
    const published = await publishStage(
      ctx,
      octokit,
      { pluginName: 'hello', releases: [{ server, results, goModChanges: [] }] },
      publisher(true, calls),
    );
    expect(calls).toEqual([]);
    expect(published.problems).toEqual([
      'not uploaded to release v1.0.0 because the build failed for linux-arm64',
    ]);
    expect(published.release).toBeUndefined();
    await reportStage(ctx, oneRelease({ server, sync, results }, { pluginName: 'hello', published }));
    expect(rec.summary).toContain('build failed: go build exited with code 1');
    expect(rec.outputs['release-url']).toBeUndefined();
  });

  it('not a tag push: the log says why nothing is uploaded to a release', async () => {
    const { ctx, rec } = fakeContext(
      { targets: 'linux-amd64', 'upload-artifacts': 'false' },
      { env: { GITHUB_REF: 'refs/heads/main', GITHUB_EVENT_NAME: 'push' } },
    );
    const results = [built(ctx.config.outputDir, 'linux-amd64')];
    await publishStage(
      ctx,
      octokit,
      { pluginName: 'hello', releases: [{ server, results, goModChanges: [] }] },
      publisher(true),
    );
    expect(rec.log).toContain(
      'info: No release upload: release is auto and this run is not for a tag push or a release (push on refs/heads/main).',
    );
  });

  it('summary: false writes no summary but still sets the outputs', async () => {
    const { ctx, rec } = fakeContext({ summary: 'false', targets: 'linux-amd64' });
    const results = [built(ctx.config.outputDir, 'linux-amd64')];
    await reportStage(ctx, oneRelease({ server, sync, results }, { pluginName: 'hello' }));
    expect(rec.summary).toBe('');
    expect(rec.outputs['files']).toBe(results[0]!.path);
  });

  it('a summary that cannot be written is a warning, never a failed step', async () => {
    const { ctx, rec } = fakeContext({ targets: 'linux-amd64' });
    ctx.tk.appendSummary = () => Promise.reject(new Error('no GITHUB_STEP_SUMMARY'));
    await reportStage(ctx, oneRelease({ server, sync }));
    await reportFailure(ctx.tk, true, { stage: 'Build', build: true, server }, 'it broke');
    expect(rec.annotations).toEqual([
      { level: 'warning', message: 'Could not write the job summary: no GITHUB_STEP_SUMMARY' },
      { level: 'warning', message: 'Could not write the job summary: no GITHUB_STEP_SUMMARY' },
    ]);
    expect(rec.failed).toEqual([]);
  });

  it('a failed run: the summary names the stage that failed and what ran before it', async () => {
    const { ctx, rec } = fakeContext({ targets: 'linux-amd64' });
    await reportFailure(
      ctx.tk,
      true,
      { stage: 'Build', build: true, server, sync, pluginName: 'hello' },
      'it broke',
    );
    expect(rec.summary).toContain('## Flow plugin hello: failed at Build');
    expect(rec.summary).toContain('Flow/server v2.0.0, Go 1.22.4');
  });
});

describe('report after a check with a build', () => {
  it('go.mod lines that differ but a module graph that matched are not "already matched"', async () => {
    const { ctx, rec } = fakeContext({ targets: 'linux-amd64', 'go-mod-sync': 'check' });
    const checked: SyncResult = {
      ...sync,
      mode: 'check',
      deferred: [{ module: 'github.com/gin-gonic/gin', from: 'v1.9.0', to: 'v1.9.1', line: 6 }],
    };
    const results = [built(ctx.config.outputDir, 'linux-amd64')];
    await reportStage(ctx, oneRelease({ server, sync: checked, results }, { pluginName: 'hello' }));
    expect(rec.summary).toContain(
      "go.mod's require lines name other versions than the server's for 1 module, but after `go mod tidy`",
    );
    expect(rec.summary).not.toContain('already matched');
  });
});

describe('several releases: one publish, one report', () => {
  it('one checksums.txt and plugins.json for every release; outputs carry the server tag; one summary table', async () => {
    const { ctx, rec } = fakeContext(
      { release: 'auto', targets: 'linux-amd64', 'server-versions': 'v2.0.0, v1.9.0' },
      { env: tagPush },
    );
    const older = serverFacts({
      repository: 'Flow/server',
      tag: 'v1.9.0',
      goVersionFile: '1.21.3\n',
      goMod: SERVER_GO_MOD,
    });
    const newer = [built(ctx.config.outputDir, 'linux-amd64', 'hello-linux-amd64-for-v2.0.0.so')];
    const old = [built(ctx.config.outputDir, 'linux-amd64', 'hello-linux-amd64-for-v1.9.0.so')];
    const calls: string[] = [];
    const published = await publishStage(
      ctx,
      octokit,
      {
        pluginName: 'hello',
        module: 'github.com/me/hello',
        releases: [
          { server, results: newer, proof: () => 'loaded', goModChanges: [] },
          {
            server: older,
            results: old,
            // Not loaded here (arm without an emulator, say), but its build info matched the server's.
            proof: () => 'build-info',
            goModChanges: [{ module: 'golang.org/x/crypto', from: 'v0.21.0', to: 'v0.20.0' }],
          },
        ],
      },
      publisher(false, calls),
    );
    expect(calls.at(-1)).toBe(
      'upload hello-linux-amd64-for-v2.0.0.so,hello-linux-amd64-for-v1.9.0.so,checksums.txt,plugins.json',
    );
    expect(readFileSync(published.checksumsPath!, 'utf8').trim().split('\n')).toHaveLength(2);
    const index = parsePluginIndex(readFileSync(published.indexPath!, 'utf8'));
    expect(Object.keys(index.releases)).toEqual(['v2.0.0', 'v1.9.0']);
    expect(index.releases['v1.9.0']).toMatchObject({
      go: '1.21.3',
      goModChanges: [{ path: 'golang.org/x/crypto', from: 'v0.21.0', to: 'v0.20.0' }],
      targets: { 'linux-amd64': { file: 'hello-linux-amd64-for-v1.9.0.so', verified: 'build-info' } },
    });
    expect(index.releases['v2.0.0']!.targets['linux-amd64']!.verified).toBe('loaded');

    await reportStage(ctx, {
      pluginName: 'hello',
      releases: [
        { server, sync, results: newer },
        { server: older, sync, results: old },
      ],
      skipped: [{ server: 'v1.8.0', go: '1.20.1', reason: 'go.mod says go 1.21, newer than the server' }],
      several: true,
      order: ['v2.0.0', 'v1.9.0', 'v1.8.0'],
      published,
    });
    expect(JSON.parse(rec.outputs['artifacts']!).map((e: { server: string }) => e.server)).toEqual([
      'v2.0.0',
      'v1.9.0',
    ]);
    expect(JSON.parse(rec.outputs['server-versions']!)).toEqual(['v2.0.0', 'v1.9.0']);
    expect(JSON.parse(rec.outputs['skipped-server-versions']!)).toEqual([
      { server: 'v1.8.0', go: '1.20.1', reason: 'go.mod says go 1.21, newer than the server' },
    ]);
    expect(rec.outputs['plugin-index']).toBe(published.indexPath);
    expect(rec.summary).toContain('for 2 releases of Flow/server');
    expect(rec.summary.indexOf('| v1.9.0')).toBeLessThan(rec.summary.indexOf('| v1.8.0'));
    expect(rec.summary).toContain('⏭️ skipped | go.mod says go 1.21, newer than the server |');
  });
});

describe('a release that already has plugins.json (a tag build re-run after a follow run)', () => {
  it("keeps the entries and checksums lines of other server releases; this run's replace theirs", async () => {
    const { ctx } = fakeContext({ release: 'auto', targets: 'linux-amd64' }, { env: tagPush });
    const results = [built(ctx.config.outputDir, 'linux-amd64', 'hello-linux-amd64-for-v2.0.0.so')];
    const entry = (tag: string, sha: string) => ({
      go: '1.21.3',
      serverModule: 'github.com/flow/server/v2',
      goModChanges: [],
      targets: {
        'linux-amd64': { file: `hello-linux-amd64-for-${tag}.so`, size: 3, sha256: sha, verified: 'loaded' },
      },
    });
    const onRelease = {
      index: JSON.stringify({
        schema: 1,
        plugin: 'hello',
        module: 'github.com/me/hello',
        serverRepository: 'Flow/server',
        generatedBy: 'flow-plugin-build-action',
        releases: { 'v2.1.0': entry('v2.1.0', 'a'.repeat(64)), 'v2.0.0': entry('v2.0.0', 'b'.repeat(64)) },
      }),
      checksums: `${'a'.repeat(64)}  hello-linux-amd64-for-v2.1.0.so\n${'b'.repeat(64)}  hello-linux-amd64-for-v2.0.0.so\n`,
    };
    const uploaded: Record<string, string> = {};
    await publishStage(
      ctx,
      {} as Octokit,
      {
        pluginName: 'hello',
        module: 'github.com/me/hello',
        releases: [{ server, results, proof: () => 'loaded', goModChanges: [] }],
      },
      publisher(false, [], onRelease, uploaded),
    );
    const index = parsePluginIndex(uploaded['plugins.json']!);
    expect(Object.keys(index.releases)).toEqual(['v2.1.0', 'v2.0.0']);
    expect(index.releases['v2.0.0']!.targets['linux-amd64']!.sha256).toBe(results[0]!.sha256);
    expect(index.releases['v2.1.0']).toEqual(entry('v2.1.0', 'a'.repeat(64)));
    expect(uploaded['checksums.txt']!.trim().split('\n')).toEqual([
      `${results[0]!.sha256}  hello-linux-amd64-for-v2.0.0.so`,
      `${'a'.repeat(64)}  hello-linux-amd64-for-v2.1.0.so`,
    ]);
    // The output-dir copies hold only this run's plugins.
    expect(readFileSync(join(ctx.config.outputDir, 'checksums.txt'), 'utf8').trim().split('\n')).toHaveLength(
      1,
    );
  });
});
