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

function failedUnitTests(report) {
  const names = [];
  for (const file of report.testResults) {
    const where = file.name.replace(root, '');
    const failed = file.assertionResults.filter((test) => test.status === 'failed');
    for (const test of failed) names.push(`${where} › ${test.fullName}`);
    if (failed.length === 0 && file.status === 'failed') names.push(`${where} (did not load: ${firstLine(file.message)})`);
  }
  return names;
}

function failedE2eTests(report) {
  const names = [];
  const visit = (suite, file) => {
    for (const spec of suite.specs ?? []) {
      for (const test of spec.tests) {
        if (test.status === 'unexpected') names.push(`${file} › ${spec.title}`);
        if (test.status === 'flaky') names.push(`${file} › ${spec.title} (flaky: passed on its retry)`);
      }
    }
    for (const child of suite.suites ?? []) visit(child, file);
  };
  for (const suite of report.suites ?? []) visit(suite, suite.file);
  return names;
}

function firstLine(text) {
  return String(text ?? '')
    .split('\n')[0]
    .slice(0, 200);
}

const totals = { passed: 0, failed: 0, skipped: 0 };
// Names of the failed tests, printed just above the totals line: CI output is often read from its tail only.
const failedNames = [];
let suitesBroken = 0;

if (run('npm', ['run', '--silent', 'build']) !== 0) {
  console.error('build failed');
  console.log('0 passed, 1 failed');
  process.exit(1);
}

// Unit tests.
const unitReport = `${tmp}/unit-results.json`;
rmSync(unitReport, { force: true });
const flakyReport = `${tmp}/unit-flaky.json`;
rmSync(flakyReport, { force: true });
const unitStatus = run(
  'npx',
  [
    'vitest',
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${unitReport}`,
    '--reporter=./scripts/flaky-tests-reporter.mjs',
  ],
  { FLAKY_TESTS_FILE: flakyReport },
);
const unit = readJson(unitReport);
if (unit) {
  totals.passed += unit.numPassedTests;
  totals.failed += unit.numFailedTests;
  totals.skipped += unit.numPendingTests + unit.numTodoTests;
  // A suite that failed to load counts its file as a failure (vitest reports no tests for it).
  if (unitStatus !== 0 && unit.numFailedTests === 0) totals.failed += Math.max(1, unit.numFailedTestSuites);
  failedNames.push(...failedUnitTests(unit));
  for (const name of readJson(flakyReport) ?? []) failedNames.push(`${name} (flaky: passed on its retry)`);
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
  failedNames.push(...failedE2eTests(e2e));
} else if (e2eStatus !== 0 || !existsSync(e2eReport)) {
  suitesBroken++;
}

totals.failed += suitesBroken;
if (failedNames.length > 0) console.log(`\nfailed or flaky:\n${failedNames.map((name) => `  ${name}`).join('\n')}`);
const line = `${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ''}`;
console.log(`\n${line}`);
process.exit(totals.failed > 0 ? 1 : 0);
