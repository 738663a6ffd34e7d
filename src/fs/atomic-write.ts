// Atomic file replacement: write a temp file next to the target, fsync it, rename it over the
// target. Readers see the old file or the new one, never half of one. The async form is for the
// action; the sync form for the one-shot gomod-cap command line, where each async file call would
// be a round trip through libuv's thread pool for nothing.
import * as fsSync from 'node:fs';
import { promises as fs } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { onCancel } from './cleanup';

/** A temp name next to path; opening it with 'wx' makes sure it is new. */
function tempName(path: string): string {
  const unique = `${process.pid}.${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
  return join(dirname(path), `.${basename(path)}.${unique}.tmp`);
}

/**
 * Writes data to path atomically, keeping the mode of an existing file (0o666 minus the umask
 * for a new one). On any error the temp file is removed, the target is left untouched, and the
 * error is rethrown. A string is written as UTF-8. A symlink stays a symlink: the file it points at is replaced atomically
 * (callers that must stay inside a folder check where it points first, see preflight).
 */
export async function writeFileAtomic(linkOrPath: string, data: string | Uint8Array): Promise<void> {
  const path = await fs.realpath(linkOrPath).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return linkOrPath;
    throw e;
  });
  const dir = dirname(path);
  const tmp = tempName(path);
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

/** writeFileAtomic, synchronously. */
export function writeFileAtomicSync(path: string, data: string | Uint8Array): void {
  const dir = dirname(path);
  const tmp = tempName(path);
  let mode: number | undefined;
  try {
    mode = fsSync.statSync(path).mode & 0o7777;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  let fd: number | undefined;
  try {
    fd = fsSync.openSync(tmp, 'wx', mode ?? 0o666);
    fsSync.writeFileSync(fd, data);
    if (mode !== undefined) fsSync.fchmodSync(fd, mode);
    fsSync.fsyncSync(fd);
    fsSync.closeSync(fd);
    fd = undefined;
    fsSync.renameSync(tmp, path);
  } catch (e) {
    if (fd !== undefined) {
      try {
        fsSync.closeSync(fd);
      } catch {
        // already failing: the first error is the one to report
      }
    }
    fsSync.rmSync(tmp, { force: true });
    throw e;
  }
  try {
    const d = fsSync.openSync(dir, 'r');
    try {
      fsSync.fsyncSync(d);
    } finally {
      fsSync.closeSync(d);
    }
  } catch {
    // Some file systems do not support syncing a directory; the data itself is synced.
  }
}
