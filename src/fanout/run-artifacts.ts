// Adapter: the workflow run's artifacts as the fan-out uses them - small JSON records (a cell's,
// the plan) uploaded unzipped, the run's artifacts listed (every job's, the newest of each name),
// one artifact downloaded into a folder of its own, its digest checked. Thin around @actions/artifact.
import type { ArtifactClient } from '@actions/artifact';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
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
 * Downloads one unzipped artifact into a new folder under `dir`; gives the file's path. Throws
 * when the bytes are not the ones uploaded (the digest the service recorded).
 */
export async function downloadRunArtifact(
  client: RunArtifactClient,
  artifact: RunArtifact,
  dir: string,
): Promise<string> {
  await mkdir(dir, { recursive: true });
  const folder = await mkdtemp(join(dir, 'a-'));
  const got = await client.downloadArtifact(artifact.id, {
    path: folder,
    ...(artifact.digest !== undefined && { expectedHash: artifact.digest }),
  });
  if (got.digestMismatch) {
    throw new Error(
      `artifact ${artifact.name} (id ${artifact.id}) downloaded with another sha256 than it was uploaded with`,
    );
  }
  return join(folder, artifact.name);
}

/** Downloads an artifact and reads it as text. */
export async function readRunArtifact(
  client: RunArtifactClient,
  artifact: RunArtifact,
  dir: string,
): Promise<string> {
  return readFile(await downloadRunArtifact(client, artifact, dir), 'utf8');
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
