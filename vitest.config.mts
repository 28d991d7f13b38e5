import { defineConfig } from 'vitest/config';

// In CI (.ci/run sets CI=true) a JSON report is written next to the usual console output, so the README's
// command `npm test` stays unchanged while .ci/run can print the plain `N passed, N failed, N skipped` line.
const ci = !!process.env.CI && process.env.CI !== 'false' && process.env.CI !== '0';

// test/packaging.test.ts compiles the addon twice (node-gyp inside `npm pack`, and cmake-js) with all cores.
// It runs as its own project after every other test file (sequence.groupOrder), so those compiles neither
// slow down nor skew the timing-sensitive tests (time limits, async progress, abort).
const PACKAGING = 'test/packaging.test.ts';

export default defineConfig({
  test: {
    // Each fork starts its own OpenMP pool; two forks on two cores is the machine's size.
    // Compiles lib/ to dist/ once when stale: spawned processes in the tests load dist/.
    globalSetup: ['test/global-setup.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ci ? ['default', ['json', { outputFile: '.vitest-report.json' }]] : ['default'],
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: [PACKAGING], sequence: { groupOrder: 0 } },
      },
      {
        extends: true,
        test: { name: 'packaging', include: [PACKAGING], sequence: { groupOrder: 1 } },
      },
    ],
  },
});
