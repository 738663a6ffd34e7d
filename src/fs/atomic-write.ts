// Atomic file replacement: write a temp file next to the target, fsync it, rename it over the
// target. Readers see the old file or the new one, never half of one.
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { onCancel } from './cleanup';

/**
 * Writes data to path atomically, keeping the mode of an existing file (0o666 minus the umask
 * for a new one). On any error the temp file is removed, the target is left untouched, and the
 * error is rethrown. A symlink stays a symlink: the file it points at is replaced atomically
 * (callers that must stay inside a folder check where it points first, see preflight).
 */
export async function writeFileAtomic(linkOrPath: string, data: string | Uint8Array): Promise<void> {
  const path = await fs.realpath(linkOrPath).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return linkOrPath;
    throw e;
  });
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  let mode: number | undefined;
  try {
    mode = (await fs.stat(path)).mode & 0o7777;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  let handle: fs.FileHandle | undefined;
  // A cancelled run leaves the target as it was (the rename has not happened) and no temp file.
  const done = onCancel(`temporary file ${tmp}`, () => fs.rm(tmp, { force: true }));
  try {
    handle = await fs.open(tmp, 'wx', mode ?? 0o666);
    await handle.writeFile(data);
    if (mode !== undefined) await handle.chmod(mode);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await fs.rename(tmp, path);
  } catch (e) {
    if (handle) await handle.close().catch(() => undefined);
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    throw e;
  } finally {
    done();
  }
  // Make the rename itself durable where the platform allows it.
  try {
    const d = await fs.open(dir, 'r');
    try {
      await d.sync();
    } finally {
      await d.close();
    }
  } catch {
    // Some file systems do not support syncing a directory; the data itself is synced.
  }
}
