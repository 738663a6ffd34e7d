// The action's inputs, validated once into one typed object. Every error names the input, what
// was given and what to write instead. Pure: `parseInputs` takes a getter, so it is tested as data.
import { isAbsolute, relative, resolve } from 'node:path';
import { cpus } from 'node:os';
import { parseTargets, TargetError, type Target } from './build/targets';
import {
  FileNameError,
  fileNamePlaceholderList,
  isSafeName,
  renderFileNames,
  unknownFileNamePlaceholder,
} from './build/naming';
import { checkGoFlags, FlagError, parseBuildFlags, parseDockerArgs, parseLdflags } from './build/flags';
import { ghesRefusal, isGhes, serverApi, type ServerApi } from './github/enterprise';
import { parseVersionSpec, VersionResolutionError } from './github/versions';
import { escapeControl } from './log-text';
import { CHECKSUMS_FILE_NAME } from './publish/checksums';
import { PLUGIN_INDEX_FILE_NAME } from './publish/plugin-index';
import { decideRelease } from './publish/release-decision';
import { SERVER_ASSET_PLACEHOLDERS, unknownPlaceholders } from './verify/asset';

export type GoModSync = 'align' | 'cap' | 'check' | 'off';
export type PullPolicy = 'missing' | 'always' | 'never';
export type ReleaseMode = 'auto' | 'true' | 'false';
export type VerifyMode = 'auto' | 'true' | 'false';
/** What a step does: build (and publish), plan a matrix, publish a matrix's cells, follow the server. */
export type RunMode = 'build' | 'plan' | 'publish' | 'follow';
export type UnsupportedServerVersion = 'fail' | 'skip';

/** The file name a plugin gets when file-name is empty: with several releases the tag tells them apart. */
export const DEFAULT_FILE_NAME = '{name}-{target}.so';
export const DEFAULT_FILE_NAME_SEVERAL = '{name}-{target}-for-{server}.so';

export interface ActionConfig {
  mode: RunMode;
  /** mode plan: plan only what the plugin release's plugins.json does not cover yet. */
  follow: boolean;
  server: { owner: string; repo: string };
  /** `latest`, an exact tag or a semver range. */
  serverVersion: string;
  /**
   * server-versions: several releases (tags, `latest`, ranges selecting every match). Undefined:
   * one release, from serverVersion.
   */
  serverVersions?: string[];
  /** At most this many releases from serverVersions (the newest). */
  maxServerVersions: number;
  /** A release the plugin cannot support (go line too new, graph that cannot be aligned): fail or skip it. */
  unsupportedServerVersion: UnsupportedServerVersion;
  includePrereleases: boolean;
  /** Undefined when no token is given (public repositories). */
  token?: string;
  /**
   * Where the server repository is read from (server-api-url) and with which token (server-token;
   * github-token only for the run's own API): github.com's API on GitHub Enterprise Server.
   */
  serverApi: ServerApi;
  /** Token for git to fetch private modules (modules-token); github-token when absent. */
  modulesToken?: string;
  /** `.netrc` text for Go in the builder containers (netrc). */
  netrc?: string;
  /** Absolute path of the plugin's folder. */
  workingDirectory: string;
  goModSync: GoModSync;
  goModTidy: boolean;
  /** Keep the Go module cache between runs (Actions cache). */
  cache: boolean;
  /** Keep the Go build cache (GOCACHE) between runs (Actions cache). */
  buildCache: boolean;
  build: boolean;
  targets: Target[];
  buildImage: string;
  pluginName?: string;
  /** Absolute path of the output folder. */
  outputDir: string;
  fileName: string;
  ldflags: string;
  buildFlags: string[];
  pull: PullPolicy;
  parallel: number;
  dockerArgs: string[];
  uploadArtifacts: boolean;
  /** upload-artifacts is at its default (auto): on, except on GitHub Enterprise Server (a notice says so). */
  uploadArtifactsAuto: boolean;
  retentionDays?: number;
  release: ReleaseMode;
  releaseTag?: string;
  overwrite: boolean;
  checksums: boolean;
  /** Write plugins.json (every release's files, sizes, sha256, proofs) and upload it to the release. */
  pluginIndex: boolean;
  summary: boolean;
  /** Load every plugin into the server release before the upload. */
  verify: VerifyMode;
  /** Release asset name template of the server binary, e.g. `{owner}-{target}.zip`. */
  serverAsset: string;
  /** Path template of a server binary the user built (instead of the release asset). */
  serverBinary?: string;
}

export class InputError extends Error {
  override name = 'InputError';
  constructor(
    readonly input: string,
    message: string,
  ) {
    super(`Input ${input}: ${message}`);
  }
}

export type GetInput = (name: string) => string;

function oneOf<T extends string>(get: GetInput, name: string, allowed: readonly T[]): T {
  const raw = get(name).trim();
  const v = raw.toLowerCase();
  if ((allowed as readonly string[]).includes(v)) return v as T;
  throw new InputError(
    name,
    `"${raw}" is not allowed; write one of ${allowed.map((a) => `"${a}"`).join(', ')}`,
  );
}

/** YAML 1.2 core booleans, like the Actions toolkit's getBooleanInput. */
function bool(get: GetInput, name: string): boolean {
  const raw = get(name).trim();
  if (['true', 'True', 'TRUE'].includes(raw)) return true;
  if (['false', 'False', 'FALSE'].includes(raw)) return false;
  throw new InputError(name, `"${raw}" is not a boolean; write true or false`);
}

function positiveInt(get: GetInput, name: string, max: number): number | undefined {
  const raw = get(name).trim();
  if (raw === '') return undefined;
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > max) {
    throw new InputError(
      name,
      `"${raw}" is not a whole number from 1 to ${max}; write e.g. 4, or leave it empty`,
    );
  }
  return Number(raw);
}

function wrap<T>(name: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof TargetError || e instanceof FlagError || e instanceof FileNameError) {
      throw new InputError(name, e.message.replace(new RegExp(`^${name}: `), ''));
    }
    throw e;
  }
}

/** Is `path` (absolute) the workspace or inside it? Pure: compares the paths as written. */
export function isInside(workspace: string, path: string): boolean {
  const rel = relative(workspace, path);
  return (
    rel === '' || (rel !== '..' && !rel.startsWith('../') && !rel.startsWith('..\\') && !isAbsolute(rel))
  );
}

/** Control characters (C0, DEL, C1): never valid in a token, and never echoed. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

const REPO = /^([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))\/([A-Za-z0-9._-]{1,100})$/;
const IMAGE = /^[a-z0-9]+(?:[._-][a-z0-9]+)*(?::[0-9]+)?(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;

export interface ParseContext {
  /** GITHUB_WORKSPACE (or the process's cwd): relative paths are resolved against it. */
  workspace: string;
  cpuCount?: number;
  /** The step's environment (GOFLAGS is checked: Go adds it to every build). */
  env?: Record<string, string | undefined>;
}

/**
 * The inputs, one line each, in the order they are checked (the first problem is the one
 * reported); then the checks that need several inputs at once.
 */
export function parseInputs(get: GetInput, ctx: ParseContext): ActionConfig {
  const workspace = resolve(ctx.workspace);
  const mode = oneOf(get, 'mode', ['build', 'plan', 'publish', 'follow'] as const);
  const follow = followFlag(get, 'follow', mode);
  const server = repository(get, 'server-repository');
  const serverVersion = versionSpec(get, 'server-version');
  const serverVersions = versionSpecs(get, 'server-versions', serverVersion);
  const token = secret(get, 'github-token');
  const serverApiUrl = httpUrl(get, 'server-api-url');
  const serverToken = secret(get, 'server-token');
  const uploadArtifacts = oneOf(get, 'upload-artifacts', ['auto', 'true', 'false'] as const);
  // GitHub Enterprise Server: what needs the artifact service is refused before anything runs.
  const ghes = ghesRefusal({ serverUrl: ctx.env?.GITHUB_SERVER_URL, mode, uploadArtifacts });
  if (ghes) throw new InputError(ghes.input, ghes.message);
  const modulesToken = secret(get, 'modules-token');
  const netrc = netrcText(get, 'netrc');
  const workingDirectory = folderInside(get, 'working-directory', workspace, workspace);
  const buildImage = imageName(get, 'build-image');
  // A follow run adds its files beside other releases' files: the names need the server tag too.
  const fileName = fileNameTemplate(get, 'file-name', serverVersions !== undefined || mode === 'follow');
  const outputDir = folderInside(get, 'output-dir', workingDirectory, workspace);
  const pluginName = safeName(get, 'plugin-name');
  const releaseTag = gitRef(get, 'release-tag');
  const targets = parsed(get, 'targets', parseTargets);
  const checksums = bool(get, 'checksums');
  checkFileNames(fileName, { pluginName, serverVersion, serverVersions, targets, checksums });
  checkGoFlags(ctx.env?.GOFLAGS); // a FlagError naming GOFLAGS and the step's env
  const release = oneOf(get, 'release', ['auto', 'true', 'false'] as const);
  const build = bool(get, 'build');
  // release: true without a tag to upload to is known now, not after the build; so is the
  // repository of the run, and the tag of the ref.
  if (build && (mode === 'build' || mode === 'publish') && ctx.env) {
    const decision = decideRelease(release, releaseTag, ctx.env);
    if (decision.upload) {
      if (releaseTag === undefined) {
        const problem = refFormatProblem(decision.tag);
        if (problem)
          throw new InputError(
            'release',
            `the tag of this run's ref, "${escapeControl(decision.tag)}", ${problem}`,
          );
      }
      const repo = ctx.env.GITHUB_REPOSITORY ?? '';
      const m = REPO.exec(repo);
      if (!m || m[2] === '.' || m[2] === '..') {
        throw new InputError(
          'release',
          `this run uploads to release ${decision.tag}, but GITHUB_REPOSITORY ${repo ? `"${escapeControl(repo)}" is not owner/name` : 'is not set'}, so the repository of the release is unknown. The runner sets it: remove it from the step's env, or set release: false`,
        );
      }
    }
  }
  if (mode === 'follow' && !build) {
    throw new InputError(
      'build',
      'mode: follow builds what is new; to only see what is new, write mode: plan with follow: true',
    );
  }
  // Following needs the index: it is what says which server releases the plugin release covers.
  const pluginIndex = bool(get, 'plugin-index');
  if ((mode === 'follow' || follow) && !pluginIndex) {
    throw new InputError(
      'plugin-index',
      `${mode === 'follow' ? 'mode: follow' : 'follow: true'} reads plugins.json of the plugin release to know which server releases it covers, and adds to it: set plugin-index: true (or leave it out)`,
    );
  }
  const serverAsset = serverTemplate(get, 'server-asset', '{owner}-{target}.zip');
  const serverBinary = optionalServerTemplate(get, 'server-binary', './gotify-{target}');

  return {
    mode,
    follow,
    server,
    serverVersion,
    ...(serverVersions !== undefined && { serverVersions }),
    maxServerVersions: positiveInt(get, 'max-server-versions', 100) ?? 5,
    unsupportedServerVersion: oneOf(get, 'unsupported-server-version', ['fail', 'skip'] as const),
    includePrereleases: bool(get, 'include-prereleases'),
    ...(token !== undefined && { token }),
    serverApi: serverApi({
      env: ctx.env ?? {},
      ...(serverApiUrl !== undefined && { serverApiUrl }),
      ...(serverToken !== undefined && { serverToken }),
      ...(token !== undefined && { token }),
    }),
    ...(modulesToken !== undefined && { modulesToken }),
    ...(netrc !== undefined && { netrc }),
    workingDirectory,
    goModSync: oneOf(get, 'go-mod-sync', ['align', 'cap', 'check', 'off'] as const),
    goModTidy: bool(get, 'go-mod-tidy'),
    cache: bool(get, 'cache'),
    buildCache: bool(get, 'build-cache'),
    build,
    targets,
    buildImage,
    ...(pluginName !== undefined && { pluginName }),
    outputDir,
    fileName,
    ldflags: parsed(get, 'ldflags', parseLdflags),
    buildFlags: parsed(get, 'build-flags', parseBuildFlags),
    pull: oneOf(get, 'pull', ['missing', 'always', 'never'] as const),
    parallel: positiveInt(get, 'parallel', 64) ?? Math.max(1, ctx.cpuCount ?? cpus().length),
    dockerArgs: parsed(get, 'docker-args', parseDockerArgs),
    uploadArtifacts:
      uploadArtifacts === 'true' || (uploadArtifacts === 'auto' && !isGhes(ctx.env?.GITHUB_SERVER_URL)),
    uploadArtifactsAuto: uploadArtifacts === 'auto',
    ...optional('retentionDays', positiveInt(get, 'retention-days', 90)),
    release,
    ...(releaseTag !== undefined && { releaseTag }),
    overwrite: bool(get, 'overwrite'),
    checksums,
    pluginIndex,
    summary: bool(get, 'summary'),
    verify: oneOf(get, 'verify', ['auto', 'true', 'false'] as const),
    serverAsset,
    ...(serverBinary !== undefined && { serverBinary }),
  };
}

/** The validated inputs for the debug log: every value but the secrets (only whether one is set). */
export function describeConfig(config: ActionConfig): string {
  const { token, modulesToken, netrc, serverApi, ...rest } = config;
  const shown = (v: string | undefined) => (v === undefined ? 'none' : 'set (not shown)');
  return JSON.stringify({
    ...rest,
    token: shown(token),
    serverApi: { url: serverApi.url, token: shown(serverApi.token) },
    modulesToken: shown(modulesToken),
    netrc: shown(netrc),
  });
}

/** Every secret of the inputs (the tokens, the netrc's logins and passwords): masked in the log. */
export function secretsOf(
  config: Pick<ActionConfig, 'token' | 'modulesToken' | 'netrc'> & { serverApi?: Pick<ServerApi, 'token'> },
): string[] {
  const words = (config.netrc ?? '').split(/\s+/);
  const fromNetrc = words.filter(
    (_, i) => i > 0 && (words[i - 1] === 'password' || words[i - 1] === 'login'),
  );
  return [...new Set([config.token, config.modulesToken, config.serverApi?.token, ...fromNetrc])].filter(
    (s): s is string => !!s,
  );
}

/** An http(s) URL (server-api-url); undefined when empty. */
function httpUrl(get: GetInput, name: string): string | undefined {
  const raw = text(get, name);
  if (raw === undefined) return undefined;
  let ok: boolean;
  try {
    const u = new URL(raw);
    ok = (u.protocol === 'https:' || u.protocol === 'http:') && !u.username && !u.password;
  } catch {
    ok = false;
  }
  if (!ok || CONTROL.test(raw)) {
    throw new InputError(
      name,
      `"${escapeControl(raw)}" is not an http(s) URL without credentials; write an API root, e.g. https://api.github.com or https://HOST/api/v3 (GitHub Enterprise Server), or leave it empty`,
    );
  }
  return raw;
}

/** `.netrc` lines: `machine` entries, no control characters but line ends and tabs; never echoed. */
function netrcText(get: GetInput, name: string): string | undefined {
  const raw = get(name).replace(/\r\n/g, '\n').trim();
  if (raw === '') return undefined;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/.test(raw) || !/(^|\s)machine\s+\S/.test(raw)) {
    throw new InputError(
      name,
      'is not .netrc lines (its content is not shown); write e.g. "machine proxy.example.com login me password ${{ secrets.PROXY_TOKEN }}"',
    );
  }
  return `${raw}\n`;
}

/** An input parsed by its module's parser (targets, flags), its error named for the input. */
function parsed<T>(get: GetInput, name: string, parse: (raw: string) => T): T {
  return wrap(name, () => parse(get(name)));
}

/** follow: a boolean, and only for mode: plan (one job that follows is mode: follow). */
function followFlag(get: GetInput, name: string, mode: RunMode): boolean {
  const follow = bool(get, name);
  if (follow && mode !== 'plan') {
    throw new InputError(
      name,
      `"true" is for mode: plan (a plan of what the plugin release does not cover yet); with mode: ${mode} leave it false${mode === 'build' ? ', or write mode: follow to follow in one job' : ''}`,
    );
  }
  return follow;
}

/** A trimmed text input; undefined when empty. */
function text(get: GetInput, name: string): string | undefined {
  return get(name).trim() || undefined;
}

/**
 * Why `name` is not a valid tag name (git check-ref-format for refs/tags/<name>), or undefined.
 * Pure; the reason says what is wrong, not the name.
 */
export function refFormatProblem(name: string): string | undefined {
  if (name === '') return 'is empty';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'holds a line break or another control character';
  const bad = /[ ~^:?*[\\]/.exec(name);
  if (bad) return `holds "${bad[0]}", which git does not allow in a tag name`;
  if (name.includes('..')) return 'holds "..", which git does not allow in a tag name';
  if (name.includes('@{')) return 'holds "@{", which git does not allow in a tag name';
  if (name === '@') return 'is "@", which git does not allow as a tag name';
  if (name.startsWith('/') || name.endsWith('/') || name.includes('//'))
    return 'starts or ends with "/" or holds "//"';
  if (name.endsWith('.')) return 'ends with "."';
  for (const part of name.split('/')) {
    if (part.startsWith('.')) return `has a part starting with "." (${part})`;
    if (part.endsWith('.lock')) return `has a part ending with ".lock" (${part})`;
  }
  return undefined;
}

/** A tag name (git's rules, e.g. `v1.0.0`); undefined when empty. */
function gitRef(get: GetInput, name: string): string | undefined {
  const value = text(get, name);
  if (value === undefined) return undefined;
  const problem = refFormatProblem(value);
  if (problem) {
    throw new InputError(
      name,
      `"${escapeControl(value)}" ${problem}; write the release's tag, e.g. v1.0.0 (git check-ref-format rules)`,
    );
  }
  return value;
}

/** `owner/name` (a github.com URL or a `.git` suffix is accepted). */
function repository(get: GetInput, name: string): { owner: string; repo: string } {
  const raw = get(name).trim();
  const m = REPO.exec(raw.replace(/^https:\/\/github\.com\//, '').replace(/\.git$/, ''));
  if (!m || m[2] === '.' || m[2] === '..') {
    throw new InputError(name, `"${raw}" is not owner/name; write e.g. Flow/server`);
  }
  return { owner: m[1]!, repo: m[2]! };
}

/** `latest`, an exact tag or a semver range. */
function versionSpec(get: GetInput, name: string): string {
  const spec = get(name).trim() || 'latest';
  try {
    parseVersionSpec(spec);
  } catch (e) {
    if (!(e instanceof VersionResolutionError)) throw e;
    throw new InputError(name, e.message.replace(/^server-version /, ''));
  }
  return spec;
}

/**
 * server-versions: one spec per line or comma (a range keeps its spaces: `>=2.6 <3`). Empty:
 * undefined (one release, from server-version, which must then not be set to anything else).
 */
function versionSpecs(get: GetInput, name: string, serverVersion: string): string[] | undefined {
  const specs = get(name)
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (specs.length === 0) return undefined;
  if (serverVersion.toLowerCase() !== 'latest') {
    throw new InputError(
      name,
      `is set, and so is server-version ("${serverVersion}"): write the releases in one of them - server-version for one release, server-versions for several (e.g. add "${serverVersion}" to server-versions and remove server-version)`,
    );
  }
  for (const spec of specs) {
    try {
      parseVersionSpec(spec);
    } catch (e) {
      if (!(e instanceof VersionResolutionError)) throw e;
      throw new InputError(name, e.message.replace(/^server-version /, ''));
    }
  }
  return specs;
}

/** A token: one line without control characters. The value is never echoed: it is a secret. */
function secret(get: GetInput, name: string): string | undefined {
  const token = text(get, name);
  if (token !== undefined && CONTROL.test(token)) {
    throw new InputError(
      name,
      'the token contains a line break or another control character, so it cannot be sent; check the secret it comes from (a token is one line of letters, digits and _)',
    );
  }
  return token;
}

const FOLDERS = {
  'working-directory': { fallback: '.', relativeTo: 'it', example: 'plugins/hello' },
  'output-dir': { fallback: 'build', relativeTo: 'working-directory', example: 'build' },
};

/** A folder relative to `base` (empty: the input's default), which must be inside the workspace. */
function folderInside(get: GetInput, name: keyof typeof FOLDERS, base: string, workspace: string): string {
  const { fallback, relativeTo, example } = FOLDERS[name];
  const raw = get(name).trim() || fallback;
  const path = resolve(base, raw);
  if (!isInside(workspace, path)) {
    throw new InputError(
      name,
      `"${raw}" is outside the workspace (${workspace}); write a folder inside it, relative to ${relativeTo}, e.g. ${example}`,
    );
  }
  return path;
}

/** An image name without a tag (the action adds `<go>-<target>`). */
function imageName(get: GetInput, name: string): string {
  const image = get(name).trim();
  if (!IMAGE.test(image)) {
    throw new InputError(
      name,
      `"${image}" is not an image name without a tag; write e.g. flow/build or ghcr.io/me/build (the tag <go>-<target> is added by the action)`,
    );
  }
  return image;
}

/**
 * A `file-name` template: known placeholders only (build/naming.ts knows them). Empty: the default,
 * which with several releases holds {server}; a template of its own must then hold it too.
 */
function fileNameTemplate(get: GetInput, name: string, severalReleases: boolean): string {
  const template = get(name).trim() || (severalReleases ? DEFAULT_FILE_NAME_SEVERAL : DEFAULT_FILE_NAME);
  const unknown = unknownFileNamePlaceholder(template);
  if (unknown !== undefined) {
    throw new InputError(name, `unknown placeholder {${unknown}}; use ${fileNamePlaceholderList()}`);
  }
  if (severalReleases && !template.includes('{server}')) {
    throw new InputError(
      name,
      `"${template}" has no {server}, so the plugins of the releases in server-versions would get the same names: add it, e.g. ${DEFAULT_FILE_NAME_SEVERAL}, or leave file-name empty`,
    );
  }
  return template;
}

/** A name used in file names (plugin-name); undefined when empty. */
function safeName(get: GetInput, name: string): string | undefined {
  const value = text(get, name);
  if (value !== undefined && !isSafeName(value)) {
    throw new InputError(
      name,
      `"${value}" is not usable in a file name; use letters, digits, ".", "_", "+", "-"`,
    );
  }
  return value;
}

/**
 * Every file name the template gives, per target, before anything runs: the server tag and Go
 * version are not known yet (an exact tag is), so stand-ins of the same shape are used.
 */
function checkFileNames(
  template: string,
  run: {
    pluginName: string | undefined;
    serverVersion: string;
    serverVersions: string[] | undefined;
    targets: Target[];
    checksums: boolean;
  },
): void {
  for (const version of run.serverVersions ?? [run.serverVersion]) {
    const spec = parseVersionSpec(version);
    wrap('file-name', () =>
      renderFileNames(
        template,
        {
          name: run.pluginName ?? 'plugin',
          server: spec.kind === 'exact' ? spec.tag : 'v1.0.0',
          go: '1.0.0',
        },
        run.targets,
        [...(run.checksums ? [CHECKSUMS_FILE_NAME] : []), PLUGIN_INDEX_FILE_NAME],
      ),
    );
  }
}

/** server-binary: a template when set, else undefined. */
function optionalServerTemplate(get: GetInput, name: string, example: string): string | undefined {
  return text(get, name) === undefined ? undefined : serverTemplate(get, name, example);
}

/** A `server-asset` / `server-binary` template: not empty, known placeholders only. */
function serverTemplate(get: GetInput, name: string, example: string): string {
  const raw = get(name).trim();
  if (!raw) throw new InputError(name, `write a template, e.g. ${example}`);
  const unknown = unknownPlaceholders(raw);
  if (unknown.length > 0) {
    throw new InputError(
      name,
      `unknown placeholder {${unknown[0]}}; use ${SERVER_ASSET_PLACEHOLDERS.map((p) => `{${p}}`).join(', ')}`,
    );
  }
  if (name === 'server-asset' && /[/\\]/.test(raw)) {
    throw new InputError(name, `"${raw}" is a path; write the release asset's file name, e.g. ${example}`);
  }
  return raw;
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
