// Module paths checked the way the go command checks them (module.CheckImportPath: letters,
// digits and - . _ ~ + in non-empty elements, no leading dash...), before any of them reaches a
// log line, an output or a file name. A go.mod can quote a path holding an escaped newline and
// `::warning::` (or `::stop-commands::`); Go itself refuses it (`malformed module path`), and so
// does the action - before printing it. And log text from a go.mod with its control characters
// escaped, so nothing read from a file becomes a workflow command.
import { GoModError, type GoModProblem } from './errors';
import type { GoModFile } from './modfile';
import { checkImportPath } from './module';
import { escapeControl } from '../log-text';

/** A filesystem replacement (`=> ./lib`), which is not a module path. */
function isLocalPath(p: string): boolean {
  return (
    p.startsWith('./') ||
    p.startsWith('../') ||
    p.startsWith('/') ||
    p === '.' ||
    p === '..' ||
    /^[A-Za-z]:[\\/]/.test(p)
  );
}

/** Every path of the file that Go would refuse, with its line. */
export function modulePathProblems(f: GoModFile): GoModProblem[] {
  const out: GoModProblem[] = [];
  const check = (path: string, line: number, what: string) => {
    const reason = checkImportPath(path);
    if (reason === undefined) return;
    // checkImportPath quotes the path as it is: say it again with its control characters escaped.
    const why = reason.replace(/^malformed import path "[\s\S]*": /, '');
    out.push({
      line,
      column: 1,
      reason: `malformed ${what} "${escapeControl(path)}": ${escapeControl(why)}`,
    });
  };
  if (f.module) check(f.module.path, f.module.line, 'module path');
  for (const r of f.require) check(r.path, r.line, 'module path');
  for (const e of f.exclude) check(e.path, e.line, 'module path');
  for (const r of f.replace) {
    check(r.oldPath, r.line, 'module path');
    if (!isLocalPath(r.newPath)) check(r.newPath, r.line, 'module path');
  }
  return out;
}

/** Throws GoModError (file:line:col, the path escaped) when Go would refuse a path of the file. */
export function checkModulePaths(f: GoModFile, file: string): void {
  const problems = modulePathProblems(f);
  if (problems.length > 0) throw new GoModError(file, problems);
}
