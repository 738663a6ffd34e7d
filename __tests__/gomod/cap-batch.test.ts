// gomod-cap in linear time: applyCapLatin1 (the first `go mod edit -require` as such, the others
// on one tree) gives the same bytes as the original's one process per change, which the
// differential suite checks against the real go command.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { capChanges, capGoMod, parseGoMod } from '../../src/gomod';
import { latin1FromText } from '../../src/gomod/bytes';
import { applyCapLatin1, applyCapLatin1Stepwise } from '../../src/gomod/cap';
import { Rand, genDupPair, genPair } from './gen';

function both(server: string, plugin: string): [string, string] {
  const changes = capChanges(parseGoMod(server), parseGoMod(plugin));
  const p = latin1FromText(plugin);
  return [applyCapLatin1('go.mod', p, changes), applyCapLatin1Stepwise('go.mod', p, changes)];
}

describe('applyCapLatin1 equals one go mod edit per change', () => {
  it('on pairs with repeated modules, blank lines and comments', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0x7fffffff }), (seed) => {
        const { server, plugin } = genDupPair(new Rand(seed));
        const [fast, stepwise] = both(server, plugin);
        expect(fast).toBe(stepwise);
      }),
      { numRuns: 1500 },
    );
  });

  it('on the differential generator pairs', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0x7fffffff }), (seed) => {
        const { server, plugin } = genPair(new Rand(seed), { ignore: true });
        const [fast, stepwise] = both(server, plugin);
        expect(fast).toBe(stepwise);
      }),
      { numRuns: 500 },
    );
  });

  it('a retract version written "" (kept unquoted: it prints as nothing) is read back by each edit', () => {
    // Found by `npm run fuzz` (seed 2654542808): after the first edit the line prints as
    // `\t // indirect`, which the next edit reads as a comment before the block's `)`.
    const plugin =
      'module m\n\nretract (\n\tv2.0.0-rc.1\n\t""  // indirect\n)\n\n' +
      'require (\n\texample.com/a v0.1.0\n\texample.com/b v1.0.0\n)\n';
    const server = 'module s\n\nrequire (\n\texample.com/a v0.2.0\n\texample.com/b v1.1.0\n)\n';
    const [fast, stepwise] = both(server, plugin);
    expect(fast).toBe(stepwise);
    expect(stepwise).toContain('retract (\n\tv2.0.0-rc.1\n// indirect\n)');
    expect(capGoMod(server, plugin).text).toBe(stepwise);
  });

  it('an edit that cannot read what the previous one wrote changes nothing, and the cap goes on', () => {
    // `[v1.0.0, ""]` prints as `[v1.0.0, ]`, which the second `go mod edit` cannot read: it fails
    // and the original gomod-cap ignores that, so the file is what the first edit wrote.
    const plugin =
      'module m\n\nretract [v1.0.0, ""]\n\n' +
      'require (\n\texample.com/a v0.1.0\n\texample.com/b v1.0.0\n)\n';
    const server = 'module s\n\nrequire (\n\texample.com/a v0.2.0\n\texample.com/b v1.1.0\n)\n';
    const changes = capChanges(parseGoMod(server), parseGoMod(plugin));
    expect(changes).toHaveLength(2);
    const first = applyCapLatin1Stepwise('go.mod', latin1FromText(plugin), changes.slice(0, 1));
    expect(first).toContain('retract [v1.0.0, ]\n');
    const [fast, stepwise] = both(server, plugin);
    expect(stepwise).toBe(first);
    expect(fast).toBe(first);
    expect(capGoMod(server, plugin).text).toBe(first);
  });

  it('removing the first lines of a block keeps the blank line only after the last edit', () => {
    const server = 'module s\nrequire (\n\texample.com/a v1.0.0\n\texample.com/b v1.0.0\n)\n';
    const plugin =
      'module p\n\nrequire example.com/a v0.1.0\n\nrequire (\n\texample.com/a v0.2.0\n\n\t// b\n\texample.com/b v0.1.0\n\texample.com/c v0.1.0\n)\n';
    const got = capGoMod(server, plugin).text;
    expect(got).toBe(both(server, plugin)[1]);
    expect(got).toBe(
      'module p\n\nrequire example.com/a v1.0.0\n\nrequire (\n\t// b\n\texample.com/b v1.0.0\n\texample.com/c v0.1.0\n)\n',
    );
  });
});
