// The publish stage: checksums beside the plugins, workflow artifacts, release assets. Every side
// effect has its input; nothing is silently partial - each failed upload becomes a problem that
// fails the step and says which files were and were not uploaded.
import * as core from '@actions/core';
import type { Octokit } from '@octokit/rest';
import type { TargetResult } from '../build/build';
import { findReleaseByTag, uploadReleaseAssets } from '../github/release-assets';
import type { ActionConfig } from '../inputs';
import type { ServerFacts } from '../resolve/server';
import { uploadPluginArtifacts, type ArtifactUpload } from './artifacts';
import { CHECKSUMS_FILE_NAME, writeChecksums } from './checksums';
import { decideRelease } from './release-decision';
import { formatUploadFailure } from './upload-report';

export interface ReleaseAssetResult {
  name: string;
  ok: boolean;
  url?: string;
  error?: string;
}

export interface PublishResult {
  checksumsPath?: string;
  artifacts: ArtifactUpload[];
  release?: { tag: string; url?: string; assets: ReleaseAssetResult[] };
  /** Messages for the step's failure; empty when everything asked for was done. */
  problems: string[];
}

export async function publishPlugins(
  config: ActionConfig,
  octokit: Octokit,
  run: { server: ServerFacts; pluginName: string; results: TargetResult[] },
  env: Record<string, string | undefined> = process.env,
): Promise<PublishResult> {
  const built = run.results.filter((r) => r.ok);
  const out: PublishResult = { artifacts: [], problems: [] };
  if (built.length === 0) return out;

  if (config.checksums) {
    out.checksumsPath = await writeChecksums(
      config.outputDir,
      built.map((r) => ({ fileName: r.fileName, sha256: r.sha256! })),
    );
    core.info(`Wrote ${out.checksumsPath}`);
  }

  if (config.uploadArtifacts) {
    out.artifacts = await core.group('Upload artifacts', async () => {
      const uploads = await uploadPluginArtifacts(
        built.map((r) => ({ path: r.path, target: r.target.name, fileName: r.fileName })),
        {
          serverTag: run.server.tag,
          name: run.pluginName,
          overwrite: config.overwrite,
          ...(config.retentionDays !== undefined && { retentionDays: config.retentionDays }),
          ...(out.checksumsPath !== undefined && { checksums: { path: out.checksumsPath } }),
        },
      );
      for (const u of uploads) {
        core.info(
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

  const decision = decideRelease(config.release, config.releaseTag, env);
  if (!decision.upload) {
    core.info(`No release upload: ${decision.reason}.`);
    return out;
  }
  const failed = run.results.filter((r) => !r.ok).map((r) => r.target.name);
  if (failed.length > 0) {
    // A release is what users download: never publish a partial set of architectures to it.
    out.problems.push(
      `not uploaded to release ${decision.tag} because the build failed for ${failed.join(', ')}`,
    );
    return out;
  }
  const [owner, repo] = (env.GITHUB_REPOSITORY ?? '').split('/');
  if (!owner || !repo)
    throw new Error('GITHUB_REPOSITORY is not set, so the release to upload to is unknown');
  out.release = await core.group(`Upload release assets (${decision.tag})`, async () => {
    const release = await findReleaseByTag(octokit, { owner, repo, tag: decision.tag });
    const files = built.map((r) => ({
      path: r.path,
      name: r.fileName,
      contentType: 'application/octet-stream',
    }));
    if (out.checksumsPath)
      files.push({ path: out.checksumsPath, name: CHECKSUMS_FILE_NAME, contentType: 'text/plain' });
    const assets = await uploadReleaseAssets(octokit, {
      release,
      files,
      overwrite: config.overwrite,
      log: (m: string) => core.info(m),
    });
    for (const a of assets)
      core.info(a.ok ? `uploaded ${a.name} ${a.url ?? ''}` : `FAILED ${a.name}: ${a.error}`);
    return { tag: decision.tag, url: release.html_url, assets };
  });
  const problem = formatUploadFailure(out.release.assets, `release ${decision.tag}`);
  if (problem) out.problems.push(problem);
  return out;
}
