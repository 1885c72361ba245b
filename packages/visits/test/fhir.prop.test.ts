import { isLienThongError } from '@lienthong/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeFhirVisitBundle,
  encodeFhirVisitBundle,
  safeDecodeFhirVisitBundle,
} from '../src/fhir/index.js';
import { decodeXml130, encodeXml130 } from '../src/xml130/index.js';
import { syntheticFileSet } from './fixtures/synthetic-file-set.js';
import { visitsArb } from './fixtures/visit-arbitraries.js';

describe('visits ⇄ FHIR properties', () => {
  it('XML 130 → FHIR → XML 130 keeps every field, whatever the values', () => {
    fc.assert(
      fc.property(
        visitsArb,
        fc.constantFrom('transaction', 'collection') as fc.Arbitrary<'transaction' | 'collection'>,
        (visits, type) => {
          const original = decodeXml130(syntheticFileSet(visits), { lenient: true }).value;
          const bundle = JSON.parse(JSON.stringify(encodeFhirVisitBundle(original, { type }).value));
          const back = decodeFhirVisitBundle(bundle).value;
          expect(back).toEqual(original);
          expect(encodeXml130(back).value).toBe(encodeXml130(original).value);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('a damaged bundle never throws anything but a LienThongError', () => {
    const original = decodeXml130(syntheticFileSet()).value;
    const bundle = encodeFhirVisitBundle(original, { type: 'collection' }).value;
    const damage = fc.record({
      entry: fc.nat({ max: bundle.entry!.length - 1 }),
      key: fc.constantFrom(
        'period',
        'subject',
        'diagnosis',
        'extension',
        'effectiveDateTime',
        'code',
        'context',
        'encounter',
        'identifier',
      ),
      value: fc.oneof(
        fc.string(),
        fc.integer(),
        fc.constant(null),
        fc.array(fc.string(), { maxLength: 2 }),
        fc.object({ maxDepth: 2 }),
      ),
    });
    fc.assert(
      fc.property(damage, ({ entry, key, value }) => {
        const copy = JSON.parse(JSON.stringify(bundle));
        copy.entry[entry].resource[key] = value;
        const r = safeDecodeFhirVisitBundle(copy);
        if (!r.ok) {
          expect(isLienThongError(r.error)).toBe(true);
          expect(r.error.code).toMatch(/^(VISIT_FHIR_|FHIR_)/);
          expect(r.error.path).toMatch(/^Bundle/);
        }
      }),
      { numRuns: 300 },
    );
  });
});
