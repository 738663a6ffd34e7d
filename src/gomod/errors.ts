// The one error type the go.mod engine throws.

export interface GoModProblem {
  line: number;
  column: number;
  /** What is wrong, for a person, without the position. */
  reason: string;
}

/**
 * An invalid go.mod. `message` is `file:line:col: reason`; when a file has several problems
 * (Go reports every directive error at once), the first is in the fields and all are in
 * `problems`, and the message lists them one per line.
 */
export class GoModError extends Error {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly reason: string;
  readonly problems: readonly GoModProblem[];

  constructor(file: string, problems: GoModProblem[]) {
    const first = problems[0] ?? { line: 0, column: 0, reason: 'invalid go.mod' };
    super(problems.map((p) => `${file}:${p.line}:${p.column}: ${p.reason}`).join('\n'));
    this.name = 'GoModError';
    this.file = file;
    this.line = first.line;
    this.column = first.column;
    this.reason = first.reason;
    this.problems = problems.length > 0 ? problems : [first];
  }
}
