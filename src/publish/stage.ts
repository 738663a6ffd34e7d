// The publish stage: checksums and the plugins.json index beside the plugins, workflow artifacts,
// release assets - once for the whole run, every release's plugins together (one checksums.txt).
// Every side effect has its input; nothing is silently partial - each failed upload becomes a
// problem that fails the step and says which files were and were not uploaded.
import { listed, oneLine } from '../log-text';
import type { Octokit } from '@octokit/rest';
import type { TargetResult } from '../build/execute';
import type { RunContext } from '../context';
import { join, relative } from 'node:path';
import { writeFileAtomic } from '../fs/atomic-write';
import { strayPlugins } from '../fs/output-files';
import { findReleaseByTag } from '../github/release-assets';
import { lockTuning, readSnapshot, writeRelease, type FileState } from '../release-store';
import type { ServerFacts } from '../resolve/server';
import { uploadPluginArtifacts, type ArtifactUpload } from './artifacts';
import { writeChecksums } from './checksums';
import {
  buildPluginIndex,
  formatPluginIndex,
  PLUGIN_INDEX_FILE_NAME,
  type IndexVerified,
  type PluginIndex,
} from './plugin-index';
import { releaseUpload } from './release-decision';
import { formatUploadFailure } from './upload-report';

export interface ReleaseAssetResult {
  name: string;
  ok: boolean;
  url?: string;
  error?: string;
  /** What the release holds for this name after the write, as listed again (src/release-store). */
  state?: FileState;
}

export interface PublishResult {
  checksumsPath?: string;
  /** plugins.json beside the plugins (plugin-index). */
  indexPath?: string;
  artifacts: ArtifactUpload[];
  /** The release uploaded to; `draft` when it is not published yet (its assets are not public). */
  release?: {
    tag: string;
    url?: string;
    draft: boolean;
    assets: ReleaseAssetResult[];
    /** `untouched` (as it was), `updated`, or `mixed` (the swap stopped part-way; a re-run heals it). */
    outcome?: 'untouched' | 'updated' | 'mixed';
    /** Why the write did not complete. */
    error?: string;
  };
  /** Messages for the step's failure; empty when everything asked for was done. */
  problems: string[];
}

/** The network side of publishing (a test passes fakes). */
export interface Publisher {
  uploadArtifacts: typeof uploadPluginArtifacts;
  findRelease: typeof findReleaseByTag;
  /** The release store's one write (src/release-store). */
  writeRelease: typeof writeRelease;
}

const github: Publisher = {
  uploadArtifacts: uploadPluginArtifacts,
  findRelease: findReleaseByTag,
  writeRelease,
};

/** One release of the run, as publishing needs it. */
export interface PublishedRelease {
  server: ServerFacts;
  results: TargetResult[];
  /** How each target was proven (absent: not verified). */
  proof?: (target: string) => IndexVerified;
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

  // Plugins of earlier runs (another server, another file-name) beside this run's.
  const stray = await strayPlugins(
    config.outputDir,
    built.map((r) => r.fileName),
  );
  if (stray.length > 0) {
    const dir = relative(ctx.workspace, config.outputDir) || '.';
    tk.notice(
      `${dir} also holds ${stray.length === 1 ? 'a plugin' : 'plugins'} this run did not write: ${listed(stray)}. ` +
        `A workflow step that uploads ${dir}/*.so would ship ${stray.length === 1 ? 'it' : 'them'} with this run's: remove ${stray.length === 1 ? 'it' : 'them'}, or build into a clean output-dir. ` +
        "The action's own uploads and checksums.txt hold only this run's plugins.",
      { title: 'plugins from earlier runs in output-dir' },
    );
  }

  if (config.checksums) {
    out.checksumsPath = await writeChecksums(
      config.outputDir,
      built.map((r) => ({ fileName: r.fileName, sha256: r.sha256! })),
    );
    tk.info(`Wrote ${out.checksumsPath}`);
  }
  let index: PluginIndex | undefined;
  if (config.pluginIndex && run.module !== undefined) {
    index = buildPluginIndex({
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
            verified: rel.proof?.(r.target.name) ?? 'not-verified',
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
            : `FAILED ${u.artifactName}: ${oneLine(u.error ?? '')}`,
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
  // The release is a store with one writer (src/release-store): under its lock, read once, the
  // next state decided as data, written all or nothing, reported as listed again after the write.
  out.release = await tk.group(`Upload release assets (${to.tag})`, async () => {
    const release = await publisher.findRelease(octokit, to);
    const report = await publisher.writeRelease(octokit, {
      release,
      wants: {
        mode: 'build',
        files: built.map((r) => ({
          name: r.fileName,
          sha256: r.sha256!,
          size: r.size!,
          serverTag: r.serverTag,
          target: r.target.name,
        })),
        ...(index && { index }),
        writeIndex: index !== undefined,
        writeChecksums: config.checksums,
        overwrite: config.overwrite,
      },
      paths: new Map(built.map((r) => [r.fileName, r.path])),
      lock: {
        holder: `run ${env.GITHUB_RUN_ID ?? '?'} attempt ${env.GITHUB_RUN_ATTEMPT ?? '1'}`,
        ...lockTuning(env),
      },
      log: (m: string) => tk.info(m),
    });
    for (const a of report.files)
      tk.info(a.ok ? `${a.state} ${a.name} ${a.url ?? ''}` : `NOT DONE ${a.name}: ${oneLine(a.error ?? '')}`);
    if (report.release === 'mixed')
      tk.warning(oneLine(report.error ?? `release ${to.tag} holds a part of this run's files`));
    const assets: ReleaseAssetResult[] =
      report.files.length > 0
        ? report.files.map((f) => ({
            name: f.name,
            ok: f.ok,
            state: f.state,
            ...(f.url !== undefined && { url: f.url }),
            ...(f.error !== undefined && { error: f.error }),
          }))
        : built.map((r) => ({
            name: r.fileName,
            ok: false,
            state: 'as-before' as const,
            error: report.error ?? 'not written',
          }));
    return {
      tag: to.tag,
      url: release.html_url,
      draft: release.draft === true,
      assets,
      outcome: report.release,
      ...(report.error !== undefined && { error: report.error }),
    };
  });
  const problem = formatUploadFailure(out.release.assets, `release ${to.tag}`);
  if (problem) out.problems.push(out.release.error ? `${out.release.error}\n${problem}` : problem);
  return out;
}

/**
 * Before anything is built: when this run will upload to a release, that release must exist and
 * take assets (not a published immutable one). Throws saying what to do; the publish stage looks
 * the release up again when it uploads.
 */
export async function checkReleaseUpFront(
  ctx: RunContext,
  octokit: Octokit,
  find: Publisher['findRelease'] = findReleaseByTag,
  read: (
    octokit: Octokit,
    release: Awaited<ReturnType<Publisher['findRelease']>>,
  ) => Promise<unknown> = readSnapshot,
): Promise<void> {
  const { tk, config, env } = ctx;
  if (!config.build || (config.mode !== 'build' && config.mode !== 'publish')) return;
  const to = releaseUpload(config.release, config.releaseTag, env, []);
  if (!to.upload) return;
  const release = await find(octokit, to);
  if (release.immutable && !release.draft) {
    throw new Error(
      `Release ${to.tag} of ${to.owner}/${to.repo} is published and immutable, so this run could not upload to it; nothing was built. ` +
        'Upload to a draft release and publish it after the upload (create the release with draft: true), or set release: false.',
    );
  }
  // What the release already tells (a plugins.json or checksums.txt it cannot keep) is refused
  // now, before any container; the write reads it again under the lock.
  await read(octokit, release);
  tk.info(
    `The plugins will go to release ${to.tag} of ${to.owner}/${to.repo}${release.draft ? ' (a draft)' : ''}.`,
  );
}
