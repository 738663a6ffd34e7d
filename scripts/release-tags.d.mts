export interface ReleaseTag {
  tag: string;
  major: number;
  minor: number;
  patch: number;
  /** '' for a release. */
  prerelease: string;
}
export interface ReleasePlan {
  tag: string;
  commit: string;
  prerelease: boolean;
  /** No higher release tag exists: GitHub's "latest" release. */
  latest: boolean;
  moves: { tag: string; from: string | null; to: string }[];
  keeps: { tag: string; at: string | null; reason: string }[];
}
export declare function parseReleaseTag(tag: string): ReleaseTag | undefined;
export declare function planRelease(tag: string, tags: Record<string, string>): ReleasePlan;
export declare function releaseNotes(changelog: string, version: string): string;
export declare function readTags(cwd: string): Record<string, string>;
export declare function ciProblem(runs: unknown, commit: string): string | undefined;
export declare function releaseGate(
  plan: ReleasePlan,
  facts: { onMain: boolean; ciRuns: unknown; tagTokenSet: boolean },
): string[];
export declare function isOnBranch(cwd: string, commit: string, branch?: string): boolean;
export declare function moveCommands(plan: ReleasePlan, remote?: string): string[][];
export declare function moveTags(
  cwd: string,
  plan: ReleasePlan,
  options?: { dryRun?: boolean; remote?: string; attempts?: number },
): { commands: string[]; plan: ReleasePlan };
