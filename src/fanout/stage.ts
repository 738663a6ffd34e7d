// The fan-out chapters as the log shows them: the plan (the matrix output and the plan artifact),
// the cell records a build leaves, the publish job (the run's cell records checked against the
// plan, then the plugins into the release with checksums.txt and plugins.json), and following
// the server (the plugin release's plugins.json against the selection; the new releases' plugins
// added to it). Logs, outputs and the summary go through the toolkit; the rest is in this folder.
import { proofOf } from '../verify/plan';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Octokit } from '@octokit/rest';
import type { TargetResult } from '../build/execute';
import type { RunContext } from '../context';
import { isHttpError } from '../github/errors';
import { findReleaseByTag, type ReleaseRef } from '../github/release-assets';
import { resolveServerReleases } from '../github/server-release';
import type { ArtifactUpload } from '../publish/artifacts';
import {
  buildPluginIndex,
  PLUGIN_INDEX_FILE_NAME,
  type IndexReleaseInput,
  type PluginIndex,
} from '../publish/plugin-index';
import { releaseUpload } from '../publish/release-decision';
import { formatUploadFailure } from '../publish/upload-report';
import type { ServerFacts } from '../resolve/server';
import type { VerifyEntry } from '../verify/plan';
import { cellsByRelease, checkCells, faultMessage } from './cell-check';
import {
  CELL_RECORD_SUFFIX,
  cellRecordName,
  formatCellRecord,
  makeCellRecord,
  parseCellRecord,
  type CellRecord,
} from './cell-record';
import { followDiff, nothingNewMessage, type FollowDiff } from './follow';
import { cellKey, matrixOf, planCells } from './matrix';
import {
  formatPlanRecord,
  parsePlanRecord,
  PLAN_RECORD_SUFFIX,
  planRecordName,
  type PlanRecord,
} from './plan-record';
import { lockTuning, readSnapshot, writeRelease, type StoreReport } from '../release-store';
import {
  defaultArtifactClient,
  downloadRunArtifact,
  listRunArtifacts,
  readRunArtifact,
  uploadTextArtifact,
  type RunArtifactClient,
} from './run-artifacts';
import { renderFollowSummary, renderPlanSummary, renderPublishSummary } from './summary';

/** The artifact client (a test passes one; default @actions/artifact's). */
export type ArtifactClientSource = () => Promise<RunArtifactClient>;

// ---------------------------------------------------------------- the selection

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
    tk.info(`${config.server.owner}/${config.server.repo} ${specs.join(', ')}: ${tags.join(', ')}`);
    if (leftOut.length > 0) {
      tk.info(`Left out by max-server-versions (${config.maxServerVersions}): ${leftOut.join(', ')}`);
    }
    return tags;
  });
}

/** The plan of a plan step: every selected release x target, or (follow) those the release does not cover yet. */
export function makePlan(
  ctx: Pick<RunContext, 'config'>,
  plugin: { name: string; module: string },
  selected: readonly string[],
  coverage?: Coverage,
): PlanRecord {
  const { config } = ctx;
  const tags = coverage ? coverage.diff.uncovered : selected;
  return {
    schema: 1,
    kind: 'flow-plugin-plan',
    purpose: coverage ? 'follow' : 'release',
    plugin: plugin.name,
    module: plugin.module,
    serverRepository: `${config.server.owner}/${config.server.repo}`,
    ...(coverage && { releaseTag: coverage.release.tag_name, covered: coverage.diff.covered }),
    cells: planCells(
      tags,
      config.targets.map((t) => t.name),
    ),
  };
}

// ---------------------------------------------------------------- plan

/** Sets the `matrix`, `cells` and `server-versions` outputs, uploads the plan artifact, writes the summary. */
export async function planStage(
  ctx: RunContext,
  plan: PlanRecord,
  client: ArtifactClientSource = defaultArtifactClient,
): Promise<void> {
  const { tk, config, env } = ctx;
  const matrix = matrixOf(plan.cells);
  tk.setOutput('matrix', JSON.stringify(matrix));
  tk.setOutput('cells', String(plan.cells.length));
  tk.setOutput('server-versions', JSON.stringify([...cellsByRelease(plan.cells).keys()]));
  tk.info(
    plan.cells.length === 0
      ? "Nothing to build: the matrix is empty (skip the build and publish jobs: `if: needs.plan.outputs.cells != '0'`)."
      : `Planned ${plan.cells.length} cell${plan.cells.length === 1 ? '' : 's'}: ${plan.cells.map(cellKey).join(', ')}`,
  );
  if (plan.cells.length > 0) {
    if (!config.uploadArtifacts) {
      tk.warning(
        'upload-artifacts is false: the plan is not uploaded, so a publish job of this run cannot check the cells.',
      );
    } else {
      const name = planRecordName(plan.plugin);
      await tk.group(`Upload the plan (${name})`, async () => {
        const id = await uploadTextArtifact(await client(), name, formatPlanRecord(plan), {
          ...(env.RUNNER_TEMP && { tempDir: env.RUNNER_TEMP }),
          overwrite: true,
          ...(config.retentionDays !== undefined && { retentionDays: config.retentionDays }),
        });
        tk.info(`Uploaded ${name} (id ${id})`);
      });
    }
  }
  if (config.summary) await summary(tk, renderPlanSummary(plan));
}

// ---------------------------------------------------------------- follow: what is covered

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
        ? `${PLUGIN_INDEX_FILE_NAME} covers ${indexed.length} server release${indexed.length === 1 ? '' : 's'}: ${indexed.join(', ') || 'none'}`
        : `Release ${release.tag_name} has no ${PLUGIN_INDEX_FILE_NAME} yet: every selected server release is new`,
    );
    const diff = followDiff(selected, indexed);
    tk.info(
      diff.uncovered.length === 0
        ? nothingNewMessage(release.tag_name, diff.covered)
        : `New server release${diff.uncovered.length === 1 ? '' : 's'} to build: ${diff.uncovered.join(', ')}`,
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

/** The summary of a follow run that found nothing new (no build, no write). */
export async function followNothingNew(ctx: RunContext, coverage: Coverage): Promise<void> {
  const { tk, config } = ctx;
  tk.setOutput('server-versions', '[]');
  tk.setOutput('release-url', coverage.release.html_url ?? '');
  if (config.summary) {
    await summary(
      tk,
      renderFollowSummary({
        release: coverage.release.tag_name,
        covered: coverage.diff.covered,
        added: [],
        meanwhile: [],
      }),
    );
  }
}

// ---------------------------------------------------------------- cell records (build mode)

/** One server release of a build run, as its cell records need it. */
export interface CellRelease {
  server: ServerFacts;
  results: readonly TargetResult[];
  verified?: readonly VerifyEntry[];
  goModChanges: readonly { module: string; from?: string; to: string }[];
  /** Target -> the workflow artifact its plugin was uploaded as (absent: none uploaded). */
  artifacts?: ReadonlyMap<string, string>;
}

/** Pure: target -> artifact name of the plugins of `serverTag` a publish stage uploaded. */
export function uploadedPlugins(
  uploads: readonly ArtifactUpload[],
  serverTag: string,
  onlyTag: boolean,
): Map<string, string> {
  return new Map(
    uploads.flatMap((a) =>
      a.kind === 'plugin' && a.ok && (a.serverTag === serverTag || (onlyTag && a.serverTag === undefined))
        ? [[a.target, a.artifactName] as [string, string]]
        : [],
    ),
  );
}

/** The records of a build run's cells (pure). */
export function cellRecords(
  pluginName: string,
  module: string,
  releases: readonly CellRelease[],
): CellRecord[] {
  return releases.flatMap((rel) =>
    rel.results.map((r) => {
      const v = rel.verified?.find((e) => e.target === r.target.name);
      return makeCellRecord({
        plugin: pluginName,
        module,
        serverRepository: rel.server.repository,
        serverTag: rel.server.tag,
        serverModule: rel.server.module,
        go: rel.server.goVersion,
        goModChanges: rel.goModChanges,
        target: r.target.name,
        built: r.ok,
        ...(r.error !== undefined && { error: r.error }),
        file: r.fileName,
        ...(rel.artifacts?.has(r.target.name) && { artifact: rel.artifacts.get(r.target.name)! }),
        ...(r.size !== undefined && { size: r.size }),
        ...(r.sha256 !== undefined && { sha256: r.sha256 }),
        ...(v && {
          verified: { status: proofOf(v) ?? v.status, ...(v.reason !== undefined && { reason: v.reason }) },
        }),
      });
    }),
  );
}

/** Uploads one record per cell (upload-artifacts); a record that cannot be uploaded is a problem. */
export async function cellRecordsStage(
  ctx: RunContext,
  run: { pluginName: string; module: string; releases: readonly CellRelease[] },
  client: ArtifactClientSource = defaultArtifactClient,
): Promise<string[]> {
  const { tk, config, env } = ctx;
  if (!config.uploadArtifacts) return [];
  const records = cellRecords(run.pluginName, run.module, run.releases);
  if (records.length === 0) return [];
  return tk.group('Upload cell records (what a publish job reads)', async () => {
    const c = await client();
    const failed: { name: string; ok: boolean; error?: string }[] = [];
    for (const r of records) {
      const name = cellRecordName({ name: r.plugin, target: r.target, serverTag: r.serverTag });
      try {
        const id = await uploadTextArtifact(c, name, formatCellRecord(r), {
          ...(env.RUNNER_TEMP && { tempDir: env.RUNNER_TEMP }),
          overwrite: config.overwrite,
          ...(config.retentionDays !== undefined && { retentionDays: config.retentionDays }),
        });
        tk.info(`uploaded ${name} (id ${id}): ${r.built ? `built, ${r.verified}` : 'build failed'}`);
        failed.push({ name, ok: true });
      } catch (e) {
        tk.warning(`Cell record ${name} was not uploaded: ${(e as Error).message}`);
        failed.push({ name, ok: false, error: (e as Error).message });
      }
    }
    const problem = formatUploadFailure(failed, 'this run', 'cell records');
    return problem ? [problem] : [];
  });
}

// ---------------------------------------------------------------- publish mode

export interface PublishCellsResult {
  problems: string[];
}

/**
 * The publish job: the run's plan and cell records, checked; then every cell's plugin downloaded
 * (its sha256 checked against the record) and written to the release with checksums.txt and
 * plugins.json. A missing or failed cell: nothing is uploaded, the cells at fault are named.
 */
export async function publishCellsStage(
  ctx: RunContext,
  octokit: Octokit,
  client: ArtifactClientSource = defaultArtifactClient,
): Promise<PublishCellsResult> {
  const { tk, config, env } = ctx;
  const c = await client();
  const base = env.RUNNER_TEMP || tmpdir();
  await mkdir(base, { recursive: true });
  const dir = await mkdtemp(join(base, 'publish-'));
  try {
    const artifacts = await tk.group('Read the plan and the cell records of this run', async () => {
      const all = await listRunArtifacts(c);
      tk.info(`This workflow run has ${all.length} artifact${all.length === 1 ? '' : 's'}.`);
      return all;
    });
    const plans = artifacts.filter((a) => a.name.endsWith(PLAN_RECORD_SUFFIX));
    const wanted = config.pluginName !== undefined ? planRecordName(config.pluginName) : undefined;
    const planArtifact = wanted
      ? plans.find((a) => a.name === wanted)
      : plans.length === 1
        ? plans[0]
        : undefined;
    if (!planArtifact) {
      throw new Error(
        plans.length === 0
          ? 'This workflow run has no plan: run the action with mode: plan in an earlier job of this workflow (with upload-artifacts: true), and make this job need the build jobs.'
          : `This workflow run has ${plans.length} plans (${plans.map((p) => p.name).join(', ')}): set plugin-name to the plugin to publish.`,
      );
    }
    const plan = parsePlanRecord(await readRunArtifact(c, planArtifact, dir), planArtifact.name);
    tk.info(
      `Plan ${planArtifact.name}: ${plan.cells.length} cells, ${plan.purpose}${plan.releaseTag ? ` into release ${plan.releaseTag}` : ''}`,
    );
    const records: CellRecord[] = [];
    for (const a of artifacts.filter((x) => x.name.endsWith(CELL_RECORD_SUFFIX))) {
      const r = parseCellRecord(await readRunArtifact(c, a, dir), a.name);
      if (r.plugin === plan.plugin) records.push(r);
    }
    const check = checkCells(plan, records);
    for (const u of check.unplanned) tk.info(`Not in the plan, not published: ${u}`);
    if (check.faults.length > 0) {
      const message = faultMessage(check.faults, plan.cells.length);
      for (const f of check.faults) tk.error(`${f.cell}: ${f.why}`, { title: 'cell not publishable' });
      if (config.summary) await summary(tk, renderPublishSummary({ plan, records, faults: check.faults }));
      return { problems: [message] };
    }

    // Every cell is fine: the plugins, checked against their records.
    const files: PluginUpload[] = [];
    await tk.group(
      `Download ${check.ready.length} plugin${check.ready.length === 1 ? '' : 's'}`,
      async () => {
        for (const r of check.ready) {
          const a = artifacts.find((x) => x.name === r.artifact);
          if (!a)
            throw new Error(
              `${cellKey(r)}: the record names artifact ${r.artifact}, which this run does not have`,
            );
          const path = await downloadRunArtifact(c, a, dir);
          const sha256 = createHash('sha256')
            .update(await readFile(path))
            .digest('hex');
          if (sha256 !== r.sha256) {
            throw new Error(
              `${cellKey(r)}: artifact ${a.name} has sha256 ${sha256}, its cell record ${r.sha256}: nothing was uploaded`,
            );
          }
          tk.info(`${r.file} (${r.size} bytes, sha256 ${sha256}, ${r.verified})`);
          files.push({ serverTag: r.serverTag, target: r.target, name: r.file, path, sha256, size: r.size! });
        }
      },
    );
    const index = indexOfRecords(plan, check.ready);

    let tag: string | undefined = plan.purpose === 'follow' ? plan.releaseTag : undefined;
    if (tag !== undefined && config.release === 'false') {
      tk.info(`Every cell built and loaded; release is false: nothing written to release ${tag}.`);
      if (config.summary) await summary(tk, renderPublishSummary({ plan, records: check.ready, faults: [] }));
      return { problems: [] };
    }
    if (tag === undefined) {
      const to = releaseUpload(config.release, config.releaseTag, env, []);
      if (!to.upload) {
        if ('problem' in to) return { problems: [to.problem] };
        tk.info(`Every cell built and loaded; no release upload: ${to.reason}.`);
        if (config.summary)
          await summary(tk, renderPublishSummary({ plan, records: check.ready, faults: [] }));
        return { problems: [] };
      }
      tag = to.tag;
    }
    const outcome = await writeToRelease(ctx, octokit, tag, plan.purpose, index, files);
    if (config.summary) {
      await summary(tk, renderPublishSummary({ plan, records: check.ready, faults: [], outcome, tag }));
    }
    return { problems: outcomeProblems(outcome, tag) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** plugins.json of the checked records: one entry per release, one target per cell. */
export function indexOfRecords(
  plan: Pick<PlanRecord, 'plugin' | 'module' | 'serverRepository'>,
  records: readonly CellRecord[],
): PluginIndex {
  const byTag = new Map<string, CellRecord[]>();
  for (const r of records) byTag.set(r.serverTag, [...(byTag.get(r.serverTag) ?? []), r]);
  const releases: IndexReleaseInput[] = [...byTag.entries()].map(([tag, rs]) => ({
    tag,
    go: rs[0]!.go,
    serverModule: rs[0]!.serverModule,
    goModChanges: rs[0]!.goModChanges.map((c) => ({ module: c.path, from: c.from, to: c.to })),
    targets: rs.map((r) => ({
      target: r.target,
      file: r.file,
      size: r.size!,
      sha256: r.sha256!,
      verified: r.verified === 'loaded' || r.verified === 'build-info' ? r.verified : 'not-verified',
    })),
  }));
  return buildPluginIndex({
    plugin: plan.plugin,
    module: plan.module,
    serverRepository: plan.serverRepository,
    releases,
  });
}

// ---------------------------------------------------------------- writing into the release

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
      tk.info(u.ok ? `${u.state} ${u.name} ${u.url ?? ''}` : `FAILED ${u.name}: ${u.error}`);
    // The outputs say what the release holds after the write (listed again), not what was meant.
    if (report.written.length > 0) tk.setOutput('release-url', release.html_url ?? '');
    tk.setOutput('server-versions', JSON.stringify(report.written));
    return report;
  });
}

function outcomeProblems(outcome: StoreReport, tag: string): string[] {
  if (outcome.ok) return [];
  const problem = formatUploadFailure(outcome.files, `release ${tag}`);
  return [[outcome.error, problem].filter(Boolean).join('\n') || `the write to release ${tag} failed`];
}

// ---------------------------------------------------------------- follow: after the build

/** A follow run's built releases into the release it follows; gives the step's problems. */
export async function followWriteStage(
  ctx: RunContext,
  octokit: Octokit,
  coverage: Coverage,
  run: { pluginName: string; module: string; releases: readonly CellRelease[] },
): Promise<string[]> {
  const { tk, config } = ctx;
  const records = cellRecords(run.pluginName, run.module, run.releases).filter((r) => r.built);
  const plan = {
    plugin: run.pluginName,
    module: run.module,
    serverRepository: run.releases[0]?.server.repository ?? '',
  };
  const paths = new Map(
    run.releases.flatMap((rel) => rel.results.map((r) => [`${rel.server.tag} ${r.target.name}`, r.path])),
  );
  const files = records.map((r) => ({
    serverTag: r.serverTag,
    target: r.target,
    name: r.file,
    path: paths.get(cellKey(r))!,
    sha256: r.sha256!,
    size: r.size!,
  }));
  const outcome = await writeToRelease(
    ctx,
    octokit,
    coverage.release.tag_name,
    'follow',
    indexOfRecords(plan, records),
    files,
  );
  if (config.summary) {
    await summary(
      tk,
      renderFollowSummary({
        release: coverage.release.tag_name,
        covered: coverage.diff.covered,
        added: outcome.written,
        meanwhile: outcome.meanwhile,
        uploads: outcome.files,
      }),
    );
  }
  return outcomeProblems(outcome, coverage.release.tag_name);
}

async function summary(tk: RunContext['tk'], markdown: string): Promise<void> {
  try {
    await tk.appendSummary(markdown);
  } catch (e) {
    tk.warning(`Could not write the job summary: ${(e as Error).message}`);
  }
}
