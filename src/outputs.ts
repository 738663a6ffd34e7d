// Step outputs and the job summary: what later steps and people read after a run.
import * as core from '@actions/core';
import type { TargetResult } from './build/build';
import type { CapChange } from './gomod';
import type { ActionConfig } from './inputs';
import type { PublishResult } from './publish/publish';
import { CHECKSUMS_FILE_NAME } from './publish/checksums';
import { renderSummary, writeSummary, type SummaryData, type SummaryTarget } from './report/summary';
import type { ServerFacts } from './server';
import type { SyncResult } from './sync';
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
  published?: PublishResult;
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
  };
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
