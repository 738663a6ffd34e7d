// Plain words for file-system failures: what was expected at a path and what was found there,
// never a bare ENOTDIR or EACCES. Pure.

/** What the action expected to find at a path, for the message. */
export type Expected = 'a folder' | 'a file' | 'a writable folder' | 'a writable file';

/** A sentence (no trailing period) saying why `shown` could not be used as `expected`. */
export function describeFsError(e: unknown, shown: string, expected: Expected): string {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return `${shown} does not exist (expected ${expected})`;
    case 'ENOTDIR':
      return `a part of ${shown} is a file, not a folder (expected ${expected})`;
    case 'EISDIR':
      return `${shown} is a folder, not a file (expected ${expected})`;
    case 'EEXIST':
      return `${shown} already exists and is not ${expected}`;
    case 'EACCES':
    case 'EPERM':
      return `${shown} cannot be used: permission denied for the runner's user (expected ${expected})`;
    case 'EROFS':
      return `${shown} is on a read-only file system (expected ${expected})`;
    case 'ELOOP':
      return `${shown} is a loop of symlinks (expected ${expected})`;
    case 'ENAMETOOLONG':
      return `${shown} is too long a path`;
    case 'ENOSPC':
      return `there is no space left on the disk for ${shown}`;
    default:
      return `${shown} cannot be used as ${expected}: ${e instanceof Error ? e.message : String(e)}`;
  }
}

/** What a stat says a path is, in words: `a folder`, `a FIFO`, `a character device`, ... */
export function kindOf(st: {
  isFile(): boolean;
  isDirectory(): boolean;
  isSymbolicLink(): boolean;
  isFIFO(): boolean;
  isSocket(): boolean;
  isCharacterDevice(): boolean;
  isBlockDevice(): boolean;
}): string {
  if (st.isFile()) return 'a regular file';
  if (st.isDirectory()) return 'a folder';
  if (st.isSymbolicLink()) return 'a symlink';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  return 'not a regular file';
}
