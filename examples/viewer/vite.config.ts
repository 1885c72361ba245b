import { defineConfig } from 'vite';
import { sourceAliases } from '../../vitest.shared.ts';

// The SDK is bundled from its TypeScript sources (as the tests run it), so the viewer never
// builds against a stale dist/ of a workspace package.
export default defineConfig({
  base: './',
  resolve: { alias: sourceAliases },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 1200,
  },
});
