// A fixed-seed slice of the go.mod fuzzing (fuzz.ts); `npm run fuzz` runs a million cases.
import { describe, expect, it } from 'vitest';
import { corpus, fuzzCase, fuzzCli, newStats } from './fuzz';

const SEED = 0x0f022026;

describe('go.mod fuzzing, fixed-seed slice', () => {
  const c = corpus(150);

  it('mutated inputs parse or fail with a bounded GoModError; every later step works', () => {
    const stats = newStats();
    for (let i = 0; i < 4000; i++) fuzzCase(SEED + i, c, stats);
    expect(stats.cases).toBe(4000);
    expect(stats.parsed).toBeGreaterThan(400);
    expect(stats.rejected).toBeGreaterThan(400);
    expect(stats.stepwiseChecked).toBeGreaterThan(20);
    expect(stats.quick).toBeGreaterThan(40);
  });

  it('the command line never writes the plugin go.mod when it fails, nor leaves temp files', async () => {
    const stats = newStats();
    for (let i = 0; i < 60; i++) await fuzzCli(SEED + i, c, stats);
    expect(stats.cliRuns).toBe(60);
  });
});
