// What every mode's chapter starts from: the run context (inputs, workspace, environment, the
// toolkit), the GitHub client and the run's progress (what the failure summary reads).
import type { Octokit } from '@octokit/rest';
import type { RunContext } from '../context';
import type { RunArtifactClient } from '../fanout/run-artifacts';
import type { RunProgress } from '../report/record';

export interface ModeRun {
  ctx: RunContext;
  /** The plugin repository's client (the run's API). */
  octokit: Octokit;
  /** The server repository's client (server-api-url; the same client when that is the run's API). */
  serverOctokit: Octokit;
  progress: RunProgress;
}

/** The artifact client (a test passes one; default @actions/artifact's). */
export type ArtifactClientSource = () => Promise<RunArtifactClient>;

/** Appends to the job summary; a summary that cannot be written is a warning, never a failure. */
export async function writeSummary(tk: RunContext['tk'], markdown: string): Promise<void> {
  try {
    await tk.appendSummary(markdown);
  } catch (e) {
    tk.warning(`Could not write the job summary: ${(e as Error).message}`);
  }
}
