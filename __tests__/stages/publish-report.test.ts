// The publish and report stages on plain data (a fake toolkit, fake uploads): what the log, the
// outputs and the job summary say. Issue 13's seam: the summary could say a release is a draft,
// and was tested with that flag, but the run never passed the flag on.
import { readFileSync } from 'node:fs';
import type { Octokit } from '@octokit/rest';
import { describe, expect, it } from 'vitest';
import { publishStage, type Publisher } from '../../src/publish/stage';
import { reportFailure, reportStage } from '../../src/report/stage';
import type { SyncResult } from '../../src/sync/sync';
import { fakeContext } from './fake-toolkit';
import { built, failed, server } from './fixtures';

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

function publisher(draft: boolean, calls: string[] = []): Publisher {
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
    updateRelease: async (_o, a) => {
      calls.push(`upload ${a.files.map((f) => f.name).join(',')}`);
      return {
        ok: true,
        release: 'updated',
        leftovers: [],
        healed: [],
        files: a.files.map((f) => ({
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
      { server, pluginName: 'hello', results },
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

    await reportStage(ctx, { pluginName: 'hello', server, sync, results, published });
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
      { server, pluginName: 'hello', results },
      publisher(false),
    );
    await reportStage(ctx, { pluginName: 'hello', server, sync, results, published });
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
      { server, pluginName: 'hello', results },
      publisher(true, calls),
    );
    expect(calls).toEqual([]);
    expect(published.problems).toEqual([
      'not uploaded to release v1.0.0 because the build failed for linux-arm64',
    ]);
    expect(published.release).toBeUndefined();
    await reportStage(ctx, { pluginName: 'hello', server, sync, results, published });
    expect(rec.summary).toContain('build failed: go build exited with code 1');
    expect(rec.outputs['release-url']).toBeUndefined();
  });

  it('not a tag push: the log says why nothing is uploaded to a release', async () => {
    const { ctx, rec } = fakeContext(
      { targets: 'linux-amd64', 'upload-artifacts': 'false' },
      { env: { GITHUB_REF: 'refs/heads/main', GITHUB_EVENT_NAME: 'push' } },
    );
    const results = [built(ctx.config.outputDir, 'linux-amd64')];
    await publishStage(ctx, octokit, { server, pluginName: 'hello', results }, publisher(true));
    expect(rec.log).toContain(
      'info: No release upload: release is auto and this run is not for a tag push or a release (push on refs/heads/main).',
    );
  });

  it('summary: false writes no summary but still sets the outputs', async () => {
    const { ctx, rec } = fakeContext({ summary: 'false', targets: 'linux-amd64' });
    const results = [built(ctx.config.outputDir, 'linux-amd64')];
    await reportStage(ctx, { pluginName: 'hello', server, sync, results });
    expect(rec.summary).toBe('');
    expect(rec.outputs['files']).toBe(results[0]!.path);
  });

  it('a summary that cannot be written is a warning, never a failed step', async () => {
    const { ctx, rec } = fakeContext({ targets: 'linux-amd64' });
    ctx.tk.appendSummary = () => Promise.reject(new Error('no GITHUB_STEP_SUMMARY'));
    await reportStage(ctx, { server, sync });
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
    await reportStage(ctx, { pluginName: 'hello', server, sync: checked, results });
    expect(rec.summary).toContain(
      "go.mod's require lines name other versions than the server's for 1 module, but after `go mod tidy`",
    );
    expect(rec.summary).not.toContain('already matched');
  });
});
