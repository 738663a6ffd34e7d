// Parse once, pass the facts on (issue 13): how often each go.mod is parsed on the way from the
// resolve through the sync to the build, counted per file name (work, not time).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { withDebugLog, type Docker } from '../../src/build/docker';
import { buildStage } from '../../src/build/stage';
import { GoModFile } from '../../src/gomod';
import { serverFacts } from '../../src/resolve/server';
import { syncStage } from '../../src/sync/stage';
import { fakeContext } from './fake-toolkit';
import { releaseOf, SERVER_GO_MOD } from './fixtures';

const PLUGIN = 'module github.com/me/hello\n\ngo 1.21\n\nrequire github.com/gin-gonic/gin v1.9.0\n';

function counting() {
  const spy = vi.spyOn(GoModFile, 'parseLatin1');
  return (file: string) => spy.mock.calls.filter((c) => c[0] === file).length;
}

afterEach(() => vi.restoreAllMocks());

/** Docker that has every image, and fails `go mod tidy` so the build stops there. */
const stopAtTidy: Docker = {
  run: (args) =>
    Promise.resolve(
      args[0] === 'image'
        ? { exitCode: 0, output: `sha256:${'a'.repeat(64)}\n` }
        : { exitCode: 1, output: 'stop here' },
    ),
};

describe('parse once', () => {
  it.each([
    {
      why: 'check, nothing to change: each go.mod parsed once',
      mode: 'check',
      plugin: PLUGIN.replace('v1.9.0', 'v1.9.1'),
      serverParses: 1,
      pluginParses: 1,
    },
    {
      why: 'cap, nothing to change: each go.mod parsed once',
      mode: 'cap',
      plugin: PLUGIN.replace('v1.9.0', 'v1.9.1'),
      serverParses: 1,
      pluginParses: 1,
    },
    // gomod-cap edits its own tree of the plugin's go.mod (the engine's edit takes text) and is
    // given the server's requires as parsed at resolve; the written go.mod is parsed once.
    {
      why: "cap writes go.mod: the server's parse is reused, gomod-cap parses the plugin once more, the written file is parsed once",
      mode: 'cap',
      plugin: PLUGIN,
      serverParses: 1,
      pluginParses: 3,
    },
  ] as const)('$why', async ({ mode, plugin, serverParses, pluginParses }) => {
    const count = counting();
    const server = serverFacts({
      repository: 'Flow/server',
      tag: 'v2.0.0',
      goVersionFile: '1.22.4\n',
      goMod: SERVER_GO_MOD,
    });
    const { ctx } = fakeContext({
      'go-mod-sync': mode,
      targets: 'linux-amd64',
      cache: 'false',
      'build-cache': 'false',
    });
    writeFileSync(join(ctx.workspace, 'go.mod'), plugin);
    const sync = await syncStage(ctx, releaseOf(ctx, server));
    await expect(
      buildStage(
        ctx,
        releaseOf(ctx, server),
        sync,
        withDebugLog(stopAtTidy, () => undefined),
      ),
    ).rejects.toThrow('go mod tidy failed');
    expect(count(server.goModName)).toBe(serverParses);
    expect(count('go.mod')).toBe(pluginParses);
  });
});
