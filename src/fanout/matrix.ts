// The work of a fanned-out run as data: one cell per server release x target, and the matrix a
// workflow hands to `strategy.matrix: ${{ fromJSON(needs.plan.outputs.matrix) }}`. Pure.

/** One job of the matrix: one server release, one target. */
export interface Cell {
  serverTag: string;
  target: string;
}

/** The matrix entry of a cell, with the keys a workflow reads (`matrix.server-version`, `matrix.target`). */
export interface MatrixEntry {
  'server-version': string;
  target: string;
}

export interface Matrix {
  include: MatrixEntry[];
}

/** Every release x every target: releases in the order given (newest first), targets in input order. */
export function planCells(serverTags: readonly string[], targets: readonly string[]): Cell[] {
  const seen = new Set<string>();
  const cells: Cell[] = [];
  for (const serverTag of serverTags) {
    for (const target of targets) {
      const key = cellKey({ serverTag, target });
      if (seen.has(key)) continue;
      seen.add(key);
      cells.push({ serverTag, target });
    }
  }
  return cells;
}

/**
 * The matrix of the cells. An empty plan gives `{"include":[]}`: the workflow skips the job (see
 * docs/fan-out.md). More cells than GitHub expands is refused (checkMatrixSize), in the plan step
 * rather than by the workflow after it.
 */
export function matrixOf(cells: readonly Cell[]): Matrix {
  checkMatrixSize(cells);
  return { include: cells.map((c) => ({ 'server-version': c.serverTag, target: c.target })) };
}

/** How messages and maps name a cell: `v2.9.1 linux-amd64`. */
export function cellKey(cell: Cell): string {
  return `${cell.serverTag} ${cell.target}`;
}

/** GitHub expands at most this many jobs from one matrix in a workflow run. */
export const MAX_MATRIX_JOBS = 256;

/**
 * Refuses a plan GitHub could not expand into one matrix, naming the count, its factors and the
 * inputs that make it smaller (the workflow would fail after the plan step otherwise).
 */
export function checkMatrixSize(cells: readonly Cell[]): void {
  if (cells.length <= MAX_MATRIX_JOBS) return;
  const releases = new Set(cells.map((c) => c.serverTag)).size;
  const targets = new Set(cells.map((c) => c.target)).size;
  const fit = Math.max(1, Math.floor(MAX_MATRIX_JOBS / targets));
  throw new Error(
    `The plan has ${cells.length} cells (${releases} server release${releases === 1 ? '' : 's'} x ${targets} target${targets === 1 ? '' : 's'}), more than the ${MAX_MATRIX_JOBS} jobs GitHub runs in one matrix: narrow server-versions, lower max-server-versions (${fit} or fewer with ${targets} target${targets === 1 ? '' : 's'}) or list fewer targets; to build more, plan the rest in a second plan job of its own.`,
  );
}
