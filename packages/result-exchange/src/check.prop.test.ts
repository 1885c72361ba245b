import { readdirSync, readFileSync } from 'node:fs';
import type { Observation } from '@medplum/fhirtypes';
import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arbObservation } from '../test/arbitraries.js';
import { DELETE, jsonPaths, mutateAt, ODD_JSON } from '../test/json-mutation.js';
import { labObservationProblem } from './check.js';
import { readFhirObservation } from './fhir/decode-observation.js';
import { LabObservationSchema } from './model.js';

/** Values that break one rule or another of the model (types, emptiness, finiteness, formats). */
const ODD = [
  ...ODD_JSON,
  ' x',
  'x ',
  'a\nb',
  'a\u2028b',
  'x'.repeat(255),
  'x'.repeat(256),
  0,
  -0,
  1.5,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  false,
  [''],
  { kind: 'text' },
  { kind: 'text', text: 'x' },
  { kind: 'quantity', value: 1 },
  { kind: 'coded', codings: [] },
  { value: 1 },
  { system: 'urn:x', code: 'y' },
  'final',
  'bogus',
  'entered-in-error',
  '<',
  '=',
  'urn:x',
  'http://x y',
  '2025-01-01',
  '2025-02-30',
  '2024-02-29',
  '2025-01-01T10:00:00+07:00',
  '2025-01-01T10:00:00.5Z',
  '2025-01-01T10:00+07:00',
  '2025-01-01T24:00:00Z',
];

/** A valid observation with 0-3 of its fields (at any depth) replaced by odd values, deleted, or added. */
const arbMutated = fc
  .tuple(
    arbObservation,
    fc.array(
      fc.tuple(
        fc.nat(),
        fc.constantFrom(...ODD, DELETE),
        fc.oneof(
          { weight: 6, arbitrary: fc.constant('') },
          { weight: 1, arbitrary: fc.constantFrom('extra', 'kind', 'comparator') },
        ),
      ),
      { maxLength: 3 },
    ),
  )
  .map(([o, changes]) => {
    let x: unknown = o;
    for (const [pick, replacement, extraKey] of changes) {
      const all = jsonPaths(x);
      const path = all[pick % all.length]!;
      x = mutateAt(x, extraKey ? [...path, extraKey] : path, replacement);
    }
    return x;
  });

const fixtures = new URL('../../../fixtures/real-world/fhir-r4/', import.meta.url);

describe('labObservationProblem, the hand-written twin of LabObservationSchema', () => {
  it('accepts and rejects exactly what the zod schema does (mutated observations, any JSON)', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          { weight: 8, arbitrary: arbMutated },
          { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
          { weight: 1, arbitrary: fc.anything() },
        ),
        (x) => {
          const zod = LabObservationSchema.safeParse(x);
          const hand = labObservationProblem(x);
          expect(hand === undefined).toBe(zod.success);
          // The problem named is one zod names too (same field or one of its parents/children).
          if (hand && !zod.success) {
            const at = hand.path.join('.');
            const zodPaths = zod.error.issues.map((i) => i.path.join('.'));
            expect(
              zodPaths.some((p) => p === at || p.startsWith(`${at}.`) || at.startsWith(`${p}.`) || p === ''),
            ).toBe(true);
          }
        },
      ),
      { numRuns: 5000 },
    );
  });

  it('agrees with zod on every Observation of the real fixtures, decoded', () => {
    const files = readdirSync(fixtures).filter((f) => /^Observation-.*\.json$/.test(f));
    expect(files.length).toBeGreaterThan(40);
    let valid = 0;
    for (const f of files) {
      const o = readFhirObservation(JSON.parse(readFileSync(new URL(f, fixtures), 'utf8')) as Observation);
      const success = LabObservationSchema.safeParse(o).success;
      expect(labObservationProblem(o) === undefined, f).toBe(success);
      if (success) valid++;
    }
    expect(valid).toBeGreaterThan(40);
  });
});
