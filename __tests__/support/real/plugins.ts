// Real plugin sources for the bed: fetched as module versions through the module proxy into the
// bed's module cache, copied to `<bed>/plugins/<id>` (cached), and the modules that the action's
// containers will need (after syncing go.mod to each server release, or not) downloaded there
// too, so the containers build with no network from the bed's file proxy.
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RealPluginSpec } from './catalog';
import { bedRoot, downloadModule, hostGo, replaceDir } from './host';

/** `require` versions of a go.mod text (first version per module path). */
export function requireVersions(goMod: string): Map<string, string> {
  const out = new Map<string, string>();
  let inBlock = false;
  for (const raw of goMod.split('\n')) {
    const line = raw.replace(/\/\/.*$/, '').trim();
    if (inBlock) {
      if (line === ')') inBlock = false;
      else {
        const [path, version] = line.split(/\s+/);
        if (path && version && !out.has(path)) out.set(path, version);
      }
      continue;
    }
    if (/^require\s*\($/.test(line)) inBlock = true;
    else {
      const m = /^require\s+(\S+)\s+(\S+)/.exec(line);
      if (m && !out.has(m[1]!)) out.set(m[1]!, m[2]!);
    }
  }
  return out;
}

/**
 * The go.mod an author would write for a source without one: each `require` path at the version
 * of the source's own go.mod (`server`), or at the version it names (`path@version`).
 */
export function authoredGoMod(spec: RealPluginSpec, server: ReadonlyMap<string, string>): string {
  const authored = spec.authoredGoMod!;
  const lines = authored.require.map((req) => {
    const [p, own] = req.split('@') as [string, string | undefined];
    const v = own ?? server.get(p);
    if (!v)
      throw new Error(`${spec.id}: ${p} is not required by ${spec.source.module}@${spec.source.version}`);
    return `\t${p} ${v}\n`;
  });
  return `module ${spec.module}\n\ngo ${authored.go}\n\nrequire (\n${lines.join('')})\n`;
}

/** Prepares `<bed>/plugins/<id>` from the plugin's module source (cached); returns the folder. */
export async function pluginSource(spec: RealPluginSpec, root = bedRoot()): Promise<string> {
  const dir = join(root, 'plugins', spec.id);
  const stamp = join(dir, '.bed-plugin.json');
  if (existsSync(stamp)) return dir;
  const mod = await downloadModule(spec.source.module, spec.source.version, {
    root,
    noSumDb: spec.pinnedSum !== undefined,
  });
  if (spec.pinnedSum && mod.Sum !== spec.pinnedSum) {
    throw new Error(
      `${spec.source.module}@${spec.source.version}: hash ${mod.Sum}, pinned ${spec.pinnedSum}`,
    );
  }
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  cpSync(spec.source.subdir ? join(mod.Dir, spec.source.subdir) : mod.Dir, tmp, { recursive: true });
  if (spec.authoredGoMod) {
    // Upstream's examples have no go.mod of their own (they are packages of the server module):
    // write the one their author would, at the versions of the server tag they come from.
    const server = requireVersions(readFileSync(join(mod.Dir, 'go.mod'), 'utf8'));
    writeFileSync(join(tmp, 'go.mod'), authoredGoMod(spec, server));
    if (spec.authoredGoMod.tidy !== false) await hostGo(['mod', 'tidy'], { cwd: tmp, root });
  }
  // Untidy graphs: every module of the go.mod graph, whatever tidy would say of the packages.
  await hostGo(['mod', 'download', ...(spec.authoredGoMod?.tidy === false ? ['all'] : [])], {
    cwd: tmp,
    root,
  });
  writeFileSync(stamp.replace(dir, tmp), JSON.stringify({ source: spec.source, sum: mod.Sum }));
  replaceDir(tmp, dir);
  return dir;
}

/**
 * Downloads on the host what `go mod tidy` needs once the plugin's go.mod is synced to the
 * server's (every shared module set to the server's version, as gomod-cap does), so that the
 * action's containers find it in the bed's file proxy. Best effort: a plugin that cannot be
 * synced to that server (e.g. its go line is newer) is left for the action to report.
 */
export async function prefetchForServer(
  pluginDir: string,
  serverGoMod: string,
  root = bedRoot(),
  extraRequire: readonly string[] = [],
  /** The server's source folder: for a plugin whose go line is older than 1.17 (see below). */
  serverSourceDir?: string,
): Promise<void> {
  const tmp = mkdtempSync(join(root, 'prefetch-'));
  try {
    cpSync(pluginDir, tmp, { recursive: true });
    const server = requireVersions(serverGoMod);
    const plugin = requireVersions(readFileSync(join(tmp, 'go.mod'), 'utf8'));
    const edits = [...plugin]
      .filter(([p, v]) => server.has(p) && server.get(p) !== v)
      .map(([p]) => `-require=${p}@${server.get(p)}`)
      .concat(extraRequire.map((r) => `-require=${r}`));
    if (edits.length > 0) await hostGo(['mod', 'edit', ...edits], { cwd: tmp, root });
    await hostGo(['mod', 'tidy'], { cwd: tmp, root }).catch(() => undefined);
    await hostGo(['mod', 'download'], { cwd: tmp, root }).catch(() => undefined);
    // A go line older than 1.17 makes the graph unpruned: Go reads the go.mod of every module it
    // reaches, so the action's alignment (every shared module at the server's build-list version)
    // needs .mod files that neither the server's pruned build nor the capped plugin read
    // (golang.org/x/term under x/crypto v0.29.0 for gotify v2.6.x). Align the copy the same way.
    if (serverSourceDir && unprunedGoLine(readFileSync(join(tmp, 'go.mod'), 'utf8'))) {
      await alignToServerBuildList(tmp, serverSourceDir, root).catch(() => undefined);
      await hostGo(['mod', 'download', 'all'], { cwd: tmp, root }).catch(() => undefined);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Whether a go.mod's go line makes its module graph unpruned (no go line, or older than 1.17). */
export function unprunedGoLine(goMod: string): boolean {
  const m = /^go\s+1\.(\d+)/m.exec(goMod);
  return !m || Number(m[1]) < 17;
}

/** `go list -m all` of a module folder on the host: module path -> version. */
export async function buildList(dir: string, root = bedRoot()): Promise<Map<string, string>> {
  const out = await hostGo(['list', '-mod=mod', '-m', 'all'], { cwd: dir, root });
  const list = new Map<string, string>();
  for (const line of out.split('\n').slice(1)) {
    const [path, version] = line.trim().split(/\s+/);
    if (path && version) list.set(path, version);
  }
  return list;
}

/**
 * What a plugin author has to do by hand today for a server whose go.mod lists only its direct
 * dependencies (`go` < 1.17, e.g. gotify v2.1.4): require, in the plugin's go.mod, every module of
 * the plugin's build list at the version of the server's build list (not only those the
 * server's go.mod names, which is all gomod-cap sees). Returns the modules changed.
 */
export async function alignToServerBuildList(
  pluginDir: string,
  serverSourceDir: string,
  root = bedRoot(),
): Promise<string[]> {
  const server = await buildList(serverSourceDir, root);
  const plugin = await buildList(pluginDir, root);
  const edits = [...plugin].filter(([p, v]) => server.has(p) && server.get(p) !== v).map(([p]) => p);
  if (edits.length > 0) {
    await hostGo(['mod', 'edit', ...edits.map((p) => `-require=${p}@${server.get(p)}`)], {
      cwd: pluginDir,
      root,
    });
    await hostGo(['mod', 'tidy'], { cwd: pluginDir, root });
  }
  return edits;
}
