// Following the server: which of the server releases the author's selection names the plugin
// release's plugins.json does not cover yet. Pure. (What the release becomes when files are added
// is the release store's decision: src/release-store/next-state.ts.)
import { listed } from '../log-text';

export interface FollowDiff {
  /** Selected releases the index has no entry for, in selection order (newest first): to build. */
  uncovered: string[];
  /** Selected releases the index already covers: left alone. */
  covered: string[];
}

/** The selection against the index's release tags (none when the release has no plugins.json yet). */
export function followDiff(selected: readonly string[], indexed: readonly string[]): FollowDiff {
  const have = new Set(indexed);
  const unique = [...new Set(selected)];
  return {
    uncovered: unique.filter((t) => !have.has(t)),
    covered: unique.filter((t) => have.has(t)),
  };
}

/** What the summary and the log say when there is nothing to build. */
export function nothingNewMessage(releaseTag: string, covered: readonly string[]): string {
  return (
    `plugins.json of release ${releaseTag} already covers every server release the selection names` +
    `${covered.length > 0 ? ` (${listed(covered)})` : ''}: nothing to build, nothing written.`
  );
}
