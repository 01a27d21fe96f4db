import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'dist/**', '.stryker-tmp/**'],
    // A bound for a test that hangs, not a speed requirement: a loaded 2-core CI machine runs the process tests several times slower.
    testTimeout: 300_000,
    // Every core: vitest's default leaves one free, which on a 2-core machine runs the files one at a time.
    maxWorkers: '100%',
  },
});
