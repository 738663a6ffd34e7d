// The Go build cache end to end: the committed bundle builds real plugins in the builder images,
// keeps GOCACHE in the Actions cache stand-in between jobs that each start with an empty
// RUNNER_TEMP (a fresh runner), and the plugins built without `-a` from the restored cache are
// the plugins an `-a` build gives - byte for byte - and load into a server built with `-a`.
// Also: arm plugins of a Go before 1.21 are the same on every run (targetLdflags).
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startGitHubStandIn, type GitHubStandIn } from './support/github';
import {
  actionModuleSetup,
  buildHost,
  builderGoVersions,
  loadPlugins,
  makeGoEnv,
  freshRunner,
  removeTree,
  serverRepo,
  type GoEnv,
} from './support/fixtures';
import { startCacheService, type CacheService } from './support/cache-service';
import { runAction, type RunResult } from './support/runner';

const versions = await builderGoVersions();
const GO = versions.at(-1);
if (!GO) throw new Error('no builder images: run .ci/docker.sh');
/** A Go before 1.21 (gold links arm plugins with the temporary path), when there is an image for it. */
const OLD_GO = versions.find((v) => /^1\.(1\d|20)\./.test(v));
const TOKEN = 'ghs_buildCacheE2e';
const ALL = ['linux-amd64', 'linux-arm-7', 'linux-arm64', 'linux-386'];
const WITH_A = '-mod=readonly -a -installsuffix cgo';

const root = mkdtempSync(join(tmpdir(), 'flow-build-cache-'));
let env: GoEnv;
let gh: GitHubStandIn;
let service: CacheService;

beforeAll(async () => {
  env = makeGoEnv(join(root, 'go'));
  gh = await startGitHubStandIn({
    repos: {
      'flow/server': serverRepo(GO, TOKEN),
      ...(OLD_GO && { 'flow/old-server': serverRepo(OLD_GO, TOKEN) }),
    },
  });
  service = await startCacheService();
});

afterAll(async () => {
  await gh?.close();
  await service?.close();
  removeTree(root);
});

/**
 * One job on a fresh runner: the same workspace path, an emptied RUNNER_TEMP (the caches live
 * under it), the cache service stand-in. Returns the run and its plugins by target.
 */
async function job(
  inputs: Record<string, string>,
  server = 'flow/server',
): Promise<RunResult & { plugins: Record<string, Buffer>; files: Record<string, string> }> {
  const { workspace, runnerTemp } = freshRunner(root);
  const r = await runAction({
    cwd: workspace,
    inputs: {
      'server-repository': server,
      'server-version': 'v2.0.0',
      'github-token': TOKEN,
      targets: ALL.join(','),
      'upload-artifacts': 'false',
      release: 'false',
      summary: 'false',
      'docker-args': actionModuleSetup(env).dockerArgs,
      ...inputs,
    },
    env: { ...service.env(), GITHUB_API_URL: gh.url, RUNNER_TEMP: runnerTemp, ...actionModuleSetup(env).env },
    timeoutMs: 900_000,
  });
  const plugins: Record<string, Buffer> = {};
  const files: Record<string, string> = {};
  if (r.exitCode === 0) {
    for (const f of (r.outputs.files ?? '').split('\n').filter(Boolean)) {
      const target = /-(linux-[a-z0-9-]+)\.so$/.exec(f)![1]!;
      // Keep a copy: the next job empties the workspace.
      const keep = join(root, 'kept', `${Date.now()}-${target}.so`);
      mkdirSync(join(root, 'kept'), { recursive: true });
      copyFileSync(f, keep);
      plugins[target] = readFileSync(keep);
      files[target] = keep;
    }
  }
  return { ...r, plugins, files };
}

/** Keys of the finalized build cache entries (never the entries: their bytes would flood a diff). */
const buildEntries = () =>
  service
    .entries()
    .filter((e) => e.finalized && e.key.startsWith('flow-plugin-gobuild-'))
    .map((e) => e.key);

describe(`without -a, from a restored build cache (Go ${GO})`, () => {
  let withA: Awaited<ReturnType<typeof job>>;
  let cold: Awaited<ReturnType<typeof job>>;
  let warm: Awaited<ReturnType<typeof job>>;
  let entriesAfterA: string[];

  beforeAll(async () => {
    withA = await job({ 'build-flags': WITH_A });
    entriesAfterA = buildEntries();
    cold = await job({});
    // -x lists every command go runs: from a warm cache there is nothing to compile, only to link.
    warm = await job({ 'build-flags': '-mod=readonly -installsuffix cgo -x' });
  });

  test('-a: the log says the build cache is bypassed, and no build cache entry is made', () => {
    expect(withA.exitCode, withA.stdout).toBe(0);
    expect(withA.stdout).toContain(
      'build-flags holds -a: every package is rebuilt, so the Go build cache is bypassed',
    );
    expect(withA.stdout).not.toContain('::group::Restore Go build cache');
    expect(entriesAfterA).toEqual([]);
  });

  test('the first run without -a saves GOCACHE under Go version, images and go.sum; the next restores it exactly', () => {
    expect(cold.exitCode, cold.stdout).toBe(0);
    expect(cold.stdout).toContain('::group::Restore Go build cache');
    expect(cold.stdout).toMatch(/Go build cache: no entry for flow-plugin-gobuild-linux-go/);
    const saved = buildEntries();
    expect(saved).toHaveLength(1);
    expect(saved[0]!).toMatch(
      new RegExp(`^flow-plugin-gobuild-linux-go${GO.replace(/\./g, '\\.')}-[0-9a-f]{16}-[0-9a-f]{32}$`),
    );
    expect(cold.stdout).toContain(`Go build cache saved under ${saved[0]!}.`);
    // Saved after the builds, beside the module cache.
    expect(cold.stdout.indexOf('::group::Save Go build cache')).toBeGreaterThan(
      cold.stdout.lastIndexOf('Built '),
    );

    expect(warm.exitCode, warm.stdout).toBe(0);
    expect(warm.stdout).toContain(`Go build cache restored from ${saved[0]!}.`);
    expect(warm.stdout).toContain('was restored exactly, not saving again');
    expect(buildEntries()).toHaveLength(1);
  });

  test('from the restored cache nothing is compiled, every target only links', () => {
    const compiles = warm.stdout
      .split('\n')
      // (go probes the C compiler's flags with `-c ... -o /dev/null`: not a compile of a package)
      .filter((l) => /\/compile\s/.test(l) || (/\bgcc\b.*\s-c\s/.test(l) && !l.includes('/dev/null')));
    expect(compiles, compiles.slice(0, 5).join('\n')).toEqual([]);
    expect(warm.stdout.split('\n').filter((l) => /\/link\s/.test(l))).toHaveLength(ALL.length);
  });

  test.each(ALL)('%s: byte-identical to the -a build, cold and warm', (target) => {
    expect(cold.plugins[target]!.equals(withA.plugins[target]!)).toBe(true);
    expect(warm.plugins[target]!.equals(withA.plugins[target]!)).toBe(true);
  });

  test.each(['linux-amd64', 'linux-arm64', 'linux-arm-7'])(
    '%s: the plugin built without -a from the warm cache loads into a server built with -a',
    async (target) => {
      const host = join(root, 'hosts', `server-${GO}-${target}`);
      await buildHost(GO, target, host, { env });
      const dir = join(root, 'load', target);
      mkdirSync(dir, { recursive: true });
      copyFileSync(warm.files[target]!, join(dir, `hello-${target}.so`));
      const r = await loadPlugins(GO, target, host, dir);
      expect(r.output).toContain(`loaded hello-${target}.so`);
      expect(r.output).toContain('says: hello plugin from lib v1.2.0');
      expect(r.exitCode, r.output).toBe(0);
    },
  );

  test('build-cache: false neither restores nor saves it (the module cache goes on)', async () => {
    const before = service.requests().length;
    const off = await job({ 'build-cache': 'false', targets: 'linux-amd64' });
    expect(off.exitCode, off.stdout).toBe(0);
    expect(off.stdout).not.toContain('Go build cache');
    expect(off.stdout).toContain('Go module cache restored');
    expect(
      service
        .requests()
        .slice(before)
        .every((q) => !String(q.key ?? '').startsWith('flow-plugin-gobuild')),
    ).toBe(true);
  });
});

describe.skipIf(!OLD_GO)(`arm plugins of Go ${OLD_GO ?? '< 1.21'} are the same on every run`, () => {
  test('two runs (with -a, then without from an empty cache) give the same arm and arm64 plugins, which load', async () => {
    const targets = 'linux-arm-7,linux-arm64';
    const a = await job({ targets, 'build-flags': WITH_A, 'build-cache': 'false' }, 'flow/old-server');
    const b = await job({ targets, 'build-cache': 'false' }, 'flow/old-server');
    expect(a.exitCode, a.stdout).toBe(0);
    expect(b.exitCode, b.stdout).toBe(0);
    expect(a.stdout).toContain('-extldflags=-Wl,-soname=hello-linux-arm64.so');
    for (const target of ['linux-arm-7', 'linux-arm64']) {
      expect(a.plugins[target]!.equals(b.plugins[target]!), target).toBe(true);
      // No temporary folder of the go command left in the file.
      expect(a.plugins[target]!.includes('/tmp/go-build')).toBe(false);
      const host = join(root, 'hosts', `server-${OLD_GO!}-${target}`);
      await buildHost(OLD_GO!, target, host, { env });
      const dir = join(root, 'load-old', target);
      mkdirSync(dir, { recursive: true });
      copyFileSync(b.files[target]!, join(dir, `hello-${target}.so`));
      const r = await loadPlugins(OLD_GO!, target, host, dir);
      expect(r.output).toContain(`loaded hello-${target}.so`);
      expect(r.exitCode, r.output).toBe(0);
    }
  });
});
