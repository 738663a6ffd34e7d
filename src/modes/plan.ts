// mode: plan - the plan job of a matrix: the selection's release tags (follow: those the plugin
// release does not cover yet) -> less those a build with unsupported-server-version: skip would
// skip (each release's Go against the plugin's go line) -> release x target cells, at most 256 ->
// the `matrix`, `cells`, `server-versions` and `skipped-server-versions` outputs and the plan
// artifact the publish job checks the cells against. No build, no write to GitHub.
import { listed } from '../log-text';
import type { Octokit } from '@octokit/rest';
import { pluginGoModName, type RunContext } from '../context';
import { cellsByRelease } from '../fanout/cell-check';
import { cellKey, matrixOf, planCells } from '../fanout/matrix';
import { formatPlanRecord, planRecordName, type PlanRecord } from '../fanout/plan-record';
import { defaultArtifactClient, uploadTextArtifact } from '../fanout/run-artifacts';
import { everySkippedMessage, planSkips, type PlanSkip } from '../fanout/skips';
import { renderPlanSummary } from '../fanout/summary';
import { resolveServerGoVersion } from '../github/go-version';
import { readServerFiles } from '../github/server-release';
import type { GoModFile } from '../gomod';
import type { PreflightFacts } from '../preflight/preflight';
import { writeSummary, type ArtifactClientSource, type ModeRun } from './run';
import { followCoverage, selectStage, type Coverage } from './selection';

export async function planMode(run: ModeRun, checked: PreflightFacts): Promise<void> {
  const { ctx, octokit, serverOctokit, progress } = run;
  progress.stage = 'Resolve server';
  const selected = await selectStage(ctx, serverOctokit);
  const coverage = ctx.config.follow ? await followCoverage(ctx, octokit, selected) : undefined;
  const tags = coverage ? coverage.diff.uncovered : selected;
  const skipped = await planSkipStage(ctx, serverOctokit, tags, checked.goMod?.file);
  if (!coverage && tags.length > 0 && skipped.length === tags.length) {
    // As one step fails when it skipped every release (follow: a schedule passes).
    ctx.tk.setOutput('skipped-server-versions', JSON.stringify(skipped.map(({ line: _, ...s }) => s)));
    ctx.tk.setFailed(everySkippedMessage(skipped));
    return;
  }
  await planStage(ctx, makePlan(ctx, pluginOf(checked), selected, coverage, skipped));
}

/** The plugin's name and module path, from go.mod (read by the workspace check). */
function pluginOf(checked: PreflightFacts): { name: string; module: string } {
  const module = checked.goMod?.file.module?.path;
  if (checked.pluginName === undefined || module === undefined) {
    throw new Error('go.mod names no module, so the plugin has no name: add a module line (go mod init)');
  }
  return { name: checked.pluginName, module };
}

/**
 * unsupported-server-version: skip - the releases a build would skip for the plugin's go line
 * (newer than the release's Go), found as one step finds them: each release's GO_VERSION (else its
 * go.mod's toolchain line) read at its tag. Warned on the go line, as the build stage warns.
 * With `fail` nothing is read: a release the plugin cannot support fails its cell, as it fails one step.
 */
export async function planSkipStage(
  ctx: RunContext,
  octokit: Octokit,
  tags: readonly string[],
  goMod: GoModFile | undefined,
): Promise<PlanSkip[]> {
  const { tk, config } = ctx;
  if (config.unsupportedServerVersion !== 'skip' || !goMod?.go || tags.length === 0) return [];
  const goModName = pluginGoModName(ctx);
  return tk.group("Read each release's Go version (unsupported-server-version: skip)", async () => {
    const { owner, repo } = config.server;
    const releases: { tag: string; go: string }[] = [];
    for (const tag of tags) {
      const files = await readServerFiles(octokit, { owner, repo, tag });
      const go = resolveServerGoVersion({
        tag,
        ...(files.goVersionFile !== undefined && { goVersionFile: files.goVersionFile }),
        ...(files.goMod !== undefined && { goMod: files.goMod }),
      });
      tk.info(`${owner}/${repo} ${tag}: Go ${go.version} (from ${go.source})`);
      releases.push({ tag, go: go.version });
    }
    const { skipped } = planSkips(goMod.go, releases, goModName);
    for (const s of skipped) {
      tk.warning(`Skipped ${s.server} (unsupported-server-version: skip): ${s.reason}`, {
        title: `go line newer than ${s.server}'s Go`,
        file: goModName,
        startLine: s.line,
      });
    }
    return skipped;
  });
}

/** The plan of a plan step: every selected release x target, or (follow) those the release does not cover yet. */
export function makePlan(
  ctx: Pick<RunContext, 'config'>,
  plugin: { name: string; module: string },
  selected: readonly string[],
  coverage?: Coverage,
  skipped: readonly PlanSkip[] = [],
): PlanRecord {
  const { config } = ctx;
  const left = new Set(skipped.map((s) => s.server));
  const tags = (coverage ? coverage.diff.uncovered : selected).filter((t) => !left.has(t));
  return {
    schema: 1,
    kind: 'flow-plugin-plan',
    purpose: coverage ? 'follow' : 'release',
    plugin: plugin.name,
    module: plugin.module,
    serverRepository: `${config.server.owner}/${config.server.repo}`,
    ...(coverage && { releaseTag: coverage.release.tag_name, covered: coverage.diff.covered }),
    ...(skipped.length > 0 && {
      skipped: skipped.map(({ server, go, reason }) => ({ server, go, reason })),
    }),
    cells: planCells(
      tags,
      config.targets.map((t) => t.name),
    ),
  };
}

/** Sets the `matrix`, `cells` and `server-versions` outputs, uploads the plan artifact, writes the summary. */
export async function planStage(
  ctx: RunContext,
  plan: PlanRecord,
  client: ArtifactClientSource = defaultArtifactClient,
): Promise<void> {
  const { tk, config, env } = ctx;
  const matrix = matrixOf(plan.cells); // refused before any output when GitHub could not run it
  tk.setOutput('matrix', JSON.stringify(matrix));
  tk.setOutput('skipped-server-versions', JSON.stringify(plan.skipped ?? []));
  tk.setOutput('cells', String(plan.cells.length));
  tk.setOutput('server-versions', JSON.stringify([...cellsByRelease(plan.cells).keys()]));
  tk.info(
    plan.cells.length === 0
      ? "Nothing to build: the matrix is empty (skip the build and publish jobs: `if: needs.plan.outputs.cells != '0'`)."
      : `Planned ${plan.cells.length} cell${plan.cells.length === 1 ? '' : 's'}: ${listed(plan.cells.map(cellKey))}`,
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
  if (config.summary) await writeSummary(tk, renderPlanSummary(plan));
}
