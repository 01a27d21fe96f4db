import { defineConfig } from 'vitest/config';

// The tests of the mutated code only: the kernel's and the invariants'. (The CLI tests start
// processes, which per-test coverage cannot see.)
export default defineConfig({
  test: {
    include: ['model/kernel/**/*.test.ts', 'properties/invariants/**/*.test.ts', 'model/designs/**/*.test.ts'],
    setupFiles: ['.ci/stryker/setup.ts'],
    isolate: false,
    testTimeout: 60_000,
  },
});
