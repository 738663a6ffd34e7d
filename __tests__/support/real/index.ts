// The real test bed: real gotify server releases (built from their module source the way
// upstream builds them, every default target), published as releases of the GitHub stand-in
// exactly as upstream publishes them, real plugins, and an oracle that starts the real server
// with one plugin and asks it what it loaded. Cached on the machine (bedRoot(), outside the
// checkout), keyed by tag, target and builder toolchain: a warm call takes seconds.
//
//   import { ensureRealBed, realServerRepo, realModuleSetup, loadIntoRealServer } from './support/real';
//   const bed = await ensureRealBed();                       // quick matrix; FLOW_REAL_FULL=1: full
//   const gh = await startGitHubStandIn({ repos: { 'gotify/server': realServerRepo(bed, { token }) } });
//   const plugin = copyPlugin(bed, 'telegram', dir);         // a fresh copy of a real plugin
//   const mods = realModuleSetup();                           // the containers' module source
//   await runAction({ cwd: dir, inputs: { 'server-repository': 'gotify/server',
//     'server-version': 'v2.9.1', 'docker-args': mods.dockerArgs, ... }, env: { ...mods.env, GITHUB_API_URL: gh.url } });
//   const r = await loadIntoRealServer({ tag: 'v2.9.1', target: 'linux-amd64',
//     serverBinary: bed.servers[2].binaries['linux-amd64'], pluginFile: '<dir>/build/x-linux-amd64.so' });
//   r.loaded; r.plugins[0].modulePath; r.panic  // 'panic: error while loading plugin ...'
//
// What the bed showed (docs/tested-against.md): with gomod-cap alone, `go mod tidy` added modules
// at versions other than the server's (the real server refused them until a second run), and for
// servers whose go.mod is older than `go 1.17` (v2.1.4) only the whole build list made a plugin
// load (alignToServerBuildList, by hand). go-mod-sync: align (the default) now does both: every
// real plugin here loads on the first run.
//
// Build it from the command line (what .ci/run does before the tests): bash .ci/real-bed
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FixtureRepo } from '../github';
import { builderGoVersions } from '../fixtures';
import {
  NEGATIVE_CONTROL,
  QUICK_ALL_TARGETS_TAG,
  REAL_PLUGINS,
  REAL_SERVERS,
  REAL_TARGETS,
  SERVER_MODULE,
  serverTargets,
  type RealTarget,
} from './catalog';
import { capGoMod } from '../../../src/gomod';
import { bedRoot, goproxyDir, hostGo, hostGoEnv, writeAtomic } from './host';
import { pluginSource, prefetchForServer } from './plugins';
import { buildServer, serverAssetName, serverBinaryName, serverSource, type ServerSource } from './servers';

export * from './catalog';
export { bedRoot, goproxyDir, modCacheDir } from './host';
export { loadIntoRealServer, panicLine, serverRunner, type LoadResult, type ServerPlugin } from './load';
export { serverAssetName, serverBinaryName } from './servers';
export { alignToServerBuildList, buildList } from './plugins';

export interface RealServer {
  tag: string;
  module: string;
  /** The Go of the builder image that built it (what the stand-in's GO_VERSION says). */
  goVersion: string;
  /** GO_VERSION upstream built the release with. */
  upstreamGoVersion: string;
  /** The real go.mod at that tag. */
  goModText: string;
  /** GO_VERSION file content served by the stand-in: `${goVersion}\n`. */
  goVersionFileText: string;
  commit?: string;
  /** The server's source as built (module zip + UI placeholder), read-only. */
  sourceDir: string;
  /** Host paths of the built binaries, per target (only the targets of the matrix built). */
  binaries: Partial<Record<RealTarget, string>>;
  /** Host paths of the release zips (`gotify-linux-<arch>.zip`), per target. */
  assets: Partial<Record<RealTarget, string>>;
  /** Build time per target in ms (of the build that made the cached file). */
  buildMs: Partial<Record<RealTarget, number>>;
  /** Targets taken from the cache in this call. */
  cached: RealTarget[];
}

export interface RealPlugin {
  id: string;
  module: string;
  /** Source module version (for upstream's examples, the server module's). */
  version: string;
  sourceModule: string;
  /** The prepared source: copy it (copyPlugin) before building, never build in it. */
  sourceDir: string;
  /** A server release it should work with. */
  serverTag: string;
  targets: RealTarget[];
  why: string;
}

export interface RealBed {
  root: string;
  matrix: 'quick' | 'full';
  /** GOPROXY=file:// folder with every module the plugins and servers need. */
  goproxyDir: string;
  servers: RealServer[];
  plugins: RealPlugin[];
  negativeControl: typeof NEGATIVE_CONTROL;
  quickAllTargetsTag: string;
  /** Wall time of ensureRealBed, ms. */
  ensureMs: number;
}

export interface EnsureOptions {
  /** `quick` (default; the CI subset) or `full` (FLOW_REAL_FULL=1 selects it by default). */
  matrix?: 'quick' | 'full';
  /** Only these tags (default: every release of the catalog). */
  tags?: string[];
  /** Only these server targets (default: the matrix's); e.g. ['linux-amd64'] for a fast start. */
  targets?: RealTarget[];
  log?: (line: string) => void;
}

export function defaultMatrix(): 'quick' | 'full' {
  return process.env.FLOW_REAL_FULL === '1' ? 'full' : 'quick';
}

const manifestFile = (root: string) => join(root, 'manifest.json');

/**
 * Builds what is missing of the bed (server sources, binaries and release zips for the
 * matrix's targets, plugin sources, the modules the action's containers need) and returns the
 * manifest. Warm: a few seconds. Servers are built one at a time (each build uses every core).
 */
export async function ensureRealBed(opts: EnsureOptions = {}): Promise<RealBed> {
  const started = Date.now();
  const root = bedRoot();
  const matrix = opts.matrix ?? defaultMatrix();
  const log = opts.log ?? (() => undefined);
  mkdirSync(root, { recursive: true });
  const goVersions = await builderGoVersions();
  // Sources first (seconds), then the plugins and their modules (needs only the servers'
  // go.mod), then the slow part: server binaries, linux-amd64 of every release first.
  const specs = REAL_SERVERS.filter((s) => !opts.tags || opts.tags.includes(s.tag));
  const servers: RealServer[] = [];
  const sources = new Map<string, ServerSource>();
  for (const spec of specs) {
    const goVersion = goVersions.find((v) => v === spec.goSeries || v.startsWith(`${spec.goSeries}.`));
    if (!goVersion) {
      throw new Error(
        `no builder images for Go ${spec.goSeries} (for gotify ${spec.tag}); have ${goVersions.join(', ')}: run bash .ci/docker.sh`,
      );
    }
    const src = await serverSource(spec, root);
    sources.set(spec.tag, src);
    servers.push({
      tag: spec.tag,
      module: SERVER_MODULE,
      goVersion,
      upstreamGoVersion: spec.upstreamGoVersion,
      goModText: src.goModText,
      goVersionFileText: `${goVersion}\n`,
      ...(src.commit ? { commit: src.commit } : {}),
      sourceDir: src.dir,
      binaries: {},
      assets: {},
      buildMs: {},
      cached: [],
    });
  }
  const plugins: RealPlugin[] = [];
  for (const spec of REAL_PLUGINS) {
    const sourceDir = await pluginSource(spec, root);
    // Modules for each server it may be built for (synced), and for its own go.mod (not synced).
    const stamp = join(sourceDir, '.bed-prefetched');
    // v2: unpruned graphs are aligned to each server's build list (plugins.ts).
    const wanted = `v2:${servers.map((s) => s.tag).join(',')}`;
    if (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== wanted) {
      for (const s of servers)
        await prefetchForServer(
          sourceDir,
          s.goModText,
          root,
          spec.bedPrefetchRequire ?? [],
          sources.get(s.tag)!.dir,
        );
      writeAtomic(stamp, wanted);
    }
    plugins.push({
      id: spec.id,
      module: spec.module,
      version: spec.source.version,
      sourceModule: spec.source.module,
      sourceDir,
      serverTag: spec.serverTag,
      targets: [...REAL_TARGETS],
      why: spec.why,
    });
  }
  for (const target of REAL_TARGETS) {
    for (const server of servers) {
      if (!serverTargets(server.tag, matrix).includes(target)) continue;
      if (opts.targets && !opts.targets.includes(target)) continue;
      const b = await buildServer(sources.get(server.tag)!, server.goVersion, target, { root, log });
      server.binaries[target] = b.binary;
      server.assets[target] = b.asset;
      server.buildMs[target] = b.buildMs;
      if (b.cached) server.cached.push(target);
    }
  }
  const bed: RealBed = {
    root,
    matrix,
    goproxyDir: goproxyDir(root),
    servers,
    plugins,
    negativeControl: NEGATIVE_CONTROL,
    quickAllTargetsTag: QUICK_ALL_TARGETS_TAG,
    ensureMs: Date.now() - started,
  };
  writeAtomic(manifestFile(root), JSON.stringify(bed, null, 2));
  return bed;
}

/** The manifest of the last ensureRealBed on this machine (throws if the bed was never built). */
export function loadRealBed(root = bedRoot()): RealBed {
  const file = manifestFile(root);
  if (!existsSync(file)) throw new Error(`no real test bed at ${root}: run bash .ci/real-bed`);
  return JSON.parse(readFileSync(file, 'utf8')) as RealBed;
}

export function serverOf(bed: RealBed, tag: string): RealServer {
  const s = bed.servers.find((x) => x.tag === tag);
  if (!s) throw new Error(`the bed has no server ${tag} (has ${bed.servers.map((x) => x.tag).join(', ')})`);
  return s;
}

export function pluginOf(bed: RealBed, id: string): RealPlugin {
  const p = bed.plugins.find((x) => x.id === id);
  if (!p) throw new Error(`the bed has no plugin ${id}`);
  return p;
}

/** Copies a real plugin's source into `dir` (a fresh folder per test); returns `dir`. */
export function copyPlugin(bed: RealBed, id: string, dir: string): string {
  const p = pluginOf(bed, id);
  cpSync(p.sourceDir, dir, {
    recursive: true,
    filter: (src) => !/\.bed-(plugin\.json|prefetched)$/.test(src),
  });
  return dir;
}

/** The seed's gomod-cap step on a plugin folder: its go.mod capped to the server's versions, in place. */
export function capPlugin(dir: string, server: RealServer): void {
  const goMod = join(dir, 'go.mod');
  writeFileSync(goMod, capGoMod(server.goModText, readFileSync(goMod, 'utf8')).text);
}

/** gomod-cap, then `go mod tidy` on the host from the bed's modules (no network): the seed's two steps. */
export async function capAndTidy(bed: RealBed, dir: string, server: RealServer): Promise<void> {
  capPlugin(dir, server);
  await hostGo(['mod', 'tidy'], {
    cwd: dir,
    env: hostGoEnv(bed.root, {
      GOPROXY: `file://${bed.goproxyDir}`,
      GOSUMDB: 'off',
      GOFLAGS: '-mod=mod -modcacherw',
    }),
  });
}

/**
 * The gotify/server repository of the GitHub stand-in: one commit per release tag holding the
 * real go.mod and GO_VERSION (the builder image's Go), the tags, and one release per tag with
 * the assets upstream publishes (`gotify-linux-<arch>.zip` holding the flat binary
 * `gotify-linux-<arch>` and LICENSE) for the targets the bed built.
 */
export function realServerRepo(bed: RealBed, opts: { token?: string; tags?: string[] } = {}): FixtureRepo {
  const servers = bed.servers.filter((s) => !opts.tags || opts.tags.includes(s.tag));
  const commits: NonNullable<FixtureRepo['commits']> = {};
  const tags: Record<string, string> = {};
  for (const s of servers) {
    const label = s.commit ?? `gotify-${s.tag}`;
    commits[label] = { 'go.mod': s.goModText, GO_VERSION: s.goVersionFileText };
    tags[s.tag] = label;
  }
  return {
    ...(opts.token ? { token: opts.token } : {}),
    defaultBranch: 'master',
    commits,
    tags,
    branches: servers.length > 0 ? { master: tags[servers.at(-1)!.tag]! } : {},
    releases: servers.map((s) => ({
      tag: s.tag,
      assets: Object.entries(s.assets).map(([target, zip]) => ({
        name: serverAssetName(target),
        content: readFileSync(zip),
        contentType: 'application/zip',
      })),
    })),
  };
}

/**
 * What a run of the action needs to get real modules with no network in its containers: the
 * bed's module cache served as a file proxy (mounted at /goproxy), and the step's Go env, which
 * the action forwards into every container.
 */
export function realModuleSetup(bed?: RealBed): { dockerArgs: string; env: Record<string, string> } {
  return {
    dockerArgs: `--network none -v ${bed?.goproxyDir ?? goproxyDir()}:/goproxy:ro`,
    env: { GOPROXY: 'file:///goproxy', GOSUMDB: 'off', GOFLAGS: '-mod=mod' },
  };
}

/** Upstream binary name inside the zip for a target (`gotify-linux-arm-7`). */
export const binaryNameInAsset = serverBinaryName;
