// The plugin's module graph next to the server's: parse what `go list -m -json all` and
// `go mod graph` print, compare build lists, and find the requirement chain that explains a
// version (who needs it). Pure: text in, data out; tested as data.
import { parseGoMod, type GoModFile } from '../gomod';
import { compare as semverCompare } from '../gomod/semver';
import { oneLine } from '../log-text';

/** One module of a build list, as `go list -m -json` describes it. */
export interface ListedModule {
  path: string;
  /** '' for the main module. */
  version: string;
  main: boolean;
  /** Listed `// indirect` in the main module's go.mod. */
  indirect: boolean;
  /** What a `replace` directive substitutes (version '' for a directory). */
  replace?: { path: string; version: string };
  /** The module's `go` line, when known. */
  goVersion?: string;
}

export class GraphParseError extends Error {
  override name = 'GraphParseError';
}

/** Splits a stream of concatenated JSON objects (what `go list -json` prints) into the objects. */
export function splitJsonStream(text: string): unknown[] {
  const out: unknown[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '{') {
      if (depth++ === 0) start = i;
    } else if (c === '}') {
      if (--depth === 0) {
        try {
          out.push(JSON.parse(text.slice(start, i + 1)));
        } catch (e) {
          throw new GraphParseError(
            `go list printed JSON that does not parse: ${oneLine((e as Error).message)}`,
          );
        }
      } else if (depth < 0) {
        throw new GraphParseError('go list printed an unbalanced "}"');
      }
    }
  }
  if (depth !== 0) throw new GraphParseError('go list output ends inside a JSON object');
  return out;
}

interface GoListModule {
  Path?: string;
  Version?: string;
  Main?: boolean;
  Indirect?: boolean;
  Replace?: { Path?: string; Version?: string };
  GoVersion?: string;
  Error?: { Err?: string };
}

/**
 * Parses `go list -m -e -json all`. A module's error (with -e, e.g. no `.info` file in a file
 * proxy made from a module cache: only its time is missing) does not matter while its version is
 * known; a module without a version and with an error throws.
 */
export function parseModuleList(text: string): ListedModule[] {
  return splitJsonStream(text).map((raw) => {
    const m = raw as GoListModule;
    if (typeof m.Path !== 'string') throw new GraphParseError('go list printed a module without a Path');
    if (m.Error?.Err && !m.Version && m.Main !== true) throw new GraphParseError(`${m.Path}: ${m.Error.Err}`);
    return {
      path: m.Path,
      version: m.Version ?? '',
      main: m.Main === true,
      indirect: m.Indirect === true,
      ...(m.Replace?.Path !== undefined && {
        replace: { path: m.Replace.Path, version: m.Replace.Version ?? '' },
      }),
      ...(m.GoVersion !== undefined && { goVersion: m.GoVersion }),
    };
  });
}

/**
 * The modules whose packages the plugin links, from `go list -e -deps -f '{{with .Module}}{{.Path}}{{end}}'`
 * (one path per package; standard library packages print nothing). Only these can make Go's
 * plugin loader refuse the plugin: the build list also holds modules that are there for tests or
 * through go.mod files alone, and `go mod tidy` lets their versions drift.
 */
export function parseUsedModules(text: string): Set<string> {
  return new Set(
    text
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean),
  );
}

/** A node of the module graph: `path@version`, or the main module's bare path. */
export function nodeName(path: string, version: string): string {
  return version ? `${path}@${version}` : path;
}

export function splitNode(node: string): { path: string; version: string } {
  const at = node.lastIndexOf('@');
  return at < 0 ? { path: node, version: '' } : { path: node.slice(0, at), version: node.slice(at + 1) };
}

/** The requirement graph: node -> the nodes it requires, in `go mod graph` order. */
export type ModGraph = Map<string, string[]>;

/** Go 1.21+ adds `go@1.21` and `toolchain@go1.21.0` nodes: not modules, left out. */
function isGoOrToolchain(node: string): boolean {
  return node.startsWith('go@') || node.startsWith('toolchain@');
}

/** Parses `go mod graph` (one `from to` edge per line). */
export function parseModGraph(text: string): ModGraph {
  const graph: ModGraph = new Map();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    const parts = line.split(/\s+/);
    if (parts.length !== 2) throw new GraphParseError(`go mod graph printed "${line}", not "from to"`);
    const [from, to] = parts as [string, string];
    if (isGoOrToolchain(from) || isGoOrToolchain(to)) continue;
    const edges = graph.get(from);
    if (edges) edges.push(to);
    else graph.set(from, [to]);
  }
  return graph;
}

/** The main module of a build list. */
export function mainModule(list: readonly ListedModule[]): ListedModule | undefined {
  return list.find((m) => m.main);
}

/** Whether a go line lists every module of the build list in go.mod (go 1.17 and later). */
export function goModListsAll(go: string | undefined): boolean {
  if (!go) return false;
  const m = /^1\.(\d+)/.exec(go);
  return m ? Number(m[1]) >= 17 : /^[2-9]/.test(go);
}

/** The server's modules as its go.mod states them (requires, with the replaces that apply). */
export function serverModulesFromGoMod(
  goMod: string | GoModFile,
  file = 'server go.mod',
): { modules: ListedModule[]; complete: boolean; go?: string } {
  const f = typeof goMod === 'string' ? parseGoMod(goMod, file) : goMod;
  const modules: ListedModule[] = [];
  if (f.module) modules.push({ path: f.module.path, version: '', main: true, indirect: false });
  const seen = new Map<string, ListedModule>();
  for (const r of f.require) {
    const rep =
      f.replace.find((x) => x.oldPath === r.path && x.oldVersion === r.version) ??
      f.replace.find((x) => x.oldPath === r.path && x.oldVersion === '');
    const m: ListedModule = {
      path: r.path,
      version: r.version,
      main: false,
      indirect: r.indirect,
      ...(rep && { replace: { path: rep.newPath, version: rep.newVersion } }),
    };
    // Several lines for one path: Go selects the highest.
    const prev = seen.get(r.path);
    if (prev && semverCompare(prev.version, r.version) >= 0) continue;
    if (prev) modules.splice(modules.indexOf(prev), 1);
    seen.set(r.path, m);
    modules.push(m);
  }
  return {
    modules,
    complete: goModListsAll(f.go?.version),
    ...(f.go && { go: f.go.version }),
  };
}

/** What a module of a build list really is once replaced: `path@version` (a directory: just the path). */
export function effective(m: ListedModule): string {
  return m.replace ? nodeName(m.replace.path, m.replace.version) : nodeName(m.path, m.version);
}

export type DisagreementKind = 'version' | 'plugin-replace' | 'server-replace';

/** A module both build lists hold, at different versions (or replaced differently). */
export interface Disagreement {
  module: string;
  kind: DisagreementKind;
  /** The plugin's selected version. */
  plugin: string;
  /** The server's version. */
  server: string;
  pluginReplace?: { path: string; version: string };
  serverReplace?: { path: string; version: string };
}

export interface Comparison {
  /** Every module in both build lists (main modules excluded), with both versions, by path. */
  shared: { module: string; plugin: string; server: string }[];
  disagreements: Disagreement[];
}

/**
 * Compares every module both build lists use (of the plugin's, those it links when `used` is
 * given). Versions compare as exact strings (what Go's
 * plugin loader checks is the package's build, which follows the exact version); a replace on
 * either side compares what replaces it.
 */
export function compareBuildLists(
  plugin: readonly ListedModule[],
  server: readonly ListedModule[],
  /** The modules the plugin links (parseUsedModules); all of the build list when absent. */
  used?: ReadonlySet<string>,
): Comparison {
  const serverByPath = new Map(server.filter((m) => !m.main).map((m) => [m.path, m]));
  const shared: Comparison['shared'] = [];
  const disagreements: Disagreement[] = [];
  for (const p of plugin) {
    if (p.main || (used && !used.has(p.path))) continue;
    const s = serverByPath.get(p.path);
    if (!s) continue;
    shared.push({ module: p.path, plugin: p.version, server: s.version });
    if (effective(p) === effective(s)) continue;
    const kind: DisagreementKind = p.replace ? 'plugin-replace' : s.replace ? 'server-replace' : 'version';
    disagreements.push({
      module: p.path,
      kind,
      plugin: p.version,
      server: s.version,
      ...(p.replace && { pluginReplace: p.replace }),
      ...(s.replace && { serverReplace: s.replace }),
    });
  }
  const byPath = (a: { module: string }, b: { module: string }) => (a.module < b.module ? -1 : 1);
  return { shared: shared.sort(byPath), disagreements: disagreements.sort(byPath) };
}

function bfs(
  graph: ModGraph,
  start: string,
  isGoal: (node: string, from: string) => boolean,
  follow: (from: string, to: string) => boolean,
): string[] | undefined {
  const prev = new Map<string, string>([[start, '']]);
  const queue = [start];
  for (let i = 0; i < queue.length; i++) {
    const from = queue[i]!;
    for (const to of graph.get(from) ?? []) {
      if (isGoal(to, from)) {
        const chain = [to, from];
        for (let n = prev.get(from)!; n !== ''; n = prev.get(n)!) chain.push(n);
        return chain.reverse();
      }
      if (prev.has(to) || !follow(from, to)) continue;
      prev.set(to, from);
      queue.push(to);
    }
  }
  return undefined;
}

/**
 * The requirement chain from the main module to `module` at its selected version, as graph
 * nodes (first the main module). What explains a version best comes first: a chain through the
 * plugin's direct requirements and selected versions only, then one through `// indirect` lines
 * (which tidy writes for every module the build needs, so they explain nothing on their own),
 * then the main module's own requirement of it, then any edge at all.
 */
export function requirementChain(
  graph: ModGraph,
  list: readonly ListedModule[],
  module: string,
): string[] | undefined {
  const main = mainModule(list);
  const target = list.find((m) => m.path === module && !m.main);
  if (!main || !target) return undefined;
  const goal = nodeName(module, target.version);
  const selected = new Set(list.map((m) => nodeName(m.path, m.version)));
  const direct = new Set(list.filter((m) => !m.main && !m.indirect).map((m) => nodeName(m.path, m.version)));
  const start = main.path;
  const attempts: [(n: string, from: string) => boolean, (from: string, to: string) => boolean][] = [
    [
      (n, from) => n === goal && from !== start,
      (from, to) => selected.has(to) && (from !== start || direct.has(to)),
    ],
    [(n, from) => n === goal && from !== start, (_from, to) => selected.has(to)],
    [(n) => n === goal, (_from, to) => selected.has(to)],
    [(n) => n === goal, () => true],
  ];
  for (const [isGoal, follow] of attempts) {
    const chain = bfs(graph, start, isGoal, follow);
    if (chain) return chain;
  }
  return undefined;
}

/**
 * Why `from` (a node, e.g. `x@v1.5.0`) cannot stay: the shortest chain from it to a module that
 * `limits` holds at a lower version (module -> the highest version allowed). Undefined when its
 * requirements stay within the limits.
 */
export function chainAboveLimits(
  graph: ModGraph,
  from: string,
  limits: ReadonlyMap<string, string>,
): string[] | undefined {
  const tooNew = (n: string) => {
    const { path, version } = splitNode(n);
    const limit = limits.get(path);
    return limit !== undefined && version !== '' && semverCompare(version, limit) > 0;
  };
  return bfs(graph, from, tooNew, () => true);
}

/** `plugin -> x v1.5.0 -> y v1.10.0` (the first node, the main module, is called `plugin`). */
export function formatChain(chain: readonly string[], mainName = 'plugin'): string {
  return chain
    .map((n, i) => {
      if (i === 0 && !n.includes('@')) return mainName;
      const { path, version } = splitNode(n);
      return version ? `${path} ${version}` : path;
    })
    .join(' -> ');
}
