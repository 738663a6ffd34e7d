// Issue 12's go.mod classes: bytes kept exactly (invalid UTF-8, as Go keeps them), a short
// bounded excerpt of a file that is not a go.mod, and linear work for large files (counted,
// not timed: the speed itself is measured by bench/gomod-large.mjs).
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/gomod-cap';
import {
  GoModError,
  capGoMod,
  capGoModBytes,
  decodeGoMod,
  encodeGoMod,
  fmtGoMod,
  parseGoMod,
  parseGoModBytes,
  GoModFile,
} from '../../src/gomod';
import { EXCERPT_BYTES, MAX_PROBLEMS } from '../../src/gomod/errors';
import { syncGoMod } from '../../src/sync/sync';

const SERVER = 'module s\n\ngo 1.22\n\nrequire (\n\texample.com/a v1.2.0\n\texample.com/b v0.3.0\n)\n';
/** A plugin go.mod with bytes that are not UTF-8 in comments: Latin-1 é, a lone 0xff, a cut rune. */
const PLUGIN = Buffer.concat([
  Buffer.from('module p\n\n// caf'),
  Buffer.from([0xe9]),
  Buffer.from(' au lait \u2713\nrequire (\n\texample.com/a v1.3.0 // '),
  Buffer.from([0xff, 0xfe]),
  Buffer.from('\n\texample.com/b v0.1.0 // cut '),
  Buffer.from([0xe2, 0x9c]),
  Buffer.from('\n)\n'),
]);
/** What `go mod edit -require` twice makes of it (checked against go in differential.wire). */
const CAPPED = Buffer.from(
  PLUGIN.toString('latin1').replace('v1.3.0', 'v1.2.0').replace('v0.1.0', 'v0.3.0'),
  'latin1',
);

let dir = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gomod-hardening-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('lossless: bytes that are not UTF-8 come back as they were', () => {
  it('decodeGoMod and encodeGoMod round-trip any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        expect(Buffer.compare(encodeGoMod(decodeGoMod(bytes)), Buffer.from(bytes))).toBe(0);
      }),
      { numRuns: 3000 },
    );
    expect(decodeGoMod(Buffer.from('plain \u2713 text'))).toBe('plain \u2713 text');
  });

  it('the text API keeps them through a cap (read with decodeGoMod, written with encodeGoMod)', () => {
    const r = capGoMod(SERVER, decodeGoMod(PLUGIN));
    expect(r.changed).toBe(true);
    expect(encodeGoMod(r.text).toString('hex')).toBe(CAPPED.toString('hex'));
    expect(Buffer.from(capGoModBytes(Buffer.from(SERVER), PLUGIN).data).toString('hex')).toBe(
      CAPPED.toString('hex'),
    );
    expect(encodeGoMod(fmtGoMod(decodeGoMod(PLUGIN))).toString('hex')).toBe(PLUGIN.toString('hex'));
  });

  it("the action's sync writes the same bytes as go mod edit", async () => {
    writeFileSync(join(dir, 'go.mod'), PLUGIN);
    const r = await syncGoMod({
      mode: 'cap',
      pluginDir: dir,
      pluginGoModName: 'go.mod',
      serverGoMod: SERVER,
      serverGoModName: 'server/go.mod',
    });
    expect(r.written).toBe(true);
    expect(readFileSync(join(dir, 'go.mod')).toString('hex')).toBe(CAPPED.toString('hex'));
    expect(parseGoMod(r.goModText).require.map((x) => x.version)).toEqual(['v1.2.0', 'v0.3.0']);
  });

  it('the command line writes the same bytes', async () => {
    mkdirSync(join(dir, 's'));
    mkdirSync(join(dir, 'p'));
    writeFileSync(join(dir, 's', 'go.mod'), SERVER);
    writeFileSync(join(dir, 'p', 'go.mod'), PLUGIN);
    expect(await main(['-from', 's', '-to', 'p'], { stderr: () => undefined, cwd: dir })).toBe(0);
    expect(readFileSync(join(dir, 'p', 'go.mod')).toString('hex')).toBe(CAPPED.toString('hex'));
  });

  it('a byte-order mark is refused as Go refuses it, with what to do', () => {
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('module m\n')]);
    expect(() => parseGoModBytes(bom, 'plugin/go.mod')).toThrow(
      "plugin/go.mod:1:1: unexpected input character '\\ufeff' (a byte-order mark: save the file as UTF-8 without it)",
    );
  });
});

/** Lines of a file that is not a go.mod: a private key, say. */
function secretLines(n: number): string[] {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  let x = 12345;
  return Array.from({ length: n }, () =>
    Array.from({ length: 70 }, () => {
      x = (x * 1103515245 + 12345) & 0x7fffffff;
      return alphabet[x % 64];
    }).join(''),
  );
}

/** Whether text shows more than EXCERPT_BYTES bytes in a row of any line. */
function echoes(text: string, lines: string[]): boolean {
  return lines.some((l) => {
    for (let i = 0; i + EXCERPT_BYTES + 1 <= l.length; i++) {
      if (text.includes(l.slice(i, i + EXCERPT_BYTES + 1))) return true;
    }
    return false;
  });
}

describe('a file that is not a go.mod is echoed only as a short bounded excerpt', () => {
  const cases: [string, (lines: string[]) => string][] = [
    ['one token per line', (lines) => lines.join('\n')],
    ['a directive-like line', (lines) => lines.map((l) => `require ${l} ${l}`).join('\n')],
    ['a block', (lines) => `${lines[0]} (\n${lines.join('\n')}\n)\n`],
    ['go versions', (lines) => lines.map((l) => `go ${l}`).join('\n')],
    ['replacements', (lines) => lines.map((l) => `replace ${l} => ./${l} v1.0.0`).join('\n')],
  ];
  it.each(cases)('%s', (_name, make) => {
    const lines = secretLines(200);
    let err: unknown;
    try {
      parseGoMod(make(lines));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(GoModError);
    const e = err as GoModError;
    expect(e.problems.length).toBeLessThanOrEqual(MAX_PROBLEMS);
    expect(e.message.split('\n').length).toBeLessThanOrEqual(MAX_PROBLEMS + 1);
    expect(e.message.length).toBeLessThan(1200);
    expect(echoes(e.message, lines)).toBe(false);
  });

  it('a go.mod symlinked to a secret: the command line says what is wrong, not what is in it', async () => {
    const lines = secretLines(50);
    writeFileSync(join(dir, 'id_key'), lines.join('\n'));
    mkdirSync(join(dir, 'p'));
    symlinkSync(join(dir, 'id_key'), join(dir, 'p', 'go.mod'));
    writeFileSync(join(dir, 'server.mod'), SERVER);
    const log: string[] = [];
    expect(await main(['-from', 'server.mod', '-to', 'p'], { stderr: (l) => log.push(l), cwd: dir })).toBe(2);
    const out = log.join('\n');
    expect(out).toContain('p/go.mod:1:1: unknown directive: ');
    expect(out).toContain('45 more problems not shown');
    expect(echoes(out, lines)).toBe(false);
  });
});

/** Characters copied by String.prototype.slice while fn runs: a quadratic step copies far more. */
function slicedChars(fn: () => unknown): number {
  const slice = String.prototype.slice;
  let n = 0;
  String.prototype.slice = function (this: string, start?: number, end?: number): string {
    const r = slice.call(this, start, end);
    n += r.length;
    return r;
  };
  try {
    fn();
  } finally {
    String.prototype.slice = slice;
  }
  return n;
}

function bigFiles(n: number): { name: string; server: Buffer; plugin: Buffer }[] {
  const comments = ['module p', ''];
  for (let i = 0; i < n; i++) comments.push(`// comment ${i}: some words to make the line longer`);
  comments.push('require example.com/lib v1.3.0', '');
  const reqs = ['module p', '', 'require ('];
  const server = ['module s', '', 'require ('];
  for (let i = 0; i < n; i++) {
    reqs.push(`\texample.com/org${i % 7}/m${i} v1.${i % 5}.0${i % 3 ? '' : ' // indirect'}`);
    if (i % 4 === 0) reqs.push('', `\t// why ${i}`, `\texample.com/org${i % 7}/m${i} v0.${i % 5}.0`);
    server.push(`\texample.com/org${i % 7}/m${i} v1.${(i % 5) + 1}.0`);
  }
  reqs.push(')', '');
  server.push('\texample.com/lib v1.2.0', ')', '');
  return [
    {
      name: `${n} comment lines`,
      server: Buffer.from(server.join('\n')),
      plugin: Buffer.from(comments.join('\n')),
    },
    {
      name: `${n} requires, all changed`,
      server: Buffer.from(server.join('\n')),
      plugin: Buffer.from(reqs.join('\n')),
    },
  ];
}

describe('linear work for large files (counted, not timed)', () => {
  it.each(bigFiles(20_000).map((c) => [c.name, c] as const))(
    '%s: parse, print, sort, cleanup and cap copy a bounded multiple of the file',
    (_name, c) => {
      const size = c.plugin.length + c.server.length;
      let f: GoModFile | undefined;
      const copied = {
        parse: slicedChars(() => (f = parseGoModBytes(c.plugin))),
        print: slicedChars(() => f!.formatLatin1()),
        sortCleanup: slicedChars(() => {
          f!.sortBlocks();
          f!.cleanup();
        }),
        cap: slicedChars(() => capGoModBytes(c.server, c.plugin)),
      };
      for (const [step, n] of Object.entries(copied)) {
        expect(n / size, step).toBeLessThan(12);
      }
    },
  );

  it('the cap parses each file a bounded number of times, however many modules change', () => {
    const [, c] = bigFiles(2_000);
    const parse = vi.spyOn(GoModFile, 'parseLatin1');
    try {
      const r = capGoModBytes(c!.server, c!.plugin);
      expect(r.changes.length).toBeGreaterThan(2_000);
      expect(parse.mock.calls.length).toBeLessThanOrEqual(3);
    } finally {
      parse.mockRestore();
    }
  });
});
