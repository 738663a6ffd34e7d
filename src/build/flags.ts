// The user's `build-flags`, `ldflags` and `docker-args`: split like a shell would (never run by
// one) and checked for flags that would make a plugin the server cannot load, or that would
// replace what the action owns. Pure.
import { posix } from 'node:path';
import { parse } from 'shell-quote';

export class FlagError extends Error {
  override name = 'FlagError';
}

/** Splits a string into words like a POSIX shell, without expanding variables, globs or operators. */
export function splitWords(input: string, inputName: string): string[] {
  checkQuotes(input, inputName);
  // Keep `$VAR` literal: shell-quote would expand it from the given env otherwise.
  const parsed = parse(input, (key) => `$${key}`);
  return parsed.map((w) => {
    if (typeof w === 'string') return w;
    if ('comment' in w) {
      throw new FlagError(`${inputName}: "#" starts a comment in a shell; quote it if you mean it`);
    }
    if ('op' in w && w.op === 'glob') return w.pattern;
    throw new FlagError(
      `${inputName}: shell operator ${'op' in w ? `"${w.op}"` : ''} is not allowed - the arguments are passed to the command directly, never through a shell; quote it if it is part of an argument`,
    );
  });
}

/**
 * A shell refuses a quote that is never closed (and waits for more after a final backslash);
 * shell-quote silently drops both. Throws FlagError saying where.
 */
function checkQuotes(input: string, inputName: string): void {
  let open: { quote: string; at: number } | undefined;
  for (let i = 0; i < input.length; i++) {
    const c = input[i]!;
    if (open?.quote === "'") {
      if (c === "'") open = undefined;
    } else if (c === '\\') {
      if (i + 1 >= input.length) {
        throw new FlagError(
          `${inputName}: it ends with a backslash, which escapes nothing; remove it or write \\\\ for a backslash`,
        );
      }
      i++;
    } else if (open?.quote === '"') {
      if (c === '"') open = undefined;
    } else if (c === '"' || c === "'") {
      open = { quote: c, at: i };
    }
  }
  if (open) {
    const kind = open.quote === '"' ? 'double' : 'single';
    throw new FlagError(
      `${inputName}: the ${kind} quote at character ${open.at + 1} is never closed; close it, or escape it (\\${open.quote}) if it is part of an argument`,
    );
  }
}

const REFUSED_BUILD_FLAGS: Record<string, string> = {
  trimpath:
    '-trimpath changes every package fingerprint; the released server is built without it, so the plugin would fail with "plugin was built with a different version of package ..."',
  race: '-race changes every package fingerprint; the released server is built without it, so the plugin could not load',
  msan: '-msan changes package fingerprints; the released server is built without it',
  asan: '-asan changes package fingerprints; the released server is built without it',
  buildmode: 'the action always builds with -buildmode=plugin; remove it',
  o: 'the action chooses the output file; use the file-name and output-dir inputs',
  ldflags: 'use the ldflags input for linker flags',
  C: 'the action builds in working-directory; set that input instead',
  modfile:
    'the action syncs and builds with go.mod in working-directory; -modfile would build with another file',
};

/** `go build` flags that take a value as the next word (`-tags netgo`); the others are booleans. */
const VALUE_BUILD_FLAGS = new Set([
  'C',
  'p',
  'asmflags',
  'buildmode',
  'buildvcs',
  'compiler',
  'covermode',
  'coverpkg',
  'gccgoflags',
  'gcflags',
  'installsuffix',
  'ldflags',
  'mod',
  'modfile',
  'o',
  'overlay',
  'pgo',
  'pkgdir',
  'tags',
  'toolexec',
]);

/** Flags refused in GOFLAGS (the step's environment), which Go adds to every go command. */
const REFUSED_GOFLAGS = ['trimpath', 'race', 'msan', 'asan', 'modfile'];

function flagName(word: string): string | undefined {
  return /^--?([A-Za-z][A-Za-z0-9_-]*)(=.*)?$/.exec(word)?.[1];
}

/**
 * Parses `build-flags`: flags only (the action builds the plugin's folder, so no package paths);
 * refuses flags that break plugin loading or that the action sets itself.
 */
export function parseBuildFlags(input: string): string[] {
  const words = splitWords(input, 'build-flags');
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const name = flagName(w);
    if (name === undefined) {
      throw new FlagError(
        `build-flags: "${w}" is not a flag; build-flags holds only go build flags like -tags netgo or -v (the action builds the plugin's folder, working-directory, itself)`,
      );
    }
    const reason = REFUSED_BUILD_FLAGS[name];
    if (reason) throw new FlagError(`build-flags: ${w} is refused: ${reason}`);
    if (VALUE_BUILD_FLAGS.has(name) && !w.includes('=') && i + 1 < words.length) i++;
  }
  return words;
}

/**
 * Checks the step's GOFLAGS (forwarded into every container): a flag that changes package
 * fingerprints or the go.mod used is refused as it would be in build-flags. GOFLAGS is a
 * space-separated list of -flag or -flag=value words (no quoting).
 */
export function checkGoFlags(goflags: string | undefined): void {
  for (const w of (goflags ?? '').split(/\s+/).filter((x) => x !== '')) {
    const name = flagName(w);
    if (name !== undefined && REFUSED_GOFLAGS.includes(name)) {
      throw new FlagError(
        `GOFLAGS in the step's environment has ${w}, which is refused: ${REFUSED_BUILD_FLAGS[name]}. Remove it from GOFLAGS (env:) for this step`,
      );
    }
  }
}

/** `ldflags` is passed as one argument to -ldflags; it only has to be non-hostile to quoting. */
export function parseLdflags(input: string): string {
  const value = input.trim();
  if (/[\r\n]/.test(value)) throw new FlagError('ldflags: write the linker flags on one line, e.g. -w -s');
  return value;
}

/** Where the builder image keeps its Go (GOROOT): the Go the server was built with. */
export const IMAGE_GOROOT = '/usr/local/go';

/** Paths inside the container that the action mounts itself, and the image's Go. */
export const OWNED_CONTAINER_PATHS = [
  '/proj',
  '/go/pkg/mod',
  '/out',
  '/gocache',
  '/flow-credentials',
  IMAGE_GOROOT,
];

/** Why a mount over `owned` (a path of OWNED_CONTAINER_PATHS) is refused, and what to do instead. */
function ownedMountReason(written: string, owned: string): string {
  if (owned === IMAGE_GOROOT) {
    return `docker-args: "${written}" would replace the builder image's Go at ${IMAGE_GOROOT}: the Go version and the paths it was built from decide what the plugin is, and the server was built with the image's Go, so the compiler is never swapped (GOTOOLCHAIN is refused for the same reason). To build with another Go, give build-image images of that Go; mount your own files somewhere else`;
  }
  return `docker-args: "${written}" would replace the action's own mount of ${owned}; mount your files somewhere else`;
}

/** Where the action points git and Go for the credentials it mounts (see credentials.ts). */
const CREDENTIALS_ENV: Record<string, string> = {
  NETRC: '/flow-credentials/netrc',
  GIT_CONFIG_GLOBAL: '/flow-credentials/git/config',
  XDG_CONFIG_HOME: '/flow-credentials',
};

/**
 * Why a variable that would undo or bypass the credentials the action gives the containers is
 * refused, or undefined. The action's own value (the same path) is let through.
 */
function credentialsEnvReason(n: string, value: string | undefined): string | undefined {
  if (value !== undefined && CREDENTIALS_ENV[n] === value) return undefined;
  if (n === 'NETRC') {
    return `NETRC is the action's: with the netrc input it points Go at the .netrc the action mounts read-only (and removes after the step); another NETRC would undo it. Give your .netrc lines in the netrc input (from a secret) instead`;
  }
  if (n === 'HOME') {
    return `HOME is the action's (a writable /tmp whatever the container's user; git and Go read their configuration below it), and the credentials it mounts would be undone by another HOME's configuration. Give a token in modules-token, the patterns in GOPRIVATE (step env), a .netrc in the netrc input`;
  }
  // Entries added on top of git's configuration (`GIT_CONFIG_KEY_0=url.<x>.insteadOf`) are the
  // user's to give, unless they are about credentials; files that replace it are refused.
  const addsEntry = /^GIT_CONFIG_(COUNT|VALUE_\d+|NOSYSTEM)$/.test(n);
  const entryAboutCredentials =
    /^GIT_CONFIG_(KEY_\d+|PARAMETERS)$/.test(n) && /credential/i.test(value ?? '');
  const replacesConfig =
    n === 'XDG_CONFIG_HOME' || n === 'GIT_CONFIG' || n === 'GIT_CONFIG_GLOBAL' || n === 'GIT_CONFIG_SYSTEM';
  if (!addsEntry && (replacesConfig || entryAboutCredentials)) {
    return `${n} would change git's configuration in the containers and undo the credentials the action gives it (modules-token, else github-token, for the GitHub server of the run, for the modules GOPRIVATE names). Give the token in modules-token and the patterns in GOPRIVATE in the step's env; for another host, the netrc input`;
  }
  return undefined;
}

/**
 * The action's path that a mount at `containerPath` would replace: the same path, a parent of
 * it (would hide it) or a folder inside it (would shadow part of it). Compared after normalising
 * the container path the way the kernel reads it (`//proj`, `/proj/.`, `/./proj`, `/a/../proj`).
 */
export function ownedPathUnder(containerPath: string): string | undefined {
  const n = posix.normalize(containerPath.trim());
  if (!n.startsWith('/')) return undefined; // docker refuses relative container paths itself
  const p = n.length > 1 ? n.replace(/\/+$/, '') : n;
  return OWNED_CONTAINER_PATHS.find(
    (o) => p === o || o.startsWith(p === '/' ? '/' : `${p}/`) || p.startsWith(`${o}/`),
  );
}

/** The container path of a `-v`/`--volume` spec: `host:container[:opts]` or just `container`. */
function volumeTarget(value: string): string {
  const parts = value.split(':');
  return parts.length === 1 ? parts[0]! : parts[1]!;
}

/** The container path of a `--mount` spec (CSV of key=value; keys are case-insensitive). */
function mountTarget(value: string): string | undefined {
  for (const field of value.split(',')) {
    const kv = field.trim().replace(/^"(.*)"$/, '$1');
    const eq = kv.indexOf('=');
    if (eq < 0) continue;
    const key = kv.slice(0, eq).trim().toLowerCase();
    if (['target', 'destination', 'dst'].includes(key))
      return kv
        .slice(eq + 1)
        .trim()
        .replace(/^"(.*)"$/, '$1');
  }
  return undefined;
}

/** `docker run` short options that take no value (the others take one: `-v`, `-e`, `-w`, ...). */
const BOOLEAN_SHORT = new Set(['d', 'i', 't', 'P', 'q']);
/** `docker run` long options that take no value (so a following word is not their value). */
const BOOLEAN_LONG = new Set([
  '--rm',
  '--init',
  '--privileged',
  '--read-only',
  '--interactive',
  '--tty',
  '--detach',
  '--publish-all',
  '--no-healthcheck',
  '--oom-kill-disable',
  '--help',
]);
const SHORT_NAMES: Record<string, string> = {
  v: '--volume',
  w: '--workdir',
  d: '--detach',
  e: '--env',
  u: '--user',
};

/**
 * Go's module environment: a container may be given these (`-e GOPRIVATE=...`); they choose where
 * modules come from, not what code is built. GOFLAGS is checked like the step's own.
 */
const MODULE_ENV = new Set([
  'GOPROXY',
  'GONOSUMDB',
  'GOSUMDB',
  'GOINSECURE',
  'GOAUTH',
  'GOVCS',
  'GIT_TERMINAL_PROMPT',
]);

/**
 * Why a variable set through docker-args (`-e NAME[=value]`) is refused, or undefined. The action
 * owns everything that chooses the compiler and what it compiles: the image's GOOS, GOARCH, GOARM,
 * CGO_ENABLED, CC..., and its own HOME, GOCACHE, GOTOOLCHAIN, GOPATH.
 */
export function ownedEnvReason(name: string, value: string | undefined): string | undefined {
  const n = name.toUpperCase();
  if (n === 'GOFLAGS') {
    if (value === undefined) return undefined; // `-e GOFLAGS` passes the step's, checked already
    try {
      checkGoFlags(value);
    } catch (e) {
      return (e as Error).message
        .replace(/^GOFLAGS in the step's environment has/, 'GOFLAGS has')
        .replace(/\. Remove it from GOFLAGS \(env:\) for this step$/, '');
    }
    return undefined;
  }
  if (MODULE_ENV.has(n)) return undefined;
  if (n === 'GOPRIVATE' || n === 'GONOPROXY') {
    // `-e GOPRIVATE` passes the step's own, which the action knows; a value only docker would see.
    if (value === undefined) return undefined;
    return `set ${n} in the step's env (env: ${n}: ...) instead: the action forwards it to every container and gives git the credentials (modules-token, else github-token) for the modules it names, which it cannot do for a value only docker sees. The module cache of such a run is saved without them`;
  }
  const credentials = credentialsEnvReason(n, value);
  if (credentials) return credentials;
  if (n === 'PATH') {
    return `PATH chooses which go runs: the image's Go in ${IMAGE_GOROOT}/bin, the Go the server was built with. To build with another Go, give build-image images of that Go`;
  }
  if (/^(GO|CGO_)/.test(n) || ['CC', 'CXX', 'AR', 'PKG_CONFIG', 'LD_PRELOAD', 'LD_LIBRARY_PATH'].includes(n))
    return `${name} is set by the action or by the builder image (Go version, GOARCH/GOARM, cgo and the compiler decide what the plugin is; the server was built with the image's); only Go's module environment (${[...MODULE_ENV].slice(0, 4).join(', ')}...) and GOFLAGS may be set here; GOPRIVATE and GONOPROXY go in the step's env`;
  return undefined;
}

interface DockerOption {
  /** The long name (`--volume` for `-v`). */
  name: string;
  value?: string;
  /** The words as written, for messages. */
  written: string;
  /** The option's own word, for messages. */
  word: string;
}

/** Splits docker-args words into options with their values, the way docker's flag parser does. */
function dockerOptions(words: string[]): DockerOption[] {
  const out: DockerOption[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (w.startsWith('--')) {
      const eq = w.indexOf('=');
      if (eq > 0) {
        out.push({ name: w.slice(0, eq), value: w.slice(eq + 1), written: w, word: w.slice(0, eq) });
      } else if (BOOLEAN_LONG.has(w) || i + 1 >= words.length || words[i + 1]!.startsWith('-')) {
        out.push({ name: w, written: w, word: w });
      } else {
        out.push({ name: w, value: words[i + 1]!, written: `${w} ${words[++i]!}`, word: w });
      }
    } else if (w.startsWith('-') && w.length > 1) {
      // A cluster of short options (`-it`, `-itv/x:/y`): booleans, then at most one with a value.
      for (let j = 1; j < w.length; j++) {
        const letter = w[j]!;
        const name = SHORT_NAMES[letter] ?? `-${letter}`;
        if (BOOLEAN_SHORT.has(letter)) {
          out.push({ name, written: w, word: w });
          continue;
        }
        const rest = w.slice(j + 1).replace(/^=/, '');
        if (rest !== '') out.push({ name, value: rest, written: w, word: w });
        else if (i + 1 < words.length)
          out.push({ name, value: words[i + 1]!, written: `${w} ${words[++i]!}`, word: w });
        else out.push({ name, written: w, word: w });
        break;
      }
    } else {
      throw new FlagError(
        `docker-args: "${w}" is not an option; docker-args holds only docker run options like --network host or -e NAME=value`,
      );
    }
  }
  return out;
}

/**
 * Parses `docker-args`; refuses mounts over the action's own container paths (`-v`, `--volume`,
 * `--mount`, `--tmpfs`, `--device`, `--volumes-from`), a different working directory or entrypoint, and
 * options that change how the action runs and stops its containers (`--name`, `-d`).
 */
export function parseDockerArgs(input: string): string[] {
  const words = splitWords(input, 'docker-args');
  for (const o of dockerOptions(words)) {
    const target =
      o.name === '--volume'
        ? volumeTarget(o.value ?? '')
        : o.name === '--mount'
          ? mountTarget(o.value ?? '')
          : o.name === '--tmpfs'
            ? (o.value ?? '').split(':')[0]
            : o.name === '--device'
              ? volumeTarget(o.value ?? '')
              : undefined;
    const owned = target !== undefined ? ownedPathUnder(target) : undefined;
    if (owned) throw new FlagError(ownedMountReason(o.written, owned));
    if (o.name === '--volumes-from') {
      throw new FlagError(
        `docker-args: ${o.word} is refused: another container's volumes could replace the action's own mounts (${OWNED_CONTAINER_PATHS.join(', ')}); mount the folders you need with -v`,
      );
    }
    if (o.name === '--workdir') {
      throw new FlagError(`docker-args: ${o.word} is refused: the action builds in /proj`);
    }
    if (o.name === '--entrypoint') {
      throw new FlagError(`docker-args: ${o.word} is refused: the action runs go in the builder image`);
    }
    if (o.name === '--env') {
      const value = o.value ?? '';
      const eq = value.indexOf('=');
      const name = eq < 0 ? value : value.slice(0, eq);
      const reason = ownedEnvReason(name, eq < 0 ? undefined : value.slice(eq + 1));
      if (reason) throw new FlagError(`docker-args: "${o.written}" is refused: ${reason}`);
    }
    if (o.name === '--env-file') {
      throw new FlagError(
        `docker-args: ${o.word} is refused: the file could set what the action owns (GOARCH, GOARM, CGO_ENABLED, GOFLAGS...), which the action cannot check; write the variables you need as -e NAME=value, or set Go's module environment (GOPROXY, GOPRIVATE...) in the step's env, which the action forwards`,
      );
    }
    if (o.name === '--user') {
      throw new FlagError(
        `docker-args: ${o.word} is refused: the containers run as the runner's user, so nothing they write is root-owned`,
      );
    }
    if (o.name === '--platform') {
      throw new FlagError(
        `docker-args: ${o.word} is refused: the builder image of each target is an amd64 image with its cross compiler; another platform would build another plugin`,
      );
    }
    if (o.name === '--name' || o.name === '--detach') {
      throw new FlagError(
        `docker-args: ${o.word} is refused: the action names its containers and waits for them, so it can stop them when the job is cancelled`,
      );
    }
  }
  return words;
}
