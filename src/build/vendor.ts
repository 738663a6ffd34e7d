// Vendored plugins: a plugin with vendor/modules.txt is built from its vendor folder, as Go
// itself does (`-mod=vendor`), and the action re-vendors (`go mod vendor`) after it changed
// go.mod, so that vendor/, go.mod and go.sum agree. The flags are pure; one fs check.
import { stat } from 'node:fs/promises';
import { join } from 'node:path';

/** Whether the plugin's folder has vendor/modules.txt (what makes Go build from vendor/). */
export async function hasVendorModules(pluginDir: string): Promise<boolean> {
  return stat(join(pluginDir, 'vendor', 'modules.txt')).then(
    (s) => s.isFile(),
    () => false,
  );
}

const MOD_FLAG = /^--?mod(=(.*))?$/;

/**
 * The build flags for a vendored plugin: `-mod=readonly` (the action's default, which would make
 * Go ignore vendor/) becomes `-mod=vendor`, and without any -mod flag `-mod=vendor` is added (a
 * GOFLAGS=-mod=mod in the step's env would otherwise win). A `-mod=mod` or `-mod=vendor` the user
 * wrote is kept.
 */
export function vendorBuildFlags(flags: readonly string[], vendored: boolean): string[] {
  if (!vendored) return [...flags];
  const out: string[] = [];
  let seen = false;
  for (let i = 0; i < flags.length; i++) {
    const m = MOD_FLAG.exec(flags[i]!);
    if (!m) {
      out.push(flags[i]!);
      continue;
    }
    seen = true;
    const value = m[1] !== undefined ? m[2]! : (flags[++i] ?? '');
    out.push(value === 'readonly' ? '-mod=vendor' : `-mod=${value}`);
  }
  return seen ? out : ['-mod=vendor', ...out];
}

/** Go's words when vendor/ does not match go.mod. */
export function isInconsistentVendoring(output: string): boolean {
  return /inconsistent vendoring/.test(output);
}

/** What to do about it (said after Go's own message). */
export const VENDOR_FIX =
  'vendor/modules.txt does not match go.mod: run go mod vendor and commit vendor/, or keep go-mod-tidy: true (the action then re-vendors after go mod tidy and the go.mod sync)';
