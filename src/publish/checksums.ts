// The checksums file: `checksums.txt` in exact `sha256sum` format beside the plugins, so
// `sha256sum -c checksums.txt` verifies a download. Formatting is pure; hashing and writing are
// thin I/O around it.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { writeFileAtomic } from '../fs/atomic-write';

export const CHECKSUMS_FILE_NAME = 'checksums.txt';

export interface ChecksumEntry {
  /** The file's name as it sits beside `checksums.txt` (no folder). */
  fileName: string;
  /** Lowercase hex SHA-256 (64 characters). */
  sha256: string;
}

export class ChecksumsError extends Error {
  override name = 'ChecksumsError';
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * One line per file in `sha256sum` text-mode format (`<hex>  <name>\n`), sorted by name (byte
 * order, as `LC_ALL=C sort`). Names with a backslash, line feed or carriage return are escaped the
 * way GNU `sha256sum` does it (a leading `\` and `\\`, `\n`, `\r`), so `sha256sum -c` reads them back.
 */
export function formatChecksums(entries: readonly ChecksumEntry[]): string {
  const seen = new Set<string>();
  for (const { fileName, sha256 } of entries) {
    if (!fileName || fileName.includes('/')) {
      throw new ChecksumsError(`checksums: "${fileName}" is not a plain file name (no folders)`);
    }
    if (!SHA256_HEX.test(sha256)) {
      throw new ChecksumsError(
        `checksums: the sha256 of ${fileName} is not 64 lowercase hex digits: "${sha256}"`,
      );
    }
    if (seen.has(fileName)) throw new ChecksumsError(`checksums: ${fileName} is listed twice`);
    seen.add(fileName);
  }
  return [...entries]
    .sort((a, b) => compareBytes(a.fileName, b.fileName))
    .map(({ fileName, sha256 }) => {
      if (!/[\\\n\r]/.test(fileName)) return `${sha256}  ${fileName}\n`;
      const escaped = fileName.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
      return `\\${sha256}  ${escaped}\n`;
    })
    .join('');
}

/**
 * Reads `sha256sum` output back into entries (text or binary mode, GNU escaping); the inverse of
 * {@link formatChecksums}. Throws ChecksumsError naming the line that is not a checksum line.
 */
export function parseChecksums(text: string): ChecksumEntry[] {
  const entries: ChecksumEntry[] = [];
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  for (const [i, raw] of lines.entries()) {
    const escaped = raw.startsWith('\\');
    const line = escaped ? raw.slice(1) : raw;
    const m = /^([0-9a-fA-F]{64}) [ *](.+)$/.exec(line);
    if (!m)
      throw new ChecksumsError(`checksums line ${i + 1} is not "<sha256>  <file>": ${JSON.stringify(raw)}`);
    const fileName = escaped
      ? m[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c === 'r' ? '\r' : c))
      : m[2]!;
    entries.push({ fileName, sha256: m[1]!.toLowerCase() });
  }
  return entries;
}

function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** SHA-256 of a file as lowercase hex, read as a stream (plugins can be large). */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

/**
 * Writes `<dir>/checksums.txt` atomically (src/fs/atomic-write: a temporary file in the same
 * folder, fsynced, then renamed), so a reader never sees half a file. Returns the file's path.
 */
export async function writeChecksums(dir: string, entries: readonly ChecksumEntry[]): Promise<string> {
  const text = formatChecksums(entries);
  const path = join(dir, CHECKSUMS_FILE_NAME);
  await writeFileAtomic(path, text);
  return path;
}
