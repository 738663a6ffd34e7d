// A bed for the release store's tests: the GitHub stand-in holding one plugin release, the real
// client (retries on, waits of a few ms, no write spacing), and one call that makes a run's write -
// its plugin files written to disk, its index built as the stages build it - through writeRelease.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Octokit } from '@octokit/rest';
import { createGitHubClient } from '../../src/github/client';
import { findReleaseByTag } from '../../src/github/release-assets';
import { parseChecksums, type ChecksumEntry } from '../../src/publish/checksums';
import { buildPluginIndex, parsePluginIndex, type PluginIndex } from '../../src/publish/plugin-index';
import { writeRelease, type StoreMode, type StoreReport } from '../../src/release-store';
import {
  startGitHubStandIn,
  type FixtureAsset,
  type GitHubStandIn,
  type StandInOptions,
} from '../support/github';

export const TOKEN = 'ghs_releaseStore42';
export const REPO = 'me/hello';
export const TAG = 'v0.1.0';
export const PLUGIN = { plugin: 'hello', module: 'example.com/hello', serverRepository: 'flow/server' };

export const sha256 = (b: string | Buffer) => createHash('sha256').update(b).digest('hex');

export interface Bed {
  gh: GitHubStandIn;
  client: Octokit;
  dir: string;
  close(): Promise<void>;
}

export async function startBed(
  o: { draft?: boolean; assets?: FixtureAsset[]; retries?: number } & Partial<
    Pick<StandInOptions, 'assetName'>
  > = {},
): Promise<Bed> {
  const gh = await startGitHubStandIn({
    repos: {
      [REPO]: { token: TOKEN, releases: [{ tag: TAG, draft: o.draft ?? false, assets: o.assets ?? [] }] },
    },
    ...(o.assetName && { assetName: o.assetName }),
    // The model test makes tens of thousands of requests on one stand-in.
    rateLimit: { limit: 10_000_000 },
  });
  const client = createGitHubClient({
    baseUrl: gh.url,
    token: TOKEN,
    retryBaseMs: 1,
    writeSpacingMs: 0,
    retries: o.retries ?? 3,
  }) as unknown as Octokit;
  const dir = mkdtempSync(join(tmpdir(), 'flow-store-'));
  return {
    gh,
    client,
    dir,
    close: async () => {
      await gh.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface BuiltFile {
  tag: string;
  target: string;
  name: string;
  content: string;
}

export interface WriteOptions {
  mode?: StoreMode;
  files: BuiltFile[];
  overwrite?: boolean;
  writeIndex?: boolean;
  writeChecksums?: boolean;
  token?: string;
  cancelled?: () => boolean;
  onCancel?: (what: string, undo: () => Promise<void>) => () => void;
  cancelSettleMs?: number;
  now?: () => number;
  lock?: { waitMs?: number; pollMs?: number; staleMs?: number; starterGraceMs?: number };
  log?: string[];
  plugin?: typeof PLUGIN;
}

/** An index entry's `go` and module are fixed per tag: they are not what the tests look at. */
export function runIndex(files: readonly BuiltFile[], plugin = PLUGIN): PluginIndex {
  const tags = [...new Set(files.map((f) => f.tag))];
  return buildPluginIndex({
    ...plugin,
    releases: tags.map((tag) => ({
      tag,
      go: '1.24.1',
      serverModule: 'github.com/flow/server/v2',
      goModChanges: [],
      targets: files
        .filter((f) => f.tag === tag)
        .map((f) => ({
          target: f.target,
          file: f.name,
          size: Buffer.byteLength(f.content),
          sha256: sha256(f.content),
          verified: 'loaded' as const,
        })),
    })),
  });
}

let seq = 0;
export async function write(bed: Bed, o: WriteOptions): Promise<StoreReport> {
  const release = await findReleaseByTag(bed.client, { owner: 'me', repo: 'hello', tag: TAG });
  const paths = new Map<string, string>();
  for (const f of o.files) {
    const path = join(bed.dir, `${seq++}-${f.name}`);
    writeFileSync(path, f.content);
    paths.set(f.name, path);
  }
  const log = o.log ?? [];
  // A clock the lock's waits move on (no real waiting): `now` gives its start.
  let waited = 0;
  const now = () => (o.now ? o.now() : Date.now()) + waited;
  return writeRelease(bed.client, {
    release,
    wants: {
      mode: o.mode ?? 'build',
      files: o.files.map((f) => ({
        name: f.name,
        sha256: sha256(f.content),
        size: Buffer.byteLength(f.content),
        serverTag: f.tag,
        target: f.target,
      })),
      index: runIndex(o.files, o.plugin),
      writeIndex: o.writeIndex ?? true,
      writeChecksums: o.writeChecksums ?? true,
      overwrite: o.overwrite ?? false,
    },
    paths,
    lock: { holder: 'run 1 attempt 1', pollMs: 1000, waitMs: 5000, ...o.lock },
    log: (m) => log.push(m),
    cancelled: o.cancelled ?? (() => false),
    onCancel: o.onCancel ?? (() => () => undefined),
    ...(o.cancelSettleMs !== undefined && { cancelSettleMs: o.cancelSettleMs }),
    ...(o.token && { token: o.token }),
    now,
    sleep: async (ms) => {
      waited += ms;
    },
  });
}

export interface ReleaseState {
  /** name -> sha256 of what the release holds (uploaded assets). */
  files: Map<string, { sha256: string; size: number; state: string }>;
  index?: PluginIndex;
  checksums?: ChecksumEntry[];
}

export function releaseState(bed: Bed): ReleaseState {
  const assets = bed.gh.uploadedAssets(REPO, TAG);
  const files = new Map(
    assets.map((a) => [a.name, { sha256: sha256(a.bytes), size: a.size, state: a.state }]),
  );
  const text = (n: string) => assets.find((a) => a.name === n)?.bytes.toString('utf8');
  const parsed = <T>(t: string | undefined, parse: (t: string) => T): T | undefined => {
    try {
      return t === undefined ? undefined : parse(t);
    } catch {
      return undefined; // a test that planted a broken one looks at the names only
    }
  };
  const index = parsed(text('plugins.json'), parsePluginIndex);
  const checksums = parsed(text('checksums.txt'), parseChecksums);
  return { files, ...(index && { index }), ...(checksums && { checksums }) };
}
