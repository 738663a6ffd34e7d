// Ambiguous imports between a module and a nested module split out of it (go-mod-sync: align):
// `go mod tidy` fails with `ambiguous import: found package P in multiple modules` when an old
// version of a module (github.com/ugorji/go v1.1.4) still holds a package that later became its
// own module (github.com/ugorji/go/codec) and both are in the build list. Go's own answer is to
// require the split module at a version where the two no longer overlap. Pure: Go's output in,
// the ambiguity, the probe's answers and the decision out (align.ts runs the go commands).
import { compare as semverCompare, isValid } from '../gomod/semver';
import type { AlignChange } from './align-plan';

export interface ModuleVersion {
  path: string;
  version: string;
}

/** One `ambiguous import` error of Go: the package and the modules that hold it (shortest path first). */
export interface AmbiguousImport {
  pkg: string;
  modules: ModuleVersion[];
}

/**
 * Every `ambiguous import: found package P in multiple modules:` block of Go's output, with the
 * `\tmodule version (dir)` lines under it (Go lists the modules from the shortest path to the
 * longest). Blocks about directories (vendor/, the main module) are left out.
 */
export function parseAmbiguousImports(output: string): AmbiguousImport[] {
  const found: AmbiguousImport[] = [];
  const lines = output.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const head = /ambiguous import: found package (\S+) in multiple modules:\s*$/.exec(lines[i]!);
    if (!head) continue;
    const modules: ModuleVersion[] = [];
    for (let j = i + 1; j < lines.length; j++) {
      const m = /^\s+(\S+) (v\S+) \(.*\)\s*$/.exec(lines[j]!);
      if (!m) break;
      modules.push({ path: m[1]!, version: m[2]! });
    }
    if (modules.length >= 2 && !found.some((f) => f.pkg === head[1])) found.push({ pkg: head[1]!, modules });
  }
  return found;
}

/** The module that a nested module was split out of, and the nested module, for one ambiguity. */
export interface SplitPair {
  pkg: string;
  parent: ModuleVersion;
  nested: ModuleVersion;
  /** The package's folder inside the parent module (`codec`). */
  dir: string;
}

/**
 * The parent (the shortest module path) and the nested module (the longest) of an ambiguity,
 * when the nested module's path lies under the parent's and the package under both; else
 * undefined (two unrelated modules claiming one path: nothing to repair by versions).
 */
export function splitPair(a: AmbiguousImport): SplitPair | undefined {
  const sorted = [...a.modules].sort((x, y) => x.path.length - y.path.length);
  const parent = sorted[0]!;
  const nested = sorted.at(-1)!;
  const under = (path: string, root: string) => path === root || path.startsWith(`${root}/`);
  if (parent.path === nested.path || !under(nested.path, parent.path) || !under(a.pkg, nested.path)) {
    return undefined;
  }
  return { pkg: a.pkg, parent, nested, dir: a.pkg.slice(parent.path.length + 1) };
}

/** The parent's versions to probe, ascending, newer than the one in the build list (at most `max`). */
export function candidateVersions(pair: SplitPair, listed: readonly string[], max = 20): string[] {
  return listed
    .filter((v) => isValid(v) && semverCompare(v, pair.parent.version) > 0)
    .sort(semverCompare)
    .slice(0, max);
}

/** The lines `go list -m -versions M` prints: `M v1 v2 ...` -> the versions. */
export function parseVersionList(text: string, module: string): string[] {
  for (const line of text.split('\n')) {
    const [path, ...versions] = line.trim().split(/\s+/);
    if (path === module) return versions;
  }
  return [];
}

/** What the probe saw: for each probed parent version in order, whether it still holds the package. */
export type ProbeAnswer = { version: string; holds: boolean };

/** The probe script's lines (`holds v1.1.6`, `gone v1.1.7`) -> answers. */
export function parseProbe(text: string): ProbeAnswer[] {
  const answers: ProbeAnswer[] = [];
  for (const line of text.split('\n')) {
    const m = /^(holds|gone) (\S+)$/.exec(line.trim());
    if (m) answers.push({ version: m[2]!, holds: m[1] === 'holds' });
  }
  return answers;
}

export type RepairDecision =
  { kind: 'require'; change: AlignChange; query: string } | { kind: 'stuck'; message: string };

/**
 * What to require for one ambiguity: the lowest parent version that no longer holds the package
 * (S) is where the nested module was split out. The nested module at S when it has that version
 * and it is newer than the one in the build list (a split module's go.mod requires its parent at
 * the split, so both move past the overlap: Go's own answer); else the parent at S.
 */
export function decideRepair(
  pair: SplitPair,
  probe: readonly ProbeAnswer[],
  nestedVersions: readonly string[],
): RepairDecision {
  const gone = probe.find((p) => !p.holds);
  const who = `${pair.parent.path} ${pair.parent.version} and ${pair.nested.path} ${pair.nested.version} both hold package ${pair.pkg}`;
  if (!gone) {
    const tried =
      probe.length > 0
        ? `every newer version probed (${probe.map((p) => p.version).join(', ')})`
        : 'no newer version is published';
    return {
      kind: 'stuck',
      message: `ambiguous import: ${who}, and ${pair.parent.path} still holds it in ${tried}. Require versions of the two modules that do not overlap, or drop the requirement that brings in ${pair.parent.path} ${pair.parent.version}.`,
    };
  }
  const split = gone.version;
  const reason = `ambiguous import: ${who}; ${pair.parent.path} no longer holds it from ${split}, where ${pair.nested.path} was split out`;
  if (nestedVersions.includes(split) && semverCompare(split, pair.nested.version) > 0) {
    return {
      kind: 'require',
      query: `${pair.nested.path}@${split}`,
      change: { module: pair.nested.path, from: pair.nested.version, to: split, step: 'align', reason },
    };
  }
  return {
    kind: 'require',
    query: `${pair.parent.path}@${split}`,
    change: { module: pair.parent.path, from: pair.parent.version, to: split, step: 'align', reason },
  };
}
