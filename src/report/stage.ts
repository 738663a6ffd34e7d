// The report stage: what later steps and people read after a run - the artifacts, files,
// checksums, plugin-index and release-url outputs and the job summary - also for a run that
// failed. A run of several releases also says its go-mod-changes and verified outputs here (each
// entry with its server tag), its skipped releases, and one summary table, release x target.
import type { RunContext } from '../context';
import { goModChangesOutput } from '../sync/sync';
import type { Toolkit } from '../toolkit';
import { verifiedOutput } from '../verify/plan';
import {
  artifactEntries,
  failureStages,
  releasesSummaryData,
  summaryData,
  type RunProgress,
  type RunReport,
} from './record';
import { renderFailureSummary, renderReleasesSummary, renderSummary } from './summary';

export async function reportStage(ctx: Pick<RunContext, 'tk' | 'config'>, run: RunReport): Promise<void> {
  const { tk, config } = ctx;
  const { published } = run;
  if (run.releases.some((r) => r.results)) {
    const entries = run.releases.flatMap((r) => artifactEntries(r.results ?? [], published, r.server.tag));
    tk.setOutput('artifacts', JSON.stringify(entries));
    tk.setOutput('files', entries.map((e) => e.path).join('\n'));
  }
  if (published?.checksumsPath) tk.setOutput('checksums', published.checksumsPath);
  if (published?.indexPath) tk.setOutput('plugin-index', published.indexPath);
  if (published?.release?.url) tk.setOutput('release-url', published.release.url);
  if (run.several) {
    tk.setOutput('server-versions', JSON.stringify(run.releases.map((r) => r.server.tag)));
    const perRelease = <T>(each: (r: RunReport['releases'][number]) => T[]) =>
      run.releases.flatMap((r) => each(r).map((e) => ({ server: r.server.tag, ...e })));
    tk.setOutput(
      'go-mod-changes',
      JSON.stringify(
        perRelease((r) => JSON.parse(goModChangesOutput(r.sync.changes, r.align?.changes)) as object[]),
      ),
    );
    tk.setOutput(
      'verified',
      JSON.stringify(perRelease((r) => JSON.parse(verifiedOutput(r.verified?.entries ?? [])) as object[])),
    );
  }
  if (run.several || run.skipped.length > 0) {
    tk.setOutput('skipped-server-versions', JSON.stringify(run.skipped));
  }
  if (!config.summary) return;
  if (!run.several && run.releases.length === 1) {
    const [only] = run.releases;
    await writeSummary(
      tk,
      renderSummary(
        summaryData({
          ...only!,
          ...(run.pluginName !== undefined && { pluginName: run.pluginName }),
          ...(published && { published }),
        }),
      ),
    );
    return;
  }
  await writeSummary(
    tk,
    renderReleasesSummary(
      releasesSummaryData(run, {
        repository: `${config.server.owner}/${config.server.repo}`,
        targets: config.targets.map((t) => t.name),
        verified: config.verify !== 'false',
      }),
    ),
  );
}

/** The job summary of a failed run (unless summary is false). Never throws. */
export async function reportFailure(
  tk: Toolkit,
  summary: boolean,
  progress: RunProgress,
  message: string,
): Promise<void> {
  if (!summary) return;
  await writeSummary(
    tk,
    renderFailureSummary({
      ...(progress.pluginName !== undefined && { pluginName: progress.pluginName }),
      stages: failureStages(progress),
      message,
    }),
  );
}

/** A report, not the product: a summary that cannot be written is a warning, never a failed build. */
async function writeSummary(tk: Toolkit, markdown: string): Promise<boolean> {
  try {
    await tk.appendSummary(markdown);
    return true;
  } catch (error) {
    tk.warning(`Could not write the job summary: ${error instanceof Error ? error.message : String(error)}`);
    return false;
  }
}
