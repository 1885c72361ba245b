import { defineConfig } from 'vitest/config';
import { sourceAliases, workspaceProjects } from './vitest.shared.ts';

export default defineConfig({
  resolve: { alias: sourceAliases },
  test: {
    projects: workspaceProjects('unit'),
    passWithNoTests: false,
    testTimeout: 20_000,
    coverage: {
      provider: 'v8',
      include: ['packages/core/src/**/*.ts'],
      exclude: ['**/*.test.ts', '**/index.ts', '**/types.ts'],
      reporter: ['text-summary', 'text'],
      thresholds: { lines: 90 },
    },
  },
});
