import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateBundledFiles } from '../scripts/gen-lib.js';

describe('bundled releases', () => {
  it('the committed src/generated files are exactly what the importer produces from data/ today', () => {
    const files = generateBundledFiles();
    expect(Object.keys(files).sort()).toEqual([
      'icd10-vn.report.ts',
      'icd10-vn.rules.ts',
      'icd10-vn.ts',
      'tt23-pl01.report.ts',
      'tt23-pl01.ts',
      'tt23-pl02.report.ts',
      'tt23-pl02.ts',
    ]);
    for (const [name, text] of Object.entries(files)) {
      const committed = readFileSync(new URL(`../src/generated/${name}`, import.meta.url), 'utf8');
      // A mismatch means: run `npm run gen -w @lienthong/catalogue` and commit src/generated.
      expect(committed === text, `${name} is stale`).toBe(true);
    }
  });
});
