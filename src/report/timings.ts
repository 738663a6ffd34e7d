// Where a run's seconds go, for the bench (bench/releases.ts): a development knob, not an input.
// With FLOW_TIMINGS_FILE set in the step's environment every timed part of the run (resolve,
// server binary download, each docker call by its part, each release's phases) appends one JSON
// line `{"release","part","start","end"}` (milliseconds since the epoch) to that file. Without
// it nothing is recorded. The parts of a docker call are read from its argv (pure, tested as data).
import { appendFileSync } from 'node:fs';
import type { Docker } from '../build/docker';

export type TimedPart =
  'resolve' | 'download' | 'tidy' | 'alignment' | 'build' | 'verify' | 'image check' | 'docker';

export interface Timings {
  /** Runs `fn`, recording its span under `release` (a tag; '' for the run) and `part`. */
  span<T>(release: string, part: string, fn: () => Promise<T>): Promise<T>;
}

export const noTimings: Timings = { span: (_release, _part, fn) => fn() };

/** The run's timings: the file FLOW_TIMINGS_FILE names, else none. */
export function timingsFrom(env: Readonly<Record<string, string | undefined>>): Timings {
  const file = env.FLOW_TIMINGS_FILE;
  if (!file) return noTimings;
  return {
    async span(release, part, fn) {
      const start = Date.now();
      try {
        return await fn();
      } finally {
        try {
          appendFileSync(file, `${JSON.stringify({ release, part, start, end: Date.now() })}\n`);
        } catch {
          // a bench knob never fails a run
        }
      }
    },
  };
}

/** Pure: which part of a run a docker call is, from its argv. */
export function dockerPart(argv: readonly string[]): TimedPart {
  if (argv[0] === 'image' || argv[0] === 'pull') return 'image check';
  if (argv[0] !== 'run') return 'docker';
  const name = argv[argv.indexOf('--name') + 1] ?? '';
  if (name.startsWith('flow-verify-')) return 'verify';
  const text = argv.join(' ');
  if (text.includes('-buildmode=plugin')) return 'build';
  if (text.includes('go mod tidy && go mod download')) return 'tidy';
  if (text.includes('go list') || text.includes('go get') || text.includes('go mod vendor'))
    return 'alignment';
  return 'docker';
}

/** Docker whose every call is recorded under `release` and its part. */
export function timedDocker(docker: Docker, timings: Timings, release: string): Docker {
  if (timings === noTimings) return docker;
  return { run: (args, opts) => timings.span(release, dockerPart(args), () => docker.run(args, opts)) };
}
