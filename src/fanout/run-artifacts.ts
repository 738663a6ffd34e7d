// Adapter: the workflow run's artifacts as the fan-out uses them - small JSON records (a cell's,
// the plan) uploaded unzipped, the run's artifacts listed (every job's, the newest of each name),
// one artifact downloaded into a folder of its own, its digest checked; an artifact the internal
// download cannot find (an earlier attempt's, after "Re-run failed jobs") fetched again through the
// REST API with the run id and the token. Thin around @actions/artifact.
import type { ArtifactClient } from '@actions/artifact';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isNameConflict } from '../publish/artifacts';

export type RunArtifactClient = Pick<
  ArtifactClient,
  'uploadArtifact' | 'deleteArtifact' | 'listArtifacts' | 'downloadArtifact'
>;

export interface RunArtifact {
  id: number;
  name: string;
  size: number;
  /** `sha256:<hex>` as the service recorded it at upload. */
  digest?: string;
}

/** Loaded only when a run needs it (start-up stays short): see scripts/bundle.mjs. */
export async function defaultArtifactClient(): Promise<RunArtifactClient> {
  return new (await import('@actions/artifact')).DefaultArtifactClient();
}

/** Every artifact of this workflow run, every job's, the newest of each name. */
export async function listRunArtifacts(client: RunArtifactClient): Promise<RunArtifact[]> {
  const { artifacts } = await client.listArtifacts({ latest: true });
  return artifacts.map((a) => ({
    id: a.id,
    name: a.name,
    size: a.size,
    ...(a.digest !== undefined && { digest: a.digest }),
  }));
}

/**
 * The public REST download of the run's artifacts (`GET .../actions/artifacts/{id}/zip`): the run
 * id, the repository and a token with `actions: read`.
 */
export interface RestDownload {
  token: string;
  workflowRunId: number;
  repositoryOwner: string;
  repositoryName: string;
}

/** The REST download of this run from the step's environment and token; undefined when one is missing. */
export function restDownloadOf(
  env: Record<string, string | undefined>,
  token: string | undefined,
): RestDownload | undefined {
  const [owner, repo] = (env.GITHUB_REPOSITORY ?? '').split('/');
  const runId = Number(env.GITHUB_RUN_ID);
  if (!token || !owner || !repo || !Number.isSafeInteger(runId) || runId <= 0) return undefined;
  return { token, workflowRunId: runId, repositoryOwner: owner, repositoryName: repo };
}

/** The internal download's "not found" (a 404 of ListArtifacts or GetSignedArtifactURL). */
export function isArtifactNotFound(e: unknown): boolean {
  const err = e as { name?: string; message?: string } | undefined;
  return err?.name === 'ArtifactNotFoundError' || /\(404\)/.test(err?.message ?? '');
}

/**
 * Downloads one unzipped artifact into a new folder under `dir`; gives the path of the one file
 * there (the library names it from the response, not always after the artifact). Throws when the
 * bytes are not the ones uploaded (the digest the service recorded). When the internal download
 * does not find the artifact - GitHub has answered 404 for an earlier attempt's artifacts after
 * "Re-run failed jobs" (actions/download-artifact#486) - it is downloaded through `rest`.
 */
export async function downloadRunArtifact(
  client: RunArtifactClient,
  artifact: RunArtifact,
  dir: string,
  rest?: RestDownload,
  log: (message: string) => void = () => undefined,
): Promise<string> {
  await mkdir(dir, { recursive: true });
  const folder = await mkdtemp(join(dir, 'a-'));
  const options = {
    path: folder,
    ...(artifact.digest !== undefined && { expectedHash: artifact.digest }),
  };
  let got;
  try {
    got = await client.downloadArtifact(artifact.id, options);
  } catch (e) {
    if (!isArtifactNotFound(e)) throw e;
    const what = `artifact ${artifact.name} (id ${artifact.id}) was not found by the artifact service (an earlier attempt's, after "Re-run failed jobs"?)`;
    if (!rest) {
      throw new Error(
        `${what}, and it cannot be downloaded through the REST API without github-token and GITHUB_RUN_ID: give the step the token (default) and the job permissions: actions: read`,
        { cause: e },
      );
    }
    log(`${what}: downloading it through the REST API (run ${rest.workflowRunId}, actions: read)`);
    await rm(folder, { recursive: true, force: true });
    await mkdir(folder);
    try {
      got = await client.downloadArtifact(artifact.id, { ...options, findBy: rest });
    } catch (e2) {
      throw new Error(
        `${what}, and the REST download failed too (the job needs permissions: actions: read): ${(e2 as Error).message}`,
        { cause: e2 },
      );
    }
  }
  if (got.digestMismatch) {
    throw new Error(
      `artifact ${artifact.name} (id ${artifact.id}) downloaded with another sha256 than it was uploaded with`,
    );
  }
  return onlyFile(folder, artifact.name);
}

/** The one regular file of a fresh download folder (whatever its name); throws for none or several. */
export async function onlyFile(folder: string, artifactName: string): Promise<string> {
  const entries = await readdir(folder, { withFileTypes: true });
  const files = entries.filter((e) => e.isFile());
  if (entries.length !== 1 || files.length !== 1) {
    throw new Error(
      `artifact ${artifactName} downloaded as ${entries.length} entr${entries.length === 1 ? 'y' : 'ies'} (${files.length} file${files.length === 1 ? '' : 's'}), not one file: was it uploaded as one file, unzipped?`,
    );
  }
  return join(folder, files[0]!.name);
}

/** Downloads an artifact and reads it as text. */
export async function readRunArtifact(
  client: RunArtifactClient,
  artifact: RunArtifact,
  dir: string,
  rest?: RestDownload,
  log?: (message: string) => void,
): Promise<string> {
  return readFile(await downloadRunArtifact(client, artifact, dir, rest, log), 'utf8');
}

/**
 * Uploads `text` as the unzipped artifact `name` (the file is named after it). With `overwrite`,
 * an artifact of that name an earlier attempt left is replaced. Gives the artifact's id.
 */
export async function uploadTextArtifact(
  client: RunArtifactClient,
  name: string,
  text: string,
  options: { tempDir?: string; overwrite: boolean; retentionDays?: number },
): Promise<number> {
  const base = options.tempDir || tmpdir();
  await mkdir(base, { recursive: true });
  const folder = await mkdtemp(join(base, 'record-'));
  try {
    const file = join(folder, name);
    await writeFile(file, text);
    const send = () =>
      client.uploadArtifact(name, [file], folder, {
        skipArchive: true,
        ...(options.retentionDays !== undefined && { retentionDays: options.retentionDays }),
      });
    let response;
    try {
      response = await send();
    } catch (e) {
      if (!options.overwrite || !isNameConflict(e)) throw e;
      await client.deleteArtifact(name);
      response = await send();
    }
    if (response.id === undefined) throw new Error(`the artifact service returned no id for ${name}`);
    return response.id;
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}
