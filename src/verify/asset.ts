// Where the server binary of a target comes from: the release asset's name (from the
// `server-asset` template), the `server-binary` path template, and the tool-cache key under which
// a downloaded binary is kept. Pure: tested as data.
import { createHash } from 'node:crypto';
import { targetVars } from '../build/naming';
import type { Target } from '../build/targets';

export const SERVER_ASSET_PLACEHOLDERS = ['owner', 'repo', 'target', 'os', 'arch', 'tag', 'version'] as const;
export type ServerAssetVars = Record<(typeof SERVER_ASSET_PLACEHOLDERS)[number], string>;

/** Upstream's naming: `gotify-linux-arm-7.zip` for gotify/server (the owner's name in lower case). */
export const DEFAULT_SERVER_ASSET = '{owner}-{target}.zip';

export class ServerAssetError extends Error {
  override name = 'ServerAssetError';
}

/** Placeholders of a template that are not known; [] when the template is fine. */
export function unknownPlaceholders(template: string): string[] {
  return [...template.matchAll(/\{([^{}]*)\}/g)]
    .map((m) => m[1]!)
    .filter((p) => !(SERVER_ASSET_PLACEHOLDERS as readonly string[]).includes(p));
}

/**
 * The values of the placeholders for one target: `{owner}` and `{repo}` in lower case (upstream
 * names its assets after the owner in lower case), `{tag}` as resolved (`v2.0.0`), `{version}`
 * without the leading `v`, `{target}`/`{os}`/`{arch}` as in file names (`arm-7` for arm).
 */
export function serverAssetVars(
  server: { owner: string; repo: string; tag: string },
  target: Target,
): ServerAssetVars {
  return {
    owner: server.owner.toLowerCase(),
    repo: server.repo.toLowerCase(),
    tag: server.tag,
    version: server.tag.replace(/^v/, ''),
    ...targetVars(target),
  };
}

/** Renders a `server-asset` or `server-binary` template; throws ServerAssetError for unknown placeholders. */
export function renderServerTemplate(input: string, template: string, vars: ServerAssetVars): string {
  const unknown = unknownPlaceholders(template);
  if (unknown.length > 0) {
    throw new ServerAssetError(
      `${input} "${template}": unknown placeholder {${unknown[0]}}; use ${SERVER_ASSET_PLACEHOLDERS.map((p) => `{${p}}`).join(', ')}`,
    );
  }
  return template.replace(/\{([^{}]*)\}/g, (_, key: string) => vars[key as keyof ServerAssetVars]);
}

/** An asset that ends in `.zip` holds the binary; any other asset is the binary itself. */
export function isZipAsset(name: string): boolean {
  return /\.zip$/i.test(name);
}

export interface ToolCacheKey {
  /** The tool's folder name under RUNNER_TOOL_CACHE. */
  tool: string;
  /** A valid semver (tool-cache only finds explicit semver versions), unique per repository and tag. */
  version: string;
  /** The third path component: the target. */
  arch: string;
}

/**
 * The tool-cache key of a server binary: repository, tag and target. @actions/tool-cache only
 * finds versions that are valid semver after `semver.clean`, and tags can be anything (`v2.0.0`,
 * `2.0.0`, `release-7`, `v2.0.0+meta` - which `clean` would shorten), so the version is
 * `0.0.0-<tag made safe>-x<hash>`: a valid prerelease for any tag, readable in the folder, and
 * made unique by a hash of repository, tag and asset name (two tags that are made safe alike, or
 * owner/repo splits that read alike, never share an entry).
 */
export function toolCacheKey(
  server: { repository: string; tag: string },
  target: Target,
  asset: string,
): ToolCacheKey {
  const safeTag =
    server.tag
      .replace(/[^0-9A-Za-z-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40) || 'tag';
  const hash = createHash('sha256')
    .update(`${server.repository.toLowerCase()}\n${server.tag}\n${asset}`)
    .digest('hex')
    .slice(0, 12);
  const tool = `flow-server-${server.repository.toLowerCase().replace(/[^0-9a-z._-]+/g, '-')}`;
  return { tool, version: `0.0.0-${safeTag}-x${hash}`, arch: target.name };
}
