// Measures an entry as a user's bundler sees it: bundle (dependencies resolved through their
// package.json exports, i.e. core's dist) + minify + gzip. Usage: node scripts/measure-size.mjs dist/validators.js
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

for (const entry of process.argv.slice(2)) {
  const r = await build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    format: 'esm',
    write: false,
    platform: 'browser',
    treeShaking: true,
    tsconfigRaw: '{}',
    logLevel: 'error',
  });
  const code = r.outputFiles[0].contents;
  console.log(`${entry}: ${code.length} B min, ${gzipSync(code, { level: 9 }).length} B min+gzip`);
}
