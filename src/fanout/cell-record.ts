// The cell record: the small artifact a build uploads beside each plugin (one per server release
// x target), holding what a later publish job needs and cannot see for itself - whether the cell
// built, whether the release's own server loaded it, the file's name, size and sha256, the Go
// version and the go.mod changes the alignment made. The publish mode reads every record of the
// workflow run and checks them against the plan. Pure: made, named, formatted and parsed here.
import { escapeNameComponent } from '../publish/artifacts';
import type { Cell } from './matrix';
import { isArtifactName, isFileName, isGoVersion, isModuleText, isPlainWord } from './record-fields';
import { oneLine } from '../log-text';

export const CELL_RECORD_SCHEMA = 1;
export const CELL_RECORD_KIND = 'flow-plugin-cell';
/** Every cell record artifact's name ends so: the publish mode lists the run's artifacts by it. */
export const CELL_RECORD_SUFFIX = '.cell.json';

export type CellVerified = 'loaded' | 'build-info' | 'not-verified' | 'failed';

export interface CellRecord {
  schema: typeof CELL_RECORD_SCHEMA;
  kind: typeof CELL_RECORD_KIND;
  /** The plugin's name (as in its file names). */
  plugin: string;
  /** The plugin's module path. */
  module: string;
  /** `owner/name` of the server. */
  serverRepository: string;
  serverTag: string;
  serverModule: string;
  /** The server's (and the build's) Go version. */
  go: string;
  target: string;
  /** go.mod changes for this release (gomod-cap and the alignment): module path, from, to. */
  goModChanges: { path: string; from: string; to: string }[];
  built: boolean;
  /** Why the build failed. */
  error?: string;
  /**
   * Why the build skipped the cell's release (unsupported-server-version: skip - its module graph
   * cannot be aligned, say): not built, and publish leaves the release out instead of failing.
   */
  skipped?: string;
  /** The plugin's file name (as in the release and checksums.txt). */
  file: string;
  /** The workflow artifact holding the plugin (absent when it was not uploaded). */
  artifact?: string;
  size?: number;
  /** Lowercase hex SHA-256 of the plugin. */
  sha256?: string;
  /** What the verify stage found: `failed` is a plugin the server refused (never published). */
  verified: CellVerified;
  /** Why it failed or was not verified. */
  reason?: string;
}

/** The artifact name of a cell's record: `<name>_<target>_<server tag>.cell.json`, parts escaped like a plugin artifact's. */
export function cellRecordName(parts: { name: string; target: string; serverTag: string }): string {
  return `${[parts.name, parts.target, parts.serverTag].map(escapeNameComponent).join('_')}${CELL_RECORD_SUFFIX}`;
}

/** The record's text: two-space JSON with a final newline. */
export function formatCellRecord(record: CellRecord): string {
  return `${JSON.stringify(record, null, 2)}\n`;
}

export class CellRecordError extends Error {
  override name = 'CellRecordError';
}

const SHA256_HEX = /^[0-9a-f]{64}$/;
const VERIFIED: readonly CellVerified[] = ['loaded', 'build-info', 'not-verified', 'failed'];

/** Reads a record back; throws CellRecordError naming the artifact and the field at fault. */
export function parseCellRecord(text: string, name: string): CellRecord {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new CellRecordError(`cell record ${name} is not JSON: ${oneLine((e as Error).message)}`);
  }
  const fail = (what: string): never => {
    throw new CellRecordError(`cell record ${name}: ${what}`);
  };
  if (typeof data !== 'object' || data === null || Array.isArray(data)) fail('is not an object');
  const r = data as Record<string, unknown>;
  if (r.schema !== CELL_RECORD_SCHEMA || r.kind !== CELL_RECORD_KIND) {
    fail(
      `is not a schema ${CELL_RECORD_SCHEMA} ${CELL_RECORD_KIND} record (written by another version of the action?)`,
    );
  }
  // Every field that reaches the log is checked here, before any of it is printed.
  const fields: [string, (v: unknown) => boolean, string][] = [
    ['plugin', isPlainWord, 'a plugin name'],
    ['module', isModuleText, 'a module path'],
    ['serverRepository', isModuleText, 'owner/name'],
    ['serverTag', isPlainWord, 'a tag'],
    ['serverModule', isModuleText, 'a module path'],
    ['go', isGoVersion, 'a Go version'],
    ['target', isPlainWord, 'a target'],
    ['file', isFileName, 'a plugin file name'],
  ];
  for (const [key, ok, what] of fields) {
    if (!ok(r[key])) fail(`"${key}" is not ${what}`);
  }
  if (r.artifact !== undefined && !isArtifactName(r.artifact)) fail('"artifact" is not an artifact name');
  if (r.skipped !== undefined && (typeof r.skipped !== 'string' || r.built !== false)) {
    fail('"skipped" is not the reason of a cell that was not built');
  }
  for (const key of ['error', 'reason']) {
    if (r[key] !== undefined && typeof r[key] !== 'string') fail(`"${key}" is not text`);
  }
  if (typeof r.built !== 'boolean') fail('"built" is not true or false');
  if (!(VERIFIED as readonly unknown[]).includes(r.verified))
    fail(`"verified" is not one of ${VERIFIED.join(', ')}`);
  if (!Array.isArray(r.goModChanges)) fail('"goModChanges" is not a list');
  for (const [i, c] of (r.goModChanges as unknown[]).entries()) {
    const change = c as Record<string, unknown> | null;
    if (!change || ['path', 'from', 'to'].some((k) => !isModuleText(change[k]))) {
      fail(`goModChanges[${i}] is not {"path","from","to"} of a module path and two versions`);
    }
  }
  if (r.built) {
    if (typeof r.size !== 'number' || !Number.isInteger(r.size) || r.size < 0)
      fail('"size" is not a whole number');
    if (typeof r.sha256 !== 'string' || !SHA256_HEX.test(r.sha256))
      fail('"sha256" is not 64 lowercase hex digits');
  }
  return r as unknown as CellRecord;
}

/** The cell a record is for. */
export function cellOf(record: CellRecord): Cell {
  return { serverTag: record.serverTag, target: record.target };
}

/** What a build knows about one cell, to make its record from. */
export interface CellFacts {
  plugin: string;
  module: string;
  serverRepository: string;
  serverTag: string;
  serverModule: string;
  go: string;
  goModChanges: readonly { module: string; from?: string; to: string }[];
  target: string;
  built: boolean;
  error?: string;
  skipped?: string;
  file: string;
  artifact?: string;
  size?: number;
  sha256?: string;
  verified?: { status: CellVerified; reason?: string };
}

/** Pure: the record of one cell. A cell without a verify entry (verify: false, a failed build) is `not-verified`. */
export function makeCellRecord(f: CellFacts): CellRecord {
  return {
    schema: CELL_RECORD_SCHEMA,
    kind: CELL_RECORD_KIND,
    plugin: f.plugin,
    module: f.module,
    serverRepository: f.serverRepository,
    serverTag: f.serverTag,
    serverModule: f.serverModule,
    go: f.go,
    target: f.target,
    goModChanges: f.goModChanges.map((c) => ({ path: c.module, from: c.from ?? 'none', to: c.to })),
    built: f.built,
    ...(f.error !== undefined && { error: f.error }),
    ...(f.skipped !== undefined && { skipped: f.skipped }),
    file: f.file,
    ...(f.artifact !== undefined && { artifact: f.artifact }),
    ...(f.size !== undefined && { size: f.size }),
    ...(f.sha256 !== undefined && { sha256: f.sha256 }),
    verified: f.verified?.status ?? 'not-verified',
    ...(f.verified?.reason !== undefined
      ? { reason: f.verified.reason }
      : !f.built && f.skipped === undefined && { reason: 'the build failed' }),
  };
}
