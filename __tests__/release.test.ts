// The releases of a run as the stages take them (src/release.ts): which folder each works in, the
// scratch copy of the plugin's folder, what the log says they share; and the summary of several.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  describeSharing,
  planReleases,
  preparePluginDir,
  releaseLabel,
  removeScratch,
  sharedWork,
} from '../src/release';
import { renderReleasesSummary } from '../src/report/summary';
import { serverFacts } from '../src/resolve/server';
import { fakeContext } from './stages/fake-toolkit';
import { SERVER_GO_MOD } from './stages/fixtures';

const facts = (tag: string, go: string) =>
  serverFacts({ repository: 'Flow/server', tag, goVersionFile: `${go}\n`, goMod: SERVER_GO_MOD });

describe('planReleases', () => {
  it('one release (server-version) works in working-directory itself', () => {
    const { ctx } = fakeContext();
    const [only, ...rest] = planReleases(ctx, [facts('v2.0.0', '1.22.4')], sharedWork(ctx));
    expect(rest).toEqual([]);
    expect(only).toMatchObject({ index: 0, of: 1, scratch: false, pluginDir: ctx.config.workingDirectory });
    expect(releaseLabel(only!)).toBe('v2.0.0');
  });

  it('several releases (server-versions) each get a scratch folder under RUNNER_TEMP, and share one SharedWork', () => {
    const { ctx } = fakeContext({ 'server-versions': '>=2' });
    const shared = sharedWork(ctx);
    const rs = planReleases(ctx, [facts('v2.1.0', '1.22.4'), facts('release/2.0', '1.22.4')], shared);
    expect(rs.map((r) => r.pluginDir)).toEqual([
      join(ctx.env.RUNNER_TEMP!, 'flow-releases', '1-v2.1.0', 'plugin'),
      join(ctx.env.RUNNER_TEMP!, 'flow-releases', '2-release_2.0', 'plugin'),
    ]);
    expect(rs.every((r) => r.scratch && r.shared === shared)).toBe(true);
    expect(releaseLabel(rs[1]!)).toBe('release/2.0 (2 of 2)');
    expect(shared.cacheDir).toBe(join(ctx.env.RUNNER_TEMP!, 'flow-plugin-build'));
  });

  it('the scratch copy holds the plugin folder but not output-dir; removeScratch removes it', async () => {
    const { ctx } = fakeContext({ 'server-versions': 'v2.1.0' });
    const ws = ctx.config.workingDirectory;
    writeFileSync(join(ws, 'go.mod'), 'module example.com/p\n');
    mkdirSync(join(ws, 'pkg'));
    writeFileSync(join(ws, 'pkg', 'a.go'), 'package pkg\n');
    mkdirSync(ctx.config.outputDir, { recursive: true });
    writeFileSync(join(ctx.config.outputDir, 'old.so'), 'x');
    const [release] = planReleases(ctx, [facts('v2.1.0', '1.22.4')], sharedWork(ctx));
    await preparePluginDir(ctx, release!);
    expect(readdirSync(release!.pluginDir).sort()).toEqual(['go.mod', 'pkg']);
    expect(readFileSync(join(release!.pluginDir, 'pkg', 'a.go'), 'utf8')).toBe('package pkg\n');
    await removeScratch(ctx);
    expect(readdirSync(ctx.env.RUNNER_TEMP!)).not.toContain('flow-releases');
  });
});

describe('describeSharing', () => {
  it('says which releases share a Go version (and so its images and compiled packages)', () => {
    expect(
      describeSharing([
        { tag: 'v2.9.1', goVersion: '1.26.0' },
        { tag: 'v2.6.1', goVersion: '1.23.5' },
        { tag: 'v2.6.0', goVersion: '1.23.5' },
      ]),
    ).toEqual([
      'Go 1.26.0: v2.9.1',
      'Go 1.23.5: v2.6.1, v2.6.0 share its builder images and compiled packages (one module cache and one build cache for the run)',
    ]);
  });
});

describe('renderReleasesSummary', () => {
  it('one table, release x target: loaded, refused, not verified, build failed, skipped and why', () => {
    const md = renderReleasesSummary({
      pluginName: 'hello',
      repository: 'gotify/server',
      targets: ['linux-amd64', 'linux-arm64'],
      verified: true,
      releases: [
        {
          tag: 'v2.9.1',
          goVersion: '1.26.0',
          goMod: {
            mode: 'align',
            changes: [
              {
                module: 'golang.org/x/sys',
                from: 'v0.30.0',
                to: 'v0.28.0',
                step: 'align',
                reason: 'the server has v0.28.0',
              },
            ],
          },
          targets: [
            {
              target: 'linux-amd64',
              ok: true,
              fileName: 'hello-linux-amd64-for-v2.9.1.so',
              size: 10,
              sha256: 'a'.repeat(64),
              loads: { status: 'loaded' },
            },
            {
              target: 'linux-arm64',
              ok: true,
              fileName: 'hello-linux-arm64-for-v2.9.1.so',
              size: 10,
              sha256: 'b'.repeat(64),
              loads: { status: 'not-verified', reason: 'no emulator' },
            },
          ],
        },
        {
          tag: 'v2.6.1',
          goVersion: '1.23.5',
          goMod: { mode: 'align', changes: [] },
          targets: [
            {
              target: 'linux-amd64',
              ok: true,
              fileName: 'hello-linux-amd64-for-v2.6.1.so',
              loads: { status: 'failed', reason: 'plugin was built with a different version of package x' },
            },
            { target: 'linux-arm64', ok: false, error: 'go build exited with code 1' },
          ],
        },
        {
          tag: 'v2.1.4',
          goVersion: '1.19.8',
          skipped: 'go.mod says go 1.23, newer than the server',
          targets: [],
        },
      ],
    });
    expect(md).toContain('## Flow plugin hello for 2 releases of gotify/server');
    expect(md).toContain(
      '| Server release | Go | <code>linux-amd64</code> | <code>linux-arm64</code> | Notes |',
    );
    expect(md).toContain(
      '| v2.9.1 | <code>1.26.0</code> | ✅ loaded | ✅ built, not verified: no emulator |  |',
    );
    expect(md).toContain(
      '| v2.6.1 | <code>1.23.5</code> | ❌ refused: plugin was built with a different version of package x | ❌ build failed |  |',
    );
    expect(md).toContain(
      '| v2.1.4 | <code>1.19.8</code> | ⏭️ skipped | ⏭️ skipped | go.mod says go 1.23, newer than the server |',
    );
    expect(md).toContain('⏭️ Skipped (`unsupported-server-version: skip`): <code>v2.1.4</code>.');
    expect(md).toContain(
      '| <code>v2.9.1</code> | <code>golang.org/x/sys</code> | <code>v0.30.0</code> | <code>v0.28.0</code> | align | the server has v0.28.0 |',
    );
    expect(md).toContain(
      '- <code>linux-amd64</code> for <code>v2.6.1</code>: does not load: plugin was built',
    );
  });
});
