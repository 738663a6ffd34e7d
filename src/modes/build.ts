// mode: build - one step builds and publishes: resolve the server releases -> for each: sync ->
// build -> verify (the per-release loop, release-loop.ts) -> save the caches -> publish (workflow
// artifacts, the release) -> report -> the cell records a publish job of a matrix reads.
// `buildReleases` is also follow's middle: everything up to the report.
import { createDocker, withDebugLog } from '../build/docker';
import { renderFileNames } from '../build/naming';
import { saveCaches } from '../build/stage';
import type { RunContext } from '../context';
import {
  cellRecords,
  skippedCellRecords,
  uploadedPlugins,
  type CellRelease,
  type SkippedRelease,
} from '../fanout/build-cells';
import { cellRecordName, formatCellRecord } from '../fanout/cell-record';
import { defaultArtifactClient, uploadTextArtifact } from '../fanout/run-artifacts';
import { everySkippedMessage } from '../fanout/skips';
import { haltIfCancelled } from '../fs/cleanup';
import { checkFileNamesForServer, type PreflightFacts } from '../preflight/preflight';
import type { ArtifactUpload } from '../publish/artifacts';
import { publishStage } from '../publish/stage';
import { formatUploadFailure } from '../publish/upload-report';
import { sharedWork } from '../release';
import { runReleases } from '../release-loop';
import { goModChangesOf, type RunReport } from '../report/record';
import { reportStage } from '../report/stage';
import { resolveStage } from '../resolve/stage';
import type { ServerFacts } from '../resolve/server';
import { proofOf } from '../verify/plan';
import type { ArtifactClientSource, ModeRun } from './run';

export async function buildMode(run: ModeRun, checked: PreflightFacts): Promise<void> {
  const { ctx } = run;
  const { tk } = ctx;
  const built = await buildReleases(run, checked);
  if (built.outcome === 'all skipped') {
    // A matrix cell whose release was skipped says so to the publish job, which leaves it out.
    await cellRecordsStage(ctx, built.cells);
    tk.setFailed(everySkippedMessage(built.report.skipped));
    return;
  }
  if (built.outcome === 'synced') return;
  // What a publish job of a matrix reads about each cell; a refused plugin's cell too (no plugin).
  const recorded = await cellRecordsStage(ctx, built.cells);
  const problems =
    built.outcome === 'refused' ? built.problems : [...built.problems, ...built.publishProblems, ...recorded];
  if (problems.length > 0) tk.setFailed(problems.join('; '));
}

/** How far `buildReleases` got; the report is written in every case. */
export type Built =
  /** unsupported-server-version: skip skipped every release: nothing built. */
  | { outcome: 'all skipped'; report: RunReport; cells: CellsOfRun }
  /** build: false - resolve and sync only. */
  | { outcome: 'synced' }
  /** A server refused a plugin: nothing published. `problems`: the build's and the loads'. */
  | { outcome: 'refused'; cells: CellsOfRun; problems: string[] }
  /** Published (as far as the inputs say). `problems`: the build's; `publishProblems`: the uploads'. */
  | { outcome: 'published'; cells: CellsOfRun; problems: string[]; publishProblems: string[] };

/** The run's cells as their records need them. */
export interface CellsOfRun {
  pluginName: string;
  module: string;
  releases: CellRelease[];
  /** The releases the loop skipped (unsupported-server-version: skip). */
  skipped: SkippedRelease[];
}

/**
 * Resolve -> the per-release loop -> the caches -> publish -> report. A plugin a server refused is
 * never published; the caches are saved only from a run whose plugins all built and loaded.
 */
export async function buildReleases(run: ModeRun, checked: PreflightFacts): Promise<Built> {
  const { ctx, octokit, serverOctokit, progress } = run;
  const { tk, config, env } = ctx;
  const docker = withDebugLog(createDocker(env), (m) => tk.debug(m));

  progress.stage = 'Resolve server';
  const servers = await resolveStage(ctx, { plugin: octokit, server: serverOctokit });
  await haltIfCancelled();
  progress.server = servers[0];
  if (checked.pluginName !== undefined) {
    for (const server of servers) checkFileNamesForServer(config, checked.pluginName, server);
  }

  // The same story once per server release; the releases share images and Go caches.
  const shared = sharedWork(ctx);
  const { report, module, problems } = await runReleases({
    ctx,
    octokit: serverOctokit,
    docker,
    servers,
    checked,
    progress,
    shared,
  });
  const skipped = skippedReleases(ctx, report, servers, checked);
  if (report.releases.length === 0) {
    await reportStage(ctx, report);
    const pluginName = report.pluginName ?? checked.pluginName ?? '';
    const modulePath = checked.goMod?.file.module?.path ?? pluginName;
    return {
      outcome: 'all skipped',
      report,
      cells: { pluginName, module: modulePath, releases: [], skipped },
    };
  }
  if (!config.build) {
    tk.info('build is false: stopping after resolve and sync.');
    await reportStage(ctx, report);
    return { outcome: 'synced' };
  }

  const allBuilt = report.releases.every((r) => r.results!.every((t) => t.ok));
  const verifyProblems = report.releases.flatMap((r) => r.verified?.problems ?? []);
  await saveCaches(ctx, shared, allBuilt, verifyProblems.length === 0);
  const cells = (uploads: readonly ArtifactUpload[]): CellsOfRun => ({
    skipped,
    pluginName: report.pluginName!,
    module: module ?? report.pluginName!,
    releases: report.releases.map((r): CellRelease => ({
      server: r.server,
      results: r.results!,
      ...(r.verified && { verified: r.verified.entries }),
      goModChanges: goModChangesOf(r),
      artifacts: uploadedPlugins(uploads, r.server.tag, report.releases.length === 1),
    })),
  });
  if (verifyProblems.length > 0) {
    await reportStage(ctx, report);
    return { outcome: 'refused', cells: cells([]), problems: [...problems, ...verifyProblems] };
  }
  await haltIfCancelled();

  progress.stage = 'Publish';
  report.published = await publishStage(ctx, octokit, {
    pluginName: report.pluginName!,
    ...(module !== undefined && { module }),
    releases: report.releases.map((r) => ({
      server: r.server,
      results: r.results!,
      proof: (target) => {
        const entry = r.verified?.entries.find((e) => e.target === target);
        return (entry && proofOf(entry)) ?? 'not-verified';
      },
      goModChanges: goModChangesOf(r),
    })),
  });
  await reportStage(ctx, report);
  return {
    outcome: 'published',
    cells: cells(report.published.artifacts),
    problems,
    publishProblems: report.published.problems,
  };
}

/** Uploads one record per cell (upload-artifacts); a record that cannot be uploaded is a problem. */
export async function cellRecordsStage(
  ctx: RunContext,
  run: CellsOfRun,
  client: ArtifactClientSource = defaultArtifactClient,
): Promise<string[]> {
  const { tk, config, env } = ctx;
  if (!config.uploadArtifacts) return [];
  const records = [
    ...cellRecords(run.pluginName, run.module, run.releases),
    ...skippedCellRecords(run.pluginName, run.module, run.skipped),
  ];
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
        tk.info(
          `uploaded ${name} (id ${id}): ${r.built ? `built, ${r.verified}` : r.skipped !== undefined ? 'skipped' : 'build failed'}`,
        );
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

/** The releases the loop skipped, with each target's file name (what their cell records name). */
function skippedReleases(
  ctx: RunContext,
  report: RunReport,
  servers: readonly ServerFacts[],
  checked: PreflightFacts,
): SkippedRelease[] {
  const { config } = ctx;
  const name = report.pluginName ?? checked.pluginName;
  return report.skipped.flatMap((s): SkippedRelease[] => {
    const server = servers.find((x) => x.tag === s.server);
    if (!server || name === undefined) return [];
    const files = renderFileNames(
      config.fileName,
      { name, server: server.tag, go: server.goVersion },
      config.targets,
    );
    const targets = config.targets.map((t, i) => ({ name: t.name, fileName: files[i]! }));
    return [{ server, reason: s.reason, targets }];
  });
}
