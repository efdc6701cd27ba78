import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // PGlite needs ~700 MB per instance and the machine has 2 cores: one file at a time.
    fileParallelism: false,
    reporters: ['default'],
  },
});
