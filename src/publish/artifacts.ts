// Workflow artifacts: every plugin is its own artifact, uploaded unzipped (the @actions/artifact
// v6 `skipArchive` option: one file, stored as-is), named so that jobs of a matrix never collide.
// Naming and URLs are pure; `uploadPluginArtifacts` is the thin adapter around the client.
import type { ArtifactClient } from '@actions/artifact';
import { copyFile, link, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { formatChecksums, parseChecksums } from './checksums';

/**
 * Characters the artifact service refuses in a name (@actions/artifact
 * `validateArtifactName`), plus `%` and `_`, which this module uses for escaping and separating.
 */
const ESCAPED = new Set(['"', ':', '<', '>', '|', '*', '?', '\r', '\n', '\\', '/', '%', '_']);

/**
 * Makes one name component safe: refused characters (and the `_` separator and `%` itself) become
 * `%XX`, and other control characters too. The mapping is injective, so distinct inputs never give
 * the same name.
 */
export function escapeNameComponent(value: string): string {
  let out = '';
  for (const ch of value) {
    const code = ch.codePointAt(0)!;
    if (ESCAPED.has(ch) || code < 0x20 || code === 0x7f) {
      out += `%${code.toString(16).toUpperCase().padStart(2, '0')}`;
    } else {
      out += ch;
    }
  }
  return out;
}

export interface ArtifactNameParts {
  /** The plugin's name. */
  name: string;
  /** The target, e.g. `linux-arm-7`. */
  target: string;
  /** The server release tag the plugin was built for, e.g. `v2.6.0`. */
  serverTag: string;
}

/**
 * The artifact name of one plugin: `<name>_<target>_<server tag>.so`, each part escaped with
 * {@link escapeNameComponent}. Unique across a workflow matrix (target and server tag are in it),
 * accepted by the artifact service, and - because an unzipped artifact is named after its file -
 * also the name of the downloaded file.
 */
export function artifactName({ name, target, serverTag }: ArtifactNameParts): string {
  for (const [key, value] of Object.entries({ name, target, serverTag })) {
    if (!value) throw new Error(`artifact name: ${key} is empty`);
  }
  return `${[name, target, serverTag].map(escapeNameComponent).join('_')}.so`;
}

/**
 * The artifact name of the checksums file: `<name>_<server tag>_<targets, sorted, joined by +>_checksums.txt`.
 * The targets are in it so that matrix jobs building different targets for the same server do not collide.
 */
export function checksumsArtifactName({
  name,
  serverTag,
  targets,
}: {
  name: string;
  serverTag: string;
  targets: readonly string[];
}): string {
  if (!name || !serverTag) throw new Error('checksums artifact name: name and server tag must not be empty');
  if (targets.length === 0) throw new Error('checksums artifact name: no targets');
  const list = [...new Set(targets)]
    .sort()
    .map((t) => escapeNameComponent(t).replace(/\+/g, '%2B'))
    .join('+');
  return `${escapeNameComponent(name)}_${escapeNameComponent(serverTag)}_${list}_checksums.txt`;
}

/**
 * The page of an artifact: `${GITHUB_SERVER_URL}/${GITHUB_REPOSITORY}/actions/runs/${GITHUB_RUN_ID}/artifacts/${id}`.
 * Undefined when the environment does not say where the run is.
 */
export function artifactUrl(env: Record<string, string | undefined>, id: number): string | undefined {
  const server = (env['GITHUB_SERVER_URL'] || 'https://github.com').replace(/\/+$/, '');
  const repo = env['GITHUB_REPOSITORY'];
  const runId = env['GITHUB_RUN_ID'];
  if (!repo || !runId) return undefined;
  return `${server}/${repo}/actions/runs/${runId}/artifacts/${id}`;
}

export interface PluginFile {
  /** Where the plugin is on disk. */
  path: string;
  /** The target it was built for. */
  target: string;
  /** Its file name (as in checksums.txt and the release). */
  fileName: string;
  /** The server release it was built for; default the options' serverTag. */
  serverTag?: string;
}

export interface UploadOptions {
  serverTag: string;
  /** The plugin's name. */
  name: string;
  /** Days to keep the artifacts (1 or more); the service caps it at the repository's setting. Default: the repository's setting. */
  retentionDays?: number;
  /**
   * The `checksums.txt` written beside the plugins. It is uploaded as an artifact too, rewritten
   * for the artifact names (the names an artifact download gives) and limited to the plugins that
   * were uploaded, so `sha256sum -c` works in a folder of downloaded artifacts.
   */
  checksums?: { path: string };
  /** The artifact client; default `new DefaultArtifactClient()`. */
  client?: Pick<ArtifactClient, 'uploadArtifact' | 'deleteArtifact'>;
  /**
   * An artifact of the same name already on the run (an earlier attempt of a re-run job) is
   * deleted and the upload tried again, like upload-artifact's `overwrite`. Default false.
   */
  overwrite?: boolean;
  /** Where the run is (GITHUB_SERVER_URL, GITHUB_REPOSITORY, GITHUB_RUN_ID), for artifact URLs. */
  env?: Record<string, string | undefined>;
  /** Folder for the temporary copies named after the artifacts (RUNNER_TEMP); default the OS temp folder. */
  tempDir?: string;
  /** Where a replaced artifact, each upload and each failure are said (the publish stage logs them). */
  log?: { info(message: string): void; warning(message: string): void };
}

interface UploadOutcome {
  /** The artifact's name (also the name of the file a download gives). */
  artifactName: string;
  /** The file's name on disk. */
  fileName: string;
  ok: boolean;
  id?: number;
  url?: string;
  /** Bytes uploaded. */
  size?: number;
  /** SHA-256 (hex) of the uploaded bytes, as the client computed it. */
  digest?: string;
  /** Why the upload failed, when `ok` is false. */
  error?: string;
}

export type PluginArtifact = UploadOutcome & {
  kind: 'plugin';
  target: string;
  /** The server release the plugin was built for. */
  serverTag?: string;
};
export type ChecksumsArtifact = UploadOutcome & { kind: 'checksums'; targets: string[] };
export type ArtifactUpload = PluginArtifact | ChecksumsArtifact;

/**
 * The checksums artifact's content: the lines of `checksums.txt` for the given plugins, each
 * renamed from its file name to its artifact name. Throws when `checksums.txt` has no line for one.
 */
export function artifactChecksums(
  checksumsText: string,
  plugins: readonly { fileName: string; artifactName: string }[],
): string {
  const byFile = new Map(parseChecksums(checksumsText).map((e) => [e.fileName, e.sha256]));
  return formatChecksums(
    plugins.map((p) => {
      const sha256 = byFile.get(p.fileName);
      if (sha256 === undefined) throw new Error(`the checksums file has no line for ${p.fileName}`);
      return { fileName: p.artifactName, sha256 };
    }),
  );
}

/**
 * Uploads each plugin as its own unzipped artifact, then the checksums file if given. Never throws
 * for one file: each result says whether it was uploaded (`ok`, `id`, `url`) or why not (`error`),
 * so the caller can say which files were and were not uploaded. Results are the plugins in the
 * order given, then the checksums file. Throws only for a wrong call (bad retention, two files with
 * one artifact name).
 */
export async function uploadPluginArtifacts(
  files: readonly PluginFile[],
  options: UploadOptions,
): Promise<ArtifactUpload[]> {
  const { serverTag, name, retentionDays } = options;
  if (retentionDays !== undefined && !(Number.isInteger(retentionDays) && retentionDays >= 1)) {
    throw new RangeError(`retention-days must be a whole number of days, 1 or more (got ${retentionDays})`);
  }
  const plugins = files.map((file) => ({
    ...file,
    serverTag: file.serverTag ?? serverTag,
    artifactName: artifactName({ name, target: file.target, serverTag: file.serverTag ?? serverTag }),
  }));
  const targets = files.map((f) => f.target);
  const checksumsName = options.checksums ? checksumsArtifactName({ name, serverTag, targets }) : undefined;
  const names = new Set<string>();
  for (const n of [...plugins.map((p) => p.artifactName), ...(checksumsName ? [checksumsName] : [])]) {
    if (names.has(n)) throw new Error(`two files would upload as artifact ${n}`);
    names.add(n);
  }

  // Loaded only when a run uploads (start-up stays short): see scripts/bundle.mjs.
  const client = options.client ?? new (await import('@actions/artifact')).DefaultArtifactClient();
  const env = options.env ?? {};
  const log = options.log ?? { info: () => undefined, warning: () => undefined };
  const staging = await mkdtemp(join(options.tempDir || tmpdir(), 'artifacts-'));
  const results: ArtifactUpload[] = [];
  const upload = (folder: string, p: Omit<Upload, 'folder'>) =>
    uploadOne(
      client,
      { ...p, folder: join(staging, folder) },
      retentionDays,
      env,
      options.overwrite ?? false,
      log,
    );
  try {
    for (const [i, p] of plugins.entries()) {
      const outcome = await upload(String(i), {
        artifactName: p.artifactName,
        fileName: p.fileName,
        stage: (target) => linkOrCopy(p.path, target),
      });
      results.push({ kind: 'plugin', target: p.target, serverTag: p.serverTag, ...outcome });
    }
    if (options.checksums && checksumsName) {
      const source = options.checksums.path;
      const uploaded = plugins.filter((_, i) => results[i]!.ok);
      const outcome = await upload('checksums', {
        artifactName: checksumsName,
        fileName: basename(source),
        stage: async (target) => {
          if (uploaded.length === 0) throw new Error('no plugin was uploaded, so there is nothing to list');
          await writeFile(target, artifactChecksums(await readFile(source, 'utf8'), uploaded));
        },
      });
      results.push({ kind: 'checksums', targets, ...outcome });
    }
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return results;
}

interface Upload {
  artifactName: string;
  fileName: string;
  /** A folder of its own, for the file named after the artifact. */
  folder: string;
  /** Writes the file to upload at the given path. */
  stage: (target: string) => Promise<void>;
}

/** The service's answer when the run already has an artifact of that name. */
export function isNameConflict(error: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error);
  return /\(409\)|already exists/i.test(message);
}

async function uploadOne(
  client: Pick<ArtifactClient, 'uploadArtifact' | 'deleteArtifact'>,
  p: Upload,
  retentionDays: number | undefined,
  env: Record<string, string | undefined>,
  overwrite: boolean,
  log: NonNullable<UploadOptions['log']>,
): Promise<UploadOutcome> {
  const base = { artifactName: p.artifactName, fileName: p.fileName };
  try {
    // An unzipped artifact takes its file's name (skipArchive ignores the name argument), so the
    // file uploaded is a link or copy named after the artifact, alone in its folder.
    await mkdir(p.folder, { recursive: true });
    const staged = join(p.folder, p.artifactName);
    await p.stage(staged);
    const send = () =>
      client.uploadArtifact(p.artifactName, [staged], p.folder, {
        skipArchive: true,
        ...(retentionDays !== undefined ? { retentionDays } : {}),
      });
    let response;
    try {
      response = await send();
    } catch (error) {
      if (!overwrite || !isNameConflict(error)) throw error;
      log.info(`Artifact ${p.artifactName} already exists on this run (an earlier attempt): replacing it`);
      await client.deleteArtifact(p.artifactName);
      response = await send();
    }
    if (response.id === undefined) {
      return { ...base, ok: false, error: 'the artifact service returned no artifact id' };
    }
    const url = artifactUrl(env, response.id);
    log.info(`Uploaded ${p.fileName} as artifact ${p.artifactName} (id ${response.id})`);
    return {
      ...base,
      ok: true,
      id: response.id,
      ...(url ? { url } : {}),
      ...(response.size !== undefined ? { size: response.size } : {}),
      ...(response.digest ? { digest: response.digest } : {}),
    };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    log.warning(`Artifact upload of ${p.fileName} (${p.artifactName}) failed: ${message}`);
    return { ...base, ok: false, error: message };
  }
}

async function linkOrCopy(source: string, target: string): Promise<void> {
  try {
    await link(source, target);
  } catch {
    await copyFile(source, target);
  }
}
