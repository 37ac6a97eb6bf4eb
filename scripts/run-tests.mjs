#!/usr/bin/env node
// `npm test`: builds, then runs every suite (vitest units, Playwright e2e in Debian Chromium) and ends
// with one totals line over all of them: `N passed, N failed[, N skipped]`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const tmp = `${root}.tmp`;
mkdirSync(tmp, { recursive: true });

function run(command, args, env = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  return result.status ?? 1;
}

function readJson(path) {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return null;
  }
}

const totals = { passed: 0, failed: 0, skipped: 0 };
let suitesBroken = 0;

if (run('npm', ['run', '--silent', 'build']) !== 0) {
  console.error('build failed');
  console.log('0 passed, 1 failed');
  process.exit(1);
}

// Unit tests.
const unitReport = `${tmp}/unit-results.json`;
rmSync(unitReport, { force: true });
const unitStatus = run('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${unitReport}`]);
const unit = readJson(unitReport);
if (unit) {
  totals.passed += unit.numPassedTests;
  totals.failed += unit.numFailedTests;
  totals.skipped += unit.numPendingTests + unit.numTodoTests;
  // A suite that failed to load counts its file as a failure (vitest reports no tests for it).
  if (unitStatus !== 0 && unit.numFailedTests === 0) totals.failed += Math.max(1, unit.numFailedTestSuites);
} else if (unitStatus !== 0) {
  suitesBroken++;
}

// Browser tests.
const e2eReport = `${tmp}/e2e-results.json`;
rmSync(e2eReport, { force: true });
const e2eStatus = run('npx', ['playwright', 'test'], { PLAYWRIGHT_JSON_OUTPUT_NAME: e2eReport });
const e2e = readJson(e2eReport);
if (e2e?.stats) {
  totals.passed += e2e.stats.expected + e2e.stats.flaky;
  totals.failed += e2e.stats.unexpected;
  totals.skipped += e2e.stats.skipped;
  if (e2eStatus !== 0 && e2e.stats.unexpected === 0) suitesBroken++;
} else if (e2eStatus !== 0 || !existsSync(e2eReport)) {
  suitesBroken++;
}

totals.failed += suitesBroken;
const line = `${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ''}`;
console.log(`\n${line}`);
process.exit(totals.failed > 0 ? 1 : 0);
