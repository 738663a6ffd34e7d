// The server binaries of a run of several releases, fetched up front: every release x target
// starts downloading as soon as the releases are resolved (all at once), and the verify stage of
// each release takes what is there (waiting for what is still on its way). What a download logs is
// kept and said in the verify group of its release, so the log reads as if fetched there.
import type { Octokit } from '@octokit/rest';
import type { Target } from '../build/targets';
import type { Timings } from '../report/timings';
import { assetLister, serverBinaryFor, type BinarySourceConfig, type ServerBinary } from './server-binary';

/** A release's server binary for a target, with the lines its download logged. */
export type ServerBinaries = (target: Target) => Promise<{ binary: ServerBinary; log: string[] }>;

export interface PrefetchInput {
  octokit: Octokit;
  source: BinarySourceConfig;
  tag: string;
  targets: readonly Target[];
  /** A folder for the downloads of this release (removed by the caller after the run). */
  tempDir: string;
  toolCache: boolean;
  timings: Timings;
}

/**
 * Starts fetching the release's binary for every target now; returns the lookup the verify stage
 * takes and `settled` (every download over, for the caller's clean-up). Never rejects unhandled:
 * a failed fetch rejects only the lookup of its target.
 */
export function prefetchServerBinaries(input: PrefetchInput): {
  binaries: ServerBinaries;
  settled: Promise<unknown>;
} {
  const listAssets = assetLister(input.octokit, {
    ...input.source.server,
    tag: input.tag,
  });
  const fetches = new Map(
    input.targets.map((target) => {
      const log: string[] = [];
      const p = input.timings
        .span(input.tag, 'download', () =>
          serverBinaryFor({
            octokit: input.octokit,
            config: input.source,
            tag: input.tag,
            target,
            listAssets,
            tempDir: input.tempDir,
            toolCache: input.toolCache,
            log: (m) => void log.push(m),
          }),
        )
        .then((binary) => ({ binary, log }));
      p.catch(() => undefined); // the verify stage sees the rejection when it asks
      return [target.name, p] as const;
    }),
  );
  return {
    binaries: (target) =>
      fetches.get(target.name) ?? Promise.reject(new Error(`${target.name} was not fetched`)),
    settled: Promise.allSettled(fetches.values()),
  };
}
