// What a field of a record read back from the workflow run (a cell record, the plan) may hold.
// Records come from artifacts any step of the run can upload, and their fields reach the log: a
// field that could hold a line break, a control character or `::` (a workflow command such as
// `::error::` or `::stop-commands::`) is refused here, before anything of it is printed. Free
// text (a build error, a loader's reason) is escaped instead where it is shown. Pure.
import { isValidGoVersion } from '../github/go-version';
import { isSafeName } from '../build/naming';

/** A plugin name, a target, a tag: letters, digits, `.`, `_`, `+`, `-`, `/` (no `:`, no space). */
export function isPlainWord(value: unknown): value is string {
  return typeof value === 'string' && /^[A-Za-z0-9][A-Za-z0-9._+/-]*$/.test(value);
}

/** A module path, `owner/name`, a module version (or `none`): the characters Go allows in them (no `:`). */
export function isModuleText(value: unknown): value is string {
  return typeof value === 'string' && /^[A-Za-z0-9][A-Za-z0-9._~+/-]*$/.test(value);
}

/** A plugin's file name as the action makes them (file-name's rule). */
export function isFileName(value: unknown): value is string {
  return typeof value === 'string' && isSafeName(value) && !value.includes('..');
}

/** A Go version (`1.22.4`). */
export function isGoVersion(value: unknown): value is string {
  return typeof value === 'string' && isValidGoVersion(value);
}

/** An artifact's name: what the artifact service accepts, minus `:` (no control characters, no `"<>|*?\/`). */
export function isArtifactName(value: unknown): value is string {
  if (typeof value !== 'string' || value === '') return false;
  // eslint-disable-next-line no-control-regex
  return !/[\u0000-\u001f\u007f-\u009f\u2028\u2029:"<>|*?\\/]/.test(value);
}
