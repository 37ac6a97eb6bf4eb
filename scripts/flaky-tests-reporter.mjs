// A vitest reporter for `npm test`: writes the tests that failed first and passed on their retry (`retry` in
// vitest.config.ts) to the file named by FLAKY_TESTS_FILE, so the totals run can name them: a retry hides a
// flaky test from the totals, never from the log.
import { writeFileSync } from 'node:fs';

export default class FlakyTestsReporter {
  flaky = [];

  onTestCaseResult(testCase) {
    if (testCase.diagnostic()?.flaky) this.flaky.push(`${testCase.module.relativeModuleId} › ${testCase.fullName}`);
  }

  onTestRunEnd() {
    if (process.env.FLAKY_TESTS_FILE) writeFileSync(process.env.FLAKY_TESTS_FILE, JSON.stringify(this.flaky));
  }
}
