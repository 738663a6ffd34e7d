// Planning a build: which image, file and argv for every target. Pure: tested as data.
import { join } from 'node:path';
import {
  buildArgv,
  containerName,
  prepareModulesArgv,
  targetLdflags,
  type ContainerSpec,
  type Mount,
} from './argv';
import { compareGoVersions, isValidGoVersion } from '../github/go-version';
import { imageTag, renderFileNames } from './naming';
import type { Target } from './targets';

export interface PlanInput {
  targets: Target[];
  buildImage: string;
  goVersion: string;
  serverTag: string;
  pluginName: string;
  fileNameTemplate: string;
  buildFlags: string[];
  ldflags: string;
  pluginDir: string;
  outputDir: string;
  /** Folder for the module cache and build cache (e.g. under RUNNER_TEMP). */
  cacheDir: string;
  user?: { uid: number; gid: number };
  forwardEnv: string[];
  dockerArgs: string[];
  /** Makes temporary output names and container names unique to this run. */
  runId: string;
  /** Where the plugin is mounted (default /proj; deeper with local replaces, layout.ts). */
  pluginMount?: string;
  /** The local replace folders and the credentials folder, mounted in every container. */
  mounts?: Mount[];
  /** Variables set to paths in every container (the credentials' GIT_CONFIG_GLOBAL, NETRC). */
  setEnv?: [string, string][];
  /** The plugin is vendored: the prepare step re-vendors after tidy. */
  vendor?: boolean;
  /** A script the prepare container runs after tidy (the module graph's first listing). */
  prepareThen?: string;
}

export interface PlannedTarget {
  target: Target;
  image: string;
  fileName: string;
  /** Final path of the plugin. */
  path: string;
  /** Temporary path the build writes; renamed to `path` when the build succeeded. */
  tempPath: string;
  argv: string[];
}

export interface BuildPlan {
  /** Distinct images, in target order. */
  images: { image: string; targets: Target[] }[];
  /** `go mod tidy && go mod download`, run once in the first target's image. */
  prepareArgv: string[];
  /** The container `prepareArgv` runs in (the plugin at /proj), for the other module commands. */
  prepareSpec: ContainerSpec;
  targets: PlannedTarget[];
  modCacheDir: string;
  goCacheDir: string;
  /** Every container of this run is named `<containerPrefix><target>` (or `prepare`). */
  containerPrefix: string;
}

/**
 * The images run with GOTOOLCHAIN=local: a plugin whose `go` line is newer than the server's Go
 * cannot build there. The message (for the go.mod line) says what to write; undefined when it builds.
 */
export function goLineTooNew(
  go: { version: string; line: number } | undefined,
  serverGo: string,
  goModName: string,
): { message: string; line: number } | undefined {
  if (!go || !isValidGoVersion(go.version) || compareGoVersions(go.version, serverGo) <= 0) return undefined;
  return {
    line: go.line,
    message: `${goModName} says go ${go.version}, newer than the server's Go ${serverGo}: the plugin must build with Go ${serverGo} to load into the server. Lower the go line to ${serverGo} or older (go mod edit -go=${serverGo.replace(/^(\d+\.\d+).*$/, '$1')}), or build for a newer server.`,
  };
}

export function planBuild(p: PlanInput): BuildPlan {
  const fileNames = renderFileNames(
    p.fileNameTemplate,
    { name: p.pluginName, server: p.serverTag, go: p.goVersion },
    p.targets,
  );
  const modCacheDir = join(p.cacheDir, 'gomodcache');
  const goCacheDir = join(p.cacheDir, 'gocache');
  const spec = (image: string, name: string, outDir?: string): ContainerSpec => ({
    image,
    name: containerName(p.runId, name),
    pluginDir: p.pluginDir,
    modCacheDir,
    goCacheDir,
    ...(outDir !== undefined && { outDir }),
    ...(p.user && { user: p.user }),
    forwardEnv: p.forwardEnv,
    dockerArgs: p.dockerArgs,
    ...(p.pluginMount !== undefined && { pluginMount: p.pluginMount }),
    ...(p.mounts && p.mounts.length > 0 && { mounts: p.mounts }),
    ...(p.setEnv && p.setEnv.length > 0 && { setEnv: p.setEnv }),
  });
  const targets = p.targets.map((target, i): PlannedTarget => {
    const image = imageTag(p.buildImage, p.goVersion, target);
    const fileName = fileNames[i]!;
    const tempName = `.${fileName}.${p.runId}.partial`;
    return {
      target,
      image,
      fileName,
      path: join(p.outputDir, fileName),
      tempPath: join(p.outputDir, tempName),
      argv: buildArgv(spec(image, target.name, p.outputDir), {
        target,
        buildFlags: p.buildFlags,
        ldflags: targetLdflags(p.ldflags, p.goVersion, target, fileName),
        outputName: tempName,
      }),
    };
  });
  const images: BuildPlan['images'] = [];
  for (const t of targets) {
    const entry = images.find((e) => e.image === t.image);
    if (entry) entry.targets.push(t.target);
    else images.push({ image: t.image, targets: [t.target] });
  }
  // Modules are platform-independent: prepare them in the amd64 image when it is built, else the first.
  const prepImage = (targets.find((t) => t.target.name === 'linux-amd64') ?? targets[0])?.image ?? '';
  const prepareSpec = spec(prepImage, 'prepare');
  return {
    images,
    prepareArgv: prepareModulesArgv(prepareSpec, {
      vendor: p.vendor ?? false,
      ...(p.prepareThen !== undefined && { then: p.prepareThen }),
    }),
    prepareSpec,
    targets,
    modCacheDir,
    goCacheDir,
    containerPrefix: containerName(p.runId, ''),
  };
}
