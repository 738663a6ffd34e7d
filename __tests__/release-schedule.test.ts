// The schedule of overlapped releases on plain data: phases that finish when the test says so,
// and the order in which they start and end, read back as a list of events.
import { describe, expect, it } from 'vitest';
import { overlapReleases, ReleaseStopped, type PhaseResult } from '../src/release-schedule';

type Phase = 'prepare' | 'build' | 'verify';

/** Phases that wait for the test to finish them; every start, end and discard is an event. */
function controlled(count: number, opts: { fail?: { index: number; phase: Phase; stop: boolean } } = {}) {
  const events: string[] = [];
  const waiting = new Map<string, () => void>();
  const phase =
    (name: Phase) =>
    (i: number): Promise<string> => {
      events.push(`start ${name} ${i + 1}`);
      return new Promise<string>((resolve, reject) => {
        waiting.set(`${name} ${i + 1}`, () => {
          events.push(`end ${name} ${i + 1}`);
          const f = opts.fail;
          if (f && f.index === i && f.phase === name) reject(new Error(f.stop ? 'fatal' : 'skip'));
          else resolve(`${name} ${i + 1}`);
        });
      });
    };
  const schedule = overlapReleases(count, {
    prepare: phase('prepare'),
    build: (i) => phase('build')(i),
    verify: (i) => phase('verify')(i),
    discard: async (i) => void events.push(`discard ${i + 1}`),
    outcome: (i, r: PhaseResult<string>) =>
      r.ok
        ? `${i + 1} done`
        : r.error instanceof ReleaseStopped
          ? `${i + 1} stopped`
          : `${i + 1} ${(r.error as Error).message}`,
    stops: (o) => o.endsWith('fatal'),
  });
  /** Lets every settled promise run on (no timer: the queue of microtasks and I/O callbacks). */
  const flush = () => new Promise<void>((r) => setImmediate(r));
  const finish = async (what: string) => {
    await flush();
    const f = waiting.get(what);
    if (!f) throw new Error(`${what} is not running; events: ${events.join(', ')}`);
    waiting.delete(what);
    f();
    await flush();
  };
  const running = () => [...waiting.keys()].sort();
  return { events, schedule, finish, running, flush };
}

describe('overlapReleases', () => {
  it('prepares N+1 beside build N and verifies N beside build N+1, each phase one release at a time', async () => {
    const c = controlled(3);
    await c.flush();
    expect(c.running()).toEqual(['prepare 1']);
    await c.finish('prepare 1');
    expect(c.running()).toEqual(['build 1', 'prepare 2']);
    await c.finish('prepare 2');
    // At most one release prepared ahead of the builds: prepare 3 waits for build 1.
    expect(c.running()).toEqual(['build 1']);
    await c.finish('build 1');
    expect(c.running()).toEqual(['build 2', 'prepare 3', 'verify 1']);
    await c.finish('verify 1');
    await c.finish('prepare 3');
    expect(c.running()).toEqual(['build 2']);
    await c.finish('build 2');
    expect(c.running()).toEqual(['build 3', 'verify 2']);
    await c.finish('build 3');
    // verify 3 waits for verify 2 (one verify at a time, in order).
    expect(c.running()).toEqual(['verify 2']);
    await c.finish('verify 2');
    await c.finish('verify 3');
    expect(await Promise.all(c.schedule.outcomes)).toEqual(['1 done', '2 done', '3 done']);
    // Each phase in the run's order.
    for (const p of ['prepare', 'build', 'verify']) {
      expect(c.events.filter((e) => e.startsWith(`start ${p}`))).toEqual(
        [1, 2, 3].map((i) => `start ${p} ${i}`),
      );
    }
  });

  it('a failure that stops: the releases before it finish, after it nothing more starts, a prepared one is discarded', async () => {
    const c = controlled(4, { fail: { index: 1, phase: 'build', stop: true } });
    await c.finish('prepare 1');
    await c.finish('prepare 2');
    await c.finish('build 1');
    await c.finish('prepare 3');
    expect(c.running()).toEqual(['build 2', 'verify 1']);
    await c.finish('build 2'); // fails for good
    // Release 3 was prepared: it is discarded, never built; release 4 never starts.
    expect(c.running()).toEqual(['verify 1']);
    await c.finish('verify 1');
    await c.schedule.settled();
    expect(await Promise.all(c.schedule.outcomes)).toEqual(['1 done', '2 fatal', '3 stopped', '4 stopped']);
    expect(c.events).toContain('discard 3');
    expect(c.events.filter((e) => e.endsWith(' 4'))).toEqual([]);
    expect(c.events).not.toContain('start build 3');
  });

  it('a failure that does not stop (a skip): the later releases go on', async () => {
    const c = controlled(3, { fail: { index: 0, phase: 'prepare', stop: false } });
    await c.finish('prepare 1');
    expect(c.running()).toEqual(['prepare 2']);
    await c.finish('prepare 2');
    await c.finish('build 2');
    await c.finish('prepare 3');
    await c.finish('verify 2');
    await c.finish('build 3');
    await c.finish('verify 3');
    expect(await Promise.all(c.schedule.outcomes)).toEqual(['1 skip', '2 done', '3 done']);
  });
});
