import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['@kgc/source'] },
  ssr: { resolve: { conditions: ['@kgc/source'], externalConditions: ['@kgc/source'] } },
  test: {
    include: ['libs/*/src/**/*.test.ts', 'services/*/src/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
