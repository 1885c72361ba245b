// Writes the bundled releases to src/generated/ (turbo task `gen`; run: npm run gen -w @lienthong/catalogue).
import { mkdirSync, writeFileSync } from 'node:fs';
import { generateBundledFiles } from './gen-lib.js';

const out = new URL('../src/generated/', import.meta.url);
mkdirSync(out, { recursive: true });
for (const [name, text] of Object.entries(generateBundledFiles())) {
  writeFileSync(new URL(name, out), text);
  console.log(`wrote src/generated/${name} (${(text.length / 1024).toFixed(0)} KiB)`);
}
