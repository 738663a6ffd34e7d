// A build that fails because the plugin uses a standard-library package or name the release's Go
// does not have yet (`undefined: errors.Join`, `package log/slog is not in GOROOT`): which Go
// version added it (Go's own api/go1.*.txt lists, made into go-api-index.ts by
// scripts/go-api-index.mjs), and what the go line should say. Pure.
import { compareGoVersions } from '../github/go-version';
import { GO_API_ADDED } from './go-api-index';

/** A standard-library package or name the release's Go lacks, and the Go version that added it. */
export interface TooNewApi {
  /** `errors.Join`, `log/slog`, `bytes.Buffer.AvailableBuffer`. */
  api: string;
  /** `1.20` */
  since: string;
}

interface Entry {
  api: string;
  since: string;
}

let byPath: Map<string, string> | undefined;
let byName: Map<string, Entry[]> | undefined;

/** The package's name as code qualifies it: its last path element (`math/rand/v2` -> `rand`). */
export function packageName(path: string): string {
  const parts = path.split('/');
  const last = parts.at(-1)!;
  return /^v\d+$/.test(last) && parts.length > 1 ? parts.at(-2)! : last;
}

/** `crypto/tls.Config.MinVersion` -> [`crypto/tls`, `Config.MinVersion`]; a package alone -> [path, '']. */
function splitApi(item: string): [string, string] {
  const slash = item.lastIndexOf('/');
  const dot = item.indexOf('.', slash + 1);
  return dot < 0 ? [item, ''] : [item.slice(0, dot), item.slice(dot + 1)];
}

function load(): { byPath: Map<string, string>; byName: Map<string, Entry[]> } {
  if (!byPath || !byName) {
    byPath = new Map();
    byName = new Map();
    for (const [since, items] of Object.entries(GO_API_ADDED)) {
      for (const api of items.split(' ')) {
        byPath.set(api, since);
        const [pkg, name] = splitApi(api);
        if (name === '') continue;
        const key = `${packageName(pkg)}.${name}`;
        const list = byName.get(key) ?? [];
        list.push({ api, since });
        byName.set(key, list);
      }
    }
  }
  return { byPath, byName };
}

/** The Go version that added a package or name (`errors.Join` -> `1.20`), if after Go 1.11. */
export function goVersionOf(api: string): string | undefined {
  return load().byPath.get(api);
}

/**
 * Every package or name of Go's output that the release's Go (`goVersion`) lacks and a newer Go
 * added: `package P is not in GOROOT` / `is not in std` (tidy, build), `undefined: pkg.Name`,
 * `(type pkg.T has no field or method M)` (the compiler). A name the index knows in several
 * packages of that name (crypto/rand, math/rand) counts with the lowest version newer than the
 * release's. Errors of the plugin's own code, or of names the release's Go has, give nothing.
 */
export function findTooNewApis(output: string, goVersion: string): TooNewApi[] {
  const { byPath, byName } = load();
  const newer = (since: string) => compareGoVersions(since, goVersion) > 0;
  const found = new Map<string, TooNewApi>();
  const add = (api: string, since: string | undefined) => {
    if (since !== undefined && newer(since) && !found.has(api)) found.set(api, { api, since });
  };
  for (const line of output.split(/\r?\n/)) {
    const pkg = /package (\S+) is not in (?:GOROOT|std)\b/.exec(line);
    if (pkg) add(pkg[1]!, byPath.get(pkg[1]!));
    const keys: string[] = [];
    for (const m of line.matchAll(/undefined: (\w+\.\w+)/g)) keys.push(m[1]!);
    for (const m of line.matchAll(/type \*?(\w+\.\w+) has no field or method (\w+)/g))
      keys.push(`${m[1]!}.${m[2]!}`);
    for (const key of keys) {
      const entries = (byName.get(key) ?? []).filter((e) => newer(e.since));
      entries.sort((a, b) => compareGoVersions(a.since, b.since));
      if (entries[0]) add(entries[0].api, entries[0].since);
    }
  }
  return [...found.values()];
}

/**
 * What the author reads: what the release's Go lacks and since when, the Go the plugin really
 * needs and the go line to write (with it the action treats older releases as unsupported).
 */
export function tooNewApiMessage(
  found: readonly TooNewApi[],
  p: { goVersion: string; serverTag: string; goModName: string; goLine?: string },
): string {
  const needs = found.map((f) => f.since).reduce((a, b) => (compareGoVersions(a, b) >= 0 ? a : b));
  const list = found.map((f) => `${f.api} (Go ${f.since})`).join(', ');
  const says = p.goLine ? `${p.goModName} says go ${p.goLine}` : `${p.goModName} has no go line`;
  return `The plugin uses ${list}, newer than Go ${p.goVersion}, the Go of ${p.serverTag}: it needs Go ${needs} or newer, and ${says}. Raise the go line to at least ${needs} (go mod edit -go=${needs}): releases with an older Go are then unsupported for this plugin (unsupported-server-version: skip skips them).`;
}
