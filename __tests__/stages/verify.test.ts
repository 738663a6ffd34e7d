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
import { goBinary } from '../support/elf';

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

describe('issue 21: the build info backstop, on a target this runner cannot load', () => {
  const ARM = { machine: 40, bits: 32 } as const;
  const common = ['build\t-compiler=gc', 'build\tCGO_ENABLED=1', 'build\tGOARCH=arm', 'build\tGOOS=linux'];
  const serverInfo = [
    'path\tgithub.com/flow/server/v2',
    'mod\tgithub.com/flow/server/v2\t(devel)\t',
    'dep\tgithub.com/gin-gonic/gin\tv1.9.1\th1:gin=',
    ...common,
    'build\tGOARM=7',
  ];
  const pluginInfo = (extra: string[]) => [
    'path\tgithub.com/me/hello',
    'mod\tgithub.com/me/hello\t(devel)\t',
    ...(extra.some((l) => l.startsWith('dep\t')) ? [] : ['dep\tgithub.com/gin-gonic/gin\tv1.9.1\th1:gin=']),
    'build\t-buildmode=plugin',
    ...common,
    ...extra,
  ];

  function armSetup(plugin: string[]) {
    const { ctx, rec, sync } = setup({ verify: 'auto', targets: 'linux-arm-7' });
    writeFileSync(join(ctx.workspace, 'gotify-linux-arm-7'), goBinary(ARM, 'go1.22.4', serverInfo));
    const r = built(ctx.config.outputDir, 'linux-arm-7');
    writeFileSync(r.path, goBinary(ARM, 'go1.22.4', pluginInfo(plugin)));
    return { ctx, rec, sync, results: [r] };
  }
  const noDocker: Docker = { run: () => Promise.reject(new Error('no container expected')) };

  it.runIf(process.arch === 'x64')(
    'a GOARM=5 -trimpath plugin (docker-args or the image): failed before any upload, naming both settings',
    async () => {
      const { ctx, rec, sync, results } = armSetup(['build\t-trimpath=true', 'build\tGOARM=5']);
      const r = await verifyStage(ctx, {} as Octokit, noDocker, { release: releaseOf(ctx), sync, results });
      expect(r.entries).toEqual([
        expect.objectContaining({
          target: 'linux-arm-7',
          status: 'failed',
          buildInfo: 'differs',
          reason:
            'its Go build info differs from the server binary: build setting -trimpath: the plugin has true, the server (not set); build setting GOARM: the plugin has 5, the server 7',
        }),
      ]);
      expect(r.problems).toEqual([
        "the plugin's Go build info differs from the server binary's for linux-arm-7 (build setting -trimpath: the plugin has true, the server (not set); build setting GOARM: the plugin has 5, the server 7): nothing was uploaded",
      ]);
      expect(rec.annotations).toContainEqual(
        expect.objectContaining({
          level: 'error',
          message: expect.stringMatching(
            /^linux-arm-7: hello-linux-arm-7\.so was not built like Flow\/server v2\.0\.0: .*Fix: build with the server's -trimpath/,
          ),
        }),
      );
    },
  );

  it.runIf(process.arch === 'x64')(
    'the same build info: not loaded here, proven by build info only, and said so',
    async () => {
      const { ctx, rec, sync, results } = armSetup(['build\tGOARM=7']);
      const r = await verifyStage(ctx, {} as Octokit, noDocker, { release: releaseOf(ctx), sync, results });
      expect(r.problems).toEqual([]);
      expect(r.entries).toEqual([
        expect.objectContaining({ target: 'linux-arm-7', status: 'not-verified', buildInfo: 'matches' }),
      ]);
      expect(rec.log).toContain('info: Proven by a load: none; by build info only: linux-arm-7.');
      expect(JSON.parse(rec.outputs['verified']!)).toEqual([
        expect.objectContaining({ target: 'linux-arm-7', status: 'not-verified', buildInfo: 'matches' }),
      ]);
    },
  );

  it.runIf(process.arch === 'x64')(
    'a module both link at another version: the go.mod line at fault',
    async () => {
      const { ctx, rec, sync, results } = armSetup([
        'build\tGOARM=7',
        'dep\tgithub.com/gin-gonic/gin\tv1.9.0\th1:gin0=',
      ]);
      const r = await verifyStage(ctx, {} as Octokit, noDocker, { release: releaseOf(ctx), sync, results });
      expect(r.entries[0]).toMatchObject({ status: 'failed', buildInfo: 'differs' });
      expect(rec.annotations).toContainEqual(
        expect.objectContaining({
          message: expect.stringContaining(
            'module github.com/gin-gonic/gin: the plugin links v1.9.0 h1:gin0=, the server v1.9.1 h1:gin=',
          ),
          where: { title: 'plugin does not match Flow/server v2.0.0', file: 'go.mod', startLine: 5 },
        }),
      );
    },
  );
});
