// Deterministic generators of varied go.mod files and server/plugin pairs, for the differential
// suite against the real go command and for property tests. Everything derives from a seed.

/** mulberry32: a small deterministic PRNG. */
export class Rand {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
  shuffle<T>(xs: T[]): T[] {
    for (let i = xs.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [xs[i], xs[j]] = [xs[j]!, xs[i]!];
    }
    return xs;
  }
}

/** Module paths with the versions that fit them (major suffixes, gopkg.in, +incompatible). */
const MODULES: { path: string; versions: string[] }[] = [
  {
    path: 'github.com/gin-gonic/gin',
    versions: ['v1.9.1', 'v1.10.0', 'v1.8.2', 'v1.10.1-0.20240101000000-abcdefabcdef'],
  },
  { path: 'github.com/gorilla/websocket', versions: ['v1.5.0', 'v1.5.3', 'v1.4.2'] },
  {
    path: 'golang.org/x/sys',
    versions: ['v0.20.0', 'v0.21.0', 'v0.0.0-20220412211240-33da011f77ad', 'v0.19.0'],
  },
  { path: 'golang.org/x/net', versions: ['v0.25.0', 'v0.26.0', 'v0.24.0-rc.1'] },
  { path: 'gopkg.in/yaml.v3', versions: ['v3.0.1', 'v3.0.0', 'v3.0.0-20210107192922-496545a6307b'] },
  { path: 'gopkg.in/yaml.v2', versions: ['v2.4.0', 'v2.3.0'] },
  { path: 'github.com/example/lib/v2', versions: ['v2.0.0', 'v2.1.3', 'v2.1.4-beta.2'] },
  { path: 'github.com/old/thing', versions: ['v2.0.0+incompatible', 'v3.1.0+incompatible', 'v1.0.0'] },
  { path: 'example.com/lib', versions: ['v1.2.0', 'v1.3.0', 'v1.2.0-pre'] },
  { path: 'example.com/a', versions: ['v0.1.0', 'v0.2.0', 'v0.10.0'] },
  { path: 'example.com/b', versions: ['v1.0.0', 'v1.0.1'] },
  { path: 'github.com/stretchr/testify', versions: ['v1.9.0', 'v1.8.4'] },
  { path: 'github.com/davecgh/go-spew', versions: ['v1.1.1', 'v1.1.2-0.20180830191138-d8f796af33cc'] },
  { path: 'github.com/pmezard/go-difflib', versions: ['v1.0.0', 'v1.0.1-0.20181226105442-5d4384ee4fb2'] },
  { path: 'github.com/Some_User/Mixed.Case~x', versions: ['v1.0.0', 'v1.1.0'] },
  { path: 'go.flow.dev/plugin-api', versions: ['v1.0.0', 'v1.0.1', 'v1.1.0'] },
];

/** Some versions in non-canonical short forms (Go canonicalises them). */
function maybeShort(r: Rand, v: string): string {
  const m = /^(v\d+)\.(\d+)\.0$/.exec(v);
  if (m && r.chance(0.05)) return r.chance(0.5) ? `${m[1]}.${m[2]}` : v;
  return v;
}

export interface GenOptions {
  /** Include `ignore` (needs Go >= 1.25). */
  ignore: boolean;
  /** Sometimes write lines Go rejects (a raw string path, a Windows replacement directory). */
  invalid?: boolean;
}

const SP = [' ', ' ', ' ', ' ', '  ', '\t', ' \t '];

function sp(r: Rand): string {
  return r.chance(0.85) ? ' ' : r.pick(SP);
}

function comment(r: Rand): string {
  return r.pick([
    '// a comment',
    '//tight',
    '//   spaced out   ',
    '// Deprecated: use other',
    '// indirect',
    '// why: see issue #1',
    '//',
    '// ünïcödé ✓',
  ]);
}

function suffix(r: Rand, p: number): string {
  return r.chance(p) ? sp(r) + comment(r) : '';
}

function quoted(r: Rand, path: string): string {
  return r.chance(0.1) ? `"${path}"` : path;
}

interface Directive {
  verb: string;
  /** Argument texts (one per line when in a block). */
  items: string[];
}

function requireItems(r: Rand, mods: { path: string; version: string; indirect?: boolean }[]): string[] {
  return mods.map((m) => {
    let s = `${quoted(r, m.path)}${sp(r)}${maybeShort(r, m.version)}`;
    if (m.indirect)
      s += sp(r) + r.pick(['// indirect', '//indirect', '// indirect; needed by x', '// indirect']);
    else s += suffix(r, 0.15);
    return s;
  });
}

function pickMods(r: Rand, n: number): { path: string; version: string; indirect: boolean }[] {
  const mods = r.shuffle([...MODULES]).slice(0, n);
  return mods.map((m) => ({ path: m.path, version: r.pick(m.versions), indirect: r.chance(0.35) }));
}

function renderDirective(r: Rand, d: Directive, nl: string): string {
  const blockable = d.verb !== 'go' && d.verb !== 'toolchain';
  const useBlock = blockable && (d.items.length > 1 ? r.chance(0.8) : r.chance(0.2));
  if (!useBlock) {
    return d.items
      .map(
        (it) =>
          (r.chance(0.15) ? comment(r) + nl : '') + `${d.verb}${sp(r)}${it}${r.chance(0.05) ? ' ' : ''}`,
      )
      .join(nl + (r.chance(0.5) ? nl : ''));
  }
  const open = `${d.verb}${r.chance(0.1) ? '' : sp(r)}(${suffix(r, 0.1)}`;
  const lines: string[] = [];
  for (const it of d.items) {
    if (r.chance(0.1)) lines.push('');
    if (r.chance(0.12)) lines.push(r.pick(['\t', '  ', '']) + comment(r));
    lines.push(r.pick(['\t', '\t', '\t', '    ', '', '\t\t']) + it);
  }
  if (r.chance(0.08)) lines.push('\t' + comment(r));
  if (r.chance(0.08)) lines.push('');
  return [open, ...lines, `)${suffix(r, 0.08)}`].join(nl);
}

/** One go.mod with every kind of directive, comment placement and spacing, from r. */
export function genGoMod(
  r: Rand,
  opts: GenOptions,
  requires?: { path: string; version: string; indirect?: boolean }[],
): string {
  const nl = r.chance(0.15) ? '\r\n' : '\n';
  const parts: string[] = [];
  if (r.chance(0.3)) parts.push(comment(r));
  const mod = `example.com/plugin${r.int(5)}`;
  parts.push(
    r.chance(0.08)
      ? `module (${nl}\t${quoted(r, mod)}${nl})`
      : `module${sp(r)}${quoted(r, mod)}${suffix(r, 0.1)}`,
  );
  const directives: Directive[] = [];
  const goVersion = r.pick(['1.19', '1.20', '1.21', '1.21.0', '1.22.3', '1.23rc1', '1.24', '1.26.0', '']);
  if (goVersion) directives.push({ verb: 'go', items: [goVersion + suffix(r, 0.05)] });
  if (r.chance(0.4))
    directives.push({ verb: 'toolchain', items: [r.pick(['go1.22.3', 'default', 'go1.26.0', 'go1.21rc2'])] });
  if (r.chance(0.2)) {
    directives.push({
      verb: 'godebug',
      items: r.shuffle(['default=go1.21', 'panicnil=1', 'http2client=0']).slice(0, 1 + r.int(3)),
    });
  }
  const reqs = requires ?? pickMods(r, r.int(9));
  // Split requires over one to three require directives (direct / indirect / mixed).
  const groups = 1 + r.int(3);
  const chunks: (typeof reqs)[] = Array.from({ length: groups }, () => []);
  for (const m of reqs) chunks[r.int(groups)]!.push(m);
  for (const c of chunks) if (c.length > 0) directives.push({ verb: 'require', items: requireItems(r, c) });
  if (r.chance(0.3)) {
    const m = r.pick(MODULES);
    const items = Array.from({ length: 1 + r.int(4) }, () => `${quoted(r, m.path)} ${r.pick(m.versions)}`);
    directives.push({ verb: 'exclude', items });
  }
  if (r.chance(0.3)) {
    const items: string[] = [];
    for (let i = 0; i < 1 + r.int(3); i++) {
      const m = r.pick(MODULES);
      items.push(
        r.pick([
          `${m.path} => ../local/${i}`,
          `${m.path} ${r.pick(m.versions)} => ./fork`,
          `${m.path} => example.com/fork${i} v1.0.${i}`,
          `${quoted(r, m.path)} ${r.pick(m.versions)} => example.com/fork v1.2.3`,
          `${m.path} => "../my dir/${i}"`,
          `"${m.path.replace(/e/, '\\x65')}" => "../esc\\x61ped"`,
          ...(opts.invalid ? [`${m.path} => \`../raw\``, `${m.path} => C:\\work\\fork`] : []),
        ]),
      );
    }
    directives.push({ verb: 'replace', items });
  }
  if (r.chance(0.25)) {
    const items = Array.from({ length: 1 + r.int(3) }, () =>
      r.pick(['v1.0.0', 'v0.9.0', '[v1.1.0, v1.2.0]', '[ v1.3.0 , v1.4.0 ]', 'v2.0.0-rc.1', '"v1.5.0"']),
    );
    directives.push({ verb: 'retract', items: items.map((it) => it + suffix(r, 0.3)) });
  }
  if (r.chance(0.2)) {
    directives.push({
      verb: 'tool',
      items: r.shuffle(['example.com/a/cmd/gen', 'golang.org/x/tools/cmd/stringer']).slice(0, 1 + r.int(2)),
    });
  }
  if (opts.ignore && r.chance(0.15)) {
    directives.push({
      verb: 'ignore',
      items: r.shuffle(['./node_modules', 'static', './web/dist']).slice(0, 1 + r.int(3)),
    });
  }
  if (r.chance(0.3)) r.shuffle(directives);
  for (const d of directives) {
    if (r.chance(0.15)) parts.push(comment(r));
    parts.push(renderDirective(r, d, nl));
    if (r.chance(0.2)) parts.push(r.chance(0.5) ? '' : nl.repeat(r.int(3)));
  }
  if (r.chance(0.1)) parts.push(`require ()`);
  if (r.chance(0.2)) parts.push(comment(r));
  const sep = (): string => (r.chance(0.7) ? nl + nl : nl);
  let text = parts.reduce((acc, p, i) => (i === 0 ? p : acc + sep() + p), '');
  if (r.chance(0.9)) text += nl;
  if (r.chance(0.05)) text += nl + nl;
  return text;
}

export interface Pair {
  server: string;
  plugin: string;
}

/** A server go.mod and a plugin go.mod sharing some modules at equal, lower or higher versions. */
export function genPair(r: Rand, opts: GenOptions): Pair {
  const serverMods = pickMods(r, 3 + r.int(10));
  const pluginMods: { path: string; version: string; indirect: boolean }[] = [];
  for (const m of serverMods) {
    if (!r.chance(0.55)) continue;
    const all = MODULES.find((x) => x.path === m.path)!.versions;
    const version = r.chance(0.5) ? m.version : r.pick(all);
    pluginMods.push({ path: m.path, version, indirect: r.chance(0.4) });
    if (r.chance(0.08)) pluginMods.push({ path: m.path, version: r.pick(all), indirect: r.chance(0.3) });
  }
  for (const m of pickMods(r, r.int(4))) {
    if (!serverMods.some((s) => s.path === m.path)) pluginMods.push(m);
  }
  r.shuffle(pluginMods);
  // Servers sometimes list a module twice; the last line wins, as in gomod-cap.
  if (r.chance(0.05) && serverMods.length > 0) {
    const m = serverMods[0]!;
    serverMods.push({ ...m, version: r.pick(MODULES.find((x) => x.path === m.path)!.versions) });
  }
  return { server: genGoMod(r, opts, serverMods), plugin: genGoMod(r, opts, pluginMods) };
}

/** Mutates a few bytes of text (insert, delete, replace), for robustness tests. */
export function mutate(r: Rand, text: string): string {
  const alphabet = [
    '(',
    ')',
    '"',
    '`',
    '/',
    '/*',
    '\n',
    '\r',
    ' ',
    '\t',
    'v',
    '=>',
    '[',
    ']',
    ',',
    '\\',
    '\u00a0',
    '\u0000',
    'x',
    '1',
    '.',
    '@',
  ];
  let s = text;
  const n = 1 + r.int(3);
  for (let k = 0; k < n; k++) {
    const i = r.int(s.length + 1);
    const op = r.int(3);
    if (op === 0) s = s.slice(0, i) + r.pick(alphabet) + s.slice(i);
    else if (op === 1) s = s.slice(0, i) + s.slice(i + 1 + r.int(3));
    else s = s.slice(0, i) + r.pick(alphabet) + s.slice(i + 1);
  }
  return s;
}

/** A pair where the plugin repeats modules across blocks and single lines, with blank lines and comments. */
export function genDupPair(r: Rand): { server: string; plugin: string } {
  const paths = Array.from({ length: 2 + r.int(10) }, (_, i) => `example.com/m${i}`);
  const version = (): string => `v1.${r.int(4)}.${r.int(3)}`;
  const server = ['module s', '', 'require ('];
  for (const p of paths) if (r.chance(0.9)) server.push(`\t${p} ${version()}`);
  server.push(')', '');
  const plugin = ['module p', ''];
  const comment = (): string => r.pick(['// c', '// indirect', '//x', '// why']);
  const item = (): string =>
    `${r.pick(paths)} ${version()}${r.chance(0.3) ? ' ' + r.pick(['// indirect', '// keep', '//y']) : ''}`;
  for (let b = 1 + r.int(4); b > 0; b--) {
    if (r.chance(0.3)) plugin.push(comment());
    if (r.chance(0.3)) {
      plugin.push(`require ${item()}`, '');
      continue;
    }
    plugin.push(`require (${r.chance(0.2) ? ' ' + comment() : ''}`);
    for (let n = 1 + r.int(6); n > 0; n--) {
      if (r.chance(0.3)) plugin.push('');
      if (r.chance(0.3)) plugin.push('\t' + comment());
      if (r.chance(0.15)) plugin.push('');
      plugin.push('\t' + item());
    }
    if (r.chance(0.2)) plugin.push('');
    if (r.chance(0.2)) plugin.push('\t' + comment());
    plugin.push(')', '');
  }
  return { server: server.join('\n'), plugin: plugin.join('\n') };
}
