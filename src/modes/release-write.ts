// The one write into a plugin release of the publish and follow modes: the plugins, checksums.txt
// and plugins.json last - one write of the release store (src/release-store), under its lock.
import { oneLine } from '../log-text';
import type { Octokit } from '@octokit/rest';
import type { RunContext } from '../context';
import type { PlanRecord } from '../fanout/plan-record';
import { findReleaseByTag } from '../github/release-assets';
import type { PluginIndex } from '../publish/plugin-index';
import { formatUploadFailure } from '../publish/upload-report';
import { lockTuning, writeRelease, type StoreReport } from '../release-store';

/** A plugin file of a publish or follow run. */
export interface PluginUpload {
  serverTag: string;
  target: string;
  name: string;
  path: string;
  sha256: string;
  size: number;
}

/** The plugins, checksums.txt and plugins.json into the release of `tag`: one write of the store. */
export async function writeToRelease(
  ctx: RunContext,
  octokit: Octokit,
  tag: string,
  purpose: PlanRecord['purpose'],
  index: PluginIndex,
  files: PluginUpload[],
): Promise<StoreReport> {
  const { tk, config, env } = ctx;
  const [owner, repo] = (env.GITHUB_REPOSITORY ?? '').split('/');
  if (!owner || !repo)
    throw new Error('GITHUB_REPOSITORY is not set, so the release to upload to is unknown');
  return tk.group(`Write to release ${tag} (plugins, checksums.txt, plugins.json last)`, async () => {
    const release = await findReleaseByTag(octokit, { owner, repo, tag });
    const report = await writeRelease(octokit, {
      release,
      wants: {
        mode: purpose === 'follow' ? 'follow' : 'publish',
        files,
        index,
        writeIndex: config.pluginIndex,
        writeChecksums: config.checksums,
        overwrite: config.overwrite,
      },
      paths: new Map(files.map((f) => [f.name, f.path])),
      lock: {
        holder: `run ${env.GITHUB_RUN_ID ?? '?'} attempt ${env.GITHUB_RUN_ATTEMPT ?? '1'}`,
        ...lockTuning(env),
      },
      log: (m) => tk.info(m),
    });
    for (const u of report.files)
      tk.info(u.ok ? `${u.state} ${u.name} ${u.url ?? ''}` : `FAILED ${u.name}: ${oneLine(u.error ?? '')}`);
    // The outputs say what the release holds after the write (listed again), not what was meant.
    if (report.written.length > 0) tk.setOutput('release-url', release.html_url ?? '');
    tk.setOutput('server-versions', JSON.stringify(report.written));
    return report;
  });
}

export function outcomeProblems(outcome: StoreReport, tag: string): string[] {
  if (outcome.ok) return [];
  const problem = formatUploadFailure(outcome.files, `release ${tag}`);
  return [[outcome.error, problem].filter(Boolean).join('\n') || `the write to release ${tag} failed`];
}
