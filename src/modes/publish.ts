// mode: publish - the publish job of a matrix, no checkout needed: this workflow run's plan ->
// the cell records of the plan's cells (any other .cell.json is named and left alone) -> the
// check (every cell present, built, loaded or not verifiable, the cells of one release agreeing)
// -> each plugin downloaded and checked against its record (size, sha256) -> the release of the
// tag (follow plan: the plugin release) gets them with checksums.txt and plugins.json last.
// A missing or failed cell: nothing is uploaded, the cells at fault are named.
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Octokit } from '@octokit/rest';
import type { RunContext } from '../context';
import { checkCells, faultMessage } from '../fanout/cell-check';
import {
  CELL_RECORD_SUFFIX,
  CellRecordError,
  cellRecordName,
  parseCellRecord,
  type CellRecord,
} from '../fanout/cell-record';
import { cellKey } from '../fanout/matrix';
import { parsePlanRecord, PLAN_RECORD_SUFFIX, planRecordName, type PlanRecord } from '../fanout/plan-record';
import { indexOfRecords } from '../fanout/record-index';
import {
  defaultArtifactClient,
  downloadRunArtifact,
  listRunArtifacts,
  readRunArtifact,
  restDownloadOf,
  type RestDownload,
  type RunArtifact,
  type RunArtifactClient,
} from '../fanout/run-artifacts';
import { renderPublishSummary } from '../fanout/summary';
import { escapeControl } from '../log-text';
import { releaseUpload } from '../publish/release-decision';
import { outcomeProblems, writeToRelease, type PluginUpload } from './release-write';
import { writeSummary, type ArtifactClientSource, type ModeRun } from './run';

export async function publishMode(run: ModeRun): Promise<void> {
  run.progress.stage = 'Publish';
  const published = await publishCellsStage(run.ctx, run.octokit);
  if (published.problems.length > 0) run.ctx.tk.setFailed(published.problems.join('; '));
}

export interface PublishCellsResult {
  problems: string[];
}

/**
 * The publish job: the run's plan and cell records, checked; then every cell's plugin downloaded
 * (its size and sha256 checked against the record) and written to the release with checksums.txt
 * and plugins.json. A missing or failed cell: nothing is uploaded, the cells at fault are named.
 */
export async function publishCellsStage(
  ctx: RunContext,
  octokit: Octokit,
  client: ArtifactClientSource = defaultArtifactClient,
): Promise<PublishCellsResult> {
  const { tk, config, env } = ctx;
  const base = env.RUNNER_TEMP || tmpdir();
  await mkdir(base, { recursive: true });
  const from: RunDownloads = {
    client: await client(),
    // An artifact the internal download cannot find is fetched through the REST API (actions: read).
    rest: restDownloadOf(env, config.token),
    dir: await mkdtemp(join(base, 'publish-')),
    log: (m) => tk.info(m),
  };
  try {
    const { artifacts, plan, planName } = await readPlan(ctx, from);
    const { records, unreadable } = await readRecords(ctx, from, artifacts, plan, planName);
    const check = checkCells(plan, records, unreadable);
    for (const u of check.unplanned) tk.info(`Not in the plan, not published: ${u}`);
    if (check.skipped.length > 0) {
      tk.info(
        `Skipped by their build (unsupported-server-version: skip), left out: ${check.skipped.map((x) => `${x.cell}: ${x.why}`).join('; ')}`,
      );
    }
    if (check.faults.length > 0) {
      const message = faultMessage(check.faults, plan.cells.length);
      for (const f of check.faults) tk.error(`${f.cell}: ${f.why}`, { title: 'cell not publishable' });
      if (config.summary)
        await writeSummary(tk, renderPublishSummary({ plan, records, faults: check.faults }));
      return { problems: [message] };
    }

    // Every cell is fine: the plugins, checked against their records; then the release.
    const files = await downloadPlugins(ctx, from, artifacts, check.ready);
    const index = indexOfRecords(plan, check.ready);
    let tag: string | undefined = plan.purpose === 'follow' ? plan.releaseTag : undefined;
    if (tag !== undefined && config.release === 'false') {
      tk.info(`Every cell built and loaded; release is false: nothing written to release ${tag}.`);
      if (config.summary)
        await writeSummary(tk, renderPublishSummary({ plan, records: check.ready, faults: [] }));
      return { problems: [] };
    }
    if (tag === undefined) {
      const to = releaseUpload(config.release, config.releaseTag, env, []);
      if (!to.upload) {
        if ('problem' in to) return { problems: [to.problem] };
        tk.info(`Every cell built and loaded; no release upload: ${to.reason}.`);
        if (config.summary)
          await writeSummary(tk, renderPublishSummary({ plan, records: check.ready, faults: [] }));
        return { problems: [] };
      }
      tag = to.tag;
    }
    const outcome = await writeToRelease(ctx, octokit, tag, plan.purpose, index, files);
    if (config.summary) {
      await writeSummary(tk, renderPublishSummary({ plan, records: check.ready, faults: [], outcome, tag }));
    }
    return { problems: outcomeProblems(outcome, tag) };
  } finally {
    await rm(from.dir, { recursive: true, force: true });
  }
}

/** Where the publish job downloads from and to. */
interface RunDownloads {
  client: RunArtifactClient;
  rest: RestDownload | undefined;
  /** A fresh folder, removed at the end. */
  dir: string;
  log: (message: string) => void;
}

/** The run's artifacts and its plan (plugin-name picks one of several). */
async function readPlan(
  ctx: RunContext,
  from: RunDownloads,
): Promise<{ artifacts: RunArtifact[]; plan: PlanRecord; planName: string }> {
  const { tk, config } = ctx;
  const artifacts = await tk.group('Read the plan and the cell records of this run', async () => {
    const all = await listRunArtifacts(from.client);
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
        : `This workflow run has ${plans.length} plans (${plans.map((p) => escapeControl(p.name)).join(', ')}): set plugin-name to the plugin to publish.`,
    );
  }
  const planName = escapeControl(planArtifact.name);
  const text = await readRunArtifact(from.client, planArtifact, from.dir, from.rest, from.log);
  const plan = parsePlanRecord(text, planName);
  tk.info(
    `Plan ${planName}: ${plan.cells.length} cells, ${plan.purpose}${plan.releaseTag ? ` into release ${plan.releaseTag}` : ''}`,
  );
  if (plan.skipped && plan.skipped.length > 0) {
    tk.info(
      `Skipped by the plan (unsupported-server-version: skip): ${plan.skipped.map((x) => `${x.server} (Go ${x.go}: ${escapeControl(x.reason)})`).join('; ')}`,
    );
  }
  return { artifacts, plan, planName };
}

/**
 * Only this plan's records are read: each planned cell's, by its name. Any other .cell.json of the
 * run (another plugin's, another step's) is named in one notice and left alone. A planned cell's
 * record that is not one is that cell's fault.
 */
async function readRecords(
  ctx: RunContext,
  from: RunDownloads,
  artifacts: readonly RunArtifact[],
  plan: PlanRecord,
  planName: string,
): Promise<{ records: CellRecord[]; unreadable: Map<string, string> }> {
  const { tk } = ctx;
  const byName = new Map(
    plan.cells.map((cell) => [cellRecordName({ name: plan.plugin, ...cell }), cell] as const),
  );
  const others = artifacts.filter((a) => a.name.endsWith(CELL_RECORD_SUFFIX) && !byName.has(a.name));
  if (others.length > 0) {
    const named = others.slice(0, 20).map((a) => escapeControl(a.name));
    const more = others.length > 20 ? `, and ${others.length - 20} more` : '';
    tk.notice(
      `${others.length} cell record${others.length === 1 ? '' : 's'} of this run ${others.length === 1 ? 'is' : 'are'} not of plan ${planName}, not read: ${named.join(', ')}${more}`,
      { title: 'other cell records' },
    );
  }
  const records: CellRecord[] = [];
  const unreadable = new Map<string, string>();
  for (const a of artifacts.filter((x) => byName.has(x.name))) {
    const text = await readRunArtifact(from.client, a, from.dir, from.rest, from.log);
    try {
      records.push(parseCellRecord(text, a.name));
    } catch (e) {
      if (!(e instanceof CellRecordError)) throw e;
      unreadable.set(cellKey(byName.get(a.name)!), e.message);
    }
  }
  return { records, unreadable };
}

/** Every ready cell's plugin, downloaded and checked against its record (size, then sha256). */
async function downloadPlugins(
  ctx: RunContext,
  from: RunDownloads,
  artifacts: readonly RunArtifact[],
  ready: readonly CellRecord[],
): Promise<PluginUpload[]> {
  const { tk } = ctx;
  const files: PluginUpload[] = [];
  await tk.group(`Download ${ready.length} plugin${ready.length === 1 ? '' : 's'}`, async () => {
    for (const r of ready) {
      const a = artifacts.find((x) => x.name === r.artifact);
      if (!a)
        throw new Error(
          `${cellKey(r)}: the record names artifact ${r.artifact}, which this run does not have`,
        );
      const path = await downloadRunArtifact(from.client, a, from.dir, from.rest, from.log);
      const bytes = await readFile(path);
      if (bytes.length !== r.size) {
        throw new Error(
          `${cellKey(r)}: artifact ${a.name} has ${bytes.length} bytes, its cell record ${r.size}: nothing was uploaded`,
        );
      }
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      if (sha256 !== r.sha256) {
        throw new Error(
          `${cellKey(r)}: artifact ${a.name} has sha256 ${sha256}, its cell record ${r.sha256}: nothing was uploaded`,
        );
      }
      tk.info(`${r.file} (${r.size} bytes, sha256 ${sha256}, ${r.verified})`);
      files.push({ serverTag: r.serverTag, target: r.target, name: r.file, path, sha256, size: r.size! });
    }
  });
  return files;
}
