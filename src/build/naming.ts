// Names: builder image tags, the plugin's name, and output file names from the `file-name`
// template. Pure.
import type { Target } from './targets';

/** `<image>:<go>-<target>`; the Go version has no leading `v` or `go`. */
export function imageTag(image: string, goVersion: string, target: Target): string {
  return `${image}:${goVersion.replace(/^(go|v)/, '')}-${target.name}`;
}

/**
 * The plugin's default name: the last element of its module path, without a major-version suffix
 * (`github.com/me/plugin/v2` -> `plugin`, `gopkg.in/me/plugin.v3` -> `plugin`).
 */
export function pluginNameFromModule(modulePath: string): string {
  const parts = modulePath.split('/').filter((p) => p.length > 0);
  let last = parts.at(-1) ?? modulePath;
  if (/^v\d+$/.test(last) && parts.length > 1) last = parts.at(-2)!;
  last = last.replace(/\.v\d+$/, '');
  return last;
}

/** The plugin's name in file names: plugin-name when set, else from go.mod's module path, else `plugin`. */
export function pluginNameFor(configured: string | undefined, modulePath: string | undefined): string {
  return configured ?? (modulePath ? pluginNameFromModule(modulePath) : 'plugin');
}

export const FILE_NAME_PLACEHOLDERS = ['name', 'target', 'os', 'arch', 'server', 'go'] as const;
export type FileNameVars = Record<(typeof FILE_NAME_PLACEHOLDERS)[number], string>;

export class FileNameError extends Error {
  override name = 'FileNameError';
}

export function targetVars(target: Target): Pick<FileNameVars, 'target' | 'os' | 'arch'> {
  return {
    target: target.name,
    os: target.os,
    arch: target.goarm ? `${target.arch}-${target.goarm}` : target.arch,
  };
}

/** A name usable as a file name: letters, digits, `.`, `_`, `+`, `-`, starting with a letter or digit. */
export function isSafeName(name: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9._+-]*$/.test(name);
}

/** The first placeholder of a `file-name` template that is not one of FILE_NAME_PLACEHOLDERS. */
export function unknownFileNamePlaceholder(template: string): string | undefined {
  return [...template.matchAll(/\{([^{}]*)\}/g)]
    .map((m) => m[1]!)
    .find((p) => !(FILE_NAME_PLACEHOLDERS as readonly string[]).includes(p));
}

/** `{name}, {target}, ...`: the placeholders a `file-name` template may use. */
export function fileNamePlaceholderList(): string {
  return FILE_NAME_PLACEHOLDERS.map((p) => `{${p}}`).join(', ');
}

/** Renders the `file-name` template; throws FileNameError for unknown placeholders or unsafe names. */
export function renderFileName(template: string, vars: FileNameVars): string {
  const unknown = unknownFileNamePlaceholder(template);
  if (unknown !== undefined) {
    throw new FileNameError(
      `file-name "${template}": unknown placeholder {${unknown}}; use ${fileNamePlaceholderList()}`,
    );
  }
  const name = template.replace(/\{([^{}]*)\}/g, (_, key: string) => vars[key as keyof FileNameVars]);
  if (!isSafeName(name) || name.includes('..')) {
    throw new FileNameError(
      `file-name "${template}" gives "${name}", which is not a safe file name: use letters, digits, ".", "_", "+" and "-" only (no "/" or ".."), starting with a letter or digit`,
    );
  }
  return name;
}

/** Files of the plugin's folder that a plugin must never replace. */
export const RESERVED_FILE_NAMES = ['go.mod', 'go.sum', 'go.work', 'go.work.sum'];

/**
 * Renders the file name of every target and checks they are distinct and none of them is a
 * reserved name (go.mod, go.sum, ... and the `reserved` names of the run, e.g. checksums.txt).
 */
export function renderFileNames(
  template: string,
  common: Pick<FileNameVars, 'name' | 'server' | 'go'>,
  targets: Target[],
  reserved: readonly string[] = [],
): string[] {
  const names = targets.map((t) => renderFileName(template, { ...common, ...targetVars(t) }));
  const seen = new Map<string, string>();
  names.forEach((n, i) => {
    if ([...RESERVED_FILE_NAMES, ...reserved].includes(n) || n.endsWith('.go')) {
      throw new FileNameError(
        `file-name "${template}" gives "${n}" for ${targets[i]!.name}, a name the plugin's sources or the action's own files use: write e.g. {name}-{target}.so`,
      );
    }
    const other = seen.get(n);
    if (other !== undefined) {
      throw new FileNameError(
        `file-name "${template}" gives "${n}" for both ${other} and ${targets[i]!.name}: add {target} to the template`,
      );
    }
    seen.set(n, targets[i]!.name);
  });
  return names;
}
