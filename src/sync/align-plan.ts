// Aligning the plugin's whole build list with the server's (go-mod-sync: align): what to
// `go get` next, when to stop, how every change is explained, and how a conflict that cannot be
// aligned is told. Pure: build lists and graphs in, decisions and messages out.
import type { GoModFile } from '../gomod';
import { compare as semverCompare } from '../gomod/semver';
import {
  chainAboveLimits,
  formatChain,
  nodeName,
  requirementChain,
  splitNode,
  type Comparison,
  type Disagreement,
  type ListedModule,
  type ModGraph,
} from './graph';

/** Rounds of `go get` + `go mod tidy` before giving up (one is enough unless go get raises a module). */
export const MAX_ALIGN_ROUNDS = 5;

/** The plugin's module graph at one point: its build list and its requirement graph. */
export interface GraphState {
  list: ListedModule[];
  graph: ModGraph;
  /** The modules whose packages the plugin links (all of the build list when absent). */
  used?: ReadonlySet<string>;
}

/** A change the alignment made to the plugin's build list. */
export interface AlignChange {
  module: string;
  /** The version before (`none`: the module was added). */
  from: string;
  /** The version after (`none`: the module left the build list). */
  to: string;
  step: 'align';
  /** Why, e.g. `v1.5.0 needs example.com/y v1.10.0, the server has v1.9.1`. */
  reason: string;
}

export type AlignStep =
  | { kind: 'aligned' }
  | { kind: 'get'; queries: string[] }
  | { kind: 'stuck'; why: 'replace' | 'no-progress' | 'bound' };

/** `module@version` for every module both use, at the server's version (replaced ones left out). */
export function pinQueries(
  plugin: readonly ListedModule[],
  server: readonly ListedModule[],
  used?: ReadonlySet<string>,
): string[] {
  const serverByPath = new Map(server.filter((m) => !m.main).map((m) => [m.path, m]));
  const queries: string[] = [];
  for (const p of plugin) {
    const s = serverByPath.get(p.path);
    if (p.main || !s || p.replace || s.replace || (used && !used.has(p.path))) continue;
    queries.push(`${p.path}@${s.version}`);
  }
  return queries.sort();
}

/** A fingerprint of the disagreements, to see when a round changed nothing. */
export function disagreementKey(disagreements: readonly Disagreement[]): string {
  return disagreements.map((d) => `${d.module}@${d.plugin}`).join(' ');
}

/**
 * What to do after `round` rounds (0: right after the first tidy), given the comparison now and
 * the keys seen after earlier rounds. All shared modules are pinned in one `go get`, so Go
 * downgrades the dependents that need more and keeps every other shared module where it is.
 */
export function planNextRound(opts: {
  round: number;
  comparison: Comparison;
  plugin: readonly ListedModule[];
  server: readonly ListedModule[];
  history: readonly string[];
  used?: ReadonlySet<string>;
}): AlignStep {
  const { disagreements } = opts.comparison;
  if (disagreements.length === 0) return { kind: 'aligned' };
  if (disagreements.some((d) => d.kind !== 'version')) return { kind: 'stuck', why: 'replace' };
  if (opts.history.includes(disagreementKey(disagreements))) return { kind: 'stuck', why: 'no-progress' };
  if (opts.round >= MAX_ALIGN_ROUNDS) return { kind: 'stuck', why: 'bound' };
  return { kind: 'get', queries: pinQueries(opts.plugin, opts.server, opts.used) };
}

function versionsOf(list: readonly ListedModule[]): Map<string, string> {
  return new Map(list.filter((m) => !m.main).map((m) => [m.path, m.version]));
}

/**
 * The changes one round made (from the build list before it to the one after it), each with its
 * reason. `limits` holds the server's version of every pinned module.
 */
export function roundChanges(
  before: GraphState,
  after: GraphState,
  limits: ReadonlyMap<string, string>,
): AlignChange[] {
  const b = versionsOf(before.list);
  const a = versionsOf(after.list);
  const paths = [...new Set([...b.keys(), ...a.keys()])].sort();
  const changes: AlignChange[] = [];
  for (const module of paths) {
    const from = b.get(module) ?? 'none';
    const to = a.get(module) ?? 'none';
    if (from === to) continue;
    changes.push({
      module,
      from,
      to,
      step: 'align',
      reason: reasonFor(module, from, to, before, after, limits),
    });
  }
  return changes;
}

function reasonFor(
  module: string,
  from: string,
  to: string,
  before: GraphState,
  after: GraphState,
  limits: ReadonlyMap<string, string>,
): string {
  const limit = limits.get(module);
  if (limit !== undefined && to === limit) {
    const chain = from === 'none' ? undefined : requirementChain(before.graph, before.list, module);
    return chain && chain.length > 2
      ? `the server's version (${from} came from ${formatChain(chain)})`
      : "the server's version";
  }
  if (to === 'none') return 'no longer required';
  if (from !== 'none' && semverCompare(to, from) < 0) {
    const chain = chainAboveLimits(before.graph, nodeName(module, from), limits);
    if (!chain) return "downgraded by go get to fit the server's versions";
    const last = splitNode(chain.at(-1)!);
    return `${from} needs ${formatChain(chain.slice(1))}, the server has ${limits.get(last.path)}`;
  }
  const chain = requirementChain(after.graph, after.list, module);
  return chain ? `required by ${formatChain(chain.slice(0, -1))}` : 'required after the other changes';
}

/** Merges the changes of every round into one per module (first `from`, last `to`, every reason). */
export function mergeChanges(rounds: readonly AlignChange[][]): AlignChange[] {
  const merged = new Map<string, AlignChange>();
  for (const round of rounds) {
    for (const c of round) {
      const prev = merged.get(c.module);
      if (!prev) merged.set(c.module, { ...c });
      else {
        prev.to = c.to;
        if (!prev.reason.split('; ').includes(c.reason)) prev.reason += `; ${c.reason}`;
      }
    }
  }
  return [...merged.values()].filter((c) => c.from !== c.to).sort((x, y) => (x.module < y.module ? -1 : 1));
}

/** `v1.5.0 -> v1.4.2: v1.5.0 needs ...`, the log and summary form of a change. */
export function formatChange(c: AlignChange): string {
  return `${c.module} ${c.from} -> ${c.to}: ${c.reason}`;
}

export type AlignMode = 'align' | 'cap' | 'check';

/** A disagreement that stays, told for the log, an annotation and the error. */
export interface Conflict {
  module: string;
  /** `plugin -> x v1.5.0 -> y v1.10.0; the server has y v1.9.1`. */
  message: string;
  /** What would fix it. */
  fix: string;
  /** The plugin go.mod line to annotate: the direct requirement of the chain, or the replace. */
  line?: number;
}

function replaceText(r: { path: string; version: string }): string {
  return r.version ? `${r.path} ${r.version}` : r.path;
}

/**
 * Explains every disagreement left: the requirement chain from the plugin, what the server has,
 * and what would fix it. `removedByGet`: modules the last `go get` dropped (no version of them
 * fits) that tidy brought back because the plugin imports them.
 */
export function explainConflicts(opts: {
  mode: AlignMode;
  state: GraphState;
  disagreements: readonly Disagreement[];
  pluginGoMod?: GoModFile;
  removedByGet?: ReadonlySet<string>;
}): Conflict[] {
  const { state, pluginGoMod } = opts;
  const requireLine = (path: string) => pluginGoMod?.require.find((r) => r.path === path)?.line;
  return opts.disagreements.map((d): Conflict => {
    if (d.kind === 'plugin-replace') {
      const r = d.pluginReplace!;
      const line = pluginGoMod?.replace.find((x) => x.oldPath === d.module)?.line;
      if (r.version === '') {
        // A folder of the workspace (a monorepo): the author's own code, never downgraded or
        // replaced by the action; told with the chain that brings it in, like any conflict.
        const chain = requirementChain(state.graph, state.list, d.module) ?? [
          state.list.find((m) => m.main)?.path ?? 'plugin',
          d.module,
        ];
        return {
          module: d.module,
          message: `${formatChain(chain)} is built from the folder ${r.path} (go.mod replaces it); the server has ${d.module} ${d.server}`,
          fix: `the server links its own ${d.module} ${d.server} and refuses a plugin with other code under that path: remove the replace and require ${d.module} ${d.server}, give the folder's module another path, or build for a server release without ${d.module}`,
          ...(line !== undefined && { line }),
        };
      }
      return {
        module: d.module,
        message: `go.mod replaces ${d.module} => ${replaceText(r)}; the server has ${d.module} ${d.server}`,
        fix: `remove the replace, or make it replace ${d.module} => ${d.module} ${d.server}`,
        ...(line !== undefined && { line }),
      };
    }
    if (d.kind === 'server-replace') {
      const r = d.serverReplace!;
      const line = requireLine(d.module);
      return {
        module: d.module,
        message: `the server replaces ${d.module} => ${replaceText(r)}; the plugin has ${d.module} ${d.plugin}`,
        fix: r.version
          ? `add replace ${d.module} => ${r.path} ${r.version} to go.mod`
          : `the server builds ${d.module} from its own folder ${r.path}: no plugin can match it`,
        ...(line !== undefined && { line }),
      };
    }
    const chain = requirementChain(state.graph, state.list, d.module) ?? [
      state.list.find((m) => m.main)?.path ?? 'plugin',
      nodeName(d.module, d.plugin),
    ];
    const message = `${formatChain(chain)}; the server has ${d.module} ${d.server}`;
    const direct = chain.length > 1 ? splitNode(chain[1]!).path : d.module;
    const line = requireLine(direct) ?? requireLine(d.module);
    const stuckOn = chain
      .slice(1, -1)
      .map((n) => splitNode(n).path)
      .find((p) => opts.removedByGet?.has(p));
    const raised = semverCompare(d.plugin, d.server) > 0;
    let fix: string;
    if (opts.mode === 'align') {
      fix = stuckOn
        ? `no version of ${stuckOn} works with ${d.module} ${d.server} (go get ${d.module}@${d.server} removes it, and the plugin imports it): use a release of ${stuckOn} that requires ${d.module} ${d.server} or older, stop importing it, or build for a server release that has ${d.module} ${d.plugin}`
        : `go get ${d.module}@${d.server} does not keep it there: require ${d.module} ${d.server} and versions of the modules on that chain that need no more, or build for a server release that has ${d.module} ${d.plugin}`;
    } else {
      const how = raised
        ? `downgrade the modules that need more`
        : `raise ${d.module} to the server's version`;
      fix = `set go-mod-sync: align (the default) to ${how} the way Go does${opts.mode === 'cap' ? ' (cap only rewrites the require lines gomod-cap rewrites)' : ''}`;
    }
    return { module: d.module, message, fix, ...(line !== undefined && { line }) };
  });
}
