// The bundled command line (dist/gomod-cap.cjs, built by `npm run bundle`) run as plugin authors
// run it, compared with the original gomod-cap's way: go mod edit -require per mismatch.
import { execFile, execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findHostGo, hermeticGoEnv, runGo } from '../support/host-go';
import { Rand, genPair } from './gen';

const repo = resolve(__dirname, '../..');
const bundle = join(repo, 'dist', 'gomod-cap.cjs');
const go = findHostGo();
let root = '';

function runCli(args: string[], cwd: string): Promise<{ code: number; stderr: string; stdout: string }> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [bundle, ...args],
      { cwd, env: { PATH: process.env.PATH ?? '' } },
      (err, stdout, stderr) => done({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** Newest modification time of the sources that go into dist/gomod-cap.cjs. */
function newestSource(): number {
  let newest = 0;
  for (const d of ['src/gomod', 'src/cli', 'src/fs']) {
    for (const f of readdirSync(join(repo, d))) newest = Math.max(newest, statSync(join(repo, d, f)).mtimeMs);
  }
  return newest;
}

beforeAll(() => {
  // CI bundles before the tests (check-dist); rebuild only when the bundle is missing or stale.
  if (!existsSync(bundle) || statSync(bundle).mtimeMs < newestSource()) {
    try {
      execFileSync(process.execPath, [join(repo, 'scripts', 'bundle.mjs')], { cwd: repo, stdio: 'pipe' });
    } catch {
      // Checked below: dist/gomod-cap.cjs must exist and be fresh.
    }
  }
  root = mkdtempSync(join(tmpdir(), 'gomod-cap-bundle-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('dist/gomod-cap.cjs', () => {
  it('exists and is built from the current sources (npm run bundle)', () => {
    expect(existsSync(bundle)).toBe(true);
    expect(statSync(bundle).mtimeMs).toBeGreaterThanOrEqual(newestSource());
  });

  it('caps like go mod edit -require does, needs no Go, and -check exits 1 then 0', async () => {
    const env = hermeticGoEnv(join(root, 'home'));
    const r = new Rand(7);
    let compared = 0;
    for (let i = 0; i < 12; i++) {
      const { server, plugin } = genPair(r, { ignore: true });
      const dir = join(root, `case-${i}`);
      for (const d of ['server', 'ours', 'theirs']) mkdirSync(join(dir, d), { recursive: true });
      writeFileSync(join(dir, 'server', 'go.mod'), server);
      writeFileSync(join(dir, 'ours', 'go.mod'), plugin);
      writeFileSync(join(dir, 'theirs', 'go.mod'), plugin);

      const check = await runCli(['-from', 'server', '-to', 'ours', '-check'], dir);
      const cap = await runCli(['-from', 'server', '-to=ours'], dir);
      expect(cap.code, cap.stderr).toBe(0);

      // The original: go mod edit -json on both, then one go mod edit -require per mismatch.
      const s = JSON.parse((await runGo(go, ['mod', 'edit', '-json', 'server/go.mod'], dir, env)).stdout);
      const p = JSON.parse((await runGo(go, ['mod', 'edit', '-json', 'theirs/go.mod'], dir, env)).stdout);
      const want = new Map<string, string>(
        (s.Require ?? []).map((x: { Path: string; Version: string }) => [x.Path, x.Version]),
      );
      let mismatches = 0;
      for (const req of p.Require ?? []) {
        const v = want.get(req.Path);
        if (v !== undefined && v !== req.Version) {
          mismatches++;
          await runGo(go, ['mod', 'edit', `-require=${req.Path}@${v}`, 'theirs/go.mod'], dir, env);
        }
      }
      expect(check.code).toBe(mismatches > 0 ? 1 : 0);
      expect(readFileSync(join(dir, 'ours', 'go.mod'))).toEqual(readFileSync(join(dir, 'theirs', 'go.mod')));
      expect((await runCli(['-check', '-from', 'server', '-to', 'ours'], dir)).code).toBe(0);
      if (mismatches > 0) compared++;
    }
    expect(compared).toBeGreaterThan(3);
  });

  it('bad flags and unreadable files exit 2', async () => {
    expect((await runCli(['-bogus'], root)).code).toBe(2);
    expect((await runCli(['-from', 'missing', '-to', 'missing'], root)).code).toBe(2);
  });
});
