// mode: follow - the server's new releases into the plugin's release: the selection -> the plugin
// release's plugins.json (nothing new: nothing built, nothing written) -> the build's story for
// the uncovered releases only (release: false, the build writes no release) -> their plugins,
// checksums.txt and plugins.json last into the plugin release, under its lock.
import type { Octokit } from '@octokit/rest';
import type { RunContext } from '../context';
import { cellRecords } from '../fanout/build-cells';
import { cellKey } from '../fanout/matrix';
import { indexOfRecords } from '../fanout/record-index';
import { renderFollowSummary } from '../fanout/summary';
import type { UploadResult } from '../github/release-assets';
import type { PreflightFacts } from '../preflight/preflight';
import { buildReleases, type CellsOfRun } from './build';
import { outcomeProblems, writeToRelease } from './release-write';
import { writeSummary, type ModeRun } from './run';
import { followCoverage, selectStage, type Coverage } from './selection';

export async function followMode(run: ModeRun, checked: PreflightFacts): Promise<void> {
  const { ctx, octokit, serverOctokit, progress } = run;
  const { tk, config } = ctx;
  progress.stage = 'Resolve server';
  const coverage = await followCoverage(ctx, octokit, await selectStage(ctx, serverOctokit));
  if (coverage.diff.uncovered.length === 0) {
    await followNothingNew(ctx, coverage);
    return;
  }
  // Only the releases plugins.json does not cover yet are built; the release is written below.
  const forNew: ModeRun = {
    ...run,
    ctx: { ...ctx, config: { ...config, serverVersions: coverage.diff.uncovered, release: 'false' } },
  };
  const built = await buildReleases(forNew, checked);
  if (built.outcome === 'all skipped') {
    // A schedule must not fail on a release it was told to skip.
    tk.info(
      `Every new server release was skipped (unsupported-server-version: skip): nothing added to release ${coverage.release.tag_name}.`,
    );
    return;
  }
  if (built.outcome === 'synced') return;
  if (built.outcome === 'refused') {
    tk.setFailed(built.problems.join('; '));
    return;
  }
  const problems = [...built.problems, ...built.publishProblems];
  // The new releases' plugins into the plugin release, its index and checksums last.
  if (built.problems.length === 0 && config.release === 'false') {
    tk.info(`release is false: nothing written to release ${coverage.release.tag_name}.`);
  } else if (built.problems.length === 0) {
    problems.push(...(await followWriteStage(forNew.ctx, octokit, coverage, built.cells)));
  }
  if (problems.length > 0) tk.setFailed(problems.join('; '));
}

/** The summary of a follow run that found nothing new (no build, no write). */
export async function followNothingNew(ctx: RunContext, coverage: Coverage): Promise<void> {
  const { tk } = ctx;
  tk.setOutput('server-versions', '[]');
  tk.setOutput('release-url', coverage.release.html_url ?? '');
  await followSummary(ctx, coverage, { added: [], meanwhile: [] });
}

/** The follow run's job summary (summary: true): what the release covered, and what this run added. */
async function followSummary(
  { tk, config }: RunContext,
  coverage: Coverage,
  run: { added: readonly string[]; meanwhile: readonly string[]; uploads?: readonly UploadResult[] },
): Promise<void> {
  if (!config.summary) return;
  await writeSummary(
    tk,
    renderFollowSummary({ release: coverage.release.tag_name, covered: coverage.diff.covered, ...run }),
  );
}

/** A follow run's built releases into the release it follows; gives the step's problems. */
export async function followWriteStage(
  ctx: RunContext,
  octokit: Octokit,
  coverage: Coverage,
  run: CellsOfRun,
): Promise<string[]> {
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
  await followSummary(ctx, coverage, {
    added: outcome.written,
    meanwhile: outcome.meanwhile,
    uploads: outcome.files,
  });
  return outcomeProblems(outcome, coverage.release.tag_name);
}
