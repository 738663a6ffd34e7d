// Fuzzes the go.mod engine at scale (issue 12): `npm run fuzz` runs 1,000,000 mutated inputs
// through parse, sort, cleanup, print and cap (only GoModError allowed, linear cap equal to the
// stepwise one), and every 100th case through the command line on files (no write on error).
//   node scripts/fuzz-gomod.mjs [--cases 1000000] [--seed 1] [--cli-every 100]
// The unit tests run a fixed-seed slice of the same cases (__tests__/gomod/fuzz.test.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { bundleOptions } from './bundle-options.mjs';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return Number(i > 0 ? process.argv[i + 1] : def);
};
const cases = arg('cases', 1_000_000);
const seed = arg('seed', 1);
const cliEvery = arg('cli-every', 100);

const tmp = mkdtempSync(join(tmpdir(), 'gomod-fuzz-run-'));
try {
  const out = join(tmp, 'fuzz.cjs');
  await build({ ...bundleOptions, entryPoints: [join(repo, '__tests__/gomod/fuzz.ts')], outfile: out });
  const { corpus, fuzzCase, fuzzCli, newStats, FuzzFailure } = createRequire(import.meta.url)(out);
  const c = corpus();
  const stats = newStats();
  const start = process.hrtime.bigint();
  const elapsed = () => Number(process.hrtime.bigint() - start) / 1e9;
  let i = 0;
  try {
    for (; i < cases; i++) {
      fuzzCase(seed * 0x9e3779b1 + i, c, stats);
      if (cliEvery > 0 && i % cliEvery === 0) await fuzzCli(seed * 0x9e3779b1 + i, c, stats);
      if ((i + 1) % 100_000 === 0) {
        console.log(`${i + 1} cases, ${elapsed().toFixed(0)} s: ${JSON.stringify(stats)}`);
      }
    }
  } catch (e) {
    console.error(`FAILED at case ${i} after ${elapsed().toFixed(1)} s`);
    console.error(e instanceof FuzzFailure ? e.message : e);
    process.exitCode = 1;
  }
  if (!process.exitCode) {
    console.log(
      `ok: ${stats.cases} cases in ${elapsed().toFixed(1)} s (seed ${seed}): ${JSON.stringify(stats)}`,
    );
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
