// Differential suite: our go.mod engine against the real go command (Debian Go >= 1.25, see
// .ci/install-go.sh), byte for byte. Hundreds of go.mod files and server/plugin pairs are
// generated from a fixed seed; for each, `go mod edit -fmt` / `-json` and gomod-cap's own
// algorithm (`go mod edit -json` on both files, then one `go mod edit -require=path@version`
// per differing module) give the expected result.
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  GoModError,
  capGoMod,
  capGoModBytes,
  decodeGoMod,
  encodeGoMod,
  fmtGoMod,
  parseGoMod,
  type GoModFile,
} from '../../src/gomod';
import { findHostGo, hermeticGoEnv, pool, runGo } from '../support/host-go';
import { Rand, genGoMod, genPair, mutate } from './gen';
import { errorRows, fmtRows } from './tables';

const SEED = 0x5eed2026;
const FILES = 330;
const MUTATED = 140;
const PAIRS = 300;
const CONCURRENCY = 2;

const go = findHostGo();
const opts = { ignore: true };
const fmtOpts = { ignore: true, invalid: true };

interface FmtCase {
  name: string;
  text: string;
}
interface PairCase {
  name: string;
  server: string;
  plugin: string;
}

const rand = new Rand(SEED);
const fmtCases: FmtCase[] = [];
for (let i = 0; i < FILES; i++) fmtCases.push({ name: `file ${i}`, text: genGoMod(rand, fmtOpts) });
for (let i = 0; i < MUTATED; i++) {
  fmtCases.push({ name: `mutated ${i}`, text: mutate(rand, genGoMod(rand, opts)) });
}
const pairCases: PairCase[] = [];
for (let i = 0; i < PAIRS; i++) pairCases.push({ name: `pair ${i}`, ...genPair(rand, opts) });

type GoJSON = Record<string, unknown>;

interface FmtExpect {
  ok: boolean;
  formatted?: Buffer;
  json?: GoJSON;
  stderr: string;
}
interface PairExpect {
  ok: boolean;
  stderr: string;
  changes?: { module: string; from: string; to: string }[];
  final?: Buffer;
  serverJSON?: GoJSON;
  pluginJSON?: GoJSON;
}

/** Drops null, empty-array and undefined members, as Go's omitempty/nil slices make them vary. */
function norm(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(norm);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      if (x === null || x === undefined || x === '' || x === false || (Array.isArray(x) && x.length === 0))
        continue;
      out[k] = norm(x);
    }
    return out;
  }
  return v;
}

/** What `go mod edit -json` prints, computed from our view (after sort and cleanup). */
function ourJSON(f: GoModFile): unknown {
  return norm({
    Module: { Path: f.module?.path ?? '', Deprecated: f.module?.deprecated },
    Go: f.go?.version,
    Toolchain: f.toolchain?.name,
    GoDebug: f.godebug.map((d) => ({ Key: d.key, Value: d.value })),
    Require: f.require.map((r) => ({ Path: r.path, Version: r.version, Indirect: r.indirect })),
    Exclude: f.exclude.map((x) => ({ Path: x.path, Version: x.version })),
    Replace: f.replace.map((r) => ({
      Old: { Path: r.oldPath, Version: r.oldVersion },
      New: { Path: r.newPath, Version: r.newVersion },
    })),
    Retract: f.retract.map((r) => ({ Low: r.low, High: r.high, Rationale: r.rationale })),
    Tool: f.tool.map((t) => ({ Path: t.path })),
    Ignore: f.ignore.map((t) => ({ Path: t.path })),
  });
}

let root = '';
const fmtExpect: FmtExpect[] = [];
const pairExpect: PairExpect[] = [];

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'gomod-diff-'));
  const env = hermeticGoEnv(join(root, 'home'));
  const work = [
    ...fmtCases.map((c, i) => ({ kind: 'fmt' as const, i, c })),
    ...pairCases.map((c, i) => ({ kind: 'pair' as const, i, c })),
  ];
  await pool(work, CONCURRENCY, async (w) => {
    const dir = join(root, `${w.kind}-${w.i}`);
    if (w.kind === 'fmt') {
      mkdirSync(dir);
      writeFileSync(join(dir, 'go.mod'), w.c.text);
      const json = await runGo(go, ['mod', 'edit', '-json', 'go.mod'], dir, env);
      const fmt = await runGo(go, ['mod', 'edit', '-fmt', 'go.mod'], dir, env);
      expect(json.code === 0).toBe(fmt.code === 0);
      fmtExpect[w.i] =
        fmt.code === 0
          ? {
              ok: true,
              formatted: readFileSync(join(dir, 'go.mod')),
              json: JSON.parse(json.stdout),
              stderr: '',
            }
          : { ok: false, stderr: fmt.stderr };
      return;
    }
    const c = w.c as PairCase;
    mkdirSync(join(dir, 'server'), { recursive: true });
    mkdirSync(join(dir, 'plugin'), { recursive: true });
    writeFileSync(join(dir, 'server', 'go.mod'), c.server);
    writeFileSync(join(dir, 'plugin', 'go.mod'), c.plugin);
    const s = await runGo(go, ['mod', 'edit', '-json', 'server/go.mod'], dir, env);
    const p = await runGo(go, ['mod', 'edit', '-json', 'plugin/go.mod'], dir, env);
    if (s.code !== 0 || p.code !== 0) {
      pairExpect[w.i] = { ok: false, stderr: s.stderr + p.stderr };
      return;
    }
    // gomod-cap's algorithm, verbatim: last server version wins; every plugin require in order.
    const serverJSON = JSON.parse(s.stdout) as { Require?: { Path: string; Version: string }[] };
    const pluginJSON = JSON.parse(p.stdout) as { Require?: { Path: string; Version: string }[] };
    const constraint = new Map<string, string>();
    for (const r of serverJSON.Require ?? []) constraint.set(r.Path, r.Version);
    const changes: { module: string; from: string; to: string }[] = [];
    for (const r of pluginJSON.Require ?? []) {
      const v = constraint.get(r.Path);
      if (v !== undefined && v !== r.Version) {
        changes.push({ module: r.Path, from: r.Version, to: v });
        const e = await runGo(go, ['mod', 'edit', `-require=${r.Path}@${v}`, 'plugin/go.mod'], dir, env);
        expect(e.code, e.stderr).toBe(0);
      }
    }
    pairExpect[w.i] = {
      ok: true,
      stderr: '',
      changes,
      final: readFileSync(join(dir, 'plugin', 'go.mod')),
      serverJSON,
      pluginJSON,
    };
  });
}, 300_000);

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

describe(`go mod edit -fmt and -json (${go.bin})`, () => {
  it('the generator yields mostly valid files, and some invalid ones', () => {
    const valid = fmtExpect.filter((e) => e.ok).length;
    expect(valid).toBeGreaterThanOrEqual(FILES * 0.9);
    expect(fmtExpect.length - valid).toBeGreaterThan(MUTATED / 4);
    expect(pairExpect.every((e) => e.ok)).toBe(true);
    expect(pairExpect.filter((e) => (e.changes?.length ?? 0) > 0).length).toBeGreaterThan(PAIRS / 2);
  });

  it.each(fmtCases.map((c, i) => [c.name, i] as const))('%s', (_name, i) => {
    const c = fmtCases[i]!;
    const want = fmtExpect[i]!;
    if (!want.ok) {
      expect(() => parseGoMod(c.text), `go rejected it:\n${want.stderr}`).toThrow(GoModError);
      return;
    }
    let got: string;
    try {
      got = fmtGoMod(c.text);
    } catch (e) {
      throw new Error(`go accepted this file but we threw ${String(e)}\n---\n${c.text}`, { cause: e });
    }
    expect(Buffer.from(got, 'utf8').toString('utf8')).toBe(want.formatted!.toString('utf8'));
    expect(Buffer.compare(Buffer.from(got, 'utf8'), want.formatted!)).toBe(0);
    const f = parseGoMod(c.text);
    f.sortBlocks();
    f.cleanup();
    expect(ourJSON(f)).toEqual(norm(want.json));
  });
});

describe('gomod-cap against go mod edit -require', () => {
  it.each(pairCases.map((c, i) => [c.name, i] as const))('%s', (_name, i) => {
    const c = pairCases[i]!;
    const want = pairExpect[i]!;
    if (!want.ok) {
      expect(() => capGoMod(c.server, c.plugin), `go rejected it:\n${want.stderr}`).toThrow(GoModError);
      return;
    }
    const got = capGoMod(c.server, c.plugin, { serverFile: 'server/go.mod', pluginFile: 'plugin/go.mod' });
    expect(got.changes.map(({ module, from, to }) => ({ module, from, to }))).toEqual(want.changes);
    if (want.changes!.length === 0) {
      expect(got.changed).toBe(false);
      expect(got.text).toBe(c.plugin);
      expect(want.final!.toString('utf8')).toBe(c.plugin);
    } else {
      expect(got.text).toBe(want.final!.toString('utf8'));
    }
    // Every change's line points at that module's require line in the original text.
    const lines = c.plugin.split('\n');
    for (const ch of got.changes) {
      expect(lines[ch.line - 1]).toContain(ch.module);
    }
    expect(ourJSON(parseGoMod(c.server))).toMatchObject(
      norm({ Require: (want.serverJSON as { Require?: unknown }).Require }) as object,
    );
  });
});

describe('the hand-written tables agree with the go command', () => {
  const env = (): NodeJS.ProcessEnv => hermeticGoEnv(join(root, 'home'));
  it.each(fmtRows.map((r) => [r.name, r] as const))('fmt: %s', async (_name, row) => {
    const dir = mkdtempSync(join(root, 'row-'));
    writeFileSync(join(dir, 'go.mod'), row.input);
    const r = await runGo(go, ['mod', 'edit', '-fmt', 'go.mod'], dir, env());
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(dir, 'go.mod'), 'utf8')).toBe(row.want);
  });
  it.each(errorRows.map((r) => [r.name, r] as const))('error: %s', async (_name, row) => {
    const dir = mkdtempSync(join(root, 'row-'));
    writeFileSync(join(dir, 'go.mod'), row.input);
    const r = await runGo(go, ['mod', 'edit', '-fmt', 'go.mod'], dir, env());
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(row.goSays);
    // Go prints the column only when it is past the first one.
    expect(r.stderr).toContain(
      row.column > 1 ? `go.mod:${row.line}:${row.column}: ` : `go.mod:${row.line}: `,
    );
  });
});

/** Bytes that are not valid UTF-8: Latin-1, lone continuation, cut, overlong, surrogate, 0xff. */
const INVALID = [[0xe9], [0x80], [0xe2, 0x9c], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xff, 0xfe], [0xf4, 0x90]];

/** The plugin of a pair with invalid UTF-8 in every comment (and a comment added when none). */
function withInvalidBytes(text: string, r: Rand): Buffer {
  const parts: Buffer[] = [];
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    let l = Buffer.from(line);
    const at = line.indexOf('//');
    if (at >= 0 || (i === 0 && line.startsWith('module'))) {
      const bad = Buffer.from(r.pick(INVALID));
      l =
        at >= 0
          ? Buffer.concat([l.subarray(0, at + 2), bad, l.subarray(at + 2)])
          : Buffer.concat([l, Buffer.from(' // '), bad]);
    }
    parts.push(l);
    if (i + 1 < lines.length) parts.push(Buffer.from('\n'));
  });
  return Buffer.concat(parts);
}

describe('bytes that are not UTF-8 round-trip exactly as go mod edit keeps them', () => {
  const r = new Rand(SEED + 12);
  const cases = pairCases.slice(0, 60).map((c, i) => ({
    name: `invalid bytes ${i}`,
    server: c.server,
    plugin: withInvalidBytes(c.plugin, r),
  }));
  const want: { fmt: Buffer; capped: Buffer }[] = [];

  beforeAll(async () => {
    const env = hermeticGoEnv(join(root, 'home'));
    await pool(cases, CONCURRENCY, async (c, i) => {
      const dir = join(root, `bytes-${i}`);
      mkdirSync(join(dir, 'server'), { recursive: true });
      mkdirSync(join(dir, 'plugin'));
      mkdirSync(join(dir, 'fmt'));
      writeFileSync(join(dir, 'server', 'go.mod'), c.server);
      writeFileSync(join(dir, 'plugin', 'go.mod'), c.plugin);
      writeFileSync(join(dir, 'fmt', 'go.mod'), c.plugin);
      const f = await runGo(go, ['mod', 'edit', '-fmt', 'fmt/go.mod'], dir, env);
      expect(f.code, f.stderr).toBe(0);
      for (const ch of capGoModBytes(Buffer.from(c.server), c.plugin).changes) {
        const e = await runGo(
          go,
          ['mod', 'edit', `-require=${ch.module}@${ch.to}`, 'plugin/go.mod'],
          dir,
          env,
        );
        expect(e.code, e.stderr).toBe(0);
      }
      want[i] = {
        fmt: readFileSync(join(dir, 'fmt', 'go.mod')),
        capped: readFileSync(join(dir, 'plugin', 'go.mod')),
      };
    });
  }, 300_000);

  it('the cases hold invalid UTF-8 that go keeps', () => {
    const kept = want.filter((w) => !w.capped.equals(Buffer.from(w.capped.toString('utf8')))).length;
    expect(kept).toBe(cases.length);
  });

  it.each(cases.map((c, i) => [c.name, i] as const))('%s', (_name, i) => {
    const c = cases[i]!;
    const w = want[i]!;
    const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
    expect(hex(capGoModBytes(Buffer.from(c.server), c.plugin).data)).toBe(hex(w.capped));
    expect(hex(encodeGoMod(capGoMod(c.server, decodeGoMod(c.plugin)).text))).toBe(hex(w.capped));
    expect(hex(encodeGoMod(fmtGoMod(decodeGoMod(c.plugin))))).toBe(hex(w.fmt));
  });
});
