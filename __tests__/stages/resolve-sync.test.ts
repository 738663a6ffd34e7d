// The resolve and sync stages on plain data (a fake toolkit, a plugin folder on disk): what the
// log, the annotations and the outputs say, and the facts they hand on (parsed once).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Octokit } from '@octokit/rest';
import { describe, expect, it } from 'vitest';
import { moduleCacheKeys } from '../../src/cache/module-cache';
import { resolveStage } from '../../src/resolve/stage';
import { serverFacts } from '../../src/resolve/server';
import { syncStage } from '../../src/sync/stage';
import { fakeContext } from './fake-toolkit';
import { releaseOf, SERVER_GO_MOD } from './fixtures';

describe('resolve stage', () => {
  it('logs the server, warns what resolveServer warned, sets the three outputs', async () => {
    const { ctx, rec } = fakeContext();
    const facts = serverFacts({
      repository: 'Flow/server',
      tag: 'v2.0.0',
      goVersionFile: '1.22.4\n',
      goMod: SERVER_GO_MOD.replace('go1.22.4', 'go1.22.5'),
    });
    let asked: string | undefined;
    const s = await resolveStage(ctx, {} as Octokit, async (_o, config) => {
      asked = `${config.server.owner}/${config.server.repo} ${config.serverVersion}`;
      return { servers: [facts], leftOut: [] };
    });
    expect(s).toEqual([facts]);
    expect(asked).toBe('Flow/server latest');
    expect(rec.log).toEqual([
      'group: Resolve server',
      'info: Flow/server v2.0.0: Go 1.22.4 (from GO_VERSION), module github.com/flow/server/v2',
      'debug: server go.mod: Flow/server@v2.0.0:go.mod (2 requires)',
      'endgroup',
    ]);
    expect(rec.annotations.map((a) => a.message)).toEqual([
      'GO_VERSION at v2.0.0 says 1.22.4 but go.mod says toolchain go1.22.5; using 1.22.4 from GO_VERSION.',
    ]);
    expect(rec.outputs).toEqual({
      'server-version': 'v2.0.0',
      'go-version': '1.22.4',
      'server-module': 'github.com/flow/server/v2',
    });
  });
});

const PLUGIN = `module github.com/me/hello

go 1.21

require (
	github.com/gin-gonic/gin v1.9.0
	golang.org/x/crypto v0.21.0
)
`;

function plugin(inputs: Record<string, string>) {
  const { ctx, rec } = fakeContext(inputs);
  writeFileSync(join(ctx.workspace, 'go.mod'), PLUGIN);
  writeFileSync(join(ctx.workspace, 'go.sum'), 'github.com/gin-gonic/gin v1.9.1 h1:x\n');
  return { ctx, rec };
}

describe('sync stage', () => {
  it('cap: rewrites go.mod, logs each change, sets go-mod-changes, hands on the parsed file and the module cache key', async () => {
    const { ctx, rec } = plugin({ 'go-mod-sync': 'cap' });
    const r = await syncStage(ctx, releaseOf(ctx));
    expect(readFileSync(join(ctx.workspace, 'go.mod'), 'utf8')).toContain('github.com/gin-gonic/gin v1.9.1');
    expect(r.written).toBe(true);
    expect(r.goMod?.require.map((x) => x.version)).toEqual(['v1.9.1', 'v0.21.0']);
    expect(r.goMod?.go).toMatchObject({ version: '1.21', line: 3 });
    const keys = moduleCacheKeys({ goVersion: '1.22.4', goSum: `${r.goModText}\n${r.goSum}`, os: 'linux' });
    expect(r.moduleCache).toEqual(keys);
    expect(rec.log).toEqual([
      'group: Sync go.mod',
      `debug: module cache key: ${keys.primary} (restore keys: ${keys.restoreKeys.join(', ')})`,
      'info: Rewrote go.mod:',
      'info:   github.com/gin-gonic/gin  v1.9.0 -> v1.9.1  (line 6)',
      'endgroup',
    ]);
    expect(JSON.parse(rec.outputs['go-mod-changes']!)).toEqual([
      { module: 'github.com/gin-gonic/gin', from: 'v1.9.0', to: 'v1.9.1', step: 'cap' },
    ]);
  });

  it('uses go.mod as the pre-flight check read it (not read again)', async () => {
    const { ctx } = plugin({ 'go-mod-sync': 'check', build: 'false' });
    const { parseGoMod } = await import('../../src/gomod');
    const text = PLUGIN.replace('v1.9.0', 'v1.9.1');
    const r = await syncStage(ctx, releaseOf(ctx), { text, file: parseGoMod(text) });
    expect(r.changes).toEqual([]);
    expect(r.goModText).toBe(text);
  });

  it('check without a build: an annotation on every mismatched line, and the run stops', async () => {
    const { ctx, rec } = plugin({ 'go-mod-sync': 'check', build: 'false' });
    await expect(syncStage(ctx, releaseOf(ctx))).rejects.toThrow(
      "go.mod requires 1 module version other than the server's:\n  github.com/gin-gonic/gin v1.9.0 -> server has v1.9.1 (line 6)\nSet go-mod-sync: cap",
    );
    expect(rec.annotations).toEqual([
      {
        level: 'error',
        message: "github.com/gin-gonic/gin v1.9.0 differs from the server's v1.9.1",
        where: { title: 'go.mod mismatch', file: 'go.mod', startLine: 6 },
      },
    ]);
    expect(rec.outputs['go-mod-changes']).toBeUndefined();
    expect(readFileSync(join(ctx.workspace, 'go.mod'), 'utf8')).toBe(PLUGIN);
  });

  it('check with a build: the mismatches are logged and left for the module graph check after tidy', async () => {
    const { ctx, rec } = plugin({ 'go-mod-sync': 'check', build: 'true' });
    const r = await syncStage(ctx, releaseOf(ctx));
    expect(r.deferred).toHaveLength(1);
    expect(r.changes).toEqual([]);
    expect(rec.log).toContain(
      "info: go.mod requires 1 module version other than the server's:\n  github.com/gin-gonic/gin v1.9.0 -> server has v1.9.1 (line 6)\nThe whole module graph is checked after go mod tidy, before building.",
    );
    expect(rec.annotations).toEqual([]);
    expect(rec.outputs['go-mod-changes']).toBe('[]');
  });

  it('off: go.mod left as it is, and said so', async () => {
    const { ctx, rec } = plugin({ 'go-mod-sync': 'off' });
    const r = await syncStage(ctx, releaseOf(ctx));
    // Parsed once to check its module paths (issue 21); the build stage reuses the parse.
    expect(r.goMod?.module?.path).toBeDefined();
    expect(rec.log).toContain('info: go-mod-sync is off: go.mod left as it is.');
  });
});
