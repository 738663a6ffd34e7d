// Prints each test file's time from Vitest JSON reports, slowest first (the docker files run one
// at a time, so their times add up to most of the test stage). Informational only.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

for (const file of process.argv.slice(2)) {
  let report;
  try {
    report = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    continue;
  }
  const rows = (report.testResults ?? [])
    .map((s) => ({ name: relative(process.cwd(), s.name), seconds: (s.endTime - s.startTime) / 1000 }))
    .filter((r) => Number.isFinite(r.seconds))
    .sort((a, b) => b.seconds - a.seconds);
  console.log(`test files by time (${file}):`);
  for (const r of rows.slice(0, 20)) console.log(`  ${r.seconds.toFixed(1).padStart(7)} s  ${r.name}`);
}
