// The cell records of a build run (mode: build, and follow's write): one per server release x
// target, made from what the loop built and verified and the plugin artifacts the publish stage
// uploaded. Pure.
import type { TargetResult } from '../build/execute';
import type { ArtifactUpload } from '../publish/artifacts';
import type { ServerFacts } from '../resolve/server';
import { proofOf, type VerifyEntry } from '../verify/plan';
import { makeCellRecord, type CellRecord } from './cell-record';

/** One server release of a build run, as its cell records need it. */
export interface CellRelease {
  server: ServerFacts;
  results: readonly TargetResult[];
  verified?: readonly VerifyEntry[];
  goModChanges: readonly { module: string; from?: string; to: string }[];
  /** Target -> the workflow artifact its plugin was uploaded as (absent: none uploaded). */
  artifacts?: ReadonlyMap<string, string>;
}

/** A server release the build skipped (unsupported-server-version: skip), with each target's file name. */
export interface SkippedRelease {
  server: ServerFacts;
  reason: string;
  targets: readonly { name: string; fileName: string }[];
}

/** The records of the cells of releases the build skipped: not built, `skipped` says why (pure). */
export function skippedCellRecords(
  pluginName: string,
  module: string,
  skipped: readonly SkippedRelease[],
): CellRecord[] {
  return skipped.flatMap((s) =>
    s.targets.map((t) =>
      makeCellRecord({
        plugin: pluginName,
        module,
        serverRepository: s.server.repository,
        serverTag: s.server.tag,
        serverModule: s.server.module,
        go: s.server.goVersion,
        goModChanges: [],
        target: t.name,
        built: false,
        skipped: s.reason,
        file: t.fileName,
      }),
    ),
  );
}

/** Pure: target -> artifact name of the plugins of `serverTag` a publish stage uploaded. */
export function uploadedPlugins(
  uploads: readonly ArtifactUpload[],
  serverTag: string,
  onlyTag: boolean,
): Map<string, string> {
  return new Map(
    uploads.flatMap((a) =>
      a.kind === 'plugin' && a.ok && (a.serverTag === serverTag || (onlyTag && a.serverTag === undefined))
        ? [[a.target, a.artifactName] as [string, string]]
        : [],
    ),
  );
}

/** The records of a build run's cells (pure). */
export function cellRecords(
  pluginName: string,
  module: string,
  releases: readonly CellRelease[],
): CellRecord[] {
  return releases.flatMap((rel) =>
    rel.results.map((r) => {
      const v = rel.verified?.find((e) => e.target === r.target.name);
      return makeCellRecord({
        plugin: pluginName,
        module,
        serverRepository: rel.server.repository,
        serverTag: rel.server.tag,
        serverModule: rel.server.module,
        go: rel.server.goVersion,
        goModChanges: rel.goModChanges,
        target: r.target.name,
        built: r.ok,
        ...(r.error !== undefined && { error: r.error }),
        file: r.fileName,
        ...(rel.artifacts?.has(r.target.name) && { artifact: rel.artifacts.get(r.target.name)! }),
        ...(r.size !== undefined && { size: r.size }),
        ...(r.sha256 !== undefined && { sha256: r.sha256 }),
        ...(v && {
          verified: { status: proofOf(v) ?? v.status, ...(v.reason !== undefined && { reason: v.reason }) },
        }),
      });
    }),
  );
}
