// npm run mutate: mutation testing of the kernel model and the invariants (a measurement, not
// part of CI: a full pass takes hours on 2 cores). Narrow it while working with
// `npm run mutate -- --mutate model/kernel/kernel.ts`.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: '.ci/stryker/vitest.config.ts', related: false },
  mutate: ['model/kernel/**/*.ts', 'properties/invariants/**/*.ts', '!**/*.test.ts'],
  coverageAnalysis: 'perTest',
  ignoreStatic: true,
  concurrency: 2,
  timeoutMS: 5000,
  reporters: ['clear-text', 'progress', 'json'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
