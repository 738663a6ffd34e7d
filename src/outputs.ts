// Step outputs and the job summary: what later steps and people read after a run.
import * as core from '@actions/core';
import type { TargetResult } from './build/build';
import type { CapChange } from './gomod';
import type { ActionConfig } from './inputs';
import type { PublishResult } from './publish/publish';
import { renderSummary, writeSummary } from './report/summary';
import type { ServerFacts } from './server';
import type { SyncResult } from './sync';

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
      const artifact = published?.artifacts.find((a) => a.kind === 'plugin' && a.target === r.target.name && a.ok);
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

export function goModChangesOutput(changes: CapChange[]): string {
  return JSON.stringify(changes.map(({ module, from, to }) => ({ module, from, to })));
}

export function setServerOutputs(server: ServerFacts): void {
  core.setOutput('server-version', server.tag);
  core.setOutput('go-version', server.goVersion);
  core.setOutput('server-module', server.module);
}

export function setSyncOutputs(changes: CapChange[]): void {
  core.setOutput('go-mod-changes', goModChangesOutput(changes));
}

export async function reportRun(
  config: ActionConfig,
  run: { server: ServerFacts; sync: SyncResult; results?: TargetResult[]; published?: PublishResult },
): Promise<void> {
  if (run.results) {
    const entries = artifactEntries(run.results, run.published);
    core.setOutput('artifacts', JSON.stringify(entries));
    core.setOutput('files', entries.map((e) => e.path).join('\n'));
  }
  if (run.published?.checksumsPath) core.setOutput('checksums', run.published.checksumsPath);
  if (run.published?.release?.url) core.setOutput('release-url', run.published.release.url);
  if (!config.summary) return;
  try {
    await writeSummary(renderSummary(summaryData(run)));
  } catch (e) {
    // The summary is a report, not the product: a failure to write it is a warning.
    core.warning(`Could not write the job summary: ${(e as Error).message}`);
  }
}
