// The module graph alignment, run after `go mod tidy` in the builder image: compares the
// plugin's whole build list with the server's and, in `align` mode, lets Go resolve every
// disagreement (`go get` all shared modules at the server's versions, `go mod tidy`, repeat,
// bounded). In `cap` and `check` it only checks. The decisions are in align-plan.ts; this file
// runs the go commands (in containers, through the Docker adapter) and reads what they print.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { goScriptArgv, type ContainerSpec } from '../build/argv';
import type { Docker } from '../build/docker';
import { parseGoMod, type GoModFile } from '../gomod';
import { lastLines } from '../log-text';
import {
  disagreementKey,
  explainConflicts,
  mergeChanges,
  planNextRound,
  roundChanges,
  type AlignChange,
  type AlignMode,
  type Conflict,
  type GraphState,
} from './align-plan';
import {
  candidateVersions,
  decideRepair,
  parseAmbiguousImports,
  parseProbe,
  parseVersionList,
  splitPair,
} from './ambiguous';
import {
  compareBuildLists,
  parseModGraph,
  parseModuleList,
  parseUsedModules,
  serverModulesFromGoMod,
  type ListedModule,
} from './graph';

export interface AlignResult {
  mode: AlignMode;
  /** Where the server's versions came from. */
  serverSource: 'go.mod' | 'build list';
  /** Modules both build lists hold. */
  shared: number;
  /** `go get` rounds run (0 when the graph agreed after tidy). */
  rounds: number;
  /** Every change to the plugin's build list, with its reason. */
  changes: AlignChange[];
}

export class AlignError extends Error {
  override name = 'AlignError';
  constructor(
    message: string,
    readonly conflicts: Conflict[] = [],
  ) {
    super(message);
  }
}

export interface AlignInput {
  mode: AlignMode;
  docker: Docker;
  /** The container the modules were prepared in (plugin at /proj, module cache, Go environment). */
  spec: ContainerSpec;
  serverGoMod: string;
  serverGoModName: string;
  /** The server's go.mod as the resolve parsed it (parsed from serverGoMod when absent). */
  serverParsed?: GoModFile;
  /** Host folder for the server's module when its build list must be computed (go < 1.17). */
  workDir: string;
  /** The plugin's go.mod on the host (read for the lines of annotations). */
  pluginGoModPath: string;
  pluginGoModName: string;
  log: { info(message: string): void; warning(message: string): void };
  /**
   * The first listing (LIST_AND_GRAPH), already run after `go mod tidy` in the prepare container:
   * its exit code and stdout from the list marker on. Absent: run here.
   */
  listed?: { exitCode: number; output: string; stdout: string };
  /** The server's modules, already on their way (started beside tidy). Absent: found here. */
  server?: Promise<ServerModules>;
}

const MARK = '@@flow-align@@';
// -mod=mod: a vendored plugin would otherwise list from vendor/ (`go list -m all` refuses to,
// and after a `go get` vendor/ is behind go.mod until the build stage re-vendors).
export const LIST_AND_GRAPH =
  `echo ${MARK}list && go list -mod=mod -m -e -json all && echo ${MARK}graph && go mod graph` +
  ` && echo ${MARK}used && go list -mod=mod -e -deps -f '{{with .Module}}{{.Path}}{{end}}' .`;
/** One round: pin every shared module with go get, list what go get left, tidy, list again. */
const ROUND = `go get "$@" && echo ${MARK}after-get && go list -mod=mod -m -e -json all && go mod tidy && ${LIST_AND_GRAPH}`;
/** The server's build list, its go.mod as the main module of an empty folder. */
const SERVER_LIST = 'go list -mod=mod -m -e -json all';

/** The sections of a script's stdout, by the marker lines it printed. */
export function scriptSections(stdout: string): Map<string, string> {
  const sections = new Map<string, string>();
  let name = '';
  let lines: string[] = [];
  for (const line of stdout.split('\n')) {
    if (line.startsWith(MARK)) {
      sections.set(name, lines.join('\n'));
      name = line.slice(MARK.length).trim();
      lines = [];
    } else lines.push(line);
  }
  sections.set(name, lines.join('\n'));
  return sections;
}

function goFailure(what: string, r: { exitCode: number; output: string }): AlignError {
  const needsNewerGo = /requires go >= ?(\S+)/.exec(r.output);
  return new AlignError(
    `${what} failed (exit code ${r.exitCode}):\n${lastLines(r.output, 6, '\n')}` +
      (needsNewerGo
        ? `\nA module needs Go ${needsNewerGo[1]}, newer than the server's: keep the versions that build with the server's Go, or build for a newer server.`
        : ''),
  );
}

async function run(
  input: Pick<AlignInput, 'docker'>,
  spec: ContainerSpec,
  script: string,
  args: string[],
  what: string,
) {
  return sectionsOf(await input.docker.run(goScriptArgv(spec, script, args)), what);
}

function sectionsOf(r: { exitCode: number; output: string; stdout?: string }, what: string) {
  if (r.exitCode !== 0) throw goFailure(what, r);
  return scriptSections(r.stdout ?? r.output);
}

/**
 * Pure: the output of a prepare container that ran LIST_AND_GRAPH after `go mod tidy`, split at
 * the list marker: what tidy printed, and the listing (undefined when tidy failed before it).
 */
export function splitPrepareOutput(r: { exitCode: number; output: string; stdout?: string }): {
  tidy: { exitCode: number; output: string };
  listed?: { exitCode: number; output: string; stdout: string };
  /** The server's modules, already on their way (started beside tidy). Absent: found here. */
  server?: Promise<ServerModules>;
} {
  const marker = `${MARK}list`;
  const stdout = r.stdout ?? r.output;
  const at = stdout.split('\n').findIndex((l) => l.trim() === marker);
  if (at < 0) return { tidy: { exitCode: r.exitCode, output: r.output } };
  const lines = r.output.split('\n');
  const cut = lines.findIndex((l) => l.trim() === marker);
  return {
    tidy: { exitCode: 0, output: cut < 0 ? r.output : lines.slice(0, cut).join('\n') },
    listed: {
      exitCode: r.exitCode,
      output: cut < 0 ? '' : lines.slice(cut + 1).join('\n'),
      stdout: stdout.split('\n').slice(at).join('\n'),
    },
  };
}

function state(sections: Map<string, string>): GraphState {
  const used = sections.get('used');
  return {
    list: parseModuleList(sections.get('list') ?? ''),
    graph: parseModGraph(sections.get('graph') ?? ''),
    ...(used !== undefined && { used: parseUsedModules(used) }),
  };
}

/** The server's modules, with what finding them has to say (logged by the alignment, in its group). */
export interface ServerModules {
  modules: ListedModule[];
  source: AlignResult['serverSource'];
  said: { level: 'info' | 'warning'; message: string }[];
}

/**
 * The server's modules: its go.mod from go 1.17 on, else its build list computed by Go (a
 * container of its own, which may start beside `go mod tidy`: it does not read the plugin).
 */
export async function serverModules(
  input: Pick<AlignInput, 'docker' | 'spec' | 'serverGoMod' | 'serverGoModName' | 'serverParsed' | 'workDir'>,
): Promise<ServerModules> {
  const said: ServerModules['said'] = [];
  const fromGoMod = serverModulesFromGoMod(input.serverParsed ?? input.serverGoMod, input.serverGoModName);
  if (fromGoMod.complete) return { modules: fromGoMod.modules, source: 'go.mod', said };
  const dir = join(input.workDir, 'server-modules');
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'go.mod'), input.serverGoMod);
  said.push({
    level: 'info',
    message: `${input.serverGoModName} says go ${fromGoMod.go ?? '(none)'}: it lists only direct dependencies; computing the server's build list (go list -m all).`,
  });
  // A container name of its own: it may run beside tidy's container (named by the spec).
  const name = input.spec.name === undefined ? {} : { name: `${input.spec.name}-server-modules` };
  const r = await input.docker.run(goScriptArgv({ ...input.spec, ...name, pluginDir: dir }, SERVER_LIST));
  if (r.exitCode === 0) {
    try {
      return { modules: parseModuleList(r.stdout ?? r.output), source: 'build list', said };
    } catch (e) {
      said.push({
        level: 'warning',
        message: `Cannot read the server's build list: ${(e as Error).message}`,
      });
    }
  } else {
    said.push({
      level: 'warning',
      message: `Cannot compute the server's build list (exit code ${r.exitCode}): ${lastLines(r.output, 3)}\nComparing with the requirements of ${input.serverGoModName} only.`,
    });
  }
  return { modules: fromGoMod.modules, source: 'go.mod', said };
}

async function readPluginGoMod(input: AlignInput): Promise<GoModFile | undefined> {
  try {
    return parseGoMod(await readFile(input.pluginGoModPath, 'utf8'), input.pluginGoModName);
  } catch {
    return undefined; // only the annotations' line numbers are lost
  }
}

function conflictList(conflicts: readonly Conflict[]): string {
  return conflicts.map((c) => `  ${c.message}\n    fix: ${c.fix}`).join('\n');
}

function count(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? '' : 's'}`;
}

/** Checks (cap, check) or aligns (align) the plugin's module graph; throws AlignError when they disagree. */
export async function alignModuleGraph(input: AlignInput): Promise<AlignResult> {
  const server = await (input.server ?? serverModules(input));
  for (const s of server.said) input.log[s.level](s.message);
  const limits = new Map(server.modules.filter((m) => !m.main).map((m) => [m.path, m.version]));
  let now = state(
    input.listed
      ? sectionsOf(input.listed, 'go list -m all')
      : await run(input, input.spec, LIST_AND_GRAPH, [], 'go list -m all'),
  );
  let comparison = compareBuildLists(now.list, server.modules, now.used);
  input.log.info(
    `The plugin's build list has ${count(now.list.length - 1, 'module')}${now.used ? `, its packages come from ${count(now.used.size - 1, 'module')} besides the plugin's own` : ''}; ${comparison.shared.length} of them also in the server's (${server.source === 'go.mod' ? input.serverGoModName : "the server's build list"}); ${count(comparison.disagreements.length, 'disagreement')}.`,
  );
  const result = (rounds: number, changes: AlignChange[]): AlignResult => ({
    mode: input.mode,
    serverSource: server.source,
    shared: comparison.shared.length,
    rounds,
    changes,
  });

  if (input.mode !== 'align') {
    if (comparison.disagreements.length === 0) return result(0, []);
    const conflicts = explainConflicts({
      mode: input.mode,
      state: now,
      disagreements: comparison.disagreements,
      ...(await readPluginGoMod(input).then((f) => f && { pluginGoMod: f })),
    });
    const n = count(conflicts.length, 'module');
    throw new AlignError(
      input.mode === 'cap'
        ? `After go mod tidy the plugin's build list disagrees with the server's on ${n}; go-mod-sync: cap only rewrites go.mod's require lines (gomod-cap), and the server would refuse this plugin:\n${conflictList(conflicts)}\nSet go-mod-sync: align (the default) to align the whole module graph.`
        : `The plugin's build list disagrees with the server's on ${n}:\n${conflictList(conflicts)}`,
      conflicts,
    );
  }

  const history: string[] = [];
  const rounds: AlignChange[][] = [];
  let removedByGet = new Set<string>();
  for (let round = 0; ; round++) {
    const step = planNextRound({
      round,
      comparison,
      plugin: now.list,
      server: server.modules,
      history,
      ...(now.used && { used: now.used }),
    });
    if (step.kind === 'aligned') return result(rounds.length, mergeChanges(rounds));
    if (step.kind === 'stuck') {
      const conflicts = explainConflicts({
        mode: 'align',
        state: now,
        disagreements: comparison.disagreements,
        removedByGet,
        ...(await readPluginGoMod(input).then((f) => f && { pluginGoMod: f })),
      });
      const why = {
        replace: 'a replace directive decides these modules, not go get',
        'no-progress': 'go get and go mod tidy keep selecting these versions',
        bound: `still disagreeing after ${round} rounds of go get and go mod tidy`,
      }[step.why];
      throw new AlignError(
        `The plugin's module graph cannot be aligned with the server's (${why}); ${count(conflicts.length, 'module')} would differ and the server would refuse the plugin:\n${conflictList(conflicts)}`,
        conflicts,
      );
    }
    history.push(disagreementKey(comparison.disagreements));
    input.log.info(
      `Round ${round + 1}: ${comparison.disagreements.map((d) => `${d.module} ${d.plugin} (server ${d.server})`).join(', ')}; go get ${step.queries.join(' ')} && go mod tidy`,
    );
    const sections = await run(input, input.spec, ROUND, step.queries, 'go get');
    const afterGet = new Set(parseModuleList(sections.get('after-get') ?? '').map((m) => m.path));
    removedByGet = new Set(now.list.filter((m) => !m.main && !afterGet.has(m.path)).map((m) => m.path));
    const next = state(sections);
    rounds.push(roundChanges(now, next, limits));
    now = next;
    comparison = compareBuildLists(now.list, server.modules, now.used);
  }
}

/** Repairs of ambiguous imports before the first tidy succeeds: at most this many. */
export const MAX_AMBIGUITY_REPAIRS = 3;

const VERSIONS = `go list -mod=mod -m -versions "$1" && echo ${MARK}nested && go list -mod=mod -m -versions "$2"`;
/**
 * Downloads the parent module at each version given (ascending) and says whether its folder for
 * the package still holds Go files; stops at the first that does not.
 */
const PROBE =
  'dir=$1; shift; for q in "$@"; do ' +
  `d=$(go mod download -json "$q" | sed -n 's/^[[:space:]]*"Dir": "\\(.*\\)",\\{0,1\\}$/\\1/p'); ` +
  '[ -n "$d" ] || { echo "failed $q"; continue; }; ' +
  'if ls "$d/$dir"/*.go >/dev/null 2>&1; then echo "holds ${q#*@}"; else echo "gone ${q#*@}"; break; fi; done';

/**
 * `go mod tidy` failed with `output`: when it is an ambiguous import between a module and a
 * nested module split out of it, requires (in the plugin's go.mod, in the container) the version
 * where the two no longer overlap and returns the change with its reason; the caller runs tidy
 * again. Undefined when the output holds no such ambiguity; AlignError when it cannot be repaired.
 */
export async function repairAmbiguousImport(
  input: Pick<AlignInput, 'docker' | 'spec' | 'log'>,
  output: string,
): Promise<AlignChange | undefined> {
  const pair = parseAmbiguousImports(output)
    .map(splitPair)
    .find((p) => p !== undefined);
  if (!pair) return undefined;
  input.log.info(
    `Ambiguous import of ${pair.pkg}: ${pair.parent.path} ${pair.parent.version} and ${pair.nested.path} ${pair.nested.version} both hold it; looking for the version of ${pair.parent.path} that no longer does.`,
  );
  const lists = await run(
    input,
    input.spec,
    VERSIONS,
    [pair.parent.path, pair.nested.path],
    'go list -m -versions',
  );
  const candidates = candidateVersions(pair, parseVersionList(lists.get('') ?? '', pair.parent.path));
  const nestedVersions = parseVersionList(lists.get('nested') ?? '', pair.nested.path);
  let probe: ReturnType<typeof parseProbe> = [];
  if (candidates.length > 0) {
    const r = await input.docker.run(
      goScriptArgv(input.spec, PROBE, [pair.dir, ...candidates.map((v) => `${pair.parent.path}@${v}`)]),
    );
    probe = parseProbe(r.stdout ?? r.output);
  }
  const decision = decideRepair(pair, probe, nestedVersions);
  if (decision.kind === 'stuck') throw new AlignError(decision.message);
  await run(input, input.spec, 'go mod edit -require="$1"', [decision.query], 'go mod edit');
  return decision.change;
}
