// The schedule of overlapped releases, apart from what the phases do: three phases per release -
// prepare, build, verify - each phase one release at a time in the run's order. Prepare N+1 runs
// beside build N (at most one release prepared ahead of the builds), verify N beside build N+1.
// A release whose outcome stops the run stops every release after it (a phase not started does
// not start; a prepared release that is not built is discarded); the releases before it finish.

export type PhaseResult<T> = { ok: true; value: T } | { ok: false; error: unknown };

export interface ReleasePhases<P, B, V, O> {
  prepare(index: number): Promise<P>;
  build(index: number, prepared: P): Promise<B>;
  verify(index: number, built: B): Promise<V>;
  /** A prepared release that is not built after all (a release before it stopped the run). */
  discard(index: number, prepared: P): Promise<void>;
  /** The release's outcome, from its verify or the first phase that failed. */
  outcome(index: number, result: PhaseResult<V>): O;
  /** Whether the outcome stops the releases after it. */
  stops(outcome: O): boolean;
}

/** Thrown into the phases of releases after one that stopped the run. */
export class ReleaseStopped extends Error {
  override name = 'ReleaseStopped';
}

export function overlapReleases<P, B, V, O>(
  count: number,
  phases: ReleasePhases<P, B, V, O>,
): {
  /** Each release's outcome, settled as soon as it is known (take them in order). */
  outcomes: Promise<O>[];
  /** Resolves once no phase of any release runs any more. */
  settled(): Promise<void>;
} {
  let stopAt = Infinity;
  const prepares: Promise<P>[] = [];
  const builds: Promise<B>[] = [];
  const verifies: Promise<V>[] = [];
  const over = (p: Promise<unknown> | undefined) =>
    p?.then(
      () => undefined,
      () => undefined,
    );
  const go = (i: number) => {
    if (i > stopAt) throw new ReleaseStopped(`release ${i + 1} stopped: release ${stopAt + 1} failed`);
  };
  const outcomes: Promise<O>[] = [];
  for (let i = 0; i < count; i++) {
    const prepare = (async () => {
      await over(prepares[i - 1]);
      await over(builds[i - 2]);
      go(i);
      return phases.prepare(i);
    })();
    const build = (async () => {
      const prepared = await prepare;
      await over(builds[i - 1]);
      if (i > stopAt) {
        await phases.discard(i, prepared);
        go(i);
      }
      return phases.build(i, prepared);
    })();
    const verify = (async () => {
      const built = await build;
      await over(verifies[i - 1]);
      go(i);
      return phases.verify(i, built);
    })();
    prepares.push(prepare);
    builds.push(build);
    verifies.push(verify);
    outcomes.push(
      verify.then(
        (value) => phases.outcome(i, { ok: true, value }),
        (error: unknown) => {
          const o = phases.outcome(i, { ok: false, error });
          if (phases.stops(o)) stopAt = Math.min(stopAt, i);
          return o;
        },
      ),
    );
  }
  return {
    outcomes,
    async settled() {
      await Promise.allSettled([...prepares, ...builds, ...verifies, ...outcomes]);
    },
  };
}
