// Which targets this runner can execute, and whether each one is verified: amd64 and 386 run
// natively on an x86-64 runner, other architectures only through an emulator registered with
// binfmt_misc (e.g. by docker/setup-qemu-action). The handler needs the F flag ("fix binary": the
// kernel opens the interpreter at registration), or it cannot run inside the builder container,
// which does not have the interpreter at its path. Pure: the adapter reads the binfmt_misc folder.
import { expectedElf, type Target } from '../build/targets';

/** One binfmt_misc entry (a file of /proc/sys/fs/binfmt_misc other than `register`/`status`). */
export interface BinfmtEntry {
  name: string;
  enabled: boolean;
  interpreter?: string;
  flags: string;
  offset: number;
  /** Bytes to match, from `magic` (absent for extension-based entries). */
  magic?: Uint8Array;
  mask?: Uint8Array;
}

function hexBytes(hex: string): Uint8Array {
  const clean = hex.trim();
  const out = new Uint8Array(Math.floor(clean.length / 2));
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** Parses the text of one entry file (`enabled`, `interpreter ...`, `flags: PF`, `offset 0`, `magic ...`, `mask ...`). */
export function parseBinfmtEntry(name: string, text: string): BinfmtEntry {
  const lines = text.split('\n').map((l) => l.trim());
  const value = (key: string): string | undefined => {
    const line = lines.find((l) => l.startsWith(`${key} `) || l.startsWith(`${key}:`));
    return line?.slice(key.length).replace(/^:?\s*/, '');
  };
  const magic = value('magic');
  const mask = value('mask');
  const interpreter = value('interpreter');
  return {
    name,
    enabled: lines[0] === 'enabled',
    ...(interpreter !== undefined && { interpreter }),
    flags: value('flags') ?? '',
    offset: Number(value('offset') ?? 0) || 0,
    ...(magic !== undefined && { magic: hexBytes(magic) }),
    ...(mask !== undefined && { mask: hexBytes(mask) }),
  };
}

/** The first 20 bytes of a little-endian ELF executable (`type` 2) or PIE (3) for the target. */
export function elfHeaderFor(target: Target, type: 2 | 3): Uint8Array {
  const { machine, bits } = expectedElf(target);
  const h = new Uint8Array(20);
  h.set([0x7f, 0x45, 0x4c, 0x46, bits === 64 ? 2 : 1, 1, 1]);
  h[16] = type;
  h[18] = machine & 0xff;
  h[19] = machine >> 8;
  return h;
}

function matches(entry: BinfmtEntry, header: Uint8Array): boolean {
  if (!entry.magic) return false;
  for (let i = 0; i < entry.magic.length; i++) {
    const at = entry.offset + i;
    if (at >= header.length) return false;
    const m = entry.mask?.[i] ?? 0xff;
    if ((header[at]! & m) !== (entry.magic[i]! & m)) return false;
  }
  return true;
}

/** Architectures an x86-64 runner executes without an emulator. */
const NATIVE: Record<string, readonly string[]> = {
  x64: ['amd64', '386'],
  arm64: ['arm64'],
};

export type HowToRun =
  | { runs: true; via: 'native' }
  | { runs: true; via: 'emulator'; handler: string }
  | { runs: false; reason: string };

export interface BinfmtState {
  /** The binfmt_misc folder is mounted and its `status` says enabled. */
  enabled: boolean;
  entries: BinfmtEntry[];
}

/** Whether and how this runner executes the target's binaries. `hostArch` is Node's `process.arch`. */
export function howToRun(target: Target, hostArch: string, binfmt: BinfmtState): HowToRun {
  if ((NATIVE[hostArch] ?? []).includes(target.arch)) return { runs: true, via: 'native' };
  const headers = [elfHeaderFor(target, 2), elfHeaderFor(target, 3)];
  const handlers = binfmt.entries.filter((e) => headers.every((h) => matches(e, h)));
  if (!binfmt.enabled || handlers.every((h) => !h.enabled)) {
    return { runs: false, reason: `no emulator for ${target.arch} is registered on this runner` };
  }
  const usable = handlers.find((h) => h.enabled && h.flags.includes('F'));
  if (!usable) {
    const names = handlers.filter((h) => h.enabled).map((h) => h.name);
    return {
      runs: false,
      reason: `the emulator for ${target.arch} (${names.join(', ')}) is registered without the F flag, so it cannot run inside the builder container`,
    };
  }
  return { runs: true, via: 'emulator', handler: usable.name };
}

/** The one line that says how to have the unverified targets verified. */
export function enableEmulationHint(targets: string[]): string {
  return (
    `Not verified on this runner: ${targets.join(', ')} (no emulator registered). ` +
    'Add `- uses: docker/setup-qemu-action@v4` before this step to verify them too, ' +
    'or set verify: false to skip verification.'
  );
}
