// Real gotify server releases, built the way upstream builds them: the module source of the tag
// (fetched through the module proxy) mounted at /proj, modules at /go/pkg/mod, in the builder
// image of the target, `go build -mod=readonly -a -installsuffix cgo -ldflags "-w -s -X
// main.Version=... -X main.BuildDate=... -X main.Commit=... -X main.Mode=prod"`; packed like
// upstream's release assets (`gotify-linux-<arch>.zip` = the flat binary + LICENSE, `zip -j`).
// Results are cached in the bed, keyed by tag, target and the builder image's toolchain.
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { docker, dockerOk } from '../docker';
import { imageTag } from '../fixtures';
import { SERVER_MODULE, type RealServerSpec, type RealTarget } from './catalog';
import {
  bedRoot,
  downloadModule,
  hostGo,
  modCacheDir,
  replaceDir,
  run,
  writeAtomic,
  type ModuleDownload,
} from './host';

/** The server source of one release, ready to mount at /proj. */
export interface ServerSource {
  tag: string;
  dir: string;
  /** Hash of what the bed adds to the module source (the UI placeholder): part of the cache key. */
  key: string;
  goModText: string;
  commit?: string;
  /** Commit time of the tag (the module's .info Time), used as BuildDate. */
  time?: string;
}

/**
 * The web UI placeholder. The module zip has no ui/build folder: upstream generates it with
 * yarn before `go build`, and from v2.3.0 `//go:embed build/*` in ui/serve.go fails to compile
 * without it (older tags read it at run time with packr from `../ui/build`, relative to the
 * working directory: loadIntoRealServer provides it there). The server reads index.html and
 * manifest.json from it at start; these placeholders stand in for the generated UI, which the
 * tests never load.
 */
export const UI_PLACEHOLDER: Record<string, string> = {
  'index.html':
    '<!doctype html><title>gotify</title><!-- placeholder: the test bed does not build the UI -->\n',
  'manifest.json': '{"name":"gotify (test bed placeholder)"}\n',
  'asset-manifest.json': '{"files":{}}\n',
  'static/placeholder.txt': 'The test bed does not build the web UI.\n',
};

const SOURCE_KEY = createHash('sha256').update(JSON.stringify(UI_PLACEHOLDER)).digest('hex').slice(0, 8);

/** Fetches the release's module source and prepares `<bed>/src/<tag>` (cached). */
export async function serverSource(spec: RealServerSpec, root = bedRoot()): Promise<ServerSource> {
  const dir = join(root, 'src', spec.tag);
  const stamp = join(dir, '.bed-source.json');
  const key = SOURCE_KEY;
  if (existsSync(stamp)) {
    const meta = JSON.parse(readFileSync(stamp, 'utf8')) as { commit?: string; time?: string; key?: string };
    if (meta.key === key)
      return { tag: spec.tag, dir, key, goModText: readFileSync(join(dir, 'go.mod'), 'utf8'), ...meta };
  }
  const mod: ModuleDownload = await downloadModule(SERVER_MODULE, spec.tag, { root });
  const info = JSON.parse(readFileSync(mod.Info, 'utf8')) as { Time?: string };
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  cpSync(mod.Dir, tmp, { recursive: true });
  for (const [name, content] of Object.entries(UI_PLACEHOLDER)) {
    mkdirSync(join(tmp, 'ui', 'build', name, '..'), { recursive: true });
    writeFileSync(join(tmp, 'ui', 'build', name), content);
  }
  // Every module of the build list into the bed's module cache (the container has no network).
  await hostGo(['mod', 'download'], { cwd: tmp, root });
  const meta = { commit: mod.Origin?.Hash, time: info.Time, key };
  writeFileSync(join(tmp, '.bed-source.json'), JSON.stringify(meta));
  replaceDir(tmp, dir);
  return { tag: spec.tag, dir, goModText: readFileSync(join(dir, 'go.mod'), 'utf8'), ...meta };
}

/** Upstream's asset suffix of a target: linux-arm-7 -> `gotify-linux-arm-7`. */
export const serverBinaryName = (target: string) => `gotify-${target}`;
export const serverAssetName = (target: string) => `gotify-${target}.zip`;

/** The image ID of a local image, or undefined. */
export async function imageId(image: string): Promise<string | undefined> {
  const r = await docker(['image', 'inspect', '-f', '{{.Id}}', image]);
  return r.exitCode === 0 ? r.stdout.trim() : undefined;
}

/**
 * What decides a server binary built in an image: its Go, target environment, C cross
 * compiler and C libraries. Image IDs change whenever .ci/build-images.sh is edited (labels),
 * the toolchain does not: the cache is keyed by this fingerprint, remembered per image ID.
 */
export async function toolchainFingerprint(image: string, root = bedRoot()): Promise<string> {
  const id = await imageId(image);
  if (!id) throw new Error(`builder image ${image} not found (run: bash .ci/docker.sh)`);
  const file = join(root, 'fingerprints', id.replace(/^sha256:/, ''));
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const probe = [
    'go version',
    'go env GOOS GOARCH GOARM CGO_ENABLED CC GOROOT GOPATH',
    '"$(go env CC)" --version | head -n1',
    "dpkg-query -W -f '${Package}=${Version}\\n' | grep -E '^(libc6|libgcc|gcc|cpp|binutils|golang)' | sort",
  ].join('; ');
  const r = await dockerOk(['run', '--rm', '--network', 'none', image, 'sh', '-c', probe]);
  const fp = createHash('sha256').update(r.stdout).digest('hex').slice(0, 12);
  writeAtomic(file, `${fp}\n`);
  return fp;
}

/** The Go version of a builder image (its flow.go-version label), e.g. `1.26.11`. */
export async function imageGoVersion(image: string): Promise<string> {
  const r = await dockerOk(['image', 'inspect', '-f', '{{index .Config.Labels "flow.go-version"}}', image]);
  return r.stdout.trim();
}

export interface BuiltServer {
  binary: string;
  asset: string;
  /** Milliseconds of the build that made it (also when it came from the cache). */
  buildMs: number;
  cached: boolean;
  image: string;
}

/** BuildDate as upstream's Makefile writes it (`date "+%F-%T"`), from the tag's time. */
function buildDate(time?: string): string {
  const d = time ? new Date(time) : new Date(0);
  return d.toISOString().slice(0, 19).replace('T', '-');
}

/** The exact `docker run` arguments of a server build (upstream's release command). */
export function serverBuildArgv(
  src: ServerSource,
  image: string,
  outDir: string,
  target: string,
  root = bedRoot(),
): string[] {
  const ldflags = [
    '-w -s',
    `-X main.Version=${src.tag.replace(/^v/, '')}`,
    `-X main.BuildDate=${buildDate(src.time)}`,
    `-X main.Commit=${src.commit ?? 'unknown'}`,
    '-X main.Mode=prod',
  ].join(' ');
  return [
    'run',
    '--rm',
    '--network',
    'none',
    '-e',
    'HOME=/tmp',
    '-e',
    'GOCACHE=/tmp/go-build',
    '-e',
    'GOPROXY=off',
    '-v',
    `${src.dir}:/proj:ro`,
    '-v',
    `${modCacheDir(root)}:/go/pkg/mod`,
    '-v',
    `${outDir}:/out`,
    '-w',
    '/proj',
    image,
    'go',
    'build',
    '-mod=readonly',
    '-a',
    '-installsuffix',
    'cgo',
    '-ldflags',
    ldflags,
    '-o',
    `/out/${serverBinaryName(target)}`,
    '/proj',
  ];
}

/** Builds (or takes from the cache) the server binary and its release zip for one target. */
export async function buildServer(
  src: ServerSource,
  goVersion: string,
  target: RealTarget,
  opts: { root?: string; log?: (line: string) => void } = {},
): Promise<BuiltServer> {
  const root = opts.root ?? bedRoot();
  const image = imageTag(goVersion, target);
  const fp = await toolchainFingerprint(image, root);
  const dir = join(root, 'servers', src.tag, `${target}-${fp}-${src.key}`);
  const binary = join(dir, serverBinaryName(target));
  const asset = join(dir, serverAssetName(target));
  const meta = join(dir, 'build.json');
  if (existsSync(meta) && existsSync(binary) && existsSync(asset)) {
    const m = JSON.parse(readFileSync(meta, 'utf8')) as { buildMs: number };
    return { binary, asset, buildMs: m.buildMs, cached: true, image };
  }
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  opts.log?.(`building gotify ${src.tag} for ${target} in ${image}`);
  const started = Date.now();
  const r = await docker(serverBuildArgv(src, image, tmp, target, root), { timeoutMs: 1_800_000 });
  const buildMs = Date.now() - started;
  if (r.exitCode !== 0) {
    rmSync(tmp, { recursive: true, force: true });
    throw new Error(`building gotify ${src.tag} for ${target} failed:\n${r.output}`);
  }
  // Packed as upstream packs its release assets: `zip -j gotify-linux-<arch>.zip <binary> LICENSE`.
  const zip = await run('zip', [
    '-q',
    '-X',
    '-j',
    join(tmp, serverAssetName(target)),
    join(tmp, serverBinaryName(target)),
    join(src.dir, 'LICENSE'),
  ]);
  if (zip.code !== 0) throw new Error(`zip failed: ${zip.stderr}`);
  writeFileSync(
    join(tmp, 'build.json'),
    JSON.stringify(
      {
        tag: src.tag,
        target,
        image,
        goVersion,
        fingerprint: fp,
        buildMs,
        size: statSync(join(tmp, serverBinaryName(target))).size,
        builtAt: new Date().toISOString(),
      },
      null,
      2,
    ),
  );
  replaceDir(tmp, dir);
  opts.log?.(`built gotify ${src.tag} for ${target} in ${(buildMs / 1000).toFixed(1)} s`);
  return { binary, asset, buildMs, cached: false, image };
}
