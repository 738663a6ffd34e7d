// The user's `build-flags`, `ldflags` and `docker-args`: split like a shell would (never run by
// one) and checked for flags that would make a plugin the server cannot load, or that would
// replace what the action owns. Pure.
import { parse } from 'shell-quote';

export class FlagError extends Error {
  override name = 'FlagError';
}

/** Splits a string into words like a POSIX shell, without expanding variables, globs or operators. */
export function splitWords(input: string, inputName: string): string[] {
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

const REFUSED_BUILD_FLAGS: Record<string, string> = {
  trimpath:
    '-trimpath changes every package fingerprint; the released server is built without it, so the plugin would fail with "plugin was built with a different version of package ..."',
  race: '-race changes every package fingerprint; the released server is built without it, so the plugin could not load',
  msan: '-msan changes package fingerprints; the released server is built without it',
  asan: '-asan changes package fingerprints; the released server is built without it',
  buildmode: 'the action always builds with -buildmode=plugin; remove it',
  o: 'the action chooses the output file; use the file-name and output-dir inputs',
  ldflags: 'use the ldflags input for linker flags',
};

/** Parses `build-flags`; refuses flags that break plugin loading or that the action sets itself. */
export function parseBuildFlags(input: string): string[] {
  const words = splitWords(input, 'build-flags');
  for (const w of words) {
    const m = /^--?([a-z]+)(=.*)?$/.exec(w);
    const reason = m ? REFUSED_BUILD_FLAGS[m[1]!] : undefined;
    if (reason) throw new FlagError(`build-flags: ${w} is refused: ${reason}`);
  }
  return words;
}

/** `ldflags` is passed as one argument to -ldflags; it only has to be non-hostile to quoting. */
export function parseLdflags(input: string): string {
  const value = input.trim();
  if (/[\r\n]/.test(value)) throw new FlagError('ldflags: write the linker flags on one line, e.g. -w -s');
  return value;
}

/** Paths inside the container that the action mounts itself. */
export const OWNED_CONTAINER_PATHS = ['/proj', '/go/pkg/mod', '/out', '/gocache'];

function ownsPath(containerPath: string): string | undefined {
  const p = containerPath.replace(/\/+$/, '') || '/';
  // The same path, a parent of it (would hide it) or a folder inside it (would shadow part of it).
  return OWNED_CONTAINER_PATHS.find(
    (o) => p === o || o.startsWith(p === '/' ? '/' : `${p}/`) || p.startsWith(`${o}/`),
  );
}

function mountTarget(kind: 'volume' | 'mount', value: string): string | undefined {
  if (kind === 'volume') {
    // host:container[:opts] or just container
    const parts = value.split(':');
    return parts.length === 1 ? parts[0] : parts[1];
  }
  for (const kv of value.split(',')) {
    const [k, v] = kv.split('=');
    if (k && ['target', 'destination', 'dst'].includes(k.trim())) return v;
  }
  return undefined;
}

/**
 * Parses `docker-args`; refuses mounts over the action's own container paths, a different working
 * directory, and options that would end the argument list (the image is appended by the action).
 */
export function parseDockerArgs(input: string): string[] {
  const words = splitWords(input, 'docker-args');
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const eq = w.indexOf('=');
    const flag = eq > 0 && w.startsWith('--') ? w.slice(0, eq) : w;
    const inline = eq > 0 && w.startsWith('--') ? w.slice(eq + 1) : undefined;
    const value = (): string => inline ?? words[i + 1] ?? '';
    if (['-v', '--volume', '--mount'].includes(flag) || /^-v./.test(w)) {
      const v = /^-v./.test(w) ? w.slice(2) : value();
      const target = mountTarget(flag === '--mount' ? 'mount' : 'volume', v);
      const owned = target ? ownsPath(target) : undefined;
      if (owned) {
        throw new FlagError(
          `docker-args: "${w}${inline === undefined && !/^-v./.test(w) ? ` ${v}` : ''}" would replace the action's own mount of ${owned}; mount your files somewhere else`,
        );
      }
    } else if (['-w', '--workdir'].includes(flag) || /^-w./.test(w)) {
      throw new FlagError(`docker-args: ${w} is refused: the action builds in /proj`);
    } else if (['--entrypoint'].includes(flag)) {
      throw new FlagError(`docker-args: ${w} is refused: the action runs go in the builder image`);
    } else if (
      !w.startsWith('-') &&
      (i === 0 || !words[i - 1]!.startsWith('-') || words[i - 1]!.includes('='))
    ) {
      throw new FlagError(
        `docker-args: "${w}" is not an option; docker-args holds only docker run options like --network host or -e NAME=value`,
      );
    }
  }
  return words;
}
