// Adding a run's plugins to the plugin's release, with plugins.json and checksums.txt, so that
// overlapping runs never lose an entry: the release's lock is taken, the index and checksums are
// read again under it, what another run added meanwhile is left out, and the release is written
// (new files first, index last) before the lock is given back. Plain values in, a plain outcome
// out; the GitHub side goes through src/github/release-files.ts.
import { cancelledBy } from '../fs/cleanup';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Octokit } from '@octokit/rest';
import {
  listAssets,
  readReleaseAsset,
  withReleaseLock,
  writeReleaseFiles,
  type LockOptions,
} from '../github/release-files';
import type { ReleaseRef, UploadResult } from '../github/release-assets';
import { CHECKSUMS_FILE_NAME, formatChecksums, parseChecksums } from '../publish/checksums';
import {
  formatPluginIndex,
  mergePluginIndex,
  parsePluginIndex,
  PLUGIN_INDEX_FILE_NAME,
  type PluginIndex,
} from '../publish/plugin-index';
import { addChecksums } from './follow';
import type { PlanPurpose } from './plan-record';

export interface PluginUpload {
  /** The server release it was built for. */
  serverTag: string;
  /** The asset name. */
  name: string;
  path: string;
  sha256: string;
}

export interface ReleasePublishInput {
  release: ReleaseRef;
  /**
   * `follow`: add what the release's index does not cover; a release it covers (another run
   * added it meanwhile) is left out, and no file already there is touched. `release`: this run's
   * releases replace their entries and files (overwrite), the index's other entries stay.
   */
  purpose: PlanPurpose;
  /** This run's index (only the releases this run built). */
  index: PluginIndex;
  files: PluginUpload[];
  overwrite: boolean;
  lock: LockOptions;
  tempDir?: string;
  log: (message: string) => void;
}

export interface ReleasePublishOutcome {
  /** Server releases whose files and entries were written. */
  added: string[];
  /** follow: server releases another run added meanwhile (nothing of this run's written for them). */
  meanwhile: string[];
  uploads: UploadResult[];
  /** The index as written (or as found, when nothing was written). */
  index?: PluginIndex;
}

/** Reads plugins.json of the release, if it has one (a broken one is an error: it is never overwritten blindly). */
export async function readReleaseIndex(
  octokit: Octokit,
  release: ReleaseRef,
  assets?: Awaited<ReturnType<typeof listAssets>>,
): Promise<PluginIndex | undefined> {
  const bytes = await readReleaseAsset(octokit, release, PLUGIN_INDEX_FILE_NAME, assets);
  return bytes === undefined
    ? undefined
    : parsePluginIndex(bytes.toString('utf8'), `${PLUGIN_INDEX_FILE_NAME} of release ${release.tag_name}`);
}

export async function publishToRelease(
  octokit: Octokit,
  input: ReleasePublishInput,
): Promise<ReleasePublishOutcome> {
  const { release, log } = input;
  return withReleaseLock(octokit, release, PLUGIN_INDEX_FILE_NAME, { ...input.lock, log }, async () => {
    // Read again under the lock: what other runs wrote while this one built.
    const assets = await listAssets(octokit, release);
    const current = await readReleaseIndex(octokit, release, assets);
    const checksumsBytes = await readReleaseAsset(octokit, release, CHECKSUMS_FILE_NAME, assets);
    const onRelease = assets.filter((a) => a.state === 'uploaded').map((a) => a.name);

    let index = input.index;
    let files = input.files;
    let meanwhile: string[] = [];
    if (input.purpose === 'follow' && current) {
      meanwhile = Object.keys(index.releases).filter((tag) => tag in current.releases);
      if (meanwhile.length > 0) {
        log(
          `plugins.json of release ${release.tag_name} covers ${meanwhile.join(', ')} now (another run added ${meanwhile.length === 1 ? 'it' : 'them'} meanwhile): not uploaded again`,
        );
        files = files.filter((f) => !meanwhile.includes(f.serverTag));
        index = {
          ...index,
          releases: Object.fromEntries(
            Object.entries(index.releases).filter(([tag]) => !meanwhile.includes(tag)),
          ),
        };
      }
    }
    const added = Object.keys(index.releases);
    if (added.length === 0) return { added, meanwhile, uploads: [], ...(current && { index: current }) };

    // follow: the existing entries are kept as they are; release: this run's entries win.
    const merged = !current
      ? index
      : input.purpose === 'follow'
        ? mergePluginIndex(current, index).index
        : { ...mergePluginIndex(index, current).index };
    const names = new Set(files.map((f) => f.name));
    // follow: a file of the same name that no entry of the index names was left by a run that did
    // not finish its write (the index is written last): it is replaced. One the index names never is.
    const indexed = new Set(
      Object.values(current?.releases ?? {}).flatMap((r) => Object.values(r.targets).map((t) => t.file)),
    );
    const taken = files.filter((f) => onRelease.includes(f.name));
    // Without an index every file there is someone's (a release made before this action wrote one).
    const held = current ? taken.filter((f) => indexed.has(f.name)) : taken;
    if (input.purpose === 'follow' && held.length > 0) {
      throw new Error(
        current
          ? `plugins.json of release ${release.tag_name} already names ${held.map((f) => f.name).join(', ')} for another server release: use a file-name with {server}; nothing was written`
          : `release ${release.tag_name} has no plugins.json but already has ${held.map((f) => f.name).join(', ')}, which a follow run never replaces: use another file-name, or remove the file; nothing was written`,
      );
    }
    const replace = taken;
    for (const f of input.purpose === 'follow' ? replace : []) {
      log(
        `${f.name} is on release ${release.tag_name} but in no entry of plugins.json (left by a run that did not finish): replacing it`,
      );
    }
    if (input.purpose === 'release' && replace.length > 0 && !input.overwrite) {
      throw new Error(
        `release ${release.tag_name} already has ${replace.map((f) => f.name).join(', ')} and overwrite is false: nothing was written`,
      );
    }
    const add = files.filter((f) => !replace.includes(f));
    const existingSums = checksumsBytes?.toString('utf8');
    const sums =
      input.purpose === 'follow'
        ? addChecksums(
            existingSums,
            files.map((f) => ({ fileName: f.name, sha256: f.sha256 })),
          )
        : formatChecksums([
            ...(existingSums ? parseChecksums(existingSums).filter((e) => !names.has(e.fileName)) : []),
            ...files.map((f) => ({ fileName: f.name, sha256: f.sha256 })),
          ]);

    const base = input.tempDir || tmpdir();
    await mkdir(base, { recursive: true });
    const dir = await mkdtemp(join(base, 'release-index-'));
    try {
      const sumsPath = join(dir, CHECKSUMS_FILE_NAME);
      const indexPath = join(dir, PLUGIN_INDEX_FILE_NAME);
      await writeFile(sumsPath, sums);
      await writeFile(indexPath, formatPluginIndex(merged));
      const last = [CHECKSUMS_FILE_NAME, PLUGIN_INDEX_FILE_NAME];
      const uploads = await writeReleaseFiles(octokit, {
        release,
        add: add.map((f) => ({ path: f.path, name: f.name, contentType: 'application/octet-stream' })),
        replace: replace.map((f) => ({
          path: f.path,
          name: f.name,
          contentType: 'application/octet-stream',
        })),
        keep: onRelease.filter((n) => !names.has(n) && !last.includes(n)),
        last: [
          { path: sumsPath, name: CHECKSUMS_FILE_NAME, contentType: 'text/plain' },
          { path: indexPath, name: PLUGIN_INDEX_FILE_NAME, contentType: 'application/json' },
        ],
        log,
        cancelled: () => cancelledBy() !== undefined,
      });
      return { added, meanwhile, uploads, index: merged };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
}
