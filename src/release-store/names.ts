// The names the store gives assets for a moment: `<name>.flow-new-<token>` (an upload waiting for
// its swap), `<name>.flow-old-<token>` (the old asset renamed away during its swap) and the lock
// `plugins.json.lock`. Plain characters GitHub keeps as they are, and no pattern a downloader uses
// for the real files (`*.so`, `checksums.txt`) matches them. The token is the run's (8 hex digits),
// so a run knows its own leftovers.
import { PLUGIN_INDEX_FILE_NAME } from '../publish/plugin-index';

export const LOCK_NAME = `${PLUGIN_INDEX_FILE_NAME}.lock`;

const TEMP = /^(.+)\.flow-(new|old)-([0-9a-f]{8})$/;

export function tempName(name: string, kind: 'new' | 'old', token: string): string {
  return `${name}.flow-${kind}-${token}`;
}

/** `{ base, kind, token }` of a temporary name; undefined for any other name. */
export function parseTempName(
  name: string,
): { base: string; kind: 'new' | 'old'; token: string } | undefined {
  const m = TEMP.exec(name);
  return m ? { base: m[1]!, kind: m[2] as 'new' | 'old', token: m[3]! } : undefined;
}

export function isTempName(name: string): boolean {
  return TEMP.test(name);
}

/** A file name as the action writes it: no folders, no spaces or control characters. */
export const PLAIN_NAME = /^[A-Za-z0-9][A-Za-z0-9._+-]*$/;

/** A tag as the index may hold it (no spaces, control characters or workflow-command text). */
export const PLAIN_TAG = /^[A-Za-z0-9][A-Za-z0-9._+/-]*$/;

/**
 * The URL a draft's asset will have once the release is published: GitHub lists a draft's assets
 * under `.../releases/download/untagged-<hash>/<name>`, which breaks at publishing. Other URLs
 * are returned as they are.
 */
export function publishedUrl(url: string, tag: string): string {
  return url.replace(
    /\/releases\/download\/untagged-[^/]+\//,
    `/releases/download/${encodeURIComponent(tag)}/`,
  );
}
