// The server's Go version at a tag: the `GO_VERSION` file at the repository root, else the
// `toolchain` line of its go.mod (newer servers carry both, always equal). Pure.

/**
 * A Go release or language version as Go itself spells it (without the `go` prefix):
 * `1.12.0`, `1.22`, `1.21rc1`, `1.18beta2`. No leading zeros, no prerelease on a patch version.
 */
export function isValidGoVersion(version: string): boolean {
  return /^[1-9]\d*\.(0|[1-9]\d*)(\.(0|[1-9]\d*)|(alpha|beta|rc)[1-9]\d*)?$/.test(version);
}

/** The version in a GO_VERSION file: its first non-blank line, trimmed (`go1.22.0` -> `1.22.0`). */
export function parseGoVersionFile(text: string): string | undefined {
  const line = text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .find((l) => l !== '');
  if (line === undefined) return undefined;
  return line.startsWith('go') ? line.slice(2) : line;
}

/**
 * `go1.26.0` -> `1.26.0`. Custom toolchain suffixes (`go1.21.0-custom`) are dropped. Undefined
 * for anything that is not `go` + a valid Go version.
 */
export function goVersionFromToolchain(toolchain: string): string | undefined {
  const m = /^go([^-+\s]+)(?:[-+]\S*)?$/.exec(toolchain.trim());
  if (!m || !isValidGoVersion(m[1]!)) return undefined;
  return m[1];
}

/** The non-blank lines of a GO_VERSION file, trimmed. */
function goVersionLines(text: string): string[] {
  return text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
}

/** The argument of go.mod's `go` directive (`1.22`), if any. Comments are ignored. */
export function goDirective(goMod: string): string | undefined {
  for (const raw of goMod.split(/\r?\n/)) {
    const m = /^go\s+(\S+)$/.exec(raw.replace(/\/\/.*$/, '').trim());
    if (m) return m[1];
  }
  return undefined;
}

/** The argument of go.mod's `toolchain` directive (`go1.26.0`), if any. Comments are ignored. */
export function toolchainDirective(goMod: string): string | undefined {
  for (const raw of goMod.split(/\r?\n/)) {
    const line = raw.replace(/\/\/.*$/, '').trim();
    const m = /^toolchain\s+(\S+)$/.exec(line);
    if (m) return m[1];
  }
  return undefined;
}

export interface ServerGoVersion {
  version: string;
  source: 'GO_VERSION' | 'toolchain';
  /** Things worth a warning annotation (the two sources disagree, ...). */
  warnings: string[];
}

export class GoVersionError extends Error {
  override name = 'GoVersionError';
}

/**
 * Decides the server's Go version from what was read at the tag (undefined = file absent).
 * The GO_VERSION file wins; the toolchain line is the fallback; a disagreement is a warning.
 */
export function resolveServerGoVersion(input: {
  tag: string;
  goVersionFile?: string;
  goMod?: string;
}): ServerGoVersion {
  const { tag } = input;
  const fromFile = input.goVersionFile === undefined ? undefined : parseGoVersionFile(input.goVersionFile);
  const directive = input.goMod === undefined ? undefined : toolchainDirective(input.goMod);
  const fromToolchain = directive === undefined ? undefined : goVersionFromToolchain(directive);
  const warnings: string[] = [];

  if (fromFile !== undefined) {
    if (!isValidGoVersion(fromFile)) {
      throw new GoVersionError(
        `GO_VERSION at ${tag} says "${fromFile}", which is not a Go version such as 1.22.4 or 1.21rc1.`,
      );
    }
    const lines = goVersionLines(input.goVersionFile!);
    if (lines.length > 1) {
      warnings.push(`GO_VERSION at ${tag} has ${lines.length} lines, not one; using its first, ${fromFile}.`);
    }
    if (fromToolchain !== undefined && fromToolchain !== fromFile) {
      warnings.push(
        `GO_VERSION at ${tag} says ${fromFile} but go.mod says toolchain ${directive}; using ${fromFile} from GO_VERSION.`,
      );
    }
    warnings.push(...goLineWarnings(tag, input.goMod, fromFile, 'GO_VERSION'));
    return { version: fromFile, source: 'GO_VERSION', warnings };
  }
  if (directive !== undefined && fromToolchain === undefined) {
    throw new GoVersionError(
      `${tag} has no GO_VERSION file and go.mod's "toolchain ${directive}" is not a Go toolchain such as go1.22.4.`,
    );
  }
  if (fromToolchain !== undefined) {
    warnings.push(...goLineWarnings(tag, input.goMod, fromToolchain, 'the toolchain line'));
    return { version: fromToolchain, source: 'toolchain', warnings };
  }
  throw new GoVersionError(
    `${tag} has neither a GO_VERSION file nor a toolchain line in go.mod, so the server's Go version is unknown. ` +
      'Choose a server-version that has one.',
  );
}

/**
 * Orders Go versions the way Go's toolchain does (`1.22` < `1.22rc1` < `1.22.0` < `1.22.1`):
 * negative, zero or positive. Both must be valid (isValidGoVersion).
 */
export function compareGoVersions(a: string, b: string): number {
  const parse = (v: string): number[] => {
    const m = /^(\d+)\.(\d+)(?:\.(\d+)|(alpha|beta|rc)(\d+))?$/.exec(v);
    if (!m) throw new GoVersionError(`"${v}" is not a Go version`);
    const [, major, minor, patch, kind, n] = m;
    // Language version (no patch) < alpha < beta < rc < release x.y.0 < x.y.1 ...
    if (patch !== undefined) return [Number(major), Number(minor), 4, Number(patch)];
    if (kind !== undefined)
      return [Number(major), Number(minor), { alpha: 1, beta: 2, rc: 3 }[kind]!, Number(n)];
    return [Number(major), Number(minor), 0, 0];
  };
  const x = parse(a);
  const y = parse(b);
  for (let i = 0; i < 4; i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return 0;
}

/**
 * The server's go.mod `go` line newer than the Go version used: Go of that version cannot build
 * it, so one of the two is wrong. A warning that says which value is used. Pure.
 */
function goLineWarnings(tag: string, goMod: string | undefined, version: string, from: string): string[] {
  const line = goMod === undefined ? undefined : goDirective(goMod);
  if (line === undefined || !isValidGoVersion(line) || compareGoVersions(line, version) <= 0) return [];
  return [
    `go.mod at ${tag} says go ${line}, newer than Go ${version} from ${from}, which cannot build it; ` +
      `using Go ${version} from ${from} (the builder images of that version). If the server's binaries were built with a newer Go, ` +
      'the plugins will not load into them: check the release.',
  ];
}
