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
