// gomod-cap in linear time: applyCapBytes (the first `go mod edit -require` as such, the others
// on one tree) gives the same bytes as the original's one process per change, which the
// differential suite checks against the real go command.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { capChanges, capGoMod, parseGoMod } from '../../src/gomod';
import { toBytes } from '../../src/gomod/bytes';
import { applyCapBytes, applyCapBytesStepwise } from '../../src/gomod/cap';
import { Rand, genPair } from './gen';

/** A pair where the plugin repeats modules across blocks and single lines, with blank lines and comments. */
export function genDupPair(r: Rand): { server: string; plugin: string } {
  const paths = Array.from({ length: 2 + r.int(10) }, (_, i) => `example.com/m${i}`);
  const version = (): string => `v1.${r.int(4)}.${r.int(3)}`;
  const server = ['module s', '', 'require ('];
  for (const p of paths) if (r.chance(0.9)) server.push(`\t${p} ${version()}`);
  server.push(')', '');
  const plugin = ['module p', ''];
  const comment = (): string => r.pick(['// c', '// indirect', '//x', '// why']);
  const item = (): string =>
    `${r.pick(paths)} ${version()}${r.chance(0.3) ? ' ' + r.pick(['// indirect', '// keep', '//y']) : ''}`;
  for (let b = 1 + r.int(4); b > 0; b--) {
    if (r.chance(0.3)) plugin.push(comment());
    if (r.chance(0.3)) {
      plugin.push(`require ${item()}`, '');
      continue;
    }
    plugin.push(`require (${r.chance(0.2) ? ' ' + comment() : ''}`);
    for (let n = 1 + r.int(6); n > 0; n--) {
      if (r.chance(0.3)) plugin.push('');
      if (r.chance(0.3)) plugin.push('\t' + comment());
      if (r.chance(0.15)) plugin.push('');
      plugin.push('\t' + item());
    }
    if (r.chance(0.2)) plugin.push('');
    if (r.chance(0.2)) plugin.push('\t' + comment());
    plugin.push(')', '');
  }
  return { server: server.join('\n'), plugin: plugin.join('\n') };
}

function both(server: string, plugin: string): [string, string] {
  const changes = capChanges(parseGoMod(server), parseGoMod(plugin));
  const p = toBytes(plugin);
  return [applyCapBytes('go.mod', p, changes), applyCapBytesStepwise('go.mod', p, changes)];
}

describe('applyCapBytes equals one go mod edit per change', () => {
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
