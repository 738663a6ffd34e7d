// What people and later steps read after a run, as plain data: the `artifacts` output's entries,
// the job summary's data and the stages of a failed run. Pure: the report stage writes them.
import type { TargetResult } from '../build/execute';
import type { PublishResult } from '../publish/stage';
import { CHECKSUMS_FILE_NAME } from '../publish/checksums';
import type { ReleasesSummaryData, StageState, SummaryData, SummaryTarget } from './summary';
import { PLUGIN_INDEX_FILE_NAME } from '../publish/plugin-index';
import type { ServerFacts } from '../resolve/server';
import type { SyncResult } from '../sync/sync';
import type { VerifyResult } from '../verify/stage';
import type { AlignChange } from '../sync/align-plan';

export interface ArtifactEntry {
  /** The server release tag the plugin was built for (and loads into). */
  server: string;
  target: string;
  path: string;
  fileName: string;
  size: number;
  sha256: string;
  image: string;
  durationMs: number;
  artifactId?: number;
  artifactUrl?: string;
  releaseAssetUrl?: string;
}

/** Pure: one entry per built plugin of one server release, with its upload locations. */
export function artifactEntries(
  results: TargetResult[],
  published: PublishResult | undefined,
  serverTag: string,
): ArtifactEntry[] {
  return results
    .filter((r) => r.ok)
    .map((r) => {
      const artifact = published?.artifacts.find(
        (a) => a.kind === 'plugin' && a.target === r.target.name && sameServer(a, serverTag) && a.ok,
      );
      const asset = published?.release?.assets.find((a) => a.name === r.fileName && a.ok);
      return {
        server: serverTag,
        target: r.target.name,
        path: r.path,
        fileName: r.fileName,
        size: r.size!,
        sha256: r.sha256!,
        image: r.image,
        durationMs: r.durationMs,
        ...(artifact?.id !== undefined && { artifactId: artifact.id }),
        ...(artifact?.url !== undefined && { artifactUrl: artifact.url }),
        ...(asset?.url !== undefined && { releaseAssetUrl: asset.url }),
      };
    });
}

export interface RunRecord {
  pluginName?: string;
  server: ServerFacts;
  sync: SyncResult;
  /** The module graph alignment after tidy, when it ran. */
  align?: { changes: readonly AlignChange[] };
  results?: TargetResult[];
  verified?: VerifyResult;
  published?: PublishResult;
}

/** One server release of a run: what its stages found and made. */
export type ReleaseRecord = Omit<RunRecord, 'pluginName' | 'published'>;

/** A release the run skipped (unsupported-server-version: skip), and why. */
export interface SkippedRelease {
  server: string;
  go: string;
  reason: string;
}

/** The whole run, every release: what the report stage writes outputs and the summary from. */
export interface RunReport {
  pluginName?: string;
  /** In the run's order (newest first); a one-release run has one. */
  releases: ReleaseRecord[];
  skipped: SkippedRelease[];
  /** True when the run was asked for several releases (server-versions). */
  several: boolean;
  /** Every release tag of the run, built or skipped, newest first (the summary's row order). */
  order?: string[];
  published?: PublishResult;
}

/** Pure: the go-mod-changes output's entries of a release, each with its server tag. */
export function goModChangesOf(
  r: ReleaseRecord,
): { module: string; from?: string; to: string; step: string; reason?: string }[] {
  return [
    ...r.sync.changes.map((c) => ({ module: c.module, from: c.from, to: c.to, step: 'cap' })),
    ...(r.align?.changes ?? []).map((c) => ({
      module: c.module,
      ...(c.from !== undefined && { from: c.from }),
      to: c.to,
      step: c.step ?? 'align',
      ...(c.reason !== undefined && { reason: c.reason }),
    })),
  ];
}

/** An artifact upload of this release's (one without a tag: a one-release run's). */
function sameServer(a: { serverTag?: string }, tag: string): boolean {
  return a.serverTag === undefined || a.serverTag === tag;
}

type UploadState = { ok: boolean; url?: string; error?: string };
function state(u: { ok: boolean; url?: string; error?: string } | undefined): UploadState | undefined {
  if (!u) return undefined;
  return {
    ok: u.ok,
    ...(u.url !== undefined && { url: u.url }),
    ...(u.error !== undefined && { error: u.error }),
  };
}

/** Pure: what the job summary shows, from the run's record. */
export function summaryData(run: RunRecord): SummaryData {
  const { server, sync, published } = run;
  const targets = (run.results ?? []).map((r): SummaryTarget => {
    const artifact = state(
      published?.artifacts.find(
        (a) => a.kind === 'plugin' && a.target === r.target.name && sameServer(a, server.tag),
      ),
    );
    const asset = state(published?.release?.assets.find((a) => a.name === r.fileName));
    const loads = run.verified?.entries.find((e) => e.target === r.target.name);
    return {
      target: r.target.name,
      ok: r.ok,
      ...(r.error !== undefined && { error: r.error }),
      fileName: r.fileName,
      ...(r.size !== undefined && { size: r.size }),
      ...(r.sha256 !== undefined && { sha256: r.sha256 }),
      image: r.image,
      durationMs: r.durationMs,
      ...(artifact && { artifact }),
      ...(asset && { releaseAsset: asset }),
      ...(loads && {
        loads: {
          status: loads.status,
          ...(loads.reason !== undefined && { reason: loads.reason }),
          ...(loads.buildInfo !== undefined && { buildInfo: loads.buildInfo }),
        },
      }),
    };
  });
  const checksumsArtifact = state(published?.artifacts.find((a) => a.kind === 'checksums'));
  const checksumsAsset = state(published?.release?.assets.find((a) => a.name === CHECKSUMS_FILE_NAME));
  return {
    ...(run.pluginName !== undefined && { pluginName: run.pluginName }),
    server: {
      repository: server.repository,
      tag: server.tag,
      module: server.module,
      goVersion: server.goVersion,
      ...(server.releaseUrl !== undefined && { releaseUrl: server.releaseUrl }),
    },
    goMod: {
      mode: sync.mode,
      changes: [
        ...sync.changes.map((c) => ({ module: c.module, from: c.from, to: c.to, step: 'cap' as const })),
        ...(run.align?.changes ?? []),
      ],
      ...(sync.deferred !== undefined && sync.deferred.length > 0 && { differing: sync.deferred.length }),
    },
    targets,
    ...(run.verified && run.verified.entries.length > 0 && { loadsInto: run.verified.server }),
    ...(published?.checksumsPath !== undefined && {
      checksums: {
        fileName: CHECKSUMS_FILE_NAME,
        ...(checksumsArtifact && { artifact: checksumsArtifact }),
        ...(checksumsAsset && { releaseAsset: checksumsAsset }),
      },
    }),
    ...(published?.release?.url !== undefined && {
      release: { tag: published.release.tag, url: published.release.url, draft: published.release.draft },
    }),
    ...(run.results === undefined && { buildSkipped: true }),
  };
}

/** Pure: what the summary of a run of several releases shows (one table, release x target). */
export function releasesSummaryData(
  report: RunReport,
  run: { repository: string; targets: readonly string[]; verified: boolean },
): ReleasesSummaryData {
  const { published } = report;
  const per = report.releases.map((r) => summaryData({ ...r, published }));
  const first = per[0];
  const indexAsset = state(published?.release?.assets.find((a) => a.name === PLUGIN_INDEX_FILE_NAME));
  return {
    ...(report.pluginName !== undefined && { pluginName: report.pluginName }),
    repository: run.repository,
    releases: [
      ...per.map((d) => ({
        tag: d.server.tag,
        goVersion: d.server.goVersion,
        ...(d.server.releaseUrl !== undefined && { releaseUrl: d.server.releaseUrl }),
        ...(d.goMod && { goMod: d.goMod }),
        targets: d.targets,
      })),
      ...report.skipped.map((s) => ({ tag: s.server, goVersion: s.go, skipped: s.reason, targets: [] })),
    ].sort((a, b) => order(report, a.tag) - order(report, b.tag)),
    targets: run.targets,
    verified: run.verified,
    ...(first?.checksums && { checksums: first.checksums }),
    ...(published?.indexPath !== undefined && {
      index: { fileName: PLUGIN_INDEX_FILE_NAME, ...(indexAsset && { releaseAsset: indexAsset }) },
    }),
    ...(first?.release && { release: first.release }),
    ...(report.releases.length > 0 &&
      report.releases.every((r) => r.results === undefined) && { buildSkipped: true }),
  };
}

/** Position of a tag in the run (releases and skipped ones, newest first, as resolved). */
function order(report: RunReport, tag: string): number {
  const i = report.order?.indexOf(tag) ?? -1;
  return i === -1 ? Number.MAX_SAFE_INTEGER : i;
}

/** The stages of a run, in order, as the failure summary names them. */
export const RUN_STAGES = [
  'Inputs',
  'Workspace check',
  'Resolve server',
  'Sync go.mod',
  'Build',
  'Verify',
  'Publish',
] as const;
export type RunStage = (typeof RUN_STAGES)[number];

/** How far a run got before it failed. */
export interface RunProgress {
  /** The stage that was running when the error came. */
  stage: RunStage;
  build: boolean;
  pluginName?: string;
  server?: ServerFacts;
  sync?: SyncResult;
  results?: TargetResult[];
}

/** Pure: what the summary of a failed run shows: every stage, done, failed or not run. */
export function failureStages(p: RunProgress): StageState[] {
  const at = RUN_STAGES.indexOf(p.stage);
  const detail: Partial<Record<RunStage, string>> = {
    ...(p.server && {
      'Resolve server': `${p.server.repository} ${p.server.tag}, Go ${p.server.goVersion}`,
    }),
    ...(p.sync && {
      'Sync go.mod':
        p.sync.mode === 'off'
          ? 'go-mod-sync: off'
          : `${p.sync.changes.length} module version${p.sync.changes.length === 1 ? '' : 's'} ${p.sync.written ? 'changed' : 'to change'}`,
    }),
    ...(p.results && {
      Build: `${p.results.filter((r) => r.ok).length} of ${p.results.length} targets built`,
    }),
  };
  return RUN_STAGES.map((name, i): StageState => {
    const skipped = !p.build && (name === 'Build' || name === 'Verify' || name === 'Publish');
    const state = i < at ? 'done' : i === at ? 'failed' : skipped ? 'skipped' : 'not run';
    return { name, state, ...(detail[name] !== undefined && { detail: detail[name] }) };
  });
}
