import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Unit tests of all workspaces run in one vitest process; browser behaviour is tested by Playwright in e2e/.
export default defineConfig({
  resolve: {
    alias: {
      // Tests run against the protocol's source, so they need no prior build.
      '@dhkit/protocol': fileURLToPath(new URL('./packages/protocol/src/index.ts', import.meta.url)),
    },
  },
  test: {
    include: [
      'packages/*/src/**/*.test.ts',
      'packages/*/test/**/*.test.ts',
      'server/src/**/*.test.ts',
      'server/test/**/*.test.ts',
      'scripts/**/*.test.ts',
      'test/livekit-server/**/*.test.ts',
    ],
    environment: 'node',
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // In CI one retry: the integration tests run real servers, espeak-ng and PostgreSQL side by side on a 2-core
    // machine, and one late timer must not sink a submission. `npm test` still names every test that needed it
    // (scripts/flaky-tests-reporter.mjs), and a test that fails twice fails.
    retry: process.env.CI ? 1 : 0,
  },
});
