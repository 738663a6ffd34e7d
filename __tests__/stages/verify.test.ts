// The verify stage on plain data: a fake toolkit, a server binary the user built (an ELF header),
// a fake Docker whose server panics the way the loader does. What the log, the annotation on the
// go.mod line and the `verified` output say.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Octokit } from '@octokit/rest';
import { describe, expect, it } from 'vitest';
import type { Docker } from '../../src/build/docker';
import type { SyncResult } from '../../src/sync/sync';
import { verifyStage } from '../../src/verify/stage';
import { fakeContext } from './fake-toolkit';
import { built, releaseOf } from './fixtures';

const PLUGIN = 'module github.com/me/hello\n\ngo 1.21\n\nrequire github.com/gin-gonic/gin v1.9.0\n';
const panic =
  'Starting Gotify version 2.0.0\npanic: error while loading plugin hello-linux-amd64.so: plugin.Open("/flow-verify/run/plugins/hello-linux-amd64"): plugin was built with a different version of package github.com/gin-gonic/gin/render\n\ngoroutine 1 [running]:\n';

function elf64(): Buffer {
  const b = Buffer.alloc(64);
  b.set([0x7f, 0x45, 0x4c, 0x46, 2, 1], 0);
  b.writeUInt16LE(62, 18);
  return b;
}

function setup(inputs: Record<string, string>) {
  const { ctx, rec } = fakeContext({
    targets: 'linux-amd64',
    'server-binary': './gotify-{target}',
    ...inputs,
  });
  const binfmt = join(ctx.workspace, 'binfmt');
  mkdirSync(binfmt);
  (ctx.env as Record<string, string>).FLOW_BINFMT_DIR = binfmt;
  (ctx.env as Record<string, string>).FLOW_VERIFY_TIMEOUT_MS = '20000';
  writeFileSync(join(ctx.workspace, 'go.mod'), PLUGIN);
  writeFileSync(join(ctx.workspace, 'gotify-linux-amd64'), elf64());
  const sync: SyncResult = {
    mode: 'cap',
    goModPath: join(ctx.workspace, 'go.mod'),
    changes: [],
    written: false,
    goModText: PLUGIN,
    goSum: '',
  };
  const results = [built(ctx.config.outputDir, 'linux-amd64')];
  return { ctx, rec, sync, results };
}

describe('verify stage', () => {
  it('verify: false: said once, nothing loaded, the verified output is empty', async () => {
    const { ctx, rec, sync, results } = setup({ verify: 'false' });
    const docker: Docker = { run: () => Promise.reject(new Error('no container expected')) };
    const r = await verifyStage(ctx, {} as Octokit, docker, { release: releaseOf(ctx), sync, results });
    expect(r.problems).toEqual([]);
    expect(rec.log).toEqual([
      'info: verify is false: the plugins are not loaded into the server before the upload.',
    ]);
    expect(rec.outputs).toEqual({ verified: '[]' });
  });

  it.runIf(process.arch === 'x64')(
    'a plugin the server refuses: the loader quoted, an annotation on the go.mod line at fault, a problem',
    async () => {
      const { ctx, rec, sync, results } = setup({ verify: 'auto' });
      const runs: string[][] = [];
      const docker: Docker = {
        run: (args) => {
          runs.push(args);
          return Promise.resolve(
            args[0] === 'run' ? { exitCode: 2, output: panic } : { exitCode: 0, output: '' },
          );
        },
      };
      const r = await verifyStage(ctx, {} as Octokit, docker, { release: releaseOf(ctx), sync, results });
      expect(runs[0]![0]).toBe('run');
      expect(r.entries).toEqual([expect.objectContaining({ target: 'linux-amd64', status: 'failed' })]);
      expect(r.problems).toHaveLength(1);
      expect(rec.log[0]).toBe('group: Verify plugins load into Flow/server v2.0.0');
      expect(rec.log).toContain(`info: ${panic.trimEnd()}`);
      expect(rec.annotations).toEqual([
        expect.objectContaining({
          level: 'error',
          message: expect.stringMatching(
            /^linux-amd64: Flow\/server v2\.0\.0 refuses hello-linux-amd64\.so: .*Fix: /,
          ),
          where: { title: 'plugin does not load into Flow/server v2.0.0', file: 'go.mod', startLine: 5 },
        }),
      ]);
      expect(JSON.parse(rec.outputs['verified']!)).toEqual([
        expect.objectContaining({ target: 'linux-amd64', status: 'failed' }),
      ]);
    },
  );
});
