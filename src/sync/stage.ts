// The sync stage as the log shows it: go.mod capped, checked or left alone, every change on a
// line, every mismatch an annotation on its go.mod line; the go-mod-changes output.
import { describeKeys } from '../cache/module-cache';
import { pluginGoModName, type RunContext } from '../context';
import type { GoModFile } from '../gomod';
import { releaseLabel, type Release } from '../release';
import type { AlignChange } from './align-plan';
import { goModChangesOutput, mismatchList, SyncError, syncGoMod, type SyncResult } from './sync';

export async function syncStage(
  ctx: RunContext,
  release: Release,
  /** go.mod as the pre-flight check read and parsed it, when it did. */
  read?: { text: string; file: GoModFile },
): Promise<SyncResult> {
  const { tk, config } = ctx;
  const { server } = release;
  const name = pluginGoModName(ctx);
  const title = release.scratch
    ? `Sync go.mod for ${releaseLabel(release)} (in a scratch copy; the workspace go.mod is not changed)`
    : 'Sync go.mod';
  const sync = await tk.group(title, async () => {
    try {
      // align starts with gomod-cap; the rest of it runs after go mod tidy (in the build stage).
      const r = await syncGoMod({
        mode: config.goModSync,
        pluginDir: release.pluginDir,
        pluginGoModName: name,
        serverGoMod: server.goModText,
        serverGoModName: server.goModName,
        serverParsed: server.goMod,
        goVersion: server.goVersion,
        ...(read && { read }),
        // check with a build: the whole graph is checked after go mod tidy, listing every disagreement.
        deferMismatches: config.build,
      });
      if (r.moduleCache) tk.debug(`module cache key: ${describeKeys(r.moduleCache)}`);
      if (r.deferred) {
        tk.info(
          `${mismatchList(name, r.deferred)}\nThe whole module graph is checked after go mod tidy, before building.`,
        );
      } else logChanges(ctx, r, name);
      return r;
    } catch (e) {
      // In check mode every mismatch becomes an annotation on its go.mod line.
      if (e instanceof SyncError) {
        for (const m of e.mismatches) {
          tk.error(`${m.module} ${m.from} differs from the server's ${m.to}`, {
            title: 'go.mod mismatch',
            file: name,
            startLine: m.line,
          });
        }
      }
      throw e;
    }
  });
  if (release.of === 1) setGoModChanges(ctx, sync);
  return sync;
}

/** The go-mod-changes output: gomod-cap's changes, then the alignment's (the build stage adds them). */
export function setGoModChanges(
  ctx: Pick<RunContext, 'tk'>,
  sync: SyncResult,
  align: readonly AlignChange[] = [],
): void {
  ctx.tk.setOutput('go-mod-changes', goModChangesOutput(sync.changes, align));
}

function logChanges({ tk }: RunContext, r: SyncResult, name: string): void {
  if (r.mode === 'off') return tk.info('go-mod-sync is off: go.mod left as it is.');
  if (r.changes.length === 0) {
    return tk.info(`${name} already requires the server's versions of every shared module.`);
  }
  const width = Math.max(...r.changes.map((c) => c.module.length));
  tk.info(`${r.written ? 'Rewrote' : 'Would change'} ${name}:`);
  for (const c of r.changes) tk.info(`  ${c.module.padEnd(width)}  ${c.from} -> ${c.to}  (line ${c.line})`);
}
