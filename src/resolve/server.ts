// What the plugin must match, read from the server's repository at the resolved release tag:
// the tag, the Go version and the go.mod (module path and module versions).
import type { Octokit } from '@octokit/rest';
import { resolveServerGoVersion } from '../github/go-version';
import {
  readServerFiles,
  resolveServerRelease,
  resolveServerReleases,
  type ServerRelease,
} from '../github/server-release';
import { parseGoMod, type GoModFile } from '../gomod';
import { checkModulePaths } from '../gomod/module-paths';
import type { ActionConfig } from '../inputs';

export interface ServerFacts {
  repository: string;
  tag: string;
  releaseUrl?: string;
  goVersion: string;
  goVersionSource: 'GO_VERSION' | 'toolchain';
  /** The module path from go.mod's `module` line (never derived from the tag). */
  module: string;
  /** The server's go.mod, parsed once here; the sync, the alignment and verify read it. */
  goMod: GoModFile;
  goModText: string;
  /** e.g. `Flow/server@v2.0.0:go.mod`, for error messages. */
  goModName: string;
  warnings: string[];
}

export class ServerError extends Error {
  override name = 'ServerError';
}

/** Pure: the facts from the two files read at the tag (undefined = file absent). */
export function serverFacts(input: {
  repository: string;
  tag: string;
  releaseUrl?: string;
  goVersionFile?: string;
  goMod?: string;
}): ServerFacts {
  const { repository, tag } = input;
  const goModName = `${repository}@${tag}:go.mod`;
  if (input.goMod === undefined) {
    throw new ServerError(
      `${repository} has no go.mod at ${tag}, so there is nothing to match: choose a server-version of a Go module release`,
    );
  }
  const parsed = parseGoMod(input.goMod, goModName); // throws GoModError with file:line:col
  // Paths Go would refuse (a quoted newline and `::warning::`...) stop here, before any is logged.
  checkModulePaths(parsed, goModName);
  if (!parsed.module) {
    throw new ServerError(`${goModName} has no module line, so it is not the server's go.mod`);
  }
  const go = resolveServerGoVersion({
    tag,
    ...(input.goVersionFile !== undefined && { goVersionFile: input.goVersionFile }),
    goMod: input.goMod,
  });
  return {
    repository,
    tag,
    ...(input.releaseUrl !== undefined && { releaseUrl: input.releaseUrl }),
    goVersion: go.version,
    goVersionSource: go.source,
    module: parsed.module.path,
    goMod: parsed,
    goModText: input.goMod,
    goModName,
    warnings: go.warnings,
  };
}

/** Resolves the release tag and reads GO_VERSION and go.mod there, over the GitHub API. */
export async function resolveServer(octokit: Octokit, config: ActionConfig): Promise<ServerFacts> {
  const { owner, repo } = config.server;
  const release = await resolveServerRelease(octokit, {
    owner,
    repo,
    spec: config.serverVersion,
    includePrereleases: config.includePrereleases,
  });
  return factsAt(octokit, config, release);
}

/** The run's releases: server-versions (every match, newest first, capped) or the one of server-version. */
export async function resolveServers(
  octokit: Octokit,
  config: ActionConfig,
): Promise<{ servers: ServerFacts[]; leftOut: string[] }> {
  if (config.serverVersions === undefined)
    return { servers: [await resolveServer(octokit, config)], leftOut: [] };
  const { owner, repo } = config.server;
  const { releases, leftOut } = await resolveServerReleases(octokit, {
    owner,
    repo,
    specs: config.serverVersions,
    includePrereleases: config.includePrereleases,
    max: config.maxServerVersions,
  });
  // Every release's files at once; a failure is the first in the run's order, as one by one.
  const read = await Promise.allSettled(releases.map((release) => factsAt(octokit, config, release)));
  const servers = read.map((r) => {
    if (r.status === 'rejected') throw r.reason;
    return r.value;
  });
  return { servers, leftOut };
}

/** GO_VERSION and go.mod read at the release's tag. */
async function factsAt(octokit: Octokit, config: ActionConfig, release: ServerRelease): Promise<ServerFacts> {
  const { owner, repo } = config.server;
  const { goVersionFile, goMod } = await readServerFiles(octokit, { owner, repo, tag: release.tag });
  return serverFacts({
    repository: `${owner}/${repo}`,
    tag: release.tag,
    ...(release.releaseUrl !== undefined && { releaseUrl: release.releaseUrl }),
    ...(goVersionFile !== undefined && { goVersionFile }),
    ...(goMod !== undefined && { goMod }),
  });
}
