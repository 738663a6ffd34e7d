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

/** Is this a Node file-system error (`code` like EACCES, with the syscall that failed)? */
export function isFsError(e: unknown): e is NodeJS.ErrnoException {
  const x = e as NodeJS.ErrnoException | undefined;
  return (
    e instanceof Error &&
    typeof x?.code === 'string' &&
    /^E[A-Z]+$/.test(x.code) &&
    typeof x.syscall === 'string'
  );
}

/** A file-system error that no stage explained, in plain words: what failed on which path. */
export function plainFsError(e: NodeJS.ErrnoException): string {
  const path = e.path ?? 'the path';
  const op = e.syscall === 'open' || e.syscall === 'read' ? 'reading or writing' : (e.syscall ?? 'using');
  const expected = e.syscall === 'mkdir' || e.syscall === 'scandir' ? 'a folder' : 'a file';
  return `A file-system operation (${op}) failed: ${describeFsError(e, path, expected)}`;
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
