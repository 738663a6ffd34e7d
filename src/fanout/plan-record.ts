// The plan: what the plan mode decided, uploaded as a small artifact of the workflow run so that
// the publish job checks the cells against it without being told again. Pure: made, formatted
// and parsed here.
import { escapeNameComponent } from '../publish/artifacts';
import { cellKey, type Cell } from './matrix';
import { isGoVersion, isModuleText, isPlainWord } from './record-fields';
import { oneLine } from '../log-text';

export const PLAN_RECORD_SCHEMA = 1;
export const PLAN_RECORD_KIND = 'flow-plugin-plan';
export const PLAN_RECORD_SUFFIX = '.plan.json';

/**
 * `release`: the cells go to the release of the tag (or `release-tag`), which they may fill anew.
 * `follow`: the cells are server releases the plugin release's plugins.json does not cover yet;
 * they are added to it, and nothing already there is touched.
 */
export type PlanPurpose = 'release' | 'follow';

export interface PlanRecord {
  schema: typeof PLAN_RECORD_SCHEMA;
  kind: typeof PLAN_RECORD_KIND;
  purpose: PlanPurpose;
  plugin: string;
  module: string;
  serverRepository: string;
  /** follow: the plugin release the cells are added to. */
  releaseTag?: string;
  /** Every cell the publish job must find: release x target, releases newest first. */
  cells: Cell[];
  /** follow: the selected releases the index already covered when the plan was made. */
  covered?: string[];
  /** unsupported-server-version: skip - the selected releases left out, and why (as one step says). */
  skipped?: { server: string; go: string; reason: string }[];
}

/** `<plugin>.plan.json`. */
export function planRecordName(plugin: string): string {
  return `${escapeNameComponent(plugin)}${PLAN_RECORD_SUFFIX}`;
}

export function formatPlanRecord(plan: PlanRecord): string {
  return `${JSON.stringify(plan, null, 2)}\n`;
}

export class PlanRecordError extends Error {
  override name = 'PlanRecordError';
}

export function parsePlanRecord(text: string, name: string): PlanRecord {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new PlanRecordError(`plan ${name} is not JSON: ${oneLine((e as Error).message)}`);
  }
  const fail = (what: string): never => {
    throw new PlanRecordError(`plan ${name}: ${what}`);
  };
  if (typeof data !== 'object' || data === null || Array.isArray(data)) fail('is not an object');
  const p = data as Record<string, unknown>;
  if (p.schema !== PLAN_RECORD_SCHEMA || p.kind !== PLAN_RECORD_KIND) {
    fail(
      `is not a schema ${PLAN_RECORD_SCHEMA} ${PLAN_RECORD_KIND} (written by another version of the action?)`,
    );
  }
  if (p.purpose !== 'release' && p.purpose !== 'follow') fail('"purpose" is not release or follow');
  // Every field that reaches the log is checked here, before any of it is printed.
  if (!isPlainWord(p.plugin)) fail('"plugin" is not a plugin name');
  if (!isModuleText(p.module)) fail('"module" is not a module path');
  if (!isModuleText(p.serverRepository)) fail('"serverRepository" is not owner/name');
  if (p.purpose === 'follow' && !isPlainWord(p.releaseTag)) fail('a follow plan names no "releaseTag"');
  if (p.releaseTag !== undefined && !isPlainWord(p.releaseTag)) fail('"releaseTag" is not a tag');
  if (p.covered !== undefined && (!Array.isArray(p.covered) || !p.covered.every(isPlainWord))) {
    fail('"covered" is not a list of tags');
  }
  if (p.skipped !== undefined) {
    const ok =
      Array.isArray(p.skipped) &&
      (p.skipped as Record<string, unknown>[]).every(
        (x) => x && isPlainWord(x.server) && isGoVersion(x.go) && typeof x.reason === 'string',
      );
    if (!ok) fail('"skipped" is not a list of {"server","go","reason"}');
  }
  if (!Array.isArray(p.cells)) fail('"cells" is not a list');
  const seen = new Set<string>();
  for (const [i, c] of (p.cells as unknown[]).entries()) {
    const cell = c as Record<string, unknown> | null;
    if (!cell || !isPlainWord(cell.serverTag) || !isPlainWord(cell.target)) {
      fail(`cells[${i}] is not {"serverTag","target"}`);
    }
    const key = cellKey(cell as unknown as Cell);
    if (seen.has(key)) fail(`cell ${key} is listed twice`);
    seen.add(key);
  }
  return p as unknown as PlanRecord;
}
