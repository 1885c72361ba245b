import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadBundledRelease } from './bundled.js';
import type { Concept, Release } from './model.js';
import { decodeRelease, encodeRelease } from './release.js';

describe('compact releases', () => {
  it('round-trip the bundled PL02 release', async () => {
    const pl02 = await loadBundledRelease('tt23-pl02');
    expect(decodeRelease(JSON.parse(JSON.stringify(encodeRelease(pl02))))).toEqual(pl02);
  });

  it('round-trip any release (property)', () => {
    const text = fc.string({ maxLength: 12 });
    const concept = fc.record({
      code: fc.string({ minLength: 1, maxLength: 8 }),
      display: text,
      status: fc.constantFrom('active', 'retired', 'draft'),
      chapter: fc.option(text, { nil: undefined }),
      links: fc.option(fc.array(fc.stringMatching(/^[0-9.]{1,6}$/), { minLength: 1, maxLength: 3 }), {
        nil: undefined,
      }),
      unit: fc.option(fc.string({ minLength: 1, maxLength: 5 }), { nil: undefined }),
    });
    fc.assert(
      fc.property(fc.array(concept, { maxLength: 20 }), (rows) => {
        const concepts: Concept[] = rows.map((r) => {
          const c: Concept = { code: r.code, display: r.display, status: r.status };
          if (r.chapter !== undefined) c.chapter = r.chapter;
          const props = { ...(r.unit ? { unit: r.unit } : {}), ...(r.links ? { links: r.links } : {}) };
          if (Object.keys(props).length) c.properties = props;
          return c;
        });
        const release: Release = {
          system: { id: 'syn', uri: 'urn:syn', name: 'SYNTHETIC', version: '1' },
          concepts,
        };
        expect(decodeRelease(JSON.parse(JSON.stringify(encodeRelease(release))))).toEqual(release);
      }),
    );
  });

  it('reject a document that is not a release with CATALOGUE_RELEASE_INVALID', () => {
    expect(() => decodeRelease({ format: 'x' })).toThrow(
      expect.objectContaining({ code: 'CATALOGUE_RELEASE_INVALID' }),
    );
  });
});
