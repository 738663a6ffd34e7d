// The one error type the go.mod engine throws. A go.mod may be any file (a symlink to a secret,
// say), so a message never echoes more than a short excerpt of it: at most EXCERPT_BYTES of a
// token per problem, and at most MAX_PROBLEMS problems.
import type { Latin1 } from './bytes';

/** The most bytes of one piece of the file a message shows. */
export const EXCERPT_BYTES = 32;
/** The most problems an error lists (Go lists them all). */
export const MAX_PROBLEMS = 5;
/** A backstop on the length of one reason. */
const MAX_REASON = 300;

/** At most EXCERPT_BYTES of a byte string, cut at a rune boundary, with an ellipsis when cut. */
export function excerpt(bytes: Latin1): Latin1;
export function excerpt(bytes: string): string;
export function excerpt(bytes: string): string {
  if (bytes.length <= EXCERPT_BYTES) return bytes;
  let cut = EXCERPT_BYTES;
  for (let k = 0; k < 3 && cut > 0 && (bytes.charCodeAt(cut) & 0xc0) === 0x80; k++) cut--;
  return bytes.slice(0, cut) + '\u00e2\u0080\u00a6'; // U+2026 in UTF-8
}

export interface GoModProblem {
  line: number;
  column: number;
  /** What is wrong, for a person, without the position. */
  reason: string;
}

/**
 * An invalid go.mod. `message` is `file:line:col: reason`; when a file has several problems
 * (Go reports every directive error at once), the first is in the fields and the first
 * MAX_PROBLEMS are in `problems` and in the message, one per line; `total` counts them all.
 */
export class GoModError extends Error {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly reason: string;
  readonly problems: readonly GoModProblem[];
  readonly total: number;

  constructor(file: string, problems: GoModProblem[]) {
    const shown = (problems.length > 0 ? problems : [{ line: 0, column: 0, reason: 'invalid go.mod' }])
      .slice(0, MAX_PROBLEMS)
      .map((p) => ({
        ...p,
        reason: p.reason.length > MAX_REASON ? p.reason.slice(0, MAX_REASON) + '\u2026' : p.reason,
      }));
    const total = Math.max(problems.length, 1);
    const lines = shown.map((p) => `${file}:${p.line}:${p.column}: ${p.reason}`);
    if (total > shown.length) lines.push(`${file}: ${total - shown.length} more problems not shown`);
    super(lines.join('\n'));
    const first = shown[0]!;
    this.name = 'GoModError';
    this.file = file;
    this.line = first.line;
    this.column = first.column;
    this.reason = first.reason;
    this.problems = shown;
    this.total = total;
  }
}
