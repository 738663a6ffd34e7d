// The skip rule at plan time: the releases a build with `unsupported-server-version: skip` would
// skip for the plugin's go line (newer than the release's Go, so its image cannot build it) are
// left out of the matrix and listed, with the reason one step gives. One rule: goLineTooNew, the
// build stage's. Pure.
import { goLineTooNew } from '../build/plan';

/** A release left out, as the `skipped-server-versions` output lists it; `line` is the go line's. */
export interface PlanSkip {
  server: string;
  go: string;
  reason: string;
  line: number;
}

/** Splits the releases (newest first, each with its Go version) into those to plan and those skipped. */
export function planSkips(
  goLine: { version: string; line: number } | undefined,
  releases: readonly { tag: string; go: string }[],
  goModName: string,
): { kept: string[]; skipped: PlanSkip[] } {
  const kept: string[] = [];
  const skipped: PlanSkip[] = [];
  for (const r of releases) {
    const tooNew = goLineTooNew(goLine, r.go, goModName);
    if (tooNew) skipped.push({ server: r.tag, go: r.go, reason: tooNew.message, line: tooNew.line });
    else kept.push(r.tag);
  }
  return { kept, skipped };
}

/** The step's failure when every release was skipped: one step and a plan say it alike. */
export function everySkippedMessage(skipped: readonly { server: string; reason: string }[]): string {
  return `Every server release was skipped, so nothing was built: ${skipped.map((s) => `${s.server}: ${s.reason}`).join('; ')}`;
}
