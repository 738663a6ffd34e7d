// What a cancelled run must undo: the runner cancels a job with SIGINT, then SIGTERM about 7.5 s
// later, then SIGKILL. Work that leaves something behind if the process dies mid-way (a running
// container, a partial plugin file, a temp file of an atomic write) registers an undo step here
// while it runs; on the first signal every registered step runs once, work still in flight is
// given a moment to end, the steps registered meanwhile run too, and the process exits.
const steps = new Map<number, { what: string; undo: () => Promise<void>; first: boolean }>();
let nextId = 0;
let cancelled: string | undefined;

/**
 * Registers an undo step; call the returned function when the work is done (no undo needed).
 * `first` steps (stopping the writers: containers) run and end before the others (their files).
 */
export function onCancel(
  what: string,
  undo: () => Promise<void>,
  opts: { first?: boolean } = {},
): () => void {
  const id = nextId++;
  steps.set(id, { what, undo, first: opts.first ?? false });
  return () => {
    steps.delete(id);
  };
}

/** The signal that cancelled the run, if it was cancelled: new work must not start. */
export function cancelledBy(): string | undefined {
  return cancelled;
}

/**
 * After a stage: if the run was cancelled meanwhile, never go on (no upload of a half-built run);
 * the signal handler undoes, reports and ends the process.
 */
export async function haltIfCancelled(): Promise<void> {
  if (cancelled !== undefined) await new Promise<never>(() => undefined);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Runs every registered undo step (twice over, for work that registered while the first ran). */
export async function undoAll(log: (m: string) => void, settleMs = 3000): Promise<void> {
  const run = async (first: boolean): Promise<void> => {
    const now = [...steps.entries()].filter(([, s]) => s.first === first);
    await Promise.all(
      now.map(async ([id, s]) => {
        try {
          await s.undo();
          log(`Cancelled: ${s.what}`);
        } catch (e) {
          log(`Cancelled, but could not undo ${s.what}: ${(e as Error).message}`);
        }
        steps.delete(id);
      }),
    );
  };
  const round = async (): Promise<void> => {
    await run(true);
    await run(false);
  };
  await round();
  // Work interrupted by the first round (a container being created) ends and unregisters.
  for (let waited = 0; steps.size > 0 && waited < settleMs; waited += 100) await sleep(100);
  await round();
}

/**
 * On SIGINT or SIGTERM: stop starting work, undo what is in flight, exit (130 for SIGINT, 143
 * for SIGTERM). A second signal while undoing does not cut it short.
 */
export function installCancelHandlers(
  log: (m: string) => void,
  /** Runs after the undo steps, before the exit (e.g. the job summary of the cancelled run). */
  report: (signal: NodeJS.Signals) => Promise<void> = async () => undefined,
  exit = (code: number) => process.exit(code),
) {
  const handler = (signal: NodeJS.Signals): void => {
    if (cancelled !== undefined) {
      log(`${signal} received while stopping: still removing what the run started.`);
      return;
    }
    cancelled = signal;
    log(
      `${signal} received: the job is being cancelled; stopping the run's containers and removing partial files.`,
    );
    void undoAll(log)
      .then(() => report(signal))
      .catch(() => undefined)
      .finally(() => exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}
