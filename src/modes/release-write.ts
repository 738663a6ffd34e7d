// The one write into a plugin release of the publish and follow modes: the plugins, checksums.txt
// and plugins.json last, under the release's lock (fanout/release-publish.ts does the writing).
import { oneLine } from '../log-text';
import type { Octokit } from '@octokit/rest';
import type { RunContext } from '../context';
import type { PlanRecord } from '../fanout/plan-record';
import { publishToRelease, type PluginUpload, type ReleasePublishOutcome } from '../fanout/release-publish';
import { findReleaseByTag } from '../github/release-assets';
import type { PluginIndex } from '../publish/plugin-index';
import { formatUploadFailure } from '../publish/upload-report';

/** The plugins, checksums.txt and plugins.json into the release of `tag`, under its lock. */
export async function writeToRelease(
  ctx: RunContext,
  octokit: Octokit,
  tag: string,
  purpose: PlanRecord['purpose'],
  index: PluginIndex,
  files: PluginUpload[],
): Promise<ReleasePublishOutcome> {
  const { tk, config, env } = ctx;
  const [owner, repo] = (env.GITHUB_REPOSITORY ?? '').split('/');
  if (!owner || !repo)
    throw new Error('GITHUB_REPOSITORY is not set, so the release to upload to is unknown');
  return tk.group(`Write to release ${tag} (plugins, checksums.txt, plugins.json last)`, async () => {
    const release = await findReleaseByTag(octokit, { owner, repo, tag });
    const outcome = await publishToRelease(octokit, {
      release,
      purpose,
      index,
      files,
      overwrite: config.overwrite,
      lock: {
        holder: `run ${env.GITHUB_RUN_ID ?? '?'} attempt ${env.GITHUB_RUN_ATTEMPT ?? '1'}`,
        ...lockTuning(env),
      },
      ...(env.RUNNER_TEMP && { tempDir: env.RUNNER_TEMP }),
      log: (m) => tk.info(m),
    });
    for (const u of outcome.uploads)
      tk.info(u.ok ? `uploaded ${u.name} ${u.url ?? ''}` : `FAILED ${u.name}: ${oneLine(u.error ?? '')}`);
    if (outcome.added.length > 0) tk.setOutput('release-url', release.html_url ?? '');
    tk.setOutput('server-versions', JSON.stringify(outcome.added));
    return outcome;
  });
}

export function outcomeProblems(outcome: ReleasePublishOutcome, tag: string): string[] {
  const problem = formatUploadFailure(outcome.uploads, `release ${tag}`);
  return problem ? [problem] : [];
}

/**
 * Development knobs (not inputs): the tests shorten the lock's waits through FLOW_LOCK_POLL_MS,
 * FLOW_LOCK_WAIT_MS and FLOW_LOCK_STALE_MS.
 */
function lockTuning(env: RunContext['env']): { pollMs?: number; waitMs?: number; staleMs?: number } {
  const n = (name: string) =>
    env[name] !== undefined && /^\d+$/.test(env[name]!) ? Number(env[name]) : undefined;
  const out: { pollMs?: number; waitMs?: number; staleMs?: number } = {};
  const poll = n('FLOW_LOCK_POLL_MS');
  const wait = n('FLOW_LOCK_WAIT_MS');
  const stale = n('FLOW_LOCK_STALE_MS');
  if (poll !== undefined) out.pollMs = poll;
  if (wait !== undefined) out.waitMs = wait;
  if (stale !== undefined) out.staleMs = stale;
  return out;
}
