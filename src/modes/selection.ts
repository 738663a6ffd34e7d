// Which server releases a plan or follow run is for: the selection's tags (one listing, no file
// read) and, when following, those the plugin release's plugins.json does not cover yet.
import { listed } from '../log-text';
import type { Octokit } from '@octokit/rest';
import type { RunContext } from '../context';
import { followDiff, nothingNewMessage, type FollowDiff } from '../fanout/follow';
import { readSnapshot } from '../release-store';
import { isHttpError } from '../github/errors';
import { findReleaseByTag, type ReleaseRef } from '../github/release-assets';
import { resolveServerReleases } from '../github/server-release';
import { PLUGIN_INDEX_FILE_NAME, type PluginIndex } from '../publish/plugin-index';

/**
 * The server release tags the selection names (server-versions, else server-version), newest
 * first, capped: one listing of releases and tags, no file read. What plan and follow start from.
 */
export async function selectStage(ctx: RunContext, octokit: Octokit): Promise<string[]> {
  const { tk, config } = ctx;
  return tk.group('Resolve the server releases', async () => {
    const specs = config.serverVersions ?? [config.serverVersion];
    const { releases, leftOut } = await resolveServerReleases(octokit, {
      owner: config.server.owner,
      repo: config.server.repo,
      specs,
      includePrereleases: config.includePrereleases,
      max: config.serverVersions ? config.maxServerVersions : 1,
    });
    const tags = releases.map((r) => r.tag);
    tk.info(`${config.server.owner}/${config.server.repo} ${listed(specs)}: ${listed(tags)}`);
    if (leftOut.length > 0) {
      tk.info(`Left out by max-server-versions (${config.maxServerVersions}): ${listed(leftOut)}`);
    }
    return tags;
  });
}

export interface Coverage {
  release: ReleaseRef & { html_url?: string };
  index?: PluginIndex;
  diff: FollowDiff;
}

/** The plugin release (release-tag, else the newest), its plugins.json, and the selection's releases it does not cover. */
export async function followCoverage(
  ctx: RunContext,
  octokit: Octokit,
  selected: readonly string[],
): Promise<Coverage> {
  const { tk, config, env } = ctx;
  const [owner, repo] = (env.GITHUB_REPOSITORY ?? '').split('/');
  if (!owner || !repo)
    throw new Error('GITHUB_REPOSITORY is not set, so the plugin release to follow is unknown');
  return tk.group("Read the plugin release's plugins.json", async () => {
    const release = config.releaseTag
      ? await findReleaseByTag(octokit, { owner, repo, tag: config.releaseTag })
      : await latestRelease(octokit, owner, repo);
    tk.info(
      `Following into release ${release.tag_name} of ${owner}/${repo}${config.releaseTag ? '' : ' (the newest)'}`,
    );
    // Read and checked where it is first read: a broken index or checksums.txt stops the run here.
    const { index } = await readSnapshot(octokit, release);
    const indexed = index ? Object.keys(index.releases) : [];
    tk.info(
      index
        ? `${PLUGIN_INDEX_FILE_NAME} covers ${indexed.length} server release${indexed.length === 1 ? '' : 's'}: ${listed(indexed) || 'none'}`
        : `Release ${release.tag_name} has no ${PLUGIN_INDEX_FILE_NAME} yet: every selected server release is new`,
    );
    const diff = followDiff(selected, indexed);
    tk.info(
      diff.uncovered.length === 0
        ? nothingNewMessage(release.tag_name, diff.covered)
        : `New server release${diff.uncovered.length === 1 ? '' : 's'} to build: ${listed(diff.uncovered)}`,
    );
    return { release, ...(index && { index }), diff };
  });
}

async function latestRelease(octokit: Octokit, owner: string, repo: string) {
  try {
    return (await octokit.rest.repos.getLatestRelease({ owner, repo })).data;
  } catch (e) {
    if (isHttpError(e) && e.status === 404) {
      throw new Error(
        `${owner}/${repo} has no published release to follow into: publish one first (the three-job workflow on a tag), or set release-tag to a draft's tag`,
        { cause: e },
      );
    }
    throw e;
  }
}
