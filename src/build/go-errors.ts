// Turns the Go compiler's output into annotations on the plugin's files (the job of a problem
// matcher, done here so paths inside the container (/proj/...) map back to the repository). Pure.
import { posix } from 'node:path';

export interface GoDiagnostic {
  /** Path relative to the workspace (GITHUB_WORKSPACE), with forward slashes. */
  file: string;
  line: number;
  column?: number;
  message: string;
}

/**
 * Finds `file.go:line[:col]: message` lines. `pluginDirInWorkspace` is the plugin folder relative
 * to the workspace ('' or '.' for the root); files under /proj or relative to it are mapped there.
 * Files outside the plugin (module cache, GOROOT) are not the author's and are left out.
 */
export function parseGoDiagnostics(
  output: string,
  pluginDirInWorkspace: string,
  /** What /proj is in the workspace when a local replace mounts the plugin deeper (layout.ts). */
  projInWorkspace = pluginDirInWorkspace,
): GoDiagnostic[] {
  const found: GoDiagnostic[] = [];
  const seen = new Set<string>();
  for (const raw of output.split(/\r?\n/)) {
    const m = /^\s*((?:\.{1,2}\/|\/)?[^\s:]+\.go):(\d+)(?::(\d+))?: (.+)$/.exec(raw);
    if (!m) continue;
    let file = m[1]!;
    if (file.startsWith('/')) {
      if (!file.startsWith('/proj/')) continue;
      file = posix.join(projInWorkspace || '.', file.slice('/proj/'.length));
    } else file = posix.join(pluginDirInWorkspace || '.', file);
    file = posix.normalize(file);
    if (file.startsWith('../')) continue;
    const d: GoDiagnostic = { file, line: Number(m[2]), message: m[4]!.trim() };
    if (m[3]) d.column = Number(m[3]);
    const key = `${d.file}:${d.line}:${d.column ?? ''}:${d.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    found.push(d);
  }
  return found;
}

export interface ChecksumMismatch {
  module: string;
  version: string;
  /** True when it is the module's go.mod file (`path@version/go.mod`), not its zip. */
  goModOnly: boolean;
  /** The hash of what was downloaded, and the recorded one (go.sum's or the checksum database's). */
  downloaded?: string;
  recorded?: string;
  /** `go.sum` or the checksum database's name (sum.golang.org). */
  recordedIn?: string;
}

/**
 * Go's `verifying <module>@<version>[/go.mod]: checksum mismatch` blocks (with their
 * `downloaded:` and `go.sum:` lines), one per module version, from `go mod tidy`, `go mod
 * download`, `go get` or `go build` output. Pure.
 */
export function parseChecksumMismatches(output: string): ChecksumMismatch[] {
  const out: ChecksumMismatch[] = [];
  const lines = output.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const m =
      /(?:verifying )?(\S+?)@(v[^\s:/]+)(\/go\.mod)?: (?:verifying (?:module|go\.mod): )?checksum mismatch/.exec(
        lines[i]!,
      );
    if (!m) continue;
    const found: ChecksumMismatch = {
      module: m[1]!.replace(/^.*verifying /, ''),
      version: m[2]!,
      goModOnly: m[3] !== undefined,
    };
    for (let j = i + 1; j < Math.min(lines.length, i + 4); j++) {
      const d = /^\s*downloaded:\s*(\S+)/.exec(lines[j]!);
      if (d) found.downloaded = d[1]!;
      const r = /^\s*([\w.-]+):\s+(h1:\S+)/.exec(lines[j]!);
      if (r && r[1] !== 'downloaded') {
        found.recordedIn = r[1]!;
        found.recorded = r[2]!;
      }
    }
    if (
      !out.some(
        (x) => x.module === found.module && x.version === found.version && x.goModOnly === found.goModOnly,
      )
    )
      out.push(found);
  }
  return out;
}

/** What a checksum mismatch means and what to do, naming the module and version. Pure. */
export function checksumMismatchMessage(m: ChecksumMismatch): string {
  const what = `${m.module} ${m.version}${m.goModOnly ? ' (its go.mod)' : ''}`;
  const hashes =
    m.recorded && m.downloaded
      ? ` (${m.recordedIn ?? 'go.sum'} has ${m.recorded}, the download has ${m.downloaded})`
      : '';
  return (
    `checksum mismatch for ${what}${hashes}: the module's content is not what ${m.recordedIn === 'go.sum' || !m.recordedIn ? 'go.sum recorded' : 'the checksum database recorded'}. ` +
    'Either the module was changed after go.sum recorded it (a re-tagged version, a proxy serving other bytes) or go.sum was edited. ' +
    `Check where ${m.module} comes from (GOPROXY, GONOSUMDB, a replace); if you trust the new content, remove its lines from go.sum and run go mod tidy, then commit go.sum.`
  );
}
