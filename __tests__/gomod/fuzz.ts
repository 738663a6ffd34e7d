// Fuzzing the go.mod engine: mutated go.mod bytes (table rows, generated files and pairs, cut,
// spliced, with bytes that are not UTF-8, byte-order marks, comments, parens and quotes thrown
// in) must parse or fail with GoModError - never another exception - and every step after a
// parse (sort, cleanup, print, cap) must succeed. Capping in linear time must give the stepwise
// bytes, and the command line must never write the plugin's go.mod when it fails.
// Run a slice in the unit tests (fuzz.test.ts) and a million with `npm run fuzz`.
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/gomod-cap';
import { GoModError, capChanges, capGoModBytes, decodeGoMod, encodeGoMod, fmtGoMod } from '../../src/gomod';
import { latin1FromArray } from '../../src/gomod/bytes';
import { applyCapLatin1, applyCapLatin1Stepwise } from '../../src/gomod/cap';
import { EXCERPT_BYTES, MAX_PROBLEMS } from '../../src/gomod/errors';
import { GoModFile } from '../../src/gomod/modfile';
import { quickRequires } from '../../src/gomod/quick';
import { Rand, genDupPair, genGoMod, genPair } from './gen';
import { errorRows, fmtRows } from './tables';

export interface FuzzStats {
  cases: number;
  parsed: number;
  rejected: number;
  capped: number;
  stepwiseChecked: number;
  /** Inputs quickRequires read (each checked against the parser). */
  quick: number;
  cliRuns: number;
}

export const newStats = (): FuzzStats => ({
  cases: 0,
  parsed: 0,
  rejected: 0,
  capped: 0,
  stepwiseChecked: 0,
  quick: 0,
  cliRuns: 0,
});

/** Thrown for a finding: what broke and the input that broke it (hex). */
export class FuzzFailure extends Error {
  constructor(
    message: string,
    readonly seed: number,
    readonly input: Buffer,
  ) {
    super(`${message}\nseed ${seed}\ninput (hex): ${input.toString('hex')}`);
  }
}

const opts = { ignore: true, invalid: true };

/** The starting points: every table row, and generated files, pairs and duplicate-heavy pairs. */
export function corpus(size = 600): { plugins: Buffer[]; servers: Buffer[] } {
  const r = new Rand(0x12f0);
  const plugins: Buffer[] = [];
  const servers: Buffer[] = [];
  for (const row of fmtRows) plugins.push(Buffer.from(row.input));
  for (const row of errorRows) plugins.push(Buffer.from(row.input));
  for (let i = 0; i < size; i++) {
    const kind = i % 3;
    if (kind === 0) plugins.push(Buffer.from(genGoMod(r, opts)));
    else {
      const p = kind === 1 ? genPair(r, opts) : genDupPair(r);
      plugins.push(Buffer.from(p.plugin));
      servers.push(Buffer.from(p.server));
    }
  }
  return { plugins, servers };
}

const SNIPPETS = [
  '(',
  ')',
  '"',
  '`',
  '\\',
  '//',
  '/*',
  '\n',
  '\r\n',
  ' ',
  '\t',
  '=>',
  '[',
  ']',
  ',',
  'v1.0.0',
  'v2',
  '+incompatible',
  'require ',
  'replace ',
  'exclude ',
  'retract ',
  'module ',
  'go 1.21\n',
  'toolchain go1.22\n',
  'godebug x=1\n',
  'tool ',
  'ignore ',
  '// indirect',
  'example.com/a',
  '\u00a0',
  '\u2028',
  '\u0000',
  '\ufeff',
  '\u{1f600}',
].map((s) => Buffer.from(s));
const INVALID_BYTES = [
  [0xff],
  [0x80],
  [0xc0, 0xaf],
  [0xe2, 0x9c],
  [0xed, 0xa0, 0x80],
  [0xf4, 0x90, 0x80, 0x80],
].map((b) => Buffer.from(b));

/** 1 to 8 mutations: byte edits, snippets, invalid UTF-8, line moves, cuts and splices. */
export function mutateBytes(r: Rand, data: Buffer, other: Buffer): Buffer {
  let b = data;
  const n = r.chance(0.5) ? 1 : 1 + r.int(8);
  for (let k = 0; k < n; k++) {
    const at = r.int(b.length + 1);
    switch (r.int(9)) {
      case 0:
        b = Buffer.concat([b.subarray(0, at), Buffer.from([r.int(256)]), b.subarray(at)]);
        break;
      case 1:
        b = Buffer.concat([b.subarray(0, at), b.subarray(Math.min(b.length, at + 1 + r.int(6)))]);
        break;
      case 2:
        if (at < b.length) {
          b = Buffer.from(b);
          b[at] = r.int(256);
        }
        break;
      case 3:
      case 4:
        b = Buffer.concat([b.subarray(0, at), r.pick(SNIPPETS), b.subarray(at)]);
        break;
      case 5:
        b = Buffer.concat([b.subarray(0, at), r.pick(INVALID_BYTES), b.subarray(at)]);
        break;
      case 6: {
        // Move or repeat a line.
        const lines = b.toString('latin1').split('\n');
        const i = r.int(lines.length);
        const j = r.int(lines.length);
        if (r.chance(0.5)) lines.splice(j, 0, lines[i]!);
        else [lines[i], lines[j]] = [lines[j]!, lines[i]!];
        b = Buffer.from(lines.join('\n'), 'latin1');
        break;
      }
      case 7:
        b = b.subarray(0, at);
        break;
      default: {
        const from = r.int(other.length + 1);
        b = Buffer.concat([b.subarray(0, at), other.subarray(from, from + r.int(200))]);
      }
    }
  }
  return b;
}

function onlyGoModError(e: unknown, seed: number, input: Buffer, step: string): void {
  if (!(e instanceof GoModError)) {
    throw new FuzzFailure(
      `${step} threw ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`,
      seed,
      input,
    );
  }
  // A reason may take two lines (Go's replace usage does).
  const lines = e.message.split('\n');
  const bounded =
    /^[^\n]+:\d+:\d+: \S/.test(e.message) &&
    lines.length <= 2 * MAX_PROBLEMS + 1 &&
    e.problems.length <= MAX_PROBLEMS &&
    e.message.length < (MAX_PROBLEMS + 1) * 400;
  if (!bounded)
    throw new FuzzFailure(`${step}: unbounded or malformed GoModError:\n${e.message}`, seed, input);
  // No run of the file longer than an excerpt shows up in the message (tokens are cut).
  const text = input.toString('latin1');
  for (const line of text.split('\n')) {
    for (const tok of line.split(/[\s()[\]{},"`]+/)) {
      if (tok.length > EXCERPT_BYTES + 8 && e.message.includes(Buffer.from(tok, 'latin1').toString('utf8'))) {
        throw new FuzzFailure(`${step}: the message echoes a long token: ${tok}`, seed, input);
      }
    }
  }
}

/** Runs one case; throws FuzzFailure on a finding. */
export function fuzzCase(seed: number, c: { plugins: Buffer[]; servers: Buffer[] }, stats: FuzzStats): void {
  const r = new Rand(seed);
  const base = r.pick(c.plugins);
  const input = mutateBytes(r, base, r.pick(c.plugins));
  const server = r.chance(0.8) ? r.pick(c.servers) : mutateBytes(r, r.pick(c.servers), base);
  stats.cases++;

  let f: GoModFile | undefined;
  try {
    f = GoModFile.parseLatin1('go.mod', latin1FromArray(input));
  } catch (e) {
    onlyGoModError(e, seed, input, 'parse');
    stats.rejected++;
  }
  const step = (name: string, fn: () => unknown): void => {
    try {
      fn();
    } catch (e) {
      throw new FuzzFailure(`${name} threw after a successful parse: ${String(e)}`, seed, input);
    }
  };
  // quickRequires reads only what the parser accepts, to the same requires.
  const quick = quickRequires(latin1FromArray(input));
  if (quick) {
    stats.quick++;
    const want = f?.require.map((x) => ({ path: x.path, version: x.version }));
    if (JSON.stringify(quick) !== JSON.stringify(want)) {
      throw new FuzzFailure('quickRequires differs from the parser', seed, input);
    }
  }
  if (f) {
    stats.parsed++;
    const parsed = f;
    step('sort/cleanup/print', () => {
      parsed.sortBlocks();
      parsed.cleanup();
      parsed.formatLatin1();
    });
    step('text round trip', () => {
      const text = fmtGoMod(decodeGoMod(input));
      if (!encodeGoMod(text).equals(Buffer.from(parsed.formatLatin1(), 'latin1'))) {
        throw new Error('fmt of the decoded text differs from fmt of the bytes');
      }
    });
  }

  // The cap, with the input as plugin and as server.
  for (const [s, p, role] of [
    [server, input, 'plugin'],
    [input, server, 'server'],
  ] as const) {
    let res: ReturnType<typeof capGoModBytes> | undefined;
    try {
      res = capGoModBytes(s, p);
    } catch (e) {
      onlyGoModError(e, seed, input, `cap (input as ${role})`);
    }
    if (!res) continue;
    stats.capped++;
    if (res.changes.length > 0 && res.changes.length <= 40 && r.chance(0.25)) {
      const sf = GoModFile.parseLatin1('s', latin1FromArray(s));
      const pf = GoModFile.parseLatin1('p', latin1FromArray(p));
      const changes = capChanges(sf, pf);
      const fast = applyCapLatin1('p', latin1FromArray(p), changes);
      const slow = applyCapLatin1Stepwise('p', latin1FromArray(p), changes);
      if (fast !== slow) throw new FuzzFailure(`linear cap differs from stepwise (as ${role})`, seed, input);
      // capGoModBytes takes another way (the require lines found by capChanges): the same bytes.
      const got = res.changed ? latin1FromArray(res.data) : latin1FromArray(p);
      if (got !== slow)
        throw new FuzzFailure(`capGoModBytes differs from stepwise (as ${role})`, seed, input);
      stats.stepwiseChecked++;
    }
  }
}

/** The command line on files: on failure (exit 2) the plugin's go.mod is untouched, no temp file left. */
export async function fuzzCli(
  seed: number,
  c: { plugins: Buffer[]; servers: Buffer[] },
  stats: FuzzStats,
): Promise<void> {
  const r = new Rand(seed ^ 0x5a5a5a5a);
  const plugin = mutateBytes(r, r.pick(c.plugins), r.pick(c.plugins));
  const server = r.chance(0.7) ? r.pick(c.servers) : mutateBytes(r, r.pick(c.servers), plugin);
  const dir = mkdtempSync(join(tmpdir(), 'gomod-fuzz-'));
  try {
    writeFileSync(join(dir, 'server.mod'), server);
    writeFileSync(join(dir, 'go.mod'), plugin);
    const code = await main(['-from', 'server.mod', '-to', 'go.mod'], { stderr: () => undefined, cwd: dir });
    stats.cliRuns++;
    const after = readFileSync(join(dir, 'go.mod'));
    const files = readdirSync(dir).sort().join(',');
    if (files !== 'go.mod,server.mod')
      throw new FuzzFailure(`the command line left files: ${files}`, seed, plugin);
    if (code === 2 && !after.equals(plugin)) {
      throw new FuzzFailure('the command line failed and still wrote go.mod', seed, plugin);
    }
    if (code === 0) {
      const want = Buffer.from(capGoModBytes(server, plugin).data);
      if (!after.equals(want))
        throw new FuzzFailure('the command line wrote other bytes than the cap', seed, plugin);
    } else if (code !== 2) {
      throw new FuzzFailure(`the command line exited ${code}`, seed, plugin);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
