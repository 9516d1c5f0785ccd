import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', '.data/**'],
    // Each file starts its own graph and database; PGlite needs a few seconds to start.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
