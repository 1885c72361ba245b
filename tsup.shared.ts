import { defineConfig, type Options } from 'tsup';

/**
 * The one build recipe every package follows: ESM + CJS + `.d.ts`/`.d.cts`, tree-shakable
 * (one chunk per entry, shared code split out), targeting Node.js 20 and modern browsers.
 * `entry` maps an export subpath file name (`index`, `fhir`, …) to its source file.
 */
export function packageBuild(entry: Record<string, string>, overrides: Options = {}) {
  return defineConfig({
    entry,
    format: ['esm', 'cjs'],
    dts: true,
    clean: true,
    sourcemap: true,
    splitting: true,
    treeshake: true,
    target: 'es2022',
    platform: 'neutral',
    tsconfig: 'tsconfig.build.json',
    ...overrides,
  });
}
