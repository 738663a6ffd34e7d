// The one path for others' text on its way to the log: module servers' and go's output, the
// release's files and records, names from GitHub. A line of the runner's log that starts with
// `::` is a workflow command (an annotation, a mask, `::stop-commands::`), so nothing read from
// elsewhere reaches `info` as it is:
// - many lines (a container's output): `Toolkit.untrusted`, which stops workflow commands around them;
// - a piece of one line (a name, a reason, the last lines of an output): `escapeControl`,
//   `lastLines` or `oneLine` here, which leave no line break or control character in it;
// - a list of them: `listed`, which also keeps the line short (first N, then "... and M more").
// __tests__/log-text-sites.test.ts scans src/ for log calls that take such text and fails on a
// new one that does not go through here.

/**
 * Text from elsewhere (a go.mod, a module server, a container) made safe for one log line: control
 * characters (C0, DEL, C1) and the line and paragraph separators as `\n`, `\x1b`, `\u2028`.
 */
export function escapeControl(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => {
    const named: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };
    const code = c.charCodeAt(0);
    return (
      named[c] ?? (code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16)}`)
    );
  });
}

/** The most characters one piece of others' text takes in a log line. */
export const ONE_LINE_MAX = 2000;

/** Others' text as one bounded log line piece: escaped, cut after `max` characters with what was left out. */
export function oneLine(text: string, max = ONE_LINE_MAX): string {
  const cut = text.length > max ? text.slice(0, max) : text;
  const rest = text.length - cut.length;
  return `${escapeControl(cut)}${rest > 0 ? `... (${rest} more characters)` : ''}`;
}

/**
 * The last `n` lines of an output (a container's, a server's), each escaped and bounded, joined
 * with `separator`: one log line piece `a | b | c` by default; `\n` keeps them lines of their own
 * (for an error message, which the runner's annotation escapes).
 */
export function lastLines(output: string, n = 3, separator = ' | '): string {
  const lines = output.trim().split(/\r?\n/).slice(-n);
  return lines.map((l) => oneLine(l)).join(separator);
}

/** How many items a list in one log line names before "... and M more". */
export const LIST_MAX = 20;

/**
 * A list for one log line: the first `max` items (each escaped and bounded), then `... and M more`.
 * A release's index with 200,000 entries stays a short line.
 */
export function listed(items: readonly string[], max = LIST_MAX, separator = ', '): string {
  const shown = items.slice(0, max).map((i) => oneLine(i, 200));
  const more = items.length - shown.length;
  return more > 0 ? `${shown.join(separator)}${separator}... and ${more} more` : shown.join(separator);
}
