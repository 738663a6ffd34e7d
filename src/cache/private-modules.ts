// Private module sources never go to the Actions cache: a cache entry is readable by every
// workflow of the repository that can restore its key, pull requests included. Before the module
// cache is saved, the modules the private patterns (GOPRIVATE, GONOPROXY) match are removed from
// the folder (their extracted sources and their downloads), and so are Go's git checkouts
// (cache/vcs: Go clones there only what it fetches straight from a git server, which is what the
// patterns name). The matching is pure (Go's module.MatchPrefixPatterns); one fs adapter.
import { chmod, lstat, readdir, rm } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';

/** A glob of path.Match as a regular expression over one path prefix (`*` and `?` stop at `/`). */
function globRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '\\' && i + 1 < glob.length) re += `\\${glob[++i]!}`;
    else if (c === '[') {
      const end = glob.indexOf(']', i + 1);
      if (end < 0) return /(?!)/; // a malformed class matches nothing (path.Match: ErrBadPattern)
      const body = glob.slice(i + 1, end).replace(/\\/g, '\\\\');
      re += `[${body}]`;
      i = end;
    } else re += c.replace(/[.+^${}()|\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/**
 * Whether a module path is matched by any of the patterns the way Go decides GOPRIVATE: a pattern
 * of n path elements is matched (path.Match) against the first n elements of the module path.
 */
export function matchesPrivatePattern(patterns: readonly string[], modulePath: string): boolean {
  const elements = modulePath.split('/');
  for (const raw of patterns) {
    const glob = raw.trim().replace(/\/$/, ''); // Go: strings.TrimSuffix(glob, "/")
    if (glob === '') continue;
    const n = glob.split('/').length;
    if (elements.length < n) continue;
    if (globRegExp(glob).test(elements.slice(0, n).join('/'))) return true;
  }
  return false;
}

/** A module path as Go writes it in the cache (`!b` for `B`) read back. */
export function unescapeModulePath(escaped: string): string {
  return escaped.replace(/!([a-z])/g, (_, c: string) => c.toUpperCase());
}

export interface PrivateEntries {
  /** Cache folders to remove (absolute). */
  paths: string[];
  /** What they hold, for the log: `module@version` of sources, `module` of downloads. */
  modules: string[];
}

async function subdirs(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries.filter((e) => e.isDirectory()).map((e) => e.name);
  } catch {
    return [];
  }
}

/** The folders of the module cache `dir` that hold private sources. */
export async function privateEntries(dir: string, patterns: readonly string[]): Promise<PrivateEntries> {
  const out: PrivateEntries = { paths: [], modules: [] };
  // Extracted sources: <escaped module path>@<version>/ anywhere outside cache/.
  async function sources(rel: string): Promise<void> {
    for (const name of await subdirs(join(dir, rel))) {
      const child = rel === '' ? name : `${rel}/${name}`;
      if (child === 'cache') continue;
      const at = name.indexOf('@');
      if (at >= 0) {
        const module = unescapeModulePath(`${rel === '' ? '' : `${rel}/`}${name.slice(0, at)}`);
        if (matchesPrivatePattern(patterns, module)) {
          out.paths.push(join(dir, child));
          out.modules.push(`${module}${unescapeModulePath(name.slice(at))}`);
        }
      } else await sources(child);
    }
  }
  // Downloads: cache/download/<escaped module path>/@v/ (zips, go.mod files, lists).
  const download = join(dir, 'cache', 'download');
  async function downloads(rel: string): Promise<void> {
    for (const name of await subdirs(join(download, rel))) {
      if (rel === '' && name === 'sumdb') continue;
      const child = rel === '' ? name : `${rel}/${name}`;
      if (name === '@v') {
        if (rel !== '' && matchesPrivatePattern(patterns, unescapeModulePath(rel))) {
          out.paths.push(join(download, rel));
        }
      } else await downloads(child);
    }
  }
  await sources('');
  await downloads('');
  return out;
}

/** Makes a tree writable (Go leaves module sources read-only), then removes it. */
async function removeTree(path: string): Promise<void> {
  async function writable(p: string): Promise<void> {
    const st = await lstat(p);
    if (!st.isDirectory()) return;
    await chmod(p, 0o755);
    for (const name of await readdir(p)) await writable(join(p, name));
  }
  await writable(path).catch(() => undefined);
  await rm(path, { recursive: true, force: true });
}

/** Removes `from` and its parents up to (not including) `root` while they are empty (no names left behind). */
async function removeEmptyParents(root: string, from: string): Promise<void> {
  for (let d = from; relative(root, d) !== '' && !relative(root, d).startsWith('..'); d = dirname(d)) {
    if ((await readdir(d).catch(() => ['?'])).length > 0) return;
    await rm(d, { recursive: true, force: true });
  }
}

/**
 * Removes the private modules and Go's git checkouts from the module cache `dir`; returns what
 * was removed, for the log.
 */
export async function removePrivateModules(
  dir: string,
  patterns: readonly string[],
): Promise<{ modules: string[]; vcs: boolean }> {
  const found = await privateEntries(dir, patterns);
  for (const p of found.paths) {
    await removeTree(p);
    await removeEmptyParents(dir, dirname(p));
  }
  const vcsDir = join(dir, 'cache', 'vcs');
  const vcs = (await subdirs(join(dir, 'cache'))).includes('vcs');
  if (vcs) await removeTree(vcsDir);
  return { modules: found.modules, vcs };
}
