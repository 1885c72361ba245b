import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const entry = process.argv[2];
const r = await build({
  entryPoints: [entry],
  bundle: true,
  minify: true,
  format: 'esm',
  write: false,
  platform: 'neutral',
  mainFields: ['module', 'main'],
  treeShaking: true,
  charset: 'utf8',
  logLevel: 'error',
});
const code = r.outputFiles[0].contents;
console.log(entry, 'min', code.length, 'gzip', gzipSync(code).length);
