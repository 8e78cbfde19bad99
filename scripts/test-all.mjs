// Runs every suite (unit tests, then end-to-end tests in a real workbench) and prints the totals
// of all of them on one line: "N passed, N failed".
import { spawnSync } from 'node:child_process';
import { readFileSync, mkdirSync } from 'node:fs';

mkdirSync('test-output', { recursive: true });
let passed = 0;
let failed = 0;
let ok = true;

const unit = spawnSync(
  'npx',
  ['vitest', 'run', '--reporter=default', '--reporter=json', '--outputFile.json=test-output/vitest.json'],
  { stdio: 'inherit' },
);
try {
  const r = JSON.parse(readFileSync('test-output/vitest.json', 'utf8'));
  passed += r.numPassedTests;
  failed += r.numFailedTests + (r.numRuntimeErrorTestSuites ?? 0);
} catch {
  failed++;
}
ok &&= unit.status === 0;

if (!process.env.COGTRACE_SKIP_E2E) {
  const e2e = spawnSync('node', ['dist/tests/e2e.js'], { stdio: 'inherit' });
  try {
    const r = JSON.parse(readFileSync('test-output/e2e.json', 'utf8'));
    passed += r.passed;
    failed += r.failed;
  } catch {
    failed++;
  }
  ok &&= e2e.status === 0;
}

console.log(`${passed} passed, ${failed} failed`);
process.exit(ok && failed === 0 ? 0 : 1);
