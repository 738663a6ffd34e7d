// Planning the verification: which built plugins are loaded into the server (and how), which are
// not and why, and what the outcome means for the step. Pure: tested as data.
import type { Target } from '../build/targets';
import type { VerifyMode } from '../inputs';
import { enableEmulationHint, howToRun, type BinfmtState } from './emulation';

export type VerifyStatus = 'loaded' | 'failed' | 'not-verified';

/** One entry of the `verified` output. */
export interface VerifyEntry {
  target: string;
  status: VerifyStatus;
  /** Why it failed or was not verified. */
  reason?: string;
  durationMs: number;
  /** The module path the server listed for the loaded plugin. */
  modulePath?: string;
  /**
   * The plugin's Go build info against the server binary's (Go version, code-changing settings,
   * modules both link): `matches`, or `differs` (the target then fails); absent when unknown.
   */
  buildInfo?: 'matches' | 'differs';
}

/** The start of the reason of a target failed by its build info (not by a load). */
export const BUILD_INFO_DIFFERS = 'its Go build info differs from the server binary: ';

/**
 * How a target was proven: `loaded` (into the server), `build-info` (not loaded here, but its build
 * info matches the server's), or undefined (not proven).
 */
export function proofOf(e: VerifyEntry): 'loaded' | 'build-info' | undefined {
  if (e.status === 'loaded') return 'loaded';
  if (e.status === 'not-verified' && e.buildInfo === 'matches') return 'build-info';
  return undefined;
}

export type TargetDecision =
  | { target: Target; verify: true; via: 'native' | 'emulator' }
  | { target: Target; verify: false; reason: string; noEmulator?: boolean };

/** Per built target: load it (natively or through the emulator) or say why not. */
export function decideTargets(
  mode: VerifyMode,
  built: { target: Target; ok: boolean }[],
  hostArch: string,
  binfmt: BinfmtState,
): TargetDecision[] {
  return built.map((b): TargetDecision => {
    if (mode === 'false') return { target: b.target, verify: false, reason: 'verify is false' };
    if (!b.ok) return { target: b.target, verify: false, reason: 'the build failed' };
    const how = howToRun(b.target, hostArch, binfmt);
    if (how.runs) return { target: b.target, verify: true, via: how.via };
    return { target: b.target, verify: false, reason: how.reason, noEmulator: true };
  });
}

/**
 * With `verify: true`, the targets this runner cannot run at all (no emulator): known before
 * anything is built, so the run refuses them up front. Empty otherwise.
 */
export function unrunnableTargets(
  mode: VerifyMode,
  targets: Target[],
  hostArch: string,
  binfmt: BinfmtState,
): { target: Target; reason: string }[] {
  if (mode !== 'true') return [];
  return targets.flatMap((target) => {
    const how = howToRun(target, hostArch, binfmt);
    return how.runs ? [] : [{ target, reason: how.reason }];
  });
}

/** The refusal of `verify: true` for targets this runner cannot run, naming the input and what to write. */
export function unrunnableMessage(missing: { target: Target; reason: string }[]): string {
  return (
    `verify is true, but this runner cannot run ${missing.map((m) => `${m.target.name} (${m.reason})`).join('; ')}, ` +
    'so those plugins could not be loaded before the upload. Add `- uses: docker/setup-qemu-action@v4` before this step, ' +
    'or set verify: auto to load the plugins this runner can run (verify: false loads none). Nothing was built or uploaded.'
  );
}

/** The one notice for targets left unverified for want of an emulator (auto), or undefined. */
export function emulationNotice(decisions: TargetDecision[]): string | undefined {
  const names = decisions.filter((d) => !d.verify && d.noEmulator).map((d) => d.target.name);
  return names.length > 0 ? enableEmulationHint(names) : undefined;
}

/**
 * Why the step fails, if it does: any plugin the server refused; with `verify: true` also any
 * built target that could not be verified (a target whose build failed is already a failure).
 */
export function verifyProblems(mode: VerifyMode, entries: VerifyEntry[]): string[] {
  const problems: string[] = [];
  const failed = entries.filter((e) => e.status === 'failed');
  const differs = failed.filter((e) => e.reason?.startsWith(BUILD_INFO_DIFFERS));
  const refused = failed.filter((e) => !differs.includes(e));
  if (refused.length > 0) {
    problems.push(
      `the server refused the plugin for ${refused.map((e) => e.target).join(', ')}: nothing was uploaded`,
    );
  }
  if (differs.length > 0) {
    problems.push(
      `the plugin's Go build info differs from the server binary's for ${differs.map((e) => `${e.target} (${e.reason!.slice(BUILD_INFO_DIFFERS.length)})`).join('; ')}: nothing was uploaded`,
    );
  }
  if (mode === 'true') {
    const missed = entries.filter((e) => e.status === 'not-verified' && e.reason !== 'the build failed');
    if (missed.length > 0) {
      problems.push(
        `verify is true but ${missed.map((e) => `${e.target} (${e.reason})`).join('; ')} could not be verified: nothing was uploaded`,
      );
    }
  }
  return problems;
}

/** The `verified` output: JSON, one object per target. */
export function verifiedOutput(entries: VerifyEntry[]): string {
  return JSON.stringify(
    entries.map((e) => ({
      target: e.target,
      status: e.status,
      ...(e.reason !== undefined && { reason: e.reason }),
      durationMs: e.durationMs,
      ...(e.modulePath !== undefined && { modulePath: e.modulePath }),
      ...(e.buildInfo !== undefined && { buildInfo: e.buildInfo }),
    })),
  );
}
