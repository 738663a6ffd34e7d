// The job summaries of the plan, publish and follow modes. Pure: data in, markdown out.
import type { UploadResult } from '../github/release-assets';
import type { CellFault } from './cell-check';
import type { CellRecord } from './cell-record';
import { cellsByRelease } from './cell-check';
import { nothingNewMessage } from './follow';
import type { PlanRecord } from './plan-record';
import type { StoreReport } from '../release-store';

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function renderPlanSummary(plan: PlanRecord): string {
  const lines = [`## ${plan.plugin}: plan`, ''];
  if (plan.purpose === 'follow') {
    lines.push(
      plan.cells.length === 0
        ? nothingNewMessage(plan.releaseTag ?? '?', plan.covered ?? [])
        : `Server releases plugins.json of release ${plan.releaseTag} does not cover yet: built by the matrix, added by the publish job.` +
            (plan.covered && plan.covered.length > 0 ? ` Already covered: ${plan.covered.join(', ')}.` : ''),
      '',
    );
  }
  if (plan.cells.length > 0) {
    lines.push('| server release | targets |', '| --- | --- |');
    for (const [tag, targets] of cellsByRelease(plan.cells))
      lines.push(`| ${cell(tag)} | ${targets.join(', ')} |`);
    lines.push('', `${plan.cells.length} cells (${plan.serverRepository}).`, '');
  }
  if (plan.skipped && plan.skipped.length > 0) {
    lines.push(
      `⏭️ Skipped (\`unsupported-server-version: skip\`): ${plan.skipped.map((s) => `${cell(s.server)} (Go ${s.go})`).join(', ')}.`,
      '',
    );
  }
  return lines.join('\n');
}

export function renderPublishSummary(p: {
  plan: PlanRecord;
  records: readonly CellRecord[];
  faults: readonly CellFault[];
  outcome?: Pick<StoreReport, 'written' | 'meanwhile' | 'ok' | 'error'>;
  tag?: string;
}): string {
  const lines = [`## ${p.plan.plugin}: publish`, ''];
  if (p.faults.length > 0) {
    lines.push(
      `**Nothing was uploaded**: ${p.faults.length} of ${p.plan.cells.length} cells cannot be published.`,
      '',
    );
  } else if (p.outcome && p.tag) {
    lines.push(
      p.outcome.written.length > 0
        ? `Release ${p.tag}: added ${p.outcome.written.join(', ')} with checksums.txt and plugins.json.`
        : `Release ${p.tag}: nothing written${p.outcome.ok ? '' : ` (${p.outcome.error ?? 'the write failed'})`}.`,
    );
    if (p.outcome.meanwhile.length > 0)
      lines.push(`Added by another run meanwhile (left as it is): ${p.outcome.meanwhile.join(', ')}.`);
    lines.push('');
  }
  lines.push('| cell | file | loads | |', '| --- | --- | --- | --- |');
  const faultOf = new Map(p.faults.map((f) => [f.cell, f.why]));
  for (const c of p.plan.cells) {
    const key = `${c.serverTag} ${c.target}`;
    const r = p.records.find((x) => x.serverTag === c.serverTag && x.target === c.target);
    const why = faultOf.get(key);
    lines.push(
      `| ${cell(key)} | ${r ? cell(r.file) : '–'} | ${r ? r.verified : '–'} | ${why ? `**${cell(why)}**` : 'ok'} |`,
    );
  }
  lines.push('');
  return lines.join('\n');
}

export function renderFollowSummary(f: {
  release: string;
  covered: readonly string[];
  added: readonly string[];
  meanwhile: readonly string[];
  uploads?: readonly UploadResult[];
}): string {
  const lines = ['## Follow the server', ''];
  if (f.added.length === 0 && f.meanwhile.length === 0) {
    lines.push(nothingNewMessage(f.release, f.covered), '');
    return lines.join('\n');
  }
  if (f.added.length > 0)
    lines.push(`Added to release ${f.release}: ${f.added.join(', ')} (files already there untouched).`);
  if (f.meanwhile.length > 0)
    lines.push(`Added by another run meanwhile (left as it is): ${f.meanwhile.join(', ')}.`);
  if (f.covered.length > 0) lines.push(`Already covered: ${f.covered.join(', ')}.`);
  lines.push('');
  if (f.uploads && f.uploads.length > 0) {
    lines.push('| file | uploaded |', '| --- | --- |');
    for (const u of f.uploads)
      lines.push(`| ${cell(u.name)} | ${u.ok ? 'yes' : `**no**: ${cell(u.error ?? '')}`} |`);
    lines.push('');
  }
  return lines.join('\n');
}
