import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'src/**/*.test.ts',
      'test/**/*.test.ts',
      'tools/**/*.test.ts',
      'targets/**/*.test.ts',
    ],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // PostgreSQL contract tests share one database; files that touch it serialise on schemas.
    fileParallelism: true,
    pool: 'forks',
    reporters: ['default', './scripts/summary-reporter.ts'],
  },
});
