// Property tests: canonical text prints back unchanged; any bytes either parse or fail with
// GoModError; capping is idempotent.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GoModError, capGoMod, fmtGoMod, formatGoMod, parseGoMod, parseGoModBytes } from '../../src/gomod';
import { Rand, genGoMod, genPair } from './gen';

const opts = { ignore: true };
const seeds = fc.integer({ min: 0, max: 0x7fffffff });

function onlyGoModError(fn: () => unknown): void {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof GoModError)) throw e;
    expect(e.message).toMatch(/^[^:\n]+:\d+:\d+: \S/);
  }
}

describe('properties', () => {
  // Canonical text is a fixed point of fmt. One fmt is not always enough, in Go too: sorting can
  // move a blank line to the top of a block, and the next fmt drops it (see tables.ts).
  it('printing canonical text is the identity', () => {
    fc.assert(
      fc.property(seeds, (seed) => {
        const canonical = fmtGoMod(fmtGoMod(genGoMod(new Rand(seed), opts)));
        expect(formatGoMod(parseGoMod(canonical))).toBe(canonical);
        expect(fmtGoMod(canonical)).toBe(canonical);
      }),
      { numRuns: 300 },
    );
  });

  it('random byte mutations of valid files parse or throw GoModError, nothing else', () => {
    const edit = fc.record({
      at: fc.nat(),
      op: fc.integer({ min: 0, max: 2 }),
      byte: fc.integer({ min: 0, max: 255 }),
    });
    fc.assert(
      fc.property(seeds, fc.array(edit, { minLength: 1, maxLength: 6 }), (seed, edits) => {
        const data = [...Buffer.from(genGoMod(new Rand(seed), opts))];
        for (const e of edits) {
          const i = e.at % (data.length + 1);
          if (e.op === 0) data.splice(i, 0, e.byte);
          else if (e.op === 1) data.splice(i, 1);
          else data[i] = e.byte;
        }
        const bytes = Uint8Array.from(data);
        onlyGoModError(() => {
          const f = parseGoModBytes(bytes);
          f.sortBlocks();
          f.cleanup();
          f.formatLatin1();
        });
        onlyGoModError(() => fmtGoMod(Buffer.from(bytes).toString('utf8')));
      }),
      { numRuns: 1500 },
    );
  });

  it('arbitrary strings parse or throw GoModError', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (s) => onlyGoModError(() => fmtGoMod(s))),
      { numRuns: 1500 },
    );
  });

  it('capping is idempotent and never changes which modules are required', () => {
    fc.assert(
      fc.property(seeds, (seed) => {
        const { server, plugin } = genPair(new Rand(seed), opts);
        const once = capGoMod(server, plugin);
        const twice = capGoMod(server, once.text);
        expect(twice.changed).toBe(false);
        expect(twice.changes).toEqual([]);
        const paths = (t: string): string[] => [...new Set(parseGoMod(t).require.map((r) => r.path))].sort();
        expect(paths(once.text)).toEqual(paths(plugin));
        const serverVersions = new Map(parseGoMod(server).require.map((r) => [r.path, r.version]));
        for (const r of parseGoMod(once.text).require) {
          if (serverVersions.has(r.path)) expect(r.version).toBe(serverVersions.get(r.path));
        }
      }),
      { numRuns: 200 },
    );
  });
});
