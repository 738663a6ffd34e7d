// The job summary: what was built for which server, what changed in go.mod, and where every
// plugin can be downloaded. Pure: data in, markdown out (the report stage writes it).

export interface GoModChange {
  module: string;
  /** The version the plugin required before (absent when the requirement was added). */
  from?: string;
  /** The server's version (`none`: the module left the build list). */
  to: string;
  /** The step that made it: gomod-cap, or the module graph alignment after tidy. */
  step?: 'cap' | 'align';
  /** Why (alignment changes). */
  reason?: string;
}

export interface SummaryTarget {
  /** The target's name, e.g. `linux-arm-7`. */
  target: string;
  /** Whether the plugin was built. */
  ok: boolean;
  /** Why the build failed. */
  error?: string;
  fileName?: string;
  /** Bytes. */
  size?: number;
  /** Lowercase hex SHA-256. */
  sha256?: string;
  /** The builder image used. */
  image?: string;
  durationMs?: number;
  /** The workflow artifact, when an upload was attempted. */
  artifact?: { ok: boolean; url?: string; error?: string };
  /** The release asset, when an upload was attempted. */
  releaseAsset?: { ok: boolean; url?: string; error?: string };
  /** Whether the plugin loaded into the server release (absent when verification did not run). */
  loads?: {
    status: 'loaded' | 'failed' | 'not-verified';
    reason?: string;
    buildInfo?: 'matches' | 'differs';
  };
}

export interface SummaryData {
  /** The plugin's name (for the title). */
  pluginName?: string;
  server: {
    /** `owner/name`. */
    repository: string;
    tag: string;
    /** The server's module path. */
    module: string;
    goVersion: string;
    /** The server release's page. */
    releaseUrl?: string;
  };
  /** The go.mod sync; absent when it did not run. */
  goMod?: {
    mode: 'align' | 'cap' | 'check' | 'off';
    changes: readonly GoModChange[];
    /**
     * check with a build: go.mod's require lines that named other versions than the server's,
     * left for the module graph check after tidy (which passed, or the run would have failed).
     */
    differing?: number;
  };
  targets: readonly SummaryTarget[];
  /** `owner/name tag` the plugins were loaded into; the "Loads into" column shows when set. */
  loadsInto?: string;
  checksums?: {
    fileName: string;
    artifact?: { ok: boolean; url?: string; error?: string };
    releaseAsset?: { ok: boolean; url?: string; error?: string };
  };
  /** The release the plugins were uploaded to. */
  release?: { tag: string; url: string; draft?: boolean };
  /** True when the run stopped after the sync (`build: false`): nothing was built, nothing failed. */
  buildSkipped?: boolean;
}

/** `512 B`, `1.5 KiB`, `12.3 MiB`, `1.02 GiB`. */
export function formatSize(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '?';
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const text = value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);
  return `${text} ${units[unit]}`;
}

/** `850 ms`, `4.2 s`, `1 min 05 s`, `1 h 02 min`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '?';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(Math.round(ms / 100) / 10).toFixed(1)} s`;
  const totalSeconds = Math.round(ms / 1000);
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  if (hours > 0) return `${hours} h ${String(minutes).padStart(2, '0')} min`;
  return `${minutes} min ${String(seconds).padStart(2, '0')} s`;
}

/** Text made safe for a markdown table cell (and for HTML, which GitHub renders in summaries). */
export function cell(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/\|/g, '&#124;')
    .replace(/\r?\n|\r/g, ' ');
}

function code(text: string): string {
  return `<code>${cell(text)}</code>`;
}

function link(label: string, url: string | undefined): string {
  if (!url || !/^https?:\/\//i.test(url)) return cell(label);
  return `<a href="${cell(url)}">${cell(label)}</a>`;
}

function firstLine(text: string): string {
  const line = text.trim().split(/\r?\n/, 1)[0] ?? '';
  return line.length > 300 ? `${line.slice(0, 297)}...` : line;
}

function table(head: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

function downloads(t: {
  artifact?: { ok: boolean; url?: string };
  releaseAsset?: { ok: boolean; url?: string };
}): string {
  const parts: string[] = [];
  if (t.artifact?.ok) parts.push(link('artifact', t.artifact.url));
  else if (t.artifact) parts.push('artifact upload failed');
  if (t.releaseAsset?.ok) parts.push(link('release asset', t.releaseAsset.url));
  else if (t.releaseAsset) parts.push('release upload failed');
  return parts.length > 0 ? parts.join(' · ') : '-';
}

/** The "Loads into" cell: yes / no with the reason / not verified with the reason. */
function loadsCell(l: SummaryTarget['loads']): string {
  if (!l) return '-';
  if (l.status === 'loaded') return '✅ yes';
  const reason = l.reason ? `: ${cell(firstLine(l.reason))}` : '';
  if (l.status === 'not-verified' && l.buildInfo === 'matches')
    return `☑️ build info matches; not verified${reason}`;
  return l.status === 'failed' ? `❌ no${reason}` : `not verified${reason}`;
}

/** Problems with one target, for the "Failed" list: the build, then each upload. */
function problems(t: SummaryTarget): string[] {
  const out: string[] = [];
  if (!t.ok) out.push(`build failed: ${firstLine(t.error ?? 'no reason given')}`);
  if (t.loads?.status === 'failed')
    out.push(`does not load: ${firstLine(t.loads.reason ?? 'no reason given')}`);
  if (t.artifact && !t.artifact.ok)
    out.push(`artifact upload failed: ${firstLine(t.artifact.error ?? 'no reason given')}`);
  if (t.releaseAsset && !t.releaseAsset.ok) {
    out.push(`release upload failed: ${firstLine(t.releaseAsset.error ?? 'no reason given')}`);
  }
  return out;
}

/** The job summary as markdown. */
export function renderSummary(data: SummaryData): string {
  const { server } = data;
  const out: string[] = [];
  const title = data.pluginName ? `Flow plugin ${cell(data.pluginName)}` : 'Flow plugin build';
  out.push(`## ${title} for ${cell(server.repository)} ${cell(server.tag)}`);

  const built = data.targets.filter((t) => t.ok).length;
  const failing = data.targets.filter((t) => problems(t).length > 0);
  out.push(
    data.buildSkipped
      ? 'ℹ️ Resolved the server and synced go.mod; no plugins were built (`build: false`).'
      : failing.length === 0
        ? `✅ ${built} of ${data.targets.length} target${data.targets.length === 1 ? '' : 's'} built${data.targets.some((t) => t.artifact || t.releaseAsset) ? ' and uploaded' : ''}.`
        : `❌ **${failing.length} of ${data.targets.length} target${data.targets.length === 1 ? '' : 's'} failed**: ${failing.map((t) => code(t.target)).join(', ')}.`,
  );

  out.push(
    table(
      ['Server', 'Go', 'Server module'],
      [
        [
          link(`${server.repository} ${server.tag}`, server.releaseUrl),
          code(server.goVersion),
          code(server.module),
        ],
      ],
    ),
  );

  if (data.goMod) {
    out.push('### go.mod');
    const { mode, changes } = data.goMod;
    if (mode === 'off') {
      out.push('go.mod was not checked (`go-mod-sync: off`).');
    } else if (changes.length === 0 && (data.goMod.differing ?? 0) > 0) {
      const n = data.goMod.differing!;
      out.push(
        `go.mod's require lines name other versions than the server's for ${n} module${n === 1 ? '' : 's'}, ` +
          "but after `go mod tidy` the module graph the plugin builds with matched the server's (checked before building). " +
          'go.mod was not changed (`go-mod-sync: check`).',
      );
    } else if (changes.length === 0) {
      out.push("go.mod already matched the server's module versions.");
    } else {
      out.push(
        mode === 'cap' || mode === 'align'
          ? `go.mod was changed to the server's versions (${changes.length} module${changes.length === 1 ? '' : 's'}):`
          : `go.mod differs from the server's versions (${changes.length} module${changes.length === 1 ? '' : 's'}):`,
      );
      // Step and reason columns only when the alignment ran (older records have neither).
      const why = changes.some((c) => c.reason !== undefined);
      out.push(
        table(
          ['Module', 'From', 'To', ...(why ? ['Step', 'Why'] : [])],
          changes.map((c) => [
            code(c.module),
            c.from && c.from !== 'none' ? code(c.from) : '(added)',
            c.to === 'none' ? '(removed)' : code(c.to),
            ...(why ? [c.step ?? '', cell(c.reason ?? '')] : []),
          ]),
        ),
      );
    }
  }

  out.push('### Plugins');
  if (data.buildSkipped) {
    out.push('Not built: `build` is false.');
  } else if (data.targets.length === 0) {
    out.push('No targets were built.');
  } else {
    const loadsHead = data.loadsInto !== undefined ? [`Loads into ${cell(data.loadsInto)}`] : [];
    out.push(
      table(
        ['', 'Target', 'File', 'Size', 'SHA-256', 'Image', 'Duration', ...loadsHead, 'Download'],
        data.targets.map((t) => {
          const bad = problems(t).length > 0;
          const loads = data.loadsInto !== undefined ? [loadsCell(t.loads)] : [];
          return [
            !t.ok ? '❌ failed' : bad ? '⚠️ not uploaded' : '✅',
            code(t.target),
            t.ok && t.fileName ? code(t.fileName) : '-',
            t.ok && t.size !== undefined ? formatSize(t.size) : '-',
            t.ok && t.sha256 ? `<code title="${cell(t.sha256)}">${cell(t.sha256.slice(0, 12))}</code>` : '-',
            t.image ? code(t.image) : '-',
            t.durationMs !== undefined ? formatDuration(t.durationMs) : '-',
            ...loads,
            t.ok ? downloads(t) : '-',
          ];
        }),
      ),
    );
    const byLoad = data.targets.filter((t) => t.loads?.status === 'loaded').map((t) => code(t.target));
    const byInfo = data.targets
      .filter((t) => t.loads?.status === 'not-verified' && t.loads.buildInfo === 'matches')
      .map((t) => code(t.target));
    if (byInfo.length > 0)
      out.push(
        `Proven by a load into the server: ${byLoad.join(', ') || 'none'}. By the Go build info only (same Go, code settings and modules as the server binary; not loaded here): ${byInfo.join(', ')}.`,
      );
  }

  if (data.checksums) {
    out.push(
      `Checksums: ${code(data.checksums.fileName)} (${downloads(data.checksums)}), verify with \`sha256sum -c\`.`,
    );
  }

  const checksumProblems: string[] = [];
  if (data.checksums?.artifact && !data.checksums.artifact.ok) {
    checksumProblems.push(
      `artifact upload failed: ${firstLine(data.checksums.artifact.error ?? 'no reason given')}`,
    );
  }
  if (data.checksums?.releaseAsset && !data.checksums.releaseAsset.ok) {
    checksumProblems.push(
      `release upload failed: ${firstLine(data.checksums.releaseAsset.error ?? 'no reason given')}`,
    );
  }
  if (failing.length > 0 || checksumProblems.length > 0) {
    out.push('### Failed');
    const items = failing.flatMap((t) => problems(t).map((p) => `- ${code(t.target)}: ${cell(p)}`));
    if (data.checksums)
      items.push(...checksumProblems.map((p) => `- ${code(data.checksums!.fileName)}: ${cell(p)}`));
    out.push(items.join('\n'));
  }

  if (data.release) {
    out.push(
      `Release: ${link(data.release.tag, data.release.url)}${data.release.draft ? ' (draft: publish it to make the assets public)' : ''}`,
    );
  }
  return `${out.join('\n\n')}\n`;
}

/** One stage of a run as the failure summary lists it. */
export interface StageState {
  name: string;
  state: 'done' | 'failed' | 'not run' | 'skipped';
  /** What the stage found or did (`Flow/server v2.0.0, Go 1.22.4`). */
  detail?: string;
}

export interface FailureSummaryData {
  pluginName?: string;
  /** Every stage of a run in order: what ran, which one failed, what did not run. */
  stages: readonly StageState[];
  /** What failed and what to do (the error's message; secrets already removed). */
  message: string;
}

/** The job summary of a run that stopped with an error: what ran, what failed, what to do. */
export function renderFailureSummary(data: FailureSummaryData): string {
  const failed = data.stages.find((s) => s.state === 'failed');
  const title = data.pluginName ? `Flow plugin ${cell(data.pluginName)}` : 'Flow plugin build';
  const lines = data.message.trim().split(/\r?\n/);
  const shown = lines.slice(0, 20).map((l) => (l.length > 300 ? `${l.slice(0, 297)}...` : l));
  if (lines.length > shown.length) shown.push(`... (${lines.length - shown.length} more lines in the log)`);
  const mark = { done: '✅', failed: '❌ failed', 'not run': '- not run', skipped: '- skipped' } as const;
  return `${[
    `## ${title}: failed${failed ? ` at ${cell(failed.name)}` : ''}`,
    `❌ The run stopped${failed ? ` at **${cell(failed.name)}**` : ''}; the stages after it did not run.`,
    table(
      ['Stage', 'Result'],
      data.stages.map((s) => [cell(s.name), `${mark[s.state]}${s.detail ? `: ${cell(s.detail)}` : ''}`]),
    ),
    '### What failed and what to do',
    `${shown.map((l) => cell(l)).join('<br>')}`,
    'Fix what the message says and re-run the job; the log has the details of every stage.',
  ].join('\n\n')}\n`;
}

/** One server release of a run of several, as the summary shows it. */
export interface ReleaseSummary {
  tag: string;
  goVersion: string;
  releaseUrl?: string;
  /** Why the release was skipped (unsupported-server-version: skip); then it has no targets. */
  skipped?: string;
  goMod?: SummaryData['goMod'];
  targets: readonly SummaryTarget[];
}

export interface ReleasesSummaryData {
  pluginName?: string;
  /** `owner/name` of the server. */
  repository: string;
  /** Newest first. */
  releases: readonly ReleaseSummary[];
  /** The targets asked for (the table's columns). */
  targets: readonly string[];
  /** True when the plugins were loaded into the servers (verify not false). */
  verified: boolean;
  checksums?: SummaryData['checksums'];
  /** plugins.json, when written. */
  index?: { fileName: string; releaseAsset?: { ok: boolean; url?: string; error?: string } };
  release?: SummaryData['release'];
  buildSkipped?: boolean;
}

/** A cell of the release x target table: loaded, refused, not verified, build failed, skipped. */
function matrixCell(t: SummaryTarget | undefined, skipped: boolean): string {
  if (skipped) return '⏭️ skipped';
  if (!t) return '-';
  if (!t.ok) return '❌ build failed';
  const upload =
    (t.artifact && !t.artifact.ok) || (t.releaseAsset && !t.releaseAsset.ok) ? ' ⚠️ not uploaded' : '';
  if (!t.loads) return `✅ built${upload}`;
  if (t.loads.status === 'loaded') return `✅ loaded${upload}`;
  if (t.loads.status === 'failed') return `❌ refused: ${cell(firstLine(t.loads.reason ?? ''))}`;
  return `✅ built, not verified${t.loads.reason ? `: ${cell(firstLine(t.loads.reason))}` : ''}${upload}`;
}

/** The job summary of a run of several server releases: one table, release x target, then the details. */
export function renderReleasesSummary(data: ReleasesSummaryData): string {
  const out: string[] = [];
  const title = data.pluginName ? `Flow plugin ${cell(data.pluginName)}` : 'Flow plugin build';
  const built = data.releases.filter((r) => !r.skipped);
  out.push(
    `## ${title} for ${built.length} release${built.length === 1 ? '' : 's'} of ${cell(data.repository)}`,
  );
  const all = built.flatMap((r) => r.targets.map((t) => ({ tag: r.tag, t })));
  const failing = all.filter(({ t }) => problems(t).length > 0);
  const skipped = data.releases.filter((r) => r.skipped);
  out.push(
    [
      data.buildSkipped
        ? 'ℹ️ Resolved the servers and synced go.mod in scratch copies; no plugins were built (`build: false`).'
        : failing.length === 0
          ? `✅ ${all.length} plugin${all.length === 1 ? '' : 's'} built${data.verified ? ' and checked against their servers' : ''} for ${built.map((r) => code(r.tag)).join(', ')}.`
          : `❌ **${failing.length} of ${all.length} plugins failed**: ${failing.map(({ tag, t }) => `${code(t.target)} for ${code(tag)}`).join(', ')}.`,
      ...(skipped.length > 0
        ? [
            `⏭️ Skipped (\`unsupported-server-version: skip\`): ${skipped.map((r) => code(r.tag)).join(', ')}.`,
          ]
        : []),
    ].join(' '),
  );
  out.push(
    table(
      ['Server release', 'Go', ...data.targets.map((t) => code(t)), 'Notes'],
      data.releases.map((r) => [
        link(r.tag, r.releaseUrl),
        code(r.goVersion),
        ...data.targets.map((name) =>
          matrixCell(
            r.targets.find((t) => t.target === name),
            r.skipped !== undefined,
          ),
        ),
        r.skipped ? cell(firstLine(r.skipped)) : '',
      ]),
    ),
  );

  const files = built.flatMap((r) => r.targets.filter((t) => t.ok).map((t) => ({ tag: r.tag, t })));
  if (files.length > 0) {
    out.push('### Files');
    out.push(
      table(
        ['Server release', 'Target', 'File', 'Size', 'SHA-256', 'Download'],
        files.map(({ tag, t }) => [
          code(tag),
          code(t.target),
          code(t.fileName ?? ''),
          t.size !== undefined ? formatSize(t.size) : '-',
          t.sha256 ? `<code title="${cell(t.sha256)}">${cell(t.sha256.slice(0, 12))}</code>` : '-',
          downloads(t),
        ]),
      ),
    );
  }
  if (data.checksums) {
    out.push(
      `Checksums of every release: ${code(data.checksums.fileName)} (${downloads(data.checksums)}), verify with \`sha256sum -c\`.`,
    );
  }
  if (data.index) {
    out.push(
      `Index: ${code(data.index.fileName)}${data.index.releaseAsset ? ` (${downloads(data.index)})` : ''}: for each server release its Go, go.mod changes and per target the file, size, sha256 and whether it loaded.`,
    );
  }

  out.push('### go.mod');
  out.push(
    "Each release's go.mod was synced in a scratch copy of the plugin's folder: the workspace go.mod is unchanged.",
  );
  const changes = built.flatMap((r) => (r.goMod?.changes ?? []).map((c) => ({ tag: r.tag, c })));
  const off = built.some((r) => r.goMod?.mode === 'off');
  if (off) out.push('`go-mod-sync: off`: go.mod was not checked.');
  else if (changes.length === 0) out.push("go.mod already matched every release's module versions.");
  else {
    out.push(
      table(
        ['Server release', 'Module', 'From', 'To', 'Step', 'Why'],
        changes.map(({ tag, c }) => [
          code(tag),
          code(c.module),
          c.from && c.from !== 'none' ? code(c.from) : '(added)',
          c.to === 'none' ? '(removed)' : code(c.to),
          c.step ?? '',
          cell(c.reason ?? ''),
        ]),
      ),
    );
  }

  if (failing.length > 0) {
    out.push('### Failed');
    out.push(
      failing
        .flatMap(({ tag, t }) => problems(t).map((p) => `- ${code(t.target)} for ${code(tag)}: ${cell(p)}`))
        .join('\n'),
    );
  }
  if (data.release) {
    out.push(
      `Release: ${link(data.release.tag, data.release.url)}${data.release.draft ? ' (draft: publish it to make the assets public)' : ''}`,
    );
  }
  return `${out.join('\n\n')}\n`;
}
