// The exact `docker` argument lists the action runs, built from typed values. Pure: tested as data.
import type { Target } from './targets';

/** Go's module environment forwarded from the step into every container (by name: values never appear in argv). */
export const FORWARDED_GO_ENV = [
  'GOPROXY',
  'GOPRIVATE',
  'GONOPROXY',
  'GONOSUMDB',
  'GOSUMDB',
  'GOINSECURE',
  'GOFLAGS',
];

/** A host folder a container sees (`-v host:container[:ro]`). */
export interface Mount {
  host: string;
  container: string;
  readOnly: boolean;
}

/** Where the plugin is mounted when nothing else is (the upstream layout). */
export const PLUGIN_MOUNT = '/proj';

export interface ContainerSpec {
  image: string;
  /** The container's name, so a cancelled run can stop it (`--rm` alone does not when the client dies). */
  name?: string;
  /** Host folder of the plugin (holding go.mod), mounted at `pluginMount`. */
  pluginDir: string;
  /**
   * Where the plugin's folder is mounted and the container works: /proj, or deeper below /proj
   * when a local `replace` needs folders beside it (see layout.ts).
   */
  pluginMount?: string;
  /** More folders: the targets of local replaces and the credentials folder (read-only). */
  mounts?: Mount[];
  /** Variables the action sets to paths inside the container (never a secret: argv is visible). */
  setEnv?: [string, string][];
  /** Host module cache, mounted at /go/pkg/mod and shared by every target. */
  modCacheDir: string;
  /** Host Go build cache for this container, mounted at /gocache. */
  goCacheDir: string;
  /** Host output folder, mounted at /out (only for builds). */
  outDir?: string;
  /** Run as this user so outputs are not root-owned. */
  user?: { uid: number; gid: number };
  /** Names of variables of the step's environment to forward (`-e NAME`). */
  forwardEnv: string[];
  /** The user's docker-args, already validated. */
  dockerArgs: string[];
}

/** `docker run` options shared by every container the action starts. */
export function containerOptions(spec: ContainerSpec): string[] {
  const args = ['run', '--rm'];
  const at = spec.pluginMount ?? PLUGIN_MOUNT;
  if (spec.name !== undefined) args.push('--name', spec.name);
  args.push('-v', `${spec.pluginDir}:${at}`, '-v', `${spec.modCacheDir}:/go/pkg/mod`);
  args.push('-v', `${spec.goCacheDir}:/gocache`);
  if (spec.outDir !== undefined) args.push('-v', `${spec.outDir}:/out`);
  for (const m of spec.mounts ?? []) args.push('--mount', bindMount(m));
  args.push('-w', at);
  if (spec.user) args.push('--user', `${spec.user.uid}:${spec.user.gid}`);
  // A writable HOME and GOCACHE whatever the user; GOTOOLCHAIN=local: never download another Go.
  // GOWORK=off: a go.work in a mounted folder (a local replace to the workspace root mounts it
  // all at /proj) would change what Go builds; the plugin's go.mod decides, as in the server's build.
  args.push('-e', 'HOME=/tmp', '-e', 'GOCACHE=/gocache', '-e', 'GOTOOLCHAIN=local', '-e', 'GOWORK=off');
  for (const name of spec.forwardEnv) args.push('-e', name);
  for (const [name, value] of spec.setEnv ?? []) args.push('-e', `${name}=${value}`);
  args.push(...spec.dockerArgs);
  args.push(spec.image);
  return args;
}

/**
 * `type=bind,source=...,target=...[,readonly]`: unlike `-v`, a bind `--mount` never creates a
 * missing source (as root), so a credentials folder removed by a cancel is not made again by a
 * container starting at that moment. Fields with a comma or quote are CSV-quoted, as docker reads them.
 */
export function bindMount(m: Mount): string {
  const field = (f: string) => (/[",]/.test(f) ? `"${f.replace(/"/g, '""')}"` : f);
  return [
    'type=bind',
    field(`source=${m.host}`),
    field(`target=${m.container}`),
    ...(m.readOnly ? ['readonly'] : []),
  ].join(',');
}

/** Names from FORWARDED_GO_ENV that are set in `env`. */
export function forwardedEnvNames(env: Record<string, string | undefined>): string[] {
  return FORWARDED_GO_ENV.filter((n) => env[n] !== undefined && env[n] !== '');
}

export interface BuildCommand {
  target: Target;
  buildFlags: string[];
  ldflags: string;
  /** File name inside /out to write (a temporary name; renamed on success). */
  outputName: string;
  /** The plugin's folder in the container (default /proj). */
  packageDir?: string;
}

/**
 * The linker flags for one target. Before Go 1.21, `go build` ran the external linker with the
 * output in its random temporary folder (`/tmp/go-build123/b001/exe/a.out.so`), and gold - which
 * Go uses for arm and arm64 - writes that path into the plugin's version definition
 * (.gnu.version_d): two builds of the same source differed in those bytes and so in their build
 * IDs. A soname (the final file name) takes the path's place, which makes the plugin the same on
 * every run; the code, the Go package hashes and how the server loads it are unchanged (the server
 * opens plugins by path). Go 1.21 runs the linker in the output folder instead, so nothing is
 * added there, nor for targets linked by GNU ld, nor when the user's ldflags set -extldflags.
 */
export function targetLdflags(ldflags: string, goVersion: string, target: Target, fileName: string): string {
  const m = /^(?:go)?(\d+)\.(\d+)/.exec(goVersion);
  const before121 = m !== null && (Number(m[1]) < 1 || (Number(m[1]) === 1 && Number(m[2]) < 21));
  const gold = target.arch === 'arm' || target.arch === 'arm64';
  if (!before121 || !gold || /(^|\s)--?extldflags\b/.test(ldflags)) return ldflags;
  return `${ldflags} -extldflags=-Wl,-soname=${fileName}`.trim();
}

/** The upstream build command, run in the target's image: `go build <flags> -ldflags ... -buildmode=plugin -o /out/<file> /proj`. */
export function goBuildCommand(cmd: BuildCommand): string[] {
  return [
    'go',
    'build',
    ...cmd.buildFlags,
    '-ldflags',
    cmd.ldflags,
    '-buildmode=plugin',
    '-o',
    `/out/${cmd.outputName}`,
    cmd.packageDir ?? PLUGIN_MOUNT,
  ];
}

export function buildArgv(spec: ContainerSpec, cmd: BuildCommand): string[] {
  return [
    ...containerOptions(spec),
    ...goBuildCommand({ ...cmd, packageDir: spec.pluginMount ?? PLUGIN_MOUNT }),
  ];
}

/**
 * `go mod tidy` then `go mod download`, in one container: prepares go.sum and the shared module
 * cache; with `vendor`, then `go mod vendor`, so vendor/ agrees with the tidied go.mod; with
 * `then`, that script too (the module graph's first listing: one container instead of two).
 */
export function prepareModulesArgv(
  spec: ContainerSpec,
  opts: { vendor?: boolean; then?: string } = {},
): string[] {
  const script = `go mod tidy && go mod download${opts.vendor ? ' && go mod vendor' : ''}`;
  return [...containerOptions(spec), 'sh', '-c', opts.then ? `${script} && ${opts.then}` : script];
}

/** The name of a container the run starts: `flow-build-<runId>-<what>` (a target or `prepare`). */
export function containerName(runId: string, what: string): string {
  return `flow-build-${runId}-${what}`;
}

/** Stops and removes containers by name (a cancelled run). */
export function removeContainersArgv(names: string[]): string[] {
  return ['rm', '--force', ...names];
}

/**
 * A fixed shell script run in a container, its arguments passed as positional parameters (`"$@"`):
 * values never become shell code. Used for the module graph alignment (`go get`, `go list`).
 */
export function goScriptArgv(spec: ContainerSpec, script: string, args: string[] = []): string[] {
  return [...containerOptions(spec), 'sh', '-c', script, 'sh', ...args];
}

/** `docker image inspect` and `docker pull` for an image tag. */
export function inspectImageArgv(image: string): string[] {
  return ['image', 'inspect', '--format', '{{.Id}}', image];
}

export function pullImageArgv(image: string): string[] {
  return ['pull', image];
}
