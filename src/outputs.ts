// Step outputs and the job summary: what later steps and people read after a run.
import * as core from '@actions/core';
import type { TargetResult } from './build/build';
import type { CapChange } from './gomod';
import type { ActionConfig } from './inputs';
import type { PublishResult } from './publish/publish';
import { CHECKSUMS_FILE_NAME } from './publish/checksums';
import {
  renderFailureSummary,
  renderSummary,
  writeSummary,
  type StageState,
  type SummaryData,
  type SummaryTarget,
} from './report/summary';
import type { ServerFacts } from './resolve/server';
import type { SyncResult } from './sync/sync';
import { verifiedOutput } from './verify/plan';
import type { VerifyResult } from './verify/stage';
import type { AlignChange } from './sync/align-plan';

export interface ArtifactEntry {
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

/** Pure: one entry per built plugin, with its upload locations. */
export function artifactEntries(results: TargetResult[], published?: PublishResult): ArtifactEntry[] {
  return results
    .filter((r) => r.ok)
    .map((r) => {
      const artifact = published?.artifacts.find(
        (a) => a.kind === 'plugin' && a.target === r.target.name && a.ok,
      );
      const asset = published?.release?.assets.find((a) => a.name === r.fileName && a.ok);
      return {
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

/** Every go.mod change, with the step that made it: `cap` (gomod-cap) or `align` (with its reason). */
export function goModChangesOutput(changes: CapChange[], align: readonly AlignChange[] = []): string {
  return JSON.stringify([
    ...changes.map(({ module, from, to }) => ({ module, from, to, step: 'cap' })),
    ...align.map(({ module, from, to, step, reason }) => ({ module, from, to, step, reason })),
  ]);
}

export function setServerOutputs(server: ServerFacts): void {
  core.setOutput('server-version', server.tag);
  core.setOutput('go-version', server.goVersion);
  core.setOutput('server-module', server.module);
}

export function setSyncOutputs(changes: CapChange[], align: readonly AlignChange[] = []): void {
  core.setOutput('go-mod-changes', goModChangesOutput(changes, align));
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

export function setVerifyOutputs(verified: VerifyResult): void {
  core.setOutput('verified', verifiedOutput(verified.entries));
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
      published?.artifacts.find((a) => a.kind === 'plugin' && a.target === r.target.name),
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
        loads: { status: loads.status, ...(loads.reason !== undefined && { reason: loads.reason }) },
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
      release: { tag: published.release.tag, url: published.release.url },
    }),
    ...(run.results === undefined && { buildSkipped: true }),
  };
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

/** The job summary of a failed run (unless summary is false). Never throws. */
export async function reportFailure(summary: boolean, progress: RunProgress, message: string): Promise<void> {
  if (!summary) return;
  await writeSummary(
    renderFailureSummary({
      ...(progress.pluginName !== undefined && { pluginName: progress.pluginName }),
      stages: failureStages(progress),
      message,
    }),
  );
}

export async function reportRun(config: ActionConfig, run: RunRecord): Promise<void> {
  if (run.results) {
    const entries = artifactEntries(run.results, run.published);
    core.setOutput('artifacts', JSON.stringify(entries));
    core.setOutput('files', entries.map((e) => e.path).join('\n'));
  }
  if (run.published?.checksumsPath) core.setOutput('checksums', run.published.checksumsPath);
  if (run.published?.release?.url) core.setOutput('release-url', run.published.release.url);
  if (!config.summary) return;
  // A report, not the product: writeSummary turns a failure into a warning.
  await writeSummary(renderSummary(summaryData(run)));
}
