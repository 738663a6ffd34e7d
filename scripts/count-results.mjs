// Prints the plain `N passed, N failed` line CI reads, summed over Vitest JSON reports
// (one per run: Node 20, Node 24). A missing or unreadable report counts as a failure.
import { readFileSync } from 'node:fs';

const files = process.argv.slice(2);
let passed = 0;
let failed = 0;
let skipped = 0;
for (const file of files.length ? files : ['.tmp/vitest.json']) {
  let report;
  try {
    report = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    console.log(`could not read ${file}: ${e.message}`);
    failed += 1;
    continue;
  }
  passed += report.numPassedTests ?? 0;
  // A suite that failed without a failed test (it did not load) counts as one failure.
  const loadFailures = (report.testResults ?? []).filter(
    (s) => s.status === 'failed' && !(s.assertionResults ?? []).some((a) => a.status === 'failed'),
  ).length;
  failed += (report.numFailedTests ?? 0) + loadFailures;
  skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
