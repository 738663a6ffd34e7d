// plugins.json from checked cell records: what the publish and follow modes write into the
// release. Pure.
import { buildPluginIndex, type IndexReleaseInput, type PluginIndex } from '../publish/plugin-index';
import type { CellRecord } from './cell-record';
import type { PlanRecord } from './plan-record';

/** plugins.json of the checked records: one entry per release, one target per cell. */
export function indexOfRecords(
  plan: Pick<PlanRecord, 'plugin' | 'module' | 'serverRepository'>,
  records: readonly CellRecord[],
): PluginIndex {
  const byTag = new Map<string, CellRecord[]>();
  for (const r of records) byTag.set(r.serverTag, [...(byTag.get(r.serverTag) ?? []), r]);
  const releases: IndexReleaseInput[] = [...byTag.entries()].map(([tag, rs]) => ({
    tag,
    go: rs[0]!.go,
    serverModule: rs[0]!.serverModule,
    goModChanges: rs[0]!.goModChanges.map((c) => ({ module: c.path, from: c.from, to: c.to })),
    targets: rs.map((r) => ({
      target: r.target,
      file: r.file,
      size: r.size!,
      sha256: r.sha256!,
      verified: r.verified === 'loaded' || r.verified === 'build-info' ? r.verified : 'not-verified',
    })),
  }));
  return buildPluginIndex({
    plugin: plan.plugin,
    module: plan.module,
    serverRepository: plan.serverRepository,
    releases,
  });
}
