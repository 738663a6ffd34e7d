// What the server's plugin loader said when it refused a plugin, and what fixes it. The server
// opens every file of its plugins folder at start-up and panics on the first error:
//   panic: error while loading plugin hello-linux-amd64.so: plugin.Open("/x/plugins/hello-linux-amd64"):
//   plugin was built with a different version of package example.com/lib
// or the Go runtime itself stops (`fatal error: runtime: no plugin module data`). Pure: the
// server's output in, a reason, the package and the go.mod line to point at out.
import type { GoModFile } from '../gomod';

export type LoadFailureKind = 'package-version' | 'go-version' | 'missing-symbol' | 'other';

export interface LoadFailure {
  kind: LoadFailureKind;
  /** The loader's own words, one line (e.g. `plugin.Open("..."): plugin was built with ...`). */
  reason: string;
  /** The package whose fingerprint differs. */
  package?: string;
  /** The missing symbol (`GetGotifyPluginInfo`, `NewGotifyPluginInstance`). */
  symbol?: string;
}

const DIFFERENT_VERSION = /plugin was built with a different version of package (\S+)/;

/** Finds the loader's error in the server's output; undefined when the output holds none. */
export function parseLoadFailure(output: string): LoadFailure | undefined {
  const lines = output.split(/\r?\n/).map((l) => l.trim());
  const panicLine =
    lines.find((l) => /^panic: .*error while loading plugin/.test(l)) ??
    lines.find((l) => /error while loading plugin/.test(l));
  const fatal = lines.find((l) => /^fatal error: runtime: no plugin module data/.test(l));
  const reasonOf = (l: string) => l.replace(/^panic:\s*/, '').replace(/\s*\[recovered\]$/, '');
  if (panicLine) {
    const reason = reasonOf(panicLine);
    const pkg = DIFFERENT_VERSION.exec(reason)?.[1];
    if (pkg) return { kind: isStdPackage(pkg) ? 'go-version' : 'package-version', reason, package: pkg };
    const symbol = /missing (\w+) symbol/.exec(reason)?.[1];
    if (symbol) return { kind: 'missing-symbol', reason, symbol };
    if (/different version of Go|built with a different version of Go/i.test(reason)) {
      return { kind: 'go-version', reason };
    }
    return { kind: 'other', reason };
  }
  if (fatal) return { kind: 'go-version', reason: 'runtime: no plugin module data' };
  // Without the loader's words: a plugin.Open error printed some other way.
  const open = lines.find((l) => /plugin\.Open\(/.test(l));
  if (open) {
    const pkg = DIFFERENT_VERSION.exec(open)?.[1];
    return pkg
      ? { kind: isStdPackage(pkg) ? 'go-version' : 'package-version', reason: open, package: pkg }
      : { kind: 'other', reason: open };
  }
  // The plugin's own code (an init function run by plugin.Open, or the constructor the manager
  // calls) took the server down: a panic whose stack goes through the loader. A panic elsewhere
  // after `Loading plugin` (the server's own start-up failing later) is not the plugin's.
  const loading = lines.findIndex((l) => /^Loading plugin /.test(l));
  if (loading >= 0) {
    const at = lines.findIndex((l, i) => i > loading && /^(panic|fatal error): /.test(l));
    const stack = at >= 0 ? lines.slice(at + 1) : [];
    if (stack.some((l) => /^plugin\.open\(|\/plugin\/(manager|compat\/)/.test(l))) {
      return { kind: 'other', reason: lines[at]!.replace(/\s*\[recovered\]$/, '') };
    }
  }
  return undefined;
}

/** A standard-library package: its first path element has no dot (`internal/goarch`, `runtime`, `fmt`). */
export function isStdPackage(pkg: string): boolean {
  return !pkg.split('/')[0]!.includes('.');
}

/** The require line of the module that provides `pkg` (longest module path prefix), or undefined. */
export function requireForPackage(
  pkg: string,
  goMod: GoModFile,
): { path: string; version: string; line: number; indirect: boolean } | undefined {
  let best: { path: string; version: string; line: number; indirect: boolean } | undefined;
  for (const r of goMod.require) {
    if (pkg !== r.path && !pkg.startsWith(`${r.path}/`)) continue;
    if (!best || r.path.length > best.path.length) {
      best = { path: r.path, version: r.version, line: r.line, indirect: r.indirect };
    }
  }
  return best;
}

export interface LoadAdvice {
  /** What to tell the user: the cause and what fixes it. */
  fix: string;
  /** The line of the plugin's go.mod to annotate. */
  line?: number;
  /** The module (or `go`) the annotation is about. */
  module?: string;
}

export interface AdviceContext {
  /** The plugin's go.mod as built (after the sync). */
  pluginGoMod: GoModFile;
  /** The server's go.mod at the resolved tag. */
  serverGoMod: GoModFile;
  /** `owner/name tag`, e.g. `gotify/server v2.6.1`. */
  server: string;
  serverGoVersion: string;
}

/** What fixes a load failure, and which go.mod line it is about. Pure. */
export function adviceFor(f: LoadFailure, ctx: AdviceContext): LoadAdvice {
  const { pluginGoMod, serverGoMod, server } = ctx;
  if (f.kind === 'missing-symbol') {
    return {
      fix:
        `the plugin does not export ${f.symbol}: the server only loads plugins that export ` +
        '`GetGotifyPluginInfo` and `NewGotifyPluginInstance` from package main (see the plugin template).',
      ...(pluginGoMod.module && { line: pluginGoMod.module.line, module: pluginGoMod.module.path }),
    };
  }
  if (f.kind === 'go-version') {
    return {
      fix:
        `the plugin was built with another Go than the server: ${server} is built with Go ${ctx.serverGoVersion}. ` +
        `Build the plugin in the builder image of Go ${ctx.serverGoVersion} (the action picks it from the server's GO_VERSION; ` +
        'a build-image that ships a different Go build under that tag, or -trimpath/-race/tags on one side only, also changes every fingerprint).',
      ...(pluginGoMod.go && { line: pluginGoMod.go.line, module: 'go' }),
    };
  }
  if (f.kind === 'package-version' && f.package) {
    // The module that provides the package: the longest module path either go.mod lists (a
    // nested module such as x/y/v2 or x/y/sub beats x/y), then each side's line for exactly it.
    const a = requireForPackage(f.package, pluginGoMod);
    const b = requireForPackage(f.package, serverGoMod);
    const module = (a && b ? (a.path.length >= b.path.length ? a : b) : (a ?? b))?.path;
    const exactly = (g: GoModFile) => {
      const r = g.require.find((x) => x.path === module);
      return r && { path: r.path, version: r.version, line: r.line, indirect: r.indirect };
    };
    const mine = module === undefined ? undefined : exactly(pluginGoMod);
    const theirs = module === undefined ? undefined : exactly(serverGoMod);
    const replaced = module ? pluginGoMod.replace.find((r) => r.oldPath === module) : undefined;
    let fix: string;
    if (replaced) {
      fix =
        `go.mod replaces ${module} with ${replaced.newPath}${replaced.newVersion ? ` ${replaced.newVersion}` : ''} (line ${replaced.line}), ` +
        `so the plugin does not build with the server's ${module}${theirs ? ` ${theirs.version}` : ''}: remove the replace, or replace the server's version the same way.`;
    } else if (mine && theirs && mine.version !== theirs.version) {
      fix =
        `the plugin's build has ${mine.path} ${mine.version}${mine.indirect ? ' (indirect: go mod tidy brought it in)' : ''}, ${server} requires ${theirs.version}. ` +
        `Align the module: go get ${mine.path}@${theirs.version} and commit go.mod (go-mod-sync: align, the default, does this for every shared module), ` +
        `or build for a server release whose go.mod requires ${mine.path} ${mine.version}.`;
    } else if (mine && theirs) {
      fix =
        `the plugin and ${server} both require ${mine.path} ${mine.version}, yet ${f.package} differs: ` +
        "a module it depends on has another version in the plugin's build list (go mod graph shows which), or the build differs (a replace, -trimpath, build tags, the module cache path).";
    } else if (theirs) {
      fix =
        `${server} requires ${theirs.path} ${theirs.version}, but the plugin's build list has another version ` +
        `(its go.mod does not list ${theirs.path}: go-mod-sync: align aligns it, cap cannot). ` +
        `Require it explicitly: go get ${theirs.path}@${theirs.version}.`;
    } else if (mine) {
      fix =
        `${server}'s go.mod does not list ${mine.path} (go.mod files before go 1.17 list only direct dependencies), ` +
        `so the server builds with a version the plugin's ${mine.version} does not match: require the version the server's build list has, ` +
        `or build for a server release whose go.mod requires ${mine.path} ${mine.version}.`;
    } else {
      fix = `neither go.mod lists the module of ${f.package}: require the version ${server} builds with.`;
    }
    return { fix, ...(mine && { line: mine.line, module: mine.path }) };
  }
  return { fix: `the server could not load the plugin; its log above says why.` };
}
