// Vendored plugins: the action re-vendors (`go mod vendor`) after go mod tidy and after the
// alignment changed go.mod, so that vendor/, go.mod and go.sum agree; the plugin itself is built
// from the module cache, like the server (see vendorBuildFlags). The flags are pure; one fs check.
import { stat } from 'node:fs/promises';
import { join } from 'node:path';

/** Whether the plugin's folder has vendor/modules.txt (what makes Go build from vendor/). */
export async function hasVendorModules(pluginDir: string): Promise<boolean> {
  return stat(join(pluginDir, 'vendor', 'modules.txt')).then(
    (s) => s.isFile(),
    () => false,
  );
}

const MOD_FLAG = /^--?mod(=.*)?$/;

/**
 * The build flags for a vendored plugin: built from the module cache like the server
 * (`-mod=readonly`, added when no -mod flag is given, where Go would pick vendor/). Packages
 * compiled from vendor/ have other file paths than the server's copies, and the server's loader
 * refuses them: gotify v2.9.1 refused the vendored, aligned telegram plugin built with
 * -mod=vendor ("plugin was built with a different version of package golang.org/x/sys/unix"),
 * and loads the same plugin built with -mod=readonly. A -mod flag the user wrote is kept.
 */
export function vendorBuildFlags(flags: readonly string[], vendored: boolean): string[] {
  if (!vendored || flags.some((f) => MOD_FLAG.test(f))) return [...flags];
  return ['-mod=readonly', ...flags];
}

/** Go's words when vendor/ does not match go.mod. */
export function isInconsistentVendoring(output: string): boolean {
  return /inconsistent vendoring/.test(output);
}

/** What to do about it (said after Go's own message). */
export const VENDOR_FIX =
  'vendor/modules.txt does not match go.mod: run go mod vendor and commit vendor/, or keep go-mod-tidy: true (the action then re-vendors after go mod tidy and the go.mod sync). Note that a plugin built with -mod=vendor has other package paths than the server and is refused by its loader: leave -mod out of build-flags';
