// Where the plugin and the folders its go.mod's local `replace` directives point at are mounted
// in every container of a run (tidy, alignment, vendoring, builds). Go resolves `replace
// example.com/lib => ../lib` against the plugin's folder, so the folders keep their places
// relative to each other: the smallest workspace folder holding them all is /proj, the plugin is
// mounted at its place below it (read-write: tidy and the sync write go.mod there) and every other
// folder read-only (nothing writes them). Without local replaces outside the plugin's folder the
// plugin is at /proj, as upstream builds. Pure: tested as data.
import { dirname, isAbsolute, join, posix, relative, sep } from 'node:path';
import { isDirectoryPath, type GoModFile } from '../gomod';
import { PLUGIN_MOUNT, type Mount } from './argv';

/** A `replace` of the plugin's go.mod whose replacement is a folder. */
export interface LocalReplace {
  module: string;
  /** As written in go.mod (`../lib`). */
  path: string;
  /** The go.mod line. */
  line: number;
  /** The folder on the host (resolved against the plugin's folder; may not exist). */
  dir: string;
}

/** The plugin's local replaces (relative or absolute folders), each resolved against its folder. */
export function localReplaces(goMod: Pick<GoModFile, 'replace'>, pluginDir: string): LocalReplace[] {
  return goMod.replace
    .filter((r) => r.newVersion === '' && isDirectoryPath(r.newPath))
    .map((r) => ({
      module: r.oldPath,
      path: r.newPath,
      line: r.line,
      dir: isAbsolute(r.newPath) ? r.newPath : join(pluginDir, r.newPath.split('\\').join('/')),
    }));
}

export interface ContainerLayout {
  /** Where the plugin's folder is mounted (and the containers work). */
  pluginMount: string;
  /** The replace targets outside the plugin's folder, read-only, at their places below /proj. */
  mounts: Mount[];
  /** The host folder that /proj stands for (the plugin's folder when nothing else is mounted). */
  root: string;
}

function inside(parent: string, child: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

function toPosix(p: string): string {
  return p.split(sep).join('/');
}

/** The mounts for a plugin and its local replaces (checked by the pre-flight: inside the workspace). */
export function containerLayout(pluginDir: string, replaces: readonly LocalReplace[]): ContainerLayout {
  // Folders inside the plugin's own are visible already; of nested ones the outermost is enough.
  const outside = [...new Set(replaces.map((r) => r.dir))].filter((d) => !inside(pluginDir, d));
  const dirs = outside.filter((d) => !outside.some((o) => o !== d && inside(o, d))).sort();
  if (dirs.length === 0) return { pluginMount: PLUGIN_MOUNT, mounts: [], root: pluginDir };
  let root = pluginDir;
  while (!dirs.every((d) => inside(root, d)) && dirname(root) !== root) root = dirname(root);
  const at = (d: string) => posix.join(PLUGIN_MOUNT, toPosix(relative(root, d)));
  return {
    pluginMount: at(pluginDir),
    mounts: dirs.map((d) => ({ host: d, container: at(d), readOnly: true })),
    root,
  };
}
