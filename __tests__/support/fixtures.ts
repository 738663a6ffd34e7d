// Fixtures for the docker tests: a fake Flow server (a Go host that plugin.Opens every file of a
// folder, like the real server), a fake plugin, and helpers that build and run them in the local
// builder images (`flow/build:<go>-<target>`, made by .ci/build-images.sh). Everything runs with
// `--network none`; modules come only from the file proxy of goproxy.ts.
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { docker, dockerOk, userArgs, type DockerResult } from './docker';
import type { FixtureRepo } from './github';
import { LIB_MODULE, libGoSum, makeGoProxy } from './goproxy';
import { cachedBinary } from './test-cache';

export const BUILDER_IMAGE = 'flow/build';
/** Label .ci/build-images.sh puts on every builder image (value: hash of the script). */
export const BUILDER_LABEL = 'flow.build-images.hash';
export const SERVER_MODULE = 'example.com/flow/server';
export const PLUGIN_MODULE = 'example.com/plugins/hello';
export const SERVER_LIB_VERSION = 'v1.2.0';
export const PLUGIN_LIB_VERSION = 'v1.3.0';
export const DEFAULT_TARGETS = ['linux-amd64', 'linux-arm-7', 'linux-arm64', 'linux-386'] as const;
/**
 * Whether this machine's kernel runs 32-bit x86 binaries: some kernels are built without IA32
 * emulation (a static GOARCH=386 binary then fails with "Exec format error"). Probed once with a
 * static binary made by the host Go; the tests that load linux-386 plugins skip where it is false.
 */
export function hostRuns386(): boolean {
  return (runs386 ??= probe386());
}
let runs386: boolean | undefined;

function probe386(): boolean {
  const dir = join(tmpdir(), 'flow-probe-386');
  const bin = join(dir, 'probe');
  try {
    if (!existsSync(bin)) {
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'main.go'), 'package main\n\nfunc main() {}\n');
      const go = existsSync('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : 'go';
      execFileSync(go, ['build', '-o', bin, 'main.go'], {
        cwd: dir,
        env: { ...process.env, GOOS: 'linux', GOARCH: '386', CGO_ENABLED: '0', GOFLAGS: '' },
        stdio: 'ignore',
      });
    }
    execFileSync(bin, [], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Targets whose binaries can run here (natively or under qemu-user); 386 cannot on this kernel. */
export const RUNNABLE_TARGETS = ['linux-amd64', 'linux-arm64', 'linux-arm-7'] as const;
/** ELF e_machine per target. */
export const ELF_MACHINE: Record<string, number> = {
  'linux-amd64': 62,
  'linux-arm-7': 40,
  'linux-arm64': 183,
  'linux-386': 3,
  'linux-riscv64': 243,
};
/** The message Go's plugin loader gives when a shared module's version differs. */
export const LIB_MISMATCH = `plugin was built with a different version of package ${LIB_MODULE}`;

export function imageTag(goVersion: string, target: string, image = BUILDER_IMAGE): string {
  return `${image}:${goVersion}-${target}`;
}

// ---- Go module environment shared by the containers

export interface GoEnv {
  /** Parent folder of the two below. */
  root: string;
  /** GOPROXY=file:// folder (mounted read-only at /goproxy). */
  proxyDir: string;
  /** Module cache on the host (mounted at /go/pkg/mod), shared by every container. */
  modCache: string;
}

/** Creates `<root>/goproxy` (the fake example.com/lib) and an empty `<root>/gomodcache`. */
export function makeGoEnv(root: string): GoEnv {
  const proxyDir = join(root, 'goproxy');
  const modCache = join(root, 'gomodcache');
  mkdirSync(modCache, { recursive: true });
  makeGoProxy(proxyDir);
  return { root, proxyDir, modCache };
}

let sharedEnv: GoEnv | undefined;
/** A process-wide GoEnv in a temp folder, created on first use (used when none is passed). */
export function defaultGoEnv(): GoEnv {
  sharedEnv ??= makeGoEnv(mkdtempSync(join(tmpdir(), 'flow-goenv-')));
  return sharedEnv;
}

/**
 * `docker run` arguments that give a container the module environment: no network, this
 * process's uid:gid, writable HOME/GOCACHE in the container's /tmp, the proxy at /goproxy with
 * GOPROXY=file:///goproxy and GOSUMDB=off, the module cache at /go/pkg/mod. `goflags` sets GOFLAGS
 * (e.g. `-mod=mod`); command-line flags such as `-mod=readonly` win over it.
 */
export function goEnvArgs(env: GoEnv, goflags?: string): string[] {
  return [
    '--network',
    'none',
    ...userArgs(),
    '-e',
    'HOME=/tmp',
    '-e',
    'GOCACHE=/tmp/go-build',
    '-e',
    'GOPROXY=file:///goproxy',
    '-e',
    'GOSUMDB=off',
    ...(goflags ? ['-e', `GOFLAGS=${goflags}`] : []),
    '-v',
    `${resolve(env.proxyDir)}:/goproxy:ro`,
    '-v',
    `${resolve(env.modCache)}:/go/pkg/mod`,
  ];
}

/**
 * What a run of the action needs to get its modules the way the fixtures' containers do: the
 * `docker-args` input (no network, the file proxy mounted at /goproxy) and the step's Go
 * environment, which the action forwards into every container.
 */
export function actionModuleSetup(env: GoEnv): { dockerArgs: string; env: Record<string, string> } {
  return {
    dockerArgs: `--network none -v ${resolve(env.proxyDir)}:/goproxy:ro`,
    env: { GOPROXY: 'file:///goproxy', GOSUMDB: 'off', GOFLAGS: '-mod=mod' },
  };
}

// ---- the fixture server

export const SERVER_MAIN_GO = `// Fixture Flow server: loads every file of the folder given as argument as a Go plugin,
// like the real server does with its pluginsdir, and exits non-zero if any fails.
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"plugin"
	"sort"

	"example.com/lib"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: server <pluginsdir>")
		os.Exit(2)
	}
	fmt.Printf("server with lib %s\\n", lib.Version)
	entries, err := os.ReadDir(os.Args[1])
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(2)
	}
	names := []string{}
	for _, e := range entries {
		if !e.IsDir() {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	failed := false
	for _, name := range names {
		p, err := plugin.Open(filepath.Join(os.Args[1], name))
		if err != nil {
			fmt.Printf("failed %s: %v\\n", name, err)
			failed = true
			continue
		}
		fmt.Printf("loaded %s\\n", name)
		if sym, err := p.Lookup("Hello"); err == nil {
			if hello, ok := sym.(func() string); ok {
				fmt.Printf("%s says: %s\\n", name, hello())
			}
		}
	}
	if failed {
		os.Exit(1)
	}
}
`;

export function serverGoMod(libVersion = SERVER_LIB_VERSION): string {
  return `module ${SERVER_MODULE}\n\ngo 1.19\n\nrequire ${LIB_MODULE} ${libVersion}\n`;
}

/** The server's files: go.mod, go.sum, GO_VERSION (e.g. `1.19.8\n`), main.go. */
export function serverFiles(goVersion: string, libVersion = SERVER_LIB_VERSION): Record<string, string> {
  return {
    'go.mod': serverGoMod(libVersion),
    'go.sum': libGoSum(libVersion),
    GO_VERSION: `${goVersion}\n`,
    'main.go': SERVER_MAIN_GO,
  };
}

function writeFiles(dir: string, files: Record<string, string>): string {
  mkdirSync(dir, { recursive: true });
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

/** Writes the fixture server into `dir`; returns `dir`. */
export function writeServer(dir: string, goVersion: string, libVersion = SERVER_LIB_VERSION): string {
  return writeFiles(dir, serverFiles(goVersion, libVersion));
}

/** The fixture server as a repository of the GitHub stand-in: release `tag` with its files. */
export function serverRepo(goVersion: string, token: string, tag = 'v2.0.0'): FixtureRepo {
  return { token, commits: { a: serverFiles(goVersion) }, tags: { [tag]: 'a' }, releases: [{ tag }] };
}

// ---- the fixture plugin

export const PLUGIN_MAIN_GO = `// Fixture plugin: an exported symbol that uses the shared library.
package main

import "example.com/lib"

// Hello is looked up by the fixture server.
func Hello() string {
	return lib.Greet("plugin")
}

func main() {}
`;

export function pluginGoMod(libVersion = PLUGIN_LIB_VERSION, module = PLUGIN_MODULE): string {
  return `module ${module}\n\ngo 1.19\n\nrequire ${LIB_MODULE} ${libVersion}\n`;
}

/** The plugin's files: go.mod (requires lib v1.3.0 by default), go.sum, main.go. */
export function pluginFiles(opts: { libVersion?: string; module?: string } = {}): Record<string, string> {
  const libVersion = opts.libVersion ?? PLUGIN_LIB_VERSION;
  return {
    'go.mod': pluginGoMod(libVersion, opts.module),
    'go.sum': libGoSum(libVersion),
    'main.go': PLUGIN_MAIN_GO,
  };
}

/** Writes the fixture plugin project into `dir`; returns `dir`. */
export function writePlugin(dir: string, opts: { libVersion?: string; module?: string } = {}): string {
  return writeFiles(dir, pluginFiles(opts));
}

/**
 * A job on a fresh runner, as on GitHub: every job checks out into the same workspace (the fixture
 * plugin, written anew) and gets the same, emptied RUNNER_TEMP (where the action's caches live; a
 * cache entry's version covers the path and its archive is relative to the workspace).
 */
export function freshRunner(root: string): { workspace: string; runnerTemp: string } {
  const workspace = join(root, 'workspace');
  const runnerTemp = join(root, 'runner-temp');
  removeTree(workspace);
  removeTree(runnerTemp);
  mkdirSync(runnerTemp, { recursive: true });
  writePlugin(workspace);
  return { workspace, runnerTemp };
}

/** Text edit of a go.mod: the version on the `require <module> <v>` line(s) becomes `version`. */
export function setRequire(goMod: string, module: string, version: string): string {
  const escaped = module.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return goMod.replace(new RegExp(`^(\\s*(?:require\\s+)?${escaped}\\s+)v\\S+`, 'gm'), `$1${version}`);
}

/**
 * Caps the plugin in `dir` to the server's lib version by editing go.mod's text (no gomod
 * engine) and appending that version's go.sum lines.
 */
export function capPluginLib(dir: string, version = SERVER_LIB_VERSION): void {
  const goModFile = join(dir, 'go.mod');
  writeFileSync(goModFile, setRequire(readFileSync(goModFile, 'utf8'), LIB_MODULE, version));
  const goSumFile = join(dir, 'go.sum');
  let sum = '';
  try {
    sum = readFileSync(goSumFile, 'utf8');
  } catch {
    // no go.sum yet
  }
  if (!sum.includes(`${LIB_MODULE} ${version} `)) writeFileSync(goSumFile, sum + libGoSum(version));
}

// ---- building and running in the builder images

/**
 * Builds the fixture server for `target` in `flow/build:<goVersion>-<target>` the way the real
 * server is built (`go build -mod=readonly -a -installsuffix cgo -ldflags "-w -s"`, no
 * -buildmode=plugin), sources at /proj, module cache at /go/pkg/mod. Writes `outFile`.
 * Default server: a fresh copy in `<env.root>/server-<goVersion>` with GO_VERSION = goVersion.
 * Throws with the build output on failure.
 */
export async function buildHost(
  goVersion: string,
  target: string,
  outFile: string,
  opts: { serverDir?: string; env?: GoEnv; image?: string } = {},
): Promise<DockerResult> {
  const env = opts.env ?? defaultGoEnv();
  const serverDir = opts.serverDir ?? writeServer(join(env.root, `server-${goVersion}`), goVersion);
  const out = resolve(outFile);
  mkdirSync(dirname(out), { recursive: true });
  const image = imageTag(goVersion, target, opts.image);
  const goBuild = [
    'go',
    'build',
    '-mod=readonly',
    '-a',
    '-installsuffix',
    'cgo',
    '-ldflags',
    '-w -s',
    '-o',
    `/out/${basename(out)}`,
    '/proj',
  ];
  // The server is the judge, not what the tests prove: a kept build of the same inputs is reused.
  return cachedBinary({ image, argv: goBuild, inputDirs: [serverDir, env.proxyDir] }, out, () =>
    dockerOk([
      'run',
      '--rm',
      ...goEnvArgs(env),
      '-v',
      `${resolve(serverDir)}:/proj:ro`,
      '-v',
      `${dirname(out)}:/out`,
      '-w',
      '/proj',
      image,
      ...goBuild,
    ]),
  );
}

/** How a target's binaries run inside its builder image (qemu-user for arm), or null (386). */
export function runnerFor(target: string): string[] | null {
  switch (target) {
    case 'linux-amd64':
      return [];
    case 'linux-arm64':
      return ['qemu-aarch64', '-L', '/usr/aarch64-linux-gnu'];
    case 'linux-arm-7':
      return ['qemu-arm', '-L', '/usr/arm-linux-gnueabihf'];
    default:
      return null;
  }
}

/**
 * Runs the fixture server `hostFile` (built by buildHost for `target`) on `pluginDir` inside
 * `flow/build:<goVersion>-<target>`: amd64 natively, arm64 and arm-7 under qemu-user. Output has
 * `loaded <file>` or `failed <file>: <plugin.Open error>` per file; exitCode is non-zero if any
 * failed. 386 throws: this kernel cannot run 32-bit x86.
 */
export async function loadPlugins(
  goVersion: string,
  target: string,
  hostFile: string,
  pluginDir: string,
  opts: { image?: string } = {},
): Promise<{ exitCode: number; output: string }> {
  const runner = runnerFor(target);
  if (!runner) throw new Error(`cannot run ${target} binaries on this machine`);
  const host = resolve(hostFile);
  const r = await docker(
    [
      'run',
      '--rm',
      '--network',
      'none',
      ...userArgs(),
      '-v',
      `${host}:/server/${basename(host)}:ro`,
      '-v',
      `${resolve(pluginDir)}:/plugins:ro`,
      imageTag(goVersion, target, opts.image),
      ...runner,
      `/server/${basename(host)}`,
      '/plugins',
    ],
    { timeoutMs: 120_000 },
  );
  return { exitCode: r.exitCode, output: r.output };
}

/**
 * Go versions (e.g. `['1.19.8', '1.23.5']`, ascending) that have a builder image for every
 * default target, found by the label .ci/build-images.sh puts on its images.
 */
export async function builderGoVersions(image = BUILDER_IMAGE): Promise<string[]> {
  const r = await dockerOk([
    'image',
    'ls',
    '--filter',
    `label=${BUILDER_LABEL}`,
    '--format',
    '{{.Repository}}:{{.Tag}}',
  ]);
  const targets = new Map<string, Set<string>>();
  for (const line of r.stdout.split('\n')) {
    const m = /^(.+):(\d+\.\d+(?:\.\d+)?)-(linux-.+)$/.exec(line.trim());
    if (!m || m[1] !== image) continue;
    const set = targets.get(m[2]!) ?? new Set<string>();
    set.add(m[3]!);
    targets.set(m[2]!, set);
  }
  const key = (v: string) => v.split('.').map((n) => n.padStart(6, '0'));
  return [...targets]
    .filter(([, set]) => DEFAULT_TARGETS.every((t) => set.has(t)))
    .map(([v]) => v)
    .sort((a, b) => (key(a).join('.') < key(b).join('.') ? -1 : 1));
}

/** ELF e_machine of a file (62 x86-64, 40 ARM, 183 AArch64, 3 386); throws if not ELF. */
export function elfMachine(file: string): number {
  const head = readFileSync(file).subarray(0, 20);
  if (head.length < 20 || head.readUInt32BE(0) !== 0x7f454c46) throw new Error(`${file} is not an ELF file`);
  return head[5] === 2 ? head.readUInt16BE(18) : head.readUInt16LE(18);
}

/** Removes a tree even when Go made parts of it read-only (the module cache). */
export function removeTree(dir: string): void {
  const makeWritable = (path: string) => {
    let st;
    try {
      st = lstatSync(path);
    } catch {
      return;
    }
    if (!st.isDirectory()) return;
    try {
      chmodSync(path, 0o755);
    } catch {
      // not ours; rmSync will report it
    }
    for (const name of readdirSync(path)) makeWritable(join(path, name));
  };
  makeWritable(dir);
  rmSync(dir, { recursive: true, force: true });
}
