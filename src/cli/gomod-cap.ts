// gomod-cap without Go: aligns a plugin's go.mod require versions with the server's.
//   node dist/gomod-cap.cjs -from <server go.mod or dir> -to <plugin go.mod or dir> [-check]
// Same flags, defaults, directory handling and exit codes as cmd/gomod-cap of the plugin API:
// 0 success (changed or not), 1 with -check at the first differing module, 2 unreadable or
// invalid input or a bad flag. The plugin's go.mod is only written when it changes, atomically.
import { readFileSync, realpathSync, statSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeFileAtomicSync } from '../fs/atomic-write';
import { kindOf } from '../fs/problems';
import { GoModError, capGoModBytes } from '../gomod';

export interface CliIO {
  /** Where log lines go (the original logs to stderr). */
  stderr: (line: string) => void;
  /** Directory relative paths are resolved against. */
  cwd: string;
}

interface Options {
  from: string;
  to: string;
  check: boolean;
}

const USAGE = [
  'Usage of gomod-cap:',
  '  -check',
  '    \tcheck for incompatibility only',
  '  -from string',
  '    \tgo.mod file or dir to cap go.mod version from (default "./go.mod")',
  '  -to string',
  '    \tgo.mod file or dir to cap go.mod version to (default "./go.mod")',
].join('\n');

/** strconv.ParseBool. */
function parseBool(s: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(s)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(s)) return false;
  return undefined;
}

/**
 * Parses arguments the way Go's flag package does (`-x v`, `-x=v`, `--x`, bool flags without a
 * value, parsing stops at the first non-flag or after `--`). Arguments left after the flags are
 * an error (the original ignores them, so `-from a b` silently used ./go.mod as -to). Returns the
 * options, 'help', or an error message.
 */
export function parseArgs(args: string[]): Options | 'help' | { error: string } {
  const opts: Options = { from: './go.mod', to: './go.mod', check: false };
  const stray = (rest: string[]) =>
    rest.length === 0
      ? opts
      : {
          error: `unexpected argument ${JSON.stringify(rest[0])}: gomod-cap takes only the flags -from, -to and -check`,
        };
  for (let i = 0; i < args.length; i++) {
    const s = args[i]!;
    if (s.length < 2 || s[0] !== '-') return stray(args.slice(i));
    let minuses = 1;
    if (s[1] === '-') {
      minuses++;
      if (s.length === 2) return stray(args.slice(i + 1));
    }
    let name = s.slice(minuses);
    if (name.length === 0 || name[0] === '-' || name[0] === '=') return { error: `bad flag syntax: ${s}` };
    let value: string | undefined;
    const eq = name.indexOf('=', 1);
    if (eq > 0) {
      value = name.slice(eq + 1);
      name = name.slice(0, eq);
    }
    if (name === 'check') {
      if (value === undefined) {
        opts.check = true;
      } else {
        const b = parseBool(value);
        if (b === undefined) return { error: `invalid boolean value "${value}" for -check: parse error` };
        opts.check = b;
      }
      continue;
    }
    if (name === 'from' || name === 'to') {
      if (value === undefined) {
        if (i + 1 >= args.length) return { error: `flag needs an argument: -${name}` };
        value = args[++i]!;
      }
      opts[name] = value;
      continue;
    }
    if (name === 'help' || name === 'h') return 'help';
    return { error: `flag provided but not defined: -${name}` };
  }
  return opts;
}

// File access is synchronous: a one-shot command has nothing to overlap, and each async call
// would be a round trip through libuv's thread pool.

/** A directory argument means the go.mod inside it: [path to use, path to show]. */
function goModPath(arg: string, cwd: string): [string, string] {
  const p = resolve(cwd, arg);
  try {
    if (statSync(p).isDirectory()) return [join(p, 'go.mod'), join(arg, 'go.mod')];
  } catch {
    // Not there: reading it reports the problem.
  }
  return [p, arg];
}

/**
 * The action's file checks: a go.mod is a regular file (a FIFO or a device is refused instead of
 * read, which would wait forever); a symlink is followed to the file it points at (written there,
 * as `go mod edit` writes); a file with several hard links is refused, since replacing it
 * atomically would split them. Returns the real path, or undefined after saying why not.
 */
function checkFile(
  path: string,
  shown: string,
  label: string,
  io: CliIO,
  write: boolean,
): string | undefined {
  let real: string;
  try {
    real = realpathSync(path);
  } catch {
    return path; // missing: reading it reports the problem
  }
  const st = statSync(real);
  if (!st.isFile()) {
    io.stderr(`gomod-cap: the ${label} go.mod ${shown} is ${kindOf(st)}, not a regular file`);
    return undefined;
  }
  if (write && st.nlink > 1) {
    io.stderr(
      `gomod-cap: the ${label} go.mod ${shown} has ${st.nlink} hard links: replacing it in one step would leave the other names with the old file. Make it a single file (cp it, then mv the copy over it), or link it with a symlink`,
    );
    return undefined;
  }
  return real;
}

function read(path: string, shown: string, label: string, io: CliIO): Uint8Array | undefined {
  try {
    return readFileSync(path);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why =
      err.code === 'ENOENT' ? 'no such file' : err.code === 'EISDIR' ? 'is a directory' : err.message;
    io.stderr(`gomod-cap: cannot read the ${label} go.mod ${shown}: ${why}`);
    return undefined;
  }
}

/**
 * Writes all of each string (as UTF-8) to file descriptor fd at once, through
 * fallback from the first time fd would block (a non-blocking pipe) on. process.stderr on a
 * pipe keeps what is written until the program returns to the event loop: a log of 160,000
 * lines (15 MB) would be held, and copied, in memory first.
 */
export function writeAllSync(
  fd: number,
  fallback: (s: Buffer) => void,
  write: (fd: number, b: Buffer, off: number) => number = (f, b, off) => writeSync(f, b, off),
): (s: string) => void {
  let blocked = false;
  return (s) => {
    const b = Buffer.from(s, 'utf8');
    let off = 0;
    while (!blocked && off < b.length) {
      try {
        off += write(fd, b, off);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
        blocked = true;
      }
    }
    if (off < b.length) fallback(b.subarray(off));
  };
}

/**
 * The process's stderr, one write per 64 KiB rather than per line (a cap of 160,000 modules
 * logs 160,000 lines); flush writes the rest.
 */
export function bufferedStderr(
  write: (s: string) => void = writeAllSync(2, (b) => process.stderr.write(b)),
): CliIO['stderr'] & {
  flush: () => void;
} {
  let buf = '';
  const flush = (): void => {
    if (buf !== '') write(buf);
    buf = '';
  };
  const line = (l: string): void => {
    buf += l + '\n';
    if (buf.length >= 1 << 16) flush();
  };
  return Object.assign(line, { flush });
}

/** Runs the command line; returns the exit code. */
export async function main(
  argv: string[],
  io: CliIO = { stderr: (l) => process.stderr.write(l + '\n'), cwd: process.cwd() },
): Promise<number> {
  const parsed = parseArgs(argv);
  if (parsed === 'help') {
    io.stderr(USAGE);
    return 0;
  }
  if ('error' in parsed) {
    io.stderr(parsed.error);
    io.stderr(USAGE);
    return 2;
  }
  const [fromPath, fromName] = goModPath(parsed.from, io.cwd);
  const [toPath, toName] = goModPath(parsed.to, io.cwd);
  const from = checkFile(fromPath, fromName, 'server (-from)', io, false);
  if (from === undefined) return 2;
  const to = checkFile(toPath, toName, 'plugin (-to)', io, !parsed.check);
  if (to === undefined) return 2;
  const server = read(from, fromName, 'server (-from)', io);
  if (!server) return 2;
  const plugin = read(to, toName, 'plugin (-to)', io);
  if (!plugin) return 2;

  let result: ReturnType<typeof capGoModBytes>;
  try {
    result = capGoModBytes(server, plugin, { serverFile: fromName, pluginFile: toName });
  } catch (e) {
    if (e instanceof GoModError) {
      io.stderr(`gomod-cap: invalid go.mod:\n${e.message}`);
      return 2;
    }
    throw e;
  }

  if (parsed.check) {
    const first = result.changes[0];
    if (!first) return 0;
    io.stderr(
      `Found incompatible go.mod constraint: path ${first.module} has version ${first.from}, ` +
        `the server requires ${first.to} (${toName}:${first.line})`,
    );
    return 1;
  }
  for (const c of result.changes) {
    io.stderr(`Changing require version of ${c.module} from ${c.from} to ${c.to} (${toName}:${c.line})`);
  }
  if (!result.changed) return 0;
  try {
    writeFileAtomicSync(to, result.data);
  } catch (e) {
    io.stderr(`gomod-cap: cannot write ${toName}: ${(e as Error).message}`);
    return 2;
  }
  return 0;
}

// Run when executed as the bundled command line (dist/gomod-cap.cjs), not when imported.
if (typeof require !== 'undefined' && typeof module !== 'undefined' && require.main === module) {
  const stderr = bufferedStderr();
  main(process.argv.slice(2), { stderr, cwd: process.cwd() }).then(
    (code) => {
      stderr.flush();
      process.exitCode = code;
    },
    (e: unknown) => {
      stderr.flush();
      process.stderr.write(
        `gomod-cap: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`,
      );
      process.exitCode = 2;
    },
  );
}
