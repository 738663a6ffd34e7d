// What the docker tests keep on the host across test runs, so that a warm run spends its time on
// what the tests prove and not on compiling the same things again. Two parts, under one folder:
//
//  - gocache/: a Go build cache (GOCACHE) the action's builds start from (runner.ts links it).
//    Most of a docker test's time used to be compiling the standard library and the plugin's
//    modules for each target from an empty GOCACHE; from this folder those builds only compile
//    what changed and link. One folder for everything: Go keys every entry by the compiler's own
//    build ID, GOOS/GOARCH, flags, sources and the C compiler's identity, so entries of different
//    Go versions, images and targets never collide and a stale entry is never used (the action
//    shares one GOCACHE between its targets the same way). GOCACHE is safe for several `go`
//    processes at once; Go trims entries unused for five days by itself. The run's GOCACHE folder
//    (RUNNER_TEMP/flow-plugin-build/gocache, mounted as /gocache) is a symbolic link to it: the
//    action creates it with mkdir -p (a no-op on the link) and Docker mounts what the link names.
//    Tests whose point is the cold path - the build cache tests, `-a` against the cache, cancel
//    mid-build - pass their own RUNNER_TEMP and so start empty.
//
//  - gomodcache-real/: a Go module cache for runs whose modules come from the real bed's proxy
//    (real modules, immutable by version and pinned by go.sum), linked the same way when a test
//    asks for it (runAction's `realModules`). Not for the fixture proxies: they make modules of
//    the same path and version with different contents.
//
//  - hosts/: the fixture servers (the judges the plugins are loaded into), built with `-a` like
//    the real server. A build is kept under a digest of everything it depends on - the builder
//    image's ID, the `go build` argv, every file of the server's source folder (go.mod and go.sum
//    pin the modules) and of the module proxy it reads - so a kept binary is the one the same
//    build would write again (Go builds are reproducible), and any change builds afresh.
//
// FLOW_TEST_CACHE: the folder (default /var/cache/flow-test-cache, beside the real bed, so every
// checkout and clean clone on the machine shares it), or `off`: every run starts from an empty
// GOCACHE and builds its fixture servers. Removing the folder only costs time.
import { createHash, type Hash } from 'node:crypto';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, renameSync, symlinkSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { dockerOk, type DockerResult } from './docker';

/** The test cache folder, or undefined when FLOW_TEST_CACHE=off. */
export function testCacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const v = env.FLOW_TEST_CACHE?.trim();
  if (v === 'off') return undefined;
  return resolve(v || '/var/cache/flow-test-cache');
}

/**
 * Links the action's GOCACHE folder under `runnerTemp` to the shared one (created when missing),
 * and with `realModules` its module cache to the shared one for the real bed's modules. Returns
 * the shared GOCACHE folder, or undefined when the test cache is off.
 */
export function linkSharedCaches(
  runnerTemp: string,
  opts: { realModules?: boolean } = {},
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  const root = testCacheDir(env);
  if (root === undefined) return undefined;
  const buildDir = join(runnerTemp, 'flow-plugin-build');
  mkdirSync(buildDir, { recursive: true });
  const link = (shared: string, name: string) => {
    mkdirSync(shared, { recursive: true });
    symlinkSync(shared, join(buildDir, name), 'dir');
  };
  link(join(root, 'gocache'), 'gocache');
  if (opts.realModules) link(join(root, 'gomodcache-real'), 'gomodcache');
  return join(root, 'gocache');
}

/** The shared GOCACHE folder for a host `go` (created when missing), or undefined when off. */
export function sharedGoCache(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const root = testCacheDir(env);
  if (root === undefined) return undefined;
  mkdirSync(join(root, 'gocache'), { recursive: true });
  return join(root, 'gocache');
}

/** Feeds every file under `dir` (relative name, size and content, sorted by name) into `hash`. */
function hashTree(hash: Hash, dir: string): void {
  const walk = (d: string): string[] =>
    readdirSync(d, { withFileTypes: true })
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .flatMap((e) => (e.isDirectory() ? walk(join(d, e.name)) : e.isFile() ? [join(d, e.name)] : []));
  for (const file of walk(dir)) {
    const content = readFileSync(file);
    hash.update(`${relative(dir, file)}\0${content.length}\0`).update(content);
  }
}

/**
 * Writes `outFile` from the host cache when a build with the same image, argv and input folders
 * was kept, else runs `build` (which writes `outFile`) and keeps its result. With
 * FLOW_TEST_CACHE=off it only runs `build`.
 */
export async function cachedBinary(
  key: { image: string; argv: string[]; inputDirs: string[] },
  outFile: string,
  build: () => Promise<DockerResult>,
): Promise<DockerResult> {
  const root = testCacheDir();
  if (root === undefined) return build();
  const started = Date.now();
  const imageId = (await dockerOk(['image', 'inspect', '--format', '{{.Id}}', key.image])).stdout.trim();
  const hash = createHash('sha256').update(`${imageId}\n${JSON.stringify(key.argv)}\n`);
  for (const dir of key.inputDirs) {
    hash.update('\n--\n');
    hashTree(hash, dir);
  }
  const kept = join(root, 'hosts', hash.digest('hex').slice(0, 32));
  try {
    copyFileSync(kept, outFile);
    const output = `${outFile}: the kept build ${kept}\n`;
    return { exitCode: 0, stdout: output, stderr: '', output, durationMs: Date.now() - started };
  } catch {
    // not kept yet: build it
  }
  const r = await build();
  mkdirSync(dirname(kept), { recursive: true });
  const temp = `${kept}.${process.pid}.partial`;
  copyFileSync(outFile, temp);
  renameSync(temp, kept);
  return r;
}
