// The report stage: what later steps and people read after a run - the artifacts, files,
// checksums and release-url outputs and the job summary - also for a run that failed.
import type { RunContext } from '../context';
import type { Toolkit } from '../toolkit';
import { artifactEntries, failureStages, summaryData, type RunProgress, type RunRecord } from './record';
import { renderFailureSummary, renderSummary } from './summary';

export async function reportStage(ctx: Pick<RunContext, 'tk' | 'config'>, run: RunRecord): Promise<void> {
  const { tk, config } = ctx;
  if (run.results) {
    const entries = artifactEntries(run.results, run.published);
    tk.setOutput('artifacts', JSON.stringify(entries));
    tk.setOutput('files', entries.map((e) => e.path).join('\n'));
  }
  if (run.published?.checksumsPath) tk.setOutput('checksums', run.published.checksumsPath);
  if (run.published?.release?.url) tk.setOutput('release-url', run.published.release.url);
  if (!config.summary) return;
  await writeSummary(tk, renderSummary(summaryData(run)));
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
