import { defineConfig } from 'vitest/config';
import { sourceAliases, workspaceProjects } from './vitest.shared.ts';

// Tests that need a real service (PostgreSQL, Orthanc). Run by `npm run test:services`, which starts
// the services through scripts/services/ and passes their URLs in LIENTHONG_* environment variables.
export default defineConfig({
  resolve: { alias: sourceAliases },
  test: {
    projects: workspaceProjects('service'),
    passWithNoTests: true,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
