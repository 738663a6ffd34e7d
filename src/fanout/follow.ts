// Following the server: which of the server releases the author's selection names the plugin
// release's plugins.json does not cover yet, and what the release's checksums.txt becomes when
// files are added to it. Pure.
import { listed } from '../log-text';
import { ChecksumsError, formatChecksums, parseChecksums, type ChecksumEntry } from '../publish/checksums';

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

/**
 * checksums.txt with the added files: the existing lines are kept as they are; a file already
 * listed with another checksum is an error (a published file never changes), one listed with the
 * same checksum is listed once.
 */
export function addChecksums(existing: string | undefined, added: readonly ChecksumEntry[]): string {
  const entries = existing === undefined || existing.trim() === '' ? [] : parseChecksums(existing);
  const byName = new Map(entries.map((e) => [e.fileName, e.sha256]));
  const out = [...entries];
  for (const e of added) {
    const had = byName.get(e.fileName);
    if (had === e.sha256) continue;
    if (had !== undefined) {
      throw new ChecksumsError(
        `checksums.txt of the release already lists ${e.fileName} with sha256 ${had}, this run's file has ${e.sha256}; a published file is never replaced`,
      );
    }
    byName.set(e.fileName, e.sha256);
    out.push(e);
  }
  return formatChecksums(out);
}
