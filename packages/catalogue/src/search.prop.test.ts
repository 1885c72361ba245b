import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadBundledRelease } from './bundled.js';
import { createCatalogue } from './catalogue.js';

const catalogue = createCatalogue([await loadBundledRelease('tt23-pl01')]);
const names = catalogue.release('tt23-pl01')!.concepts.map((c) => c.display);

describe('search (property)', () => {
  it('any text gives at most `limit` hits, never an exception', () => {
    const text = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.string({
        unit: fc.constantFrom(...'aăâđeêioôơuưyÁÀẢÃẠĐáàảãạ .-_[]()0123456789'.split('')),
        maxLength: 30,
      }),
    );
    fc.assert(
      fc.property(text, fc.integer({ min: 0, max: 30 }), (q, limit) => {
        const hits = catalogue.search(q, { limit });
        expect(hits.length).toBeLessThanOrEqual(limit);
      }),
      { numRuns: 300 },
    );
  });

  it('a real name, folded, finds a concept with that exact name in the top 5', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: names.length - 1 }), (i) => {
        const name = names[i]!;
        if (name.trim() === '') return;
        const hits = catalogue.search(name.toUpperCase(), { limit: 5 });
        expect(hits.some((h) => h.display === name)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
