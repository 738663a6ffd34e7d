// The publish stage: checksums and the plugins.json index beside the plugins, workflow artifacts,
// release assets - once for the whole run, every release's plugins together (one checksums.txt).
// Every side effect has its input; nothing is silently partial - each failed upload becomes a
// problem that fails the step and says which files were and were not uploaded.
import type { Octokit } from '@octokit/rest';
import type { TargetResult } from '../build/execute';
import type { RunContext } from '../context';
import { findReleaseByTag, uploadReleaseAssets } from '../github/release-assets';
import { join } from 'node:path';
import { writeFileAtomic } from '../fs/atomic-write';
import type { ServerFacts } from '../resolve/server';
import { uploadPluginArtifacts, type ArtifactUpload } from './artifacts';
import { CHECKSUMS_FILE_NAME, writeChecksums } from './checksums';
import {
  buildPluginIndex,
  formatPluginIndex,
  PLUGIN_INDEX_FILE_NAME,
  type IndexVerified,
} from './plugin-index';
import { releaseUpload } from './release-decision';
import { formatUploadFailure } from './upload-report';

export interface ReleaseAssetResult {
  name: string;
  ok: boolean;
  url?: string;
  error?: string;
}

export interface PublishResult {
  checksumsPath?: string;
  /** plugins.json beside the plugins (plugin-index). */
  indexPath?: string;
  artifacts: ArtifactUpload[];
  /** The release uploaded to; `draft` when it is not published yet (its assets are not public). */
  release?: { tag: string; url?: string; draft: boolean; assets: ReleaseAssetResult[] };
  /** Messages for the step's failure; empty when everything asked for was done. */
  problems: string[];
}

/** The network side of publishing (a test passes fakes). */
export interface Publisher {
  uploadArtifacts: typeof uploadPluginArtifacts;
  findRelease: typeof findReleaseByTag;
  uploadAssets: typeof uploadReleaseAssets;
}

const github: Publisher = {
  uploadArtifacts: uploadPluginArtifacts,
  findRelease: findReleaseByTag,
  uploadAssets: uploadReleaseAssets,
};

/** One release of the run, as publishing needs it. */
export interface PublishedRelease {
  server: ServerFacts;
  results: TargetResult[];
  /** How each target was proven (absent: not verified). */
  loaded?: (target: string) => boolean;
  /** Every go.mod change this release's sync and alignment made. */
  goModChanges: readonly { module: string; from?: string; to: string }[];
}

export interface PublishRun {
  pluginName: string;
  /** The plugin's module path (for plugins.json). */
  module?: string;
  releases: readonly PublishedRelease[];
}

export async function publishStage(
  ctx: RunContext,
  octokit: Octokit,
  run: PublishRun,
  publisher: Publisher = github,
): Promise<PublishResult> {
  const { tk, config, env } = ctx;
  const built = run.releases.flatMap((rel) =>
    rel.results.filter((r) => r.ok).map((r) => ({ ...r, serverTag: rel.server.tag })),
  );
  const out: PublishResult = { artifacts: [], problems: [] };
  if (built.length === 0) return out;

  if (config.checksums) {
    out.checksumsPath = await writeChecksums(
      config.outputDir,
      built.map((r) => ({ fileName: r.fileName, sha256: r.sha256! })),
    );
    tk.info(`Wrote ${out.checksumsPath}`);
  }
  if (config.pluginIndex && run.module !== undefined) {
    const index = buildPluginIndex({
      plugin: run.pluginName,
      module: run.module,
      serverRepository: `${config.server.owner}/${config.server.repo}`,
      releases: run.releases.map((rel) => ({
        tag: rel.server.tag,
        go: rel.server.goVersion,
        serverModule: rel.server.module,
        goModChanges: rel.goModChanges,
        targets: rel.results
          .filter((r) => r.ok)
          .map((r) => ({
            target: r.target.name,
            file: r.fileName,
            size: r.size!,
            sha256: r.sha256!,
            verified: (rel.loaded?.(r.target.name) ? 'loaded' : 'not-verified') as IndexVerified,
          })),
      })),
    });
    out.indexPath = join(config.outputDir, PLUGIN_INDEX_FILE_NAME);
    await writeFileAtomic(out.indexPath, formatPluginIndex(index));
    tk.info(
      `Wrote ${out.indexPath} (${run.releases.length} server release${run.releases.length === 1 ? '' : 's'})`,
    );
  }
  const serverTags = run.releases.map((r) => r.server.tag);

  if (config.uploadArtifacts) {
    out.artifacts = await tk.group('Upload artifacts', async () => {
      const uploads = await publisher.uploadArtifacts(
        built.map((r) => ({
          path: r.path,
          target: r.target.name,
          fileName: r.fileName,
          serverTag: r.serverTag,
        })),
        {
          // The checksums artifact's name: every release of the run.
          serverTag: serverTags.join('+'),
          name: run.pluginName,
          overwrite: config.overwrite,
          ...(config.retentionDays !== undefined && { retentionDays: config.retentionDays }),
          ...(out.checksumsPath !== undefined && { checksums: { path: out.checksumsPath } }),
          env,
          ...(env.RUNNER_TEMP && { tempDir: env.RUNNER_TEMP }),
          log: { info: (m) => tk.info(m), warning: (m) => tk.warning(m) },
        },
      );
      for (const u of uploads) {
        tk.info(
          u.ok
            ? `uploaded ${u.artifactName} (id ${u.id}) ${u.url ?? ''}`
            : `FAILED ${u.artifactName}: ${u.error}`,
        );
      }
      return uploads;
    });
    const problem = formatUploadFailure(
      out.artifacts.map((a) => ({
        name: a.artifactName,
        ok: a.ok,
        ...(a.error !== undefined && { error: a.error }),
      })),
      'this run',
      'workflow artifacts',
    );
    if (problem) out.problems.push(problem);
  }

  const failed = run.releases.flatMap((rel) =>
    rel.results
      .filter((r) => !r.ok)
      .map((r) => (run.releases.length > 1 ? `${r.target.name} (${rel.server.tag})` : r.target.name)),
  );
  const to = releaseUpload(config.release, config.releaseTag, env, failed);
  if (!to.upload) {
    if ('problem' in to) out.problems.push(to.problem);
    else tk.info(`No release upload: ${to.reason}.`);
    return out;
  }
  tk.debug(`release upload: ${to.owner}/${to.repo} tag ${to.tag}`);
  out.release = await tk.group(`Upload release assets (${to.tag})`, async () => {
    const release = await publisher.findRelease(octokit, to);
    const files = built.map((r) => ({
      path: r.path,
      name: r.fileName,
      contentType: 'application/octet-stream',
    }));
    if (out.checksumsPath)
      files.push({ path: out.checksumsPath, name: CHECKSUMS_FILE_NAME, contentType: 'text/plain' });
    if (out.indexPath)
      files.push({ path: out.indexPath, name: PLUGIN_INDEX_FILE_NAME, contentType: 'application/json' });
    const assets = await publisher.uploadAssets(octokit, {
      release,
      files,
      overwrite: config.overwrite,
      log: (m: string) => tk.info(m),
    });
    for (const a of assets)
      tk.info(a.ok ? `uploaded ${a.name} ${a.url ?? ''}` : `FAILED ${a.name}: ${a.error}`);
    return { tag: to.tag, url: release.html_url, draft: release.draft === true, assets };
  });
  const problem = formatUploadFailure(out.release.assets, `release ${to.tag}`);
  if (problem) out.problems.push(problem);
  return out;
}
