// plugins.json: the machine-readable index uploaded beside the plugins. For each server release
// tag: its Go version, the server's module, the go.mod changes the alignment made, and per target
// the file, its size, sha256 and whether it was proven to load. A server admin (or a script, or
// the follow workflow) finds "the file for my server" without guessing from names. Pure: built
// from a run's per-release results, parsed and checked, merged; the publish stage writes it.
import semver from 'semver';
import { oneLine } from '../log-text';

export const PLUGIN_INDEX_FILE_NAME = 'plugins.json';
export const PLUGIN_INDEX_SCHEMA = 1;
export const PLUGIN_INDEX_GENERATOR = 'flow-plugin-build-action';

/**
 * How a file was proven: loaded into the release's own server binary, its Go build info matched
 * the server binary's (a target this runner could not load, e.g. arm without an emulator), or
 * not verified.
 */
export type IndexVerified = 'loaded' | 'build-info' | 'not-verified';
const VERIFIED: readonly IndexVerified[] = ['loaded', 'build-info', 'not-verified'];

export interface IndexTarget {
  file: string;
  size: number;
  /** Lowercase hex SHA-256. */
  sha256: string;
  verified: IndexVerified;
}

export interface IndexGoModChange {
  path: string;
  /** `none`: the requirement was added. */
  from: string;
  /** `none`: the module left the build list. */
  to: string;
}

export interface IndexRelease {
  go: string;
  serverModule: string;
  goModChanges: IndexGoModChange[];
  /** By target name, e.g. `linux-amd64`. */
  targets: Record<string, IndexTarget>;
}

export interface PluginIndex {
  schema: typeof PLUGIN_INDEX_SCHEMA;
  /** The plugin's name (as in its file names). */
  plugin: string;
  /** The plugin's module path. */
  module: string;
  /** `owner/name` of the server. */
  serverRepository: string;
  generatedBy: typeof PLUGIN_INDEX_GENERATOR;
  /** By server release tag, newest first. */
  releases: Record<string, IndexRelease>;
}

export class PluginIndexError extends Error {
  override name = 'PluginIndexError';
}

/** One release of a run, as the index needs it. */
export interface IndexReleaseInput {
  tag: string;
  go: string;
  serverModule: string;
  goModChanges: readonly { module: string; from?: string; to: string }[];
  targets: readonly { target: string; file: string; size: number; sha256: string; verified: IndexVerified }[];
}

/** The index of one run: every release that was built (skipped releases have no entry). */
export function buildPluginIndex(input: {
  plugin: string;
  module: string;
  serverRepository: string;
  releases: readonly IndexReleaseInput[];
}): PluginIndex {
  const releases: Record<string, IndexRelease> = {};
  for (const r of input.releases) {
    if (r.tag in releases) throw new PluginIndexError(`plugins.json: release ${r.tag} is listed twice`);
    const targets: Record<string, IndexTarget> = {};
    for (const t of r.targets) {
      targets[t.target] = { file: t.file, size: t.size, sha256: t.sha256, verified: t.verified };
    }
    releases[r.tag] = {
      go: r.go,
      serverModule: r.serverModule,
      goModChanges: r.goModChanges.map((c) => ({ path: c.module, from: c.from ?? 'none', to: c.to })),
      targets,
    };
  }
  const index: PluginIndex = {
    schema: PLUGIN_INDEX_SCHEMA,
    plugin: input.plugin,
    module: input.module,
    serverRepository: input.serverRepository,
    generatedBy: PLUGIN_INDEX_GENERATOR,
    releases: sortReleases(releases),
  };
  checkIndex(index, 'plugins.json');
  return index;
}

/** The file's text: two-space JSON, releases newest first, a final newline. */
export function formatPluginIndex(index: PluginIndex): string {
  return `${JSON.stringify({ ...index, releases: sortReleases(index.releases) }, null, 2)}\n`;
}

/** Reads plugins.json (e.g. from a release); throws PluginIndexError saying what is wrong where. */
export function parsePluginIndex(text: string, name = PLUGIN_INDEX_FILE_NAME): PluginIndex {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new PluginIndexError(`${name} is not JSON: ${oneLine((e as Error).message)}`);
  }
  checkIndex(data, name);
  return { ...data, releases: sortReleases(data.releases) };
}

/** Newest first by semver; tags that are not versions after them, by name. */
function sortReleases(releases: Record<string, IndexRelease>): Record<string, IndexRelease> {
  const tags = Object.keys(releases).sort((a, b) => {
    const va = semver.parse(a, { loose: true });
    const vb = semver.parse(b, { loose: true });
    if (va && vb) return semver.rcompare(va, vb) || a.localeCompare(b);
    if (va || vb) return va ? -1 : 1;
    return a.localeCompare(b);
  });
  return Object.fromEntries(tags.map((t) => [t, releases[t]!]));
}

const SHA256_HEX = /^[0-9a-f]{64}$/;
const FILE = /^[A-Za-z0-9][A-Za-z0-9._+-]*$/;

function checkIndex(data: unknown, name: string): asserts data is PluginIndex {
  const fail = (where: string, what: string): never => {
    throw new PluginIndexError(`${name}: ${where} ${what}`);
  };
  const obj = (v: unknown, where: string): Record<string, unknown> => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(where, 'is not an object');
    return v as Record<string, unknown>;
  };
  const str = (v: unknown, where: string): string => {
    if (typeof v !== 'string' || v === '') fail(where, 'is not a non-empty string');
    return v as string;
  };
  const top = obj(data, 'the file');
  if (top.schema !== PLUGIN_INDEX_SCHEMA) {
    fail(
      '"schema"',
      `is ${JSON.stringify(top.schema)}, not ${PLUGIN_INDEX_SCHEMA} (written by another version of the action?)`,
    );
  }
  for (const key of ['plugin', 'module', 'serverRepository', 'generatedBy']) str(top[key], `"${key}"`);
  const releases = obj(top.releases, '"releases"');
  for (const [tag, raw] of Object.entries(releases)) {
    const at = `release ${tag}`;
    const r = obj(raw, at);
    str(r.go, `${at} "go"`);
    str(r.serverModule, `${at} "serverModule"`);
    if (!Array.isArray(r.goModChanges)) fail(`${at} "goModChanges"`, 'is not a list');
    (r.goModChanges as unknown[]).forEach((c, i) => {
      const change = obj(c, `${at} goModChanges[${i}]`);
      for (const key of ['path', 'from', 'to']) str(change[key], `${at} goModChanges[${i}].${key}`);
    });
    for (const [target, rawTarget] of Object.entries(obj(r.targets, `${at} "targets"`))) {
      const where = `${at} target ${target}`;
      const t = obj(rawTarget, where);
      if (!FILE.test(str(t.file, `${where} "file"`))) fail(`${where} "file"`, 'is not a plain file name');
      if (typeof t.size !== 'number' || !Number.isInteger(t.size) || t.size < 0) {
        fail(`${where} "size"`, 'is not a whole number of bytes');
      }
      if (!SHA256_HEX.test(str(t.sha256, `${where} "sha256"`))) {
        fail(`${where} "sha256"`, 'is not 64 lowercase hex digits');
      }
      if (!(VERIFIED as readonly unknown[]).includes(t.verified)) {
        fail(`${where} "verified"`, `is ${JSON.stringify(t.verified)}, not one of ${VERIFIED.join(', ')}`);
      }
    }
  }
}
