// What is already in output-dir: a file the action would write over must be one it wrote before
// (a Go plugin, or a checksums.txt naming plugins), never a README, a source file or the user's
// own checksums; and plugins an earlier run left there that this run does not write are named,
// since a workflow that uploads `build/*.so` would ship them. Decided from the files' bytes.
import { open, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseChecksums } from '../publish/checksums';
import { BuildInfoError, readBuildInfo } from '../verify/build-info';

/** A Go plugin is an ELF file whose Go build info says `-buildmode=plugin`. */
export async function isGoPlugin(path: string): Promise<boolean> {
  if (!(await startsWithElf(path))) return false;
  try {
    const info = readBuildInfo(await readFile(path));
    return info?.settings.some(([k, v]) => k === '-buildmode' && v === 'plugin') ?? false;
  } catch (e) {
    if (e instanceof BuildInfoError) return false;
    throw e;
  }
}

async function startsWithElf(path: string): Promise<boolean> {
  const fh = await open(path, 'r').catch(() => undefined);
  if (!fh) return false;
  try {
    const b = Buffer.alloc(4);
    const { bytesRead } = await fh.read(b, 0, 4, 0);
    return bytesRead === 4 && b.readUInt32BE(0) === 0x7f454c46;
  } finally {
    await fh.close();
  }
}

/**
 * Why the action must not write `name` in `dir` (undefined: it may - absent, or written by the
 * action before). `kind` is what would be written there.
 */
export async function foreignFile(
  dir: string,
  name: string,
  kind: 'plugin' | 'checksums',
): Promise<string | undefined> {
  const path = join(dir, name);
  const head = await open(path, 'r').catch(() => undefined);
  if (!head) return undefined;
  await head.close();
  if (kind === 'plugin') {
    return (await isGoPlugin(path)) ? undefined : 'it is not a Go plugin (a file the action did not write)';
  }
  let entries;
  try {
    entries = parseChecksums(await readFile(path, 'utf8'));
  } catch {
    return 'it is not a checksums file the action wrote';
  }
  for (const e of entries) {
    if (e.fileName.includes('/'))
      return `it names ${e.fileName}, a file in another folder: not a checksums file the action wrote`;
    const there = await open(join(dir, e.fileName), 'r').catch(() => undefined);
    if (!there) continue;
    await there.close();
    if (!(await isGoPlugin(join(dir, e.fileName))))
      return `it lists ${e.fileName}, which is not a Go plugin: the checksums of your own files, not the action's`;
  }
  return undefined;
}

/** Go plugins in `dir` that are not among `written` (file names), sorted. */
export async function strayPlugins(dir: string, written: readonly string[]): Promise<string[]> {
  const names = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const out: string[] = [];
  for (const e of names) {
    if (!e.isFile() || written.includes(e.name)) continue;
    if (await isGoPlugin(join(dir, e.name))) out.push(e.name);
  }
  return out.sort();
}
