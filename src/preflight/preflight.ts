// The pre-flight check: everything about the run that the file system can tell, checked after
// the inputs are parsed and before anything is read from the network or written to disk. The
// plugin's folder and go.mod (and what a symlink points at) must be inside the workspace, go.mod
// must be a regular file the run can read (and write, for go-mod-sync: cap and align), and output-dir must
// be a folder inside the workspace where every target's file name is free for a plugin.
import { constants, type Stats } from 'node:fs';
import { access, lstat, readFile, readlink, realpath, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import { localReplaces, type LocalReplace } from '../build/layout';
import { pluginNameFor, renderFileNames } from '../build/naming';
import { foreignFile } from '../fs/output-files';
import { describeFsError, kindOf } from '../fs/problems';
import { decodeGoMod, parseGoMod, type GoModFile } from '../gomod';
import { checkModulePaths } from '../gomod/module-paths';
import { isInside, type ActionConfig } from '../inputs';
import { parseVersionSpec } from '../github/versions';
import { CHECKSUMS_FILE_NAME } from '../publish/checksums';

export class PreflightError extends Error {
  override name = 'PreflightError';
  constructor(
    message: string,
    /** The go.mod line the refusal is about (annotated there). */
    readonly at?: { file: string; line: number },
  ) {
    super(message);
  }
}

/** A go.mod is a small text file; anything bigger is not one (and is not read whole). */
export const MAX_GO_MOD_BYTES = 4 * 1024 * 1024;

export interface PreflightFacts {
  /** The plugin's go.mod (as named in working-directory; may be a symlink inside the workspace). */
  goModPath: string;
  /** Where go.mod really is (the symlink's target, inside the workspace). */
  goModRealPath: string;
  /** The file name of every target, with the server and Go parts still stand-ins. */
  fileNames?: string[];
  /** The plugin's name in file names (plugin-name, or from go.mod's module path). */
  pluginName?: string;
  /** go.mod as read and parsed here (for the plugin's name), so the sync does not read it again. */
  goMod?: { text: string; file: GoModFile };
}

export async function preflight(config: ActionConfig, workspaceRaw: string): Promise<PreflightFacts> {
  const workspace = await realpath(workspaceRaw).catch((e: unknown) => {
    throw new PreflightError(
      `The workspace (GITHUB_WORKSPACE): ${describeFsError(e, workspaceRaw, 'a folder')}`,
    );
  });
  const show = (p: string): string => relative(workspaceRaw, p).split(sep).join('/') || '.';
  const insideReally = async (p: string): Promise<string> => {
    const real = await realpath(p);
    return isInside(workspace, real) ? '' : real;
  };

  // The plugin's folder.
  const wd = config.workingDirectory;
  const wdStat = await stat(wd).catch((e: unknown) => {
    throw new PreflightError(
      `working-directory: ${describeFsError(e, show(wd), 'a folder')}. Set working-directory to the plugin's folder (the one holding go.mod)`,
    );
  });
  if (!wdStat.isDirectory()) {
    throw new PreflightError(
      `working-directory: ${show(wd)} is ${kindOf(wdStat)}, not a folder. Set working-directory to the plugin's folder (the one holding go.mod)`,
    );
  }
  const wdOutside = await insideReally(wd);
  if (wdOutside) {
    throw new PreflightError(
      `working-directory: ${show(wd)} leads outside the workspace through a symlink (to ${wdOutside}); the action reads and writes only inside the workspace`,
    );
  }

  // go.mod: inside the workspace (also what a symlink points at), a regular file, readable, writable for cap.
  const goModPath = join(wd, 'go.mod');
  const name = show(goModPath);
  let link: Stats;
  try {
    link = await lstat(goModPath);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new PreflightError(
        `There is no go.mod in ${wd}: set working-directory to the plugin's folder (the one holding go.mod)`,
      );
    }
    throw new PreflightError(`${describeFsError(e, name, 'a file')}`);
  }
  let goModRealPath = goModPath;
  if (link.isSymbolicLink()) {
    goModRealPath = await realpath(goModPath).catch((e: unknown) => {
      throw new PreflightError(
        `${name} is a symlink that leads nowhere: ${describeFsError(e, name, 'a file')}`,
      );
    });
    if (!isInside(workspace, goModRealPath)) {
      throw new PreflightError(
        `${name} is a symlink to a file outside the workspace (${goModRealPath}); the action reads and writes only inside the workspace: put the plugin's go.mod itself in ${show(wd)}`,
      );
    }
  }
  if (link.isSymbolicLink() && config.build) {
    // The build containers mount only working-directory (at /proj): the link must lead to a file
    // in it by a relative path, or go inside the container finds no go.mod.
    const target = await readlink(goModPath);
    const wdReal = await realpath(wd);
    if (isAbsolute(target) || !isInside(wdReal, goModRealPath)) {
      throw new PreflightError(
        `${name} is a symlink to ${target}, which the build containers cannot see (they mount only working-directory, at /proj): make go.mod a regular file, or a relative symlink to a file inside ${show(wd)}`,
      );
    }
  }
  const st = link.isSymbolicLink() ? await stat(goModRealPath) : link;
  if (!st.isFile()) {
    throw new PreflightError(
      `${name} is ${kindOf(st)}, not a regular file: the action reads go.mod as a file. Replace it with the plugin's go.mod`,
    );
  }
  if (st.size > MAX_GO_MOD_BYTES) {
    throw new PreflightError(
      `${name} is ${st.size} bytes, too big for a go.mod (at most ${MAX_GO_MOD_BYTES}): is it the plugin's go.mod?`,
    );
  }
  await access(goModRealPath, constants.R_OK).catch(() => {
    throw new PreflightError(
      `${name} cannot be read (permission denied): make it readable by the runner's user`,
    );
  });
  // With several releases each is synced in a scratch copy: the workspace go.mod is only read.
  // So with the modes that build nothing here or build in scratch copies (plan, publish, follow).
  const writes = config.serverVersions === undefined && config.mode === 'build';
  if ((config.goModSync === 'cap' || config.goModSync === 'align') && writes) {
    const writable = await access(goModRealPath, constants.W_OK)
      .then(() => access(dirname(goModRealPath), constants.W_OK | constants.X_OK))
      .then(
        () => true,
        () => false,
      );
    if (!writable) {
      throw new PreflightError(
        `${name} is not writable: go-mod-sync: ${config.goModSync} rewrites it (through a new file in its folder, renamed over it). Make go.mod and its folder writable for the runner's user, or set go-mod-sync: check (needs no write) or off`,
      );
    }
  }

  if (!config.build) return { goModPath, goModRealPath };

  // output-dir: every part that exists is a folder, and it stays inside the workspace.
  const out = config.outputDir;
  const parts: string[] = [];
  for (let p = out; isInside(workspaceRaw, p); p = dirname(p)) {
    parts.unshift(p);
    if (p === dirname(p) || relative(workspaceRaw, p) === '') break;
  }
  let deepest = workspaceRaw;
  for (const p of parts) {
    let s: Stats;
    try {
      s = await stat(p);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') break;
      throw new PreflightError(`output-dir: ${describeFsError(e, show(p), 'a folder')}`);
    }
    if (!s.isDirectory()) {
      throw new PreflightError(
        `output-dir: ${show(p)} is ${kindOf(s)}, not a folder, so ${show(out)} cannot be created there: choose another output-dir, or remove that file`,
      );
    }
    deepest = p;
  }
  const outOutside = await insideReally(deepest);
  if (outOutside) {
    throw new PreflightError(
      `output-dir: ${show(deepest)} leads outside the workspace through a symlink (to ${outOutside}); write a folder inside the workspace`,
    );
  }
  if (deepest === out) {
    await access(out, constants.W_OK | constants.X_OK).catch(() => {
      throw new PreflightError(
        `output-dir: ${show(out)} is not writable for the runner's user: choose another output-dir, or make it writable`,
      );
    });
  }

  // go.mod, read once: its module paths and local replaces, then the plugin's name as the build
  // will use it.
  const text = decodeGoMod(await readFile(goModRealPath));
  const goMod: PreflightFacts['goMod'] = { text, file: parseGoMod(text, name) };
  checkModulePaths(goMod.file, name);
  await checkLocalReplaces(localReplaces(goMod.file, wd), { workspace, workspaceRaw, wd, name, show });

  // Every target's file.
  const pluginName = pluginNameFor(config.pluginName, goMod?.file.module?.path);
  const spec = parseVersionSpec(config.serverVersion);
  let fileNames: string[];
  try {
    fileNames = renderFileNames(
      config.fileName,
      { name: pluginName, server: spec.kind === 'exact' ? spec.tag : 'v1.0.0', go: '1.0.0' },
      config.targets,
      config.checksums ? [CHECKSUMS_FILE_NAME] : [],
    );
  } catch (e) {
    throw new PreflightError(`Input ${(e as Error).message}`);
  }
  const owners = [
    ...fileNames.map((f, i) => [f, `the plugin for ${config.targets[i]!.name}`] as const),
    ...(config.checksums ? [[CHECKSUMS_FILE_NAME, 'checksums.txt'] as const] : []),
  ];
  for (const [file, what] of owners) {
    const p = join(out, file);
    const s = await lstat(p).catch(() => undefined);
    if (s && !s.isFile()) {
      throw new PreflightError(
        `output-dir: ${show(p)} is ${kindOf(s)}, where ${what} would be written: remove it, or choose another output-dir or file-name`,
      );
    }
    const foreign =
      s && (await foreignFile(out, file, file === CHECKSUMS_FILE_NAME ? 'checksums' : 'plugin'));
    if (foreign) throw new PreflightError(foreignMessage(show(p), foreign, what));
  }
  return { goModPath, goModRealPath, fileNames, pluginName, goMod };
}

/** `../lib` or `./lib`: how go.mod writes a folder relative to it. */
function relativeReplace(from: string, to: string): string {
  const rel = relative(from, to).split(sep).join('/');
  return rel.startsWith('..') ? rel : `./${rel}`;
}

/**
 * Every folder a local `replace` points at must be inside the workspace (the containers mount it
 * there, build/layout.ts), exist and hold a go.mod; refused on the go.mod line otherwise.
 */
async function checkLocalReplaces(
  replaces: LocalReplace[],
  where: { workspace: string; workspaceRaw: string; wd: string; name: string; show: (p: string) => string },
): Promise<void> {
  for (const r of replaces) {
    const at = { file: where.name, line: r.line };
    const head = `${where.name}:${r.line}: replace ${r.module} => ${r.path}`;
    const byVersion = `or replace it with a released version (replace ${r.module} => ${r.module} v1.2.3)`;
    if (!isInside(where.workspaceRaw, r.dir)) {
      throw new PreflightError(
        `${head} points outside the workspace (${r.dir}): the build containers see only the workspace. Check the module out inside the workspace (actions/checkout with path:, or a submodule) and point the replace there, ${byVersion}`,
        at,
      );
    }
    if (isAbsolute(r.path)) {
      throw new PreflightError(
        `${head} is an absolute path: the build containers see the workspace at other paths. Write it relative to go.mod's folder: replace ${r.module} => ${relativeReplace(where.wd, r.dir)}`,
        at,
      );
    }
    const st = await stat(r.dir).catch(() => undefined);
    if (!st) {
      throw new PreflightError(
        `${head}: the folder ${where.show(r.dir)} does not exist. Check it out before this step (actions/checkout with path: ${where.show(r.dir)}, or submodules: true), fix the path, ${byVersion}`,
        at,
      );
    }
    const real = await realpath(r.dir);
    if (!isInside(where.workspace, real)) {
      throw new PreflightError(
        `${head} leads outside the workspace through a symlink (to ${real}): the build containers see only the workspace. Put the module itself inside the workspace, ${byVersion}`,
        at,
      );
    }
    if (
      !st.isDirectory() ||
      !(await stat(join(r.dir, 'go.mod')).then(
        (s) => s.isFile(),
        () => false,
      ))
    ) {
      throw new PreflightError(
        `${head}: ${where.show(r.dir)} ${st.isDirectory() ? 'has no go.mod' : `is ${kindOf(st)}, not a folder`}; Go needs the module's folder, with its go.mod, there. Fix the path, ${byVersion}`,
        at,
      );
    }
  }
}

/** The refusal of writing over a file the action did not write (preflight and the build stage). */
export function foreignMessage(shown: string, reason: string, what: string): string {
  return `output-dir: ${shown} is already there and ${reason}; the action would write ${what} over it. Nothing was changed: choose another output-dir (e.g. build) or file-name, or move that file`;
}

/**
 * Once the server's tag and Go version are known (after the API calls, before go.mod is
 * written): the file names with them, e.g. a tag `release/2` in `{server}` is refused here.
 */
export function checkFileNamesForServer(
  config: ActionConfig,
  pluginName: string,
  server: { tag: string; goVersion: string },
): void {
  try {
    renderFileNames(
      config.fileName,
      { name: pluginName, server: server.tag, go: server.goVersion },
      config.targets,
      config.checksums ? [CHECKSUMS_FILE_NAME] : [],
    );
  } catch (e) {
    throw new PreflightError(`Input ${(e as Error).message}`);
  }
}
