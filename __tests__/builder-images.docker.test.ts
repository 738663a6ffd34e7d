// Proves the local builder images (.ci/build-images.sh) with the seed's manual procedure
// (seed/plugin-deploy.md): one plain `docker run ... go build -buildmode=plugin` per target, no
// action code. For every Go version with images: the builder environment. For the oldest, the
// middle and the newest Go (the others are proven by the real bed, which builds real servers and
// plugins in each): the four targets build and are ELF for the right machine; the plugin capped
// to the server's lib version loads into fixture servers built in the same images (amd64
// natively, arm64 and arm-7 under qemu-user); uncapped, it fails exactly like the seed's
// troubleshooting section says.
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { dockerOk } from './support/docker';
import {
  DEFAULT_TARGETS,
  ELF_MACHINE,
  LIB_MISMATCH,
  RUNNABLE_TARGETS,
  buildHost,
  builderGoVersions,
  capPluginLib,
  elfMachine,
  goEnvArgs,
  imageTag,
  loadPlugins,
  makeGoEnv,
  removeTree,
  writePlugin,
  writeServer,
  type GoEnv,
} from './support/fixtures';

const versions = await builderGoVersions();
/** The Go versions the seed procedure runs with: the oldest, the middle one and the newest. */
const seedVersions = [
  ...new Set([versions[0]!, versions[Math.floor(versions.length / 2)]!, versions.at(-1)!]),
];
const root = mkdtempSync(join(tmpdir(), 'flow-builder-images-'));
let env: GoEnv;
/** hosts[goVersion][target] = path of the fixture server built in that image. */
const hosts: Record<string, Record<string, string>> = {};

/** Runs `fn` over `items`, at most `n` at a time (2 cores here). */
async function pool<T>(items: T[], n: number, fn: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  await Promise.all(
    Array.from({ length: Math.min(n, queue.length) }, async () => {
      for (let item = queue.shift(); item !== undefined; item = queue.shift()) await fn(item);
    }),
  );
}

/** The seed's command for one target, plugin folder at /proj, output `hello-<target>.so` there. */
async function seedBuild(goVersion: string, target: string, pluginDir: string): Promise<string> {
  const name = `hello-${target}.so`;
  await dockerOk([
    'run',
    '--rm',
    ...goEnvArgs(env, '-mod=mod'),
    '-v',
    `${pluginDir}/.:/proj`,
    '-w',
    '/proj',
    imageTag(goVersion, target),
    'go',
    'build',
    '-a',
    '-installsuffix',
    'cgo',
    '-ldflags',
    '-w -s',
    '-buildmode=plugin',
    '-o',
    name,
    '/proj',
  ]);
  return join(pluginDir, name);
}

/** A plugins folder holding only `file` (the server loads every file of its folder). */
function pluginsDirWith(file: string, name: string): string {
  const dir = mkdtempSync(join(root, `plugins-${name}-`));
  copyFileSync(file, join(dir, 'hello.so'));
  return dir;
}

beforeAll(async () => {
  env = makeGoEnv(root);
  // Fixture servers, built once per Go version and runnable target, sharing the module cache.
  const jobs = seedVersions.flatMap((v) => RUNNABLE_TARGETS.map((t) => ({ v, t })));
  for (const v of seedVersions) writeServer(join(root, `server-${v}`), v);
  await pool(jobs, 2, async ({ v, t }) => {
    const out = join(root, 'hosts', v, `server-${t}`);
    await buildHost(v, t, out, { env, serverDir: join(root, `server-${v}`) });
    (hosts[v] ??= {})[t] = out;
  });
});

afterAll(() => {
  removeTree(root);
});

test('builder images exist for at least two Go versions', () => {
  expect(versions.length).toBeGreaterThanOrEqual(2);
});

describe.each(versions)('Go %s', (goVersion) => {
  test('every image has the builder environment', async () => {
    const minor = Number(goVersion.split('.')[1]);
    for (const target of DEFAULT_TARGETS) {
      const r = await dockerOk([
        'run',
        '--rm',
        '--network',
        'none',
        imageTag(goVersion, target),
        'sh',
        '-c',
        'go version; go env GOROOT GOPATH CGO_ENABLED GOOS GOARCH GOARM GOTOOLCHAIN; command -v "$(go env CC)"',
      ]);
      const [version, goroot, gopath, cgo, goos, goarch, goarm, toolchain, cc] = r.stdout.trim().split('\n');
      expect(version).toBe(`go version go${goVersion} linux/amd64`);
      expect([goroot, gopath, cgo, goos]).toEqual(['/usr/local/go', '/go', '1', 'linux']);
      expect(goarch).toBe(
        { 'linux-amd64': 'amd64', 'linux-arm-7': 'arm', 'linux-arm64': 'arm64', 'linux-386': '386' }[target],
      );
      if (target === 'linux-arm-7') expect(goarm).toBe('7');
      if (minor >= 21) expect(toolchain).toBe('local');
      expect(cc).toMatch(/^\/usr\/bin\//);
    }
  });

  // Four targets built once per image (the capped plugin: ELF for each, loaded where this machine
  // runs it); the negative control needs one target only.
  test.runIf(seedVersions.includes(goVersion))(
    'seed procedure, capped to the server lib version: four targets build, ELF for the right machine; amd64 / arm64 / arm-7 plugins load into their servers',
    async () => {
      const pluginDir = writePlugin(join(root, goVersion, 'plugin-capped'));
      capPluginLib(pluginDir, 'v1.2.0');
      const files: Record<string, string> = {};
      await pool([...DEFAULT_TARGETS], 2, async (t) => {
        files[t] = await seedBuild(goVersion, t, pluginDir);
      });
      for (const t of DEFAULT_TARGETS) expect(elfMachine(files[t]!), t).toBe(ELF_MACHINE[t]);
      // linux-386 is built; this kernel cannot run 32-bit x86.
      for (const t of RUNNABLE_TARGETS) {
        const r = await loadPlugins(goVersion, t, hosts[goVersion]![t]!, pluginsDirWith(files[t]!, t));
        expect(r.output, t).toContain('loaded hello.so\nhello.so says: hello plugin from lib v1.2.0\n');
        expect(r.exitCode, r.output).toBe(0);
      }
    },
  );

  test.runIf(seedVersions.includes(goVersion))(
    'negative control: the uncapped amd64 plugin is refused',
    async () => {
      const pluginDir = writePlugin(join(root, goVersion, 'plugin'));
      const file = await seedBuild(goVersion, 'linux-amd64', pluginDir);
      const r = await loadPlugins(
        goVersion,
        'linux-amd64',
        hosts[goVersion]!['linux-amd64']!,
        pluginsDirWith(file, 'uncapped'),
      );
      expect(r.exitCode, r.output).not.toBe(0);
      expect(r.output).toContain(`failed hello.so: plugin.Open("/plugins/hello"): ${LIB_MISMATCH}\n`);
      expect(r.output).not.toContain('loaded');
    },
  );
});

test('a plugin built with another Go version does not load', async () => {
  const [older, newer] = [versions[0]!, versions[versions.length - 1]!];
  const capped = join(root, newer, 'plugin-capped', 'hello-linux-amd64.so');
  const r = await loadPlugins(
    older,
    'linux-amd64',
    hosts[older]!['linux-amd64']!,
    pluginsDirWith(capped, 'go'),
  );
  expect(r.exitCode, r.output).not.toBe(0);
  expect(r.output).not.toContain('loaded');
});
