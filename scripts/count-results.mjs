// Prints the plain `N passed, N failed` line CI reads, from Vitest's JSON report.
import { readFileSync } from 'node:fs';

const file = process.argv[2] ?? '.tmp/vitest.json';
let report;
try {
  report = JSON.parse(readFileSync(file, 'utf8'));
} catch (e) {
  console.log(`could not read ${file}: ${e.message}`);
  console.log('0 passed, 1 failed');
  process.exit(0);
}
const passed = report.numPassedTests ?? 0;
// Suites that failed to load count as failures too.
const failed = (report.numFailedTests ?? 0) + (report.numFailedTestSuites ?? 0) - countLoadOnly(report);
const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
function countLoadOnly(r) {
  // A suite with failed tests is already counted through its tests.
  return (r.testResults ?? []).filter(
    (s) => s.status === 'failed' && (s.assertionResults ?? []).some((a) => a.status === 'failed'),
  ).length;
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
