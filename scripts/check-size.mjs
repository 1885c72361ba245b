// Size budgets: each package declares `sizeBudgets: { "<export subpath>": <bytes> }` in its
// package.json. Every export of the built ESM entry is bundled with its dependencies (esbuild,
// minified, browser platform for browser-safe entries), gzipped (-9) and compared to the budget.
//
// Budgets need ~1 % headroom over a measurement: tsup's chunk names hash the folder the package was
// built in, the chunks' import order follows those names, and the bundle's module order with it, so
// the same sources measure differently from one clone to the next (core: 39,687–40,007 bytes seen).
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { publishablePackages, root } from './workspaces.mjs';

let failures = 0;
console.log('entry point'.padEnd(44), 'min+gzip'.padStart(10), 'budget'.padStart(10));
for (const { dir, pkg } of publishablePackages()) {
  for (const [subpath, budget] of Object.entries(pkg.sizeBudgets ?? {})) {
    const target = pkg.exports?.[subpath]?.import?.default;
    const name = `${pkg.name}${subpath === '.' ? '' : subpath.slice(1)}`;
    if (!target) {
      failures++;
      console.error(`✗ ${name}: no ESM export for budget key "${subpath}"`);
      continue;
    }
    let result;
    try {
      result = await build({
        stdin: {
          contents: `export * from ${JSON.stringify(join(dir, target))};`,
          resolveDir: dir,
          loader: 'js',
        },
        bundle: true,
        minify: true,
        write: false,
        format: 'esm',
        platform: pkg.sizePlatform?.[subpath] ?? 'browser',
        logLevel: 'silent',
        // Measure what users get: resolve workspace packages through their published exports
        // (dist), never through the tsconfig paths that point development at the sources.
        tsconfigRaw: '{}',
      });
    } catch (error) {
      failures++;
      console.error(
        `✗ ${name}: cannot bundle (${error.errors?.[0]?.text ?? error.message}) — run the build first`,
      );
      continue;
    }
    const bytes = gzipSync(result.outputFiles[0].contents, { level: 9 }).length;
    const ok = bytes <= budget;
    if (!ok) failures++;
    console.log(
      `${ok ? '✓' : '✗'} ${name}`.padEnd(44),
      `${bytes}`.padStart(10),
      `${budget}`.padStart(10),
      relative(root, dir),
    );
  }
}
if (failures > 0) {
  console.error(`\n${failures} entry point(s) over budget or misconfigured.`);
  process.exit(1);
}
