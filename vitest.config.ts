import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // Node loads graphql's CommonJS build for both the project and the Apollo packages; Vite
    // would pick its ES module build for the project, and two GraphQLError classes would exist.
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    include: ['**/*.test.ts'],
    exclude: ['**/node_modules/**', '.data/**'],
    // Each file starts its own graph and database; PGlite needs a few seconds to start.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
