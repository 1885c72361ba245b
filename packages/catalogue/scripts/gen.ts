// Writes the bundled releases to src/generated/ (turbo task `gen`; run: npm run gen -w @lienthong/catalogue).
// A file is rewritten only when its text changed, and then whole (a temp file renamed over it): a
// type check reading these sources meanwhile sees the old file or the new one, never half of one.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { generateBundledFiles } from './gen-lib.js';

const out = new URL('../src/generated/', import.meta.url);
mkdirSync(out, { recursive: true });
for (const [name, text] of Object.entries(generateBundledFiles())) {
  const file = new URL(name, out);
  if (existsSync(file) && readFileSync(file, 'utf8') === text) {
    console.log(`src/generated/${name} unchanged`);
    continue;
  }
  const temp = new URL(`${name}.tmp`, out);
  writeFileSync(temp, text);
  renameSync(temp, file);
  console.log(`wrote src/generated/${name} (${(text.length / 1024).toFixed(0)} KiB)`);
}
