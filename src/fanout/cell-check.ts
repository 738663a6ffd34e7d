// The publish check: the cell records a workflow run left against its plan. Only a complete set -
// every planned cell present, built, not refused by its server, of this plugin, with file names
// that do not collide - is published; otherwise nothing is, and the cells at fault are named.
// Pure.
import type { CellRecord } from './cell-record';
import { cellKey, type Cell } from './matrix';
import type { PlanRecord } from './plan-record';
import { escapeControl } from '../log-text';

export interface CellFault {
  /** `v2.9.1 linux-amd64`. */
  cell: string;
  why: string;
}

export interface CellCheck {
  /** The records of the plan's cells, in plan order, when every one is fine (else empty). */
  ready: CellRecord[];
  faults: CellFault[];
  /** Records of cells the plan does not name (another plan's, a hand-run job's): not published. */
  unplanned: string[];
  /** Cells their build skipped (unsupported-server-version: skip), and why: left out, not faults. */
  skipped: CellFault[];
}

/**
 * Checks the records against the plan; `ready` is filled only when there is no fault at all.
 * `unreadable`: cell key -> why the record of that cell could not be read.
 */
export function checkCells(
  plan: Pick<PlanRecord, 'cells' | 'plugin' | 'module' | 'serverRepository'>,
  records: readonly CellRecord[],
  unreadable: ReadonlyMap<string, string> = new Map(),
): CellCheck {
  const byCell = new Map<string, CellRecord[]>();
  for (const r of records) {
    const key = cellKey({ serverTag: r.serverTag, target: r.target });
    byCell.set(key, [...(byCell.get(key) ?? []), r]);
  }
  const planned = new Set(plan.cells.map(cellKey));
  const faults: CellFault[] = [];
  const skipped: CellFault[] = [];
  const found: CellRecord[] = [];
  const files = new Map<string, string>();
  for (const cell of plan.cells) {
    const key = cellKey(cell);
    const fault = (why: string) => faults.push({ cell: key, why });
    const rs = byCell.get(key) ?? [];
    const unread = unreadable.get(key);
    if (unread !== undefined && rs.length === 0) {
      fault(`its cell record cannot be read: ${firstLine(unread)}`);
      continue;
    }
    if (rs.length === 0) {
      fault(
        'no cell record in this workflow run: its job did not run, failed before its upload, or had upload-artifacts: false',
      );
      continue;
    }
    if (rs.length > 1) {
      fault(`${rs.length} cell records in this workflow run (two jobs built it)`);
      continue;
    }
    const r = rs[0]!;
    const other = (['plugin', 'module', 'serverRepository'] as const).find((k) => r[k] !== plan[k]);
    if (other) {
      fault(`its record is for ${other} ${r[other]}, the plan for ${plan[other]}`);
      continue;
    }
    if (r.skipped !== undefined) {
      skipped.push({ cell: key, why: firstLine(r.skipped) });
      continue;
    }
    if (!r.built) {
      fault(`the build failed${r.error ? `: ${firstLine(r.error)}` : ''}`);
      continue;
    }
    if (r.verified === 'failed') {
      fault(`the server refused the plugin${r.reason ? `: ${firstLine(r.reason)}` : ''}`);
      continue;
    }
    if (r.artifact === undefined) {
      fault('its plugin was not uploaded as a workflow artifact');
      continue;
    }
    const clash = files.get(r.file);
    if (clash !== undefined) {
      fault(
        `its file name ${r.file} is also the file of ${clash}: use a file-name with {server} and {target}`,
      );
      continue;
    }
    files.set(r.file, key);
    found.push(r);
  }
  faults.push(...disagreements(found, skipped));
  // As one step fails when it skipped every release: nothing built is nothing to publish.
  if (faults.length === 0 && plan.cells.length > 0 && skipped.length === plan.cells.length) {
    faults.push({
      cell: 'every cell',
      why: 'every planned cell was skipped by its build, so nothing was built',
    });
  }
  const unplanned = [...byCell.keys()].filter((k) => !planned.has(k));
  return { ready: faults.length === 0 ? found : [], faults, unplanned, skipped };
}

/**
 * The cells of one server release are published as one plugins.json entry: they must agree on the
 * release's Go, its module and the go.mod changes. Each release whose cells do not is a fault.
 */
function disagreements(records: readonly CellRecord[], skipped: readonly CellFault[]): CellFault[] {
  const byTag = new Map<string, CellRecord[]>();
  for (const r of records) byTag.set(r.serverTag, [...(byTag.get(r.serverTag) ?? []), r]);
  const skippedTargets = new Map<string, string[]>();
  for (const s of skipped) {
    const [tag, target] = s.cell.split(' ') as [string, string];
    skippedTargets.set(tag, [...(skippedTargets.get(tag) ?? []), target]);
  }
  const facets: [string, (r: CellRecord) => string][] = [
    ['go', (r) => r.go],
    ['server module', (r) => r.serverModule],
    [
      'go.mod changes',
      (r) => r.goModChanges.map((c) => `${c.path} ${c.from} -> ${c.to}`).join(', ') || 'none',
    ],
  ];
  const faults: CellFault[] = [];
  for (const [tag, rs] of byTag) {
    const parts: string[] = [];
    // A release is skipped by its build as a whole: one skipped cell and one built is a disagreement.
    const skippedHere = skippedTargets.get(tag);
    if (skippedHere) {
      parts.push(`skipped (${skippedHere.join(', ')}), built (${rs.map((r) => r.target).join(', ')})`);
    }
    for (const [name, of] of facets) {
      const values = new Map<string, string[]>();
      for (const r of rs) values.set(of(r), [...(values.get(of(r)) ?? []), r.target]);
      if (values.size > 1) {
        parts.push(`${name} ${[...values].map(([v, targets]) => `${v} (${targets.join(', ')})`).join(', ')}`);
      }
    }
    if (parts.length > 0) faults.push({ cell: tag, why: `its cells disagree: ${parts.join('; ')}` });
  }
  return faults;
}

/** The step's failure message for the faults: every cell at fault, one per line, and that nothing was uploaded. */
export function faultMessage(faults: readonly CellFault[], total: number): string {
  return [
    `${faults.length} of ${total} planned cell${total === 1 ? '' : 's'} cannot be published, so nothing was uploaded:`,
    ...faults.map((f) => `  - ${f.cell}: ${f.why}`),
  ].join('\n');
}

/** The cells of a plan grouped by server release, releases in plan order. */
export function cellsByRelease(cells: readonly Cell[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const c of cells) out.set(c.serverTag, [...(out.get(c.serverTag) ?? []), c.target]);
  return out;
}

/** The first line of free text from a record (a build error, a loader's reason), control characters escaped. */
function firstLine(text: string): string {
  const line = escapeControl(text.trim().split('\n')[0] ?? '');
  return line.length > 200 ? `${line.slice(0, 197)}...` : line;
}
