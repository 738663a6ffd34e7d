// Build targets (`linux-amd64`, `linux-arm-7`, ...): parsing, validation and what each one means
// for Go (GOOS/GOARCH/GOARM) and for the ELF file it produces. Pure.

export interface Target {
  /** The canonical name used in image tags and file names, e.g. `linux-arm-7`. */
  name: string;
  os: string;
  arch: string;
  /** GOARM for 32-bit arm targets (`5`, `6`, `7`). */
  goarm?: string;
}

export const DEFAULT_TARGETS = 'linux-amd64,linux-arm-7,linux-arm64,linux-386';

/** GOARCH values Go supports on Linux (`go tool dist list`), mapped to their ELF e_machine and class. */
const LINUX_ARCHES: Record<string, { machine: number; bits: 32 | 64 }> = {
  '386': { machine: 3, bits: 32 },
  amd64: { machine: 62, bits: 64 },
  arm: { machine: 40, bits: 32 },
  arm64: { machine: 183, bits: 64 },
  loong64: { machine: 258, bits: 64 },
  mips: { machine: 8, bits: 32 },
  mipsle: { machine: 8, bits: 32 },
  mips64: { machine: 8, bits: 64 },
  mips64le: { machine: 8, bits: 64 },
  ppc64: { machine: 21, bits: 64 },
  ppc64le: { machine: 21, bits: 64 },
  riscv64: { machine: 243, bits: 64 },
  s390x: { machine: 22, bits: 64 },
};

export class TargetError extends Error {
  override name = 'TargetError';
}

/** Parses one target name; throws TargetError with what to write instead. */
export function parseTarget(raw: string): Target {
  const name = raw.trim().toLowerCase();
  const parts = name.split('-');
  const [os, arch, goarm, ...rest] = parts;
  const examples = 'e.g. linux-amd64, linux-arm-7, linux-arm64, linux-386 or linux-riscv64';
  if (!os || !arch || rest.length > 0) {
    throw new TargetError(`"${raw}" is not a target: write <os>-<arch>[-<goarm>], ${examples}`);
  }
  if (os !== 'linux') {
    throw new TargetError(
      `"${raw}": Go plugins (-buildmode=plugin) are built for linux only here; write linux-${arch}`,
    );
  }
  if (!(arch in LINUX_ARCHES)) {
    throw new TargetError(
      `"${raw}": unknown architecture "${arch}"; known: ${Object.keys(LINUX_ARCHES).join(', ')} (${examples})`,
    );
  }
  if (arch === 'arm') {
    if (goarm === undefined) {
      throw new TargetError(
        `"${raw}": 32-bit arm needs its GOARM level: write linux-arm-7 (or linux-arm-6, linux-arm-5)`,
      );
    }
    if (!/^[5-7]$/.test(goarm)) {
      throw new TargetError(`"${raw}": GOARM must be 5, 6 or 7, e.g. linux-arm-7`);
    }
    return { name, os, arch, goarm };
  }
  if (goarm !== undefined) {
    throw new TargetError(`"${raw}": only arm takes a third part (GOARM); write ${os}-${arch}`);
  }
  return { name, os, arch };
}

/**
 * Parses the `targets` input: comma and/or newline separated, blanks ignored, duplicates dropped
 * (keeping the first), order kept.
 */
export function parseTargets(text: string): Target[] {
  const names = text
    .split(/[,\n\r]+/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (names.length === 0) {
    throw new TargetError(`no target given: write e.g. ${DEFAULT_TARGETS}`);
  }
  const spaced = names.find((n) => /\s/.test(n));
  if (spaced !== undefined) {
    throw new TargetError(
      `"${spaced}": separate targets with commas or newlines, not spaces: write ${spaced.split(/\s+/).join(',')}`,
    );
  }
  const seen = new Set<string>();
  const targets: Target[] = [];
  for (const n of names) {
    const t = parseTarget(n);
    if (seen.has(t.name)) continue;
    seen.add(t.name);
    targets.push(t);
  }
  return targets;
}

/** The ELF header a plugin for this target must have (e_machine and class). */
export function expectedElf(target: Target): { machine: number; bits: 32 | 64 } {
  return LINUX_ARCHES[target.arch]!;
}

/** Reads e_machine and class from the first bytes of an ELF file; undefined if it is not ELF. */
export function readElfHeader(head: Uint8Array): { machine: number; bits: 32 | 64 } | undefined {
  if (head.length < 20 || head[0] !== 0x7f || head[1] !== 0x45 || head[2] !== 0x4c || head[3] !== 0x46) {
    return undefined;
  }
  const bits = head[4] === 2 ? 64 : 32;
  const little = head[5] === 1;
  const machine = little ? head[18]! | (head[19]! << 8) : (head[18]! << 8) | head[19]!;
  return { machine, bits };
}
