import { readdirSync, readFileSync } from 'node:fs';
import { isLienThongError, type ValidationIssue } from '@lienthong/core';
import type { Observation } from '@medplum/fhirtypes';
import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arbReport } from '../../test/arbitraries.js';
import { jsonPaths, mutateAt, ODD_JSON } from '../../test/json-mutation.js';
import { LabObservationSchema } from '../model.js';
import { decodeFhirObservation, readFhirObservation } from './decode-observation.js';
import { encodeFhirBundle } from './encode-report.js';

const dir = new URL('../../../../fixtures/real-world/fhir-r4/', import.meta.url);
const resources = readdirSync(dir)
  .filter((f) => f.endsWith('.json') && f !== 'fhir.schema.json')
  .map(
    (f) => JSON.parse(readFileSync(new URL(f, dir), 'utf8')) as { resourceType?: string; entry?: unknown[] },
  );
/** Every Observation of the real fixtures, alone or inside a Bundle. */
const REAL: Observation[] = resources.flatMap((r) => [
  ...(r.resourceType === 'Observation' ? [r as Observation] : []),
  ...(r.entry ?? [])
    .map((e) => (e as { resource?: { resourceType?: string } })?.resource)
    .filter((x): x is Observation => x?.resourceType === 'Observation'),
]);

/** Values of every JSON type, statuses, date forms and units. */
const ODD = [
  ...ODD_JSON,
  ' x ',
  5,
  -1.5,
  { code: 5 },
  { value: '6' },
  { coding: [{ code: 'H' }] },
  [{ text: 'n' }],
  [{ coding: 5 }],
  'bogus',
  'final',
  'unknown',
  'entered-in-error',
  '2013',
  '2013-04-02',
  '2013-02-30',
  '2013-04-02T09:30+01:00',
  '2013-04-02T09:30:10+01:00',
  '2013-04-02T09:30:10.5Z',
  'toString',
  '<',
  'http://unitsofmeasure.org',
  'mmol/l',
];
const KEYS = [
  'status',
  'code',
  'valueQuantity',
  'valueString',
  'valueCodeableConcept',
  'valueRatio',
  'valueRange',
  'valueBoolean',
  'valueInteger',
  'effectiveDateTime',
  'effectivePeriod',
  'effectiveInstant',
  'issued',
  'id',
  'meta',
  'referenceRange',
  'interpretation',
  'note',
  'method',
  'component',
];

const arbGenerated = arbReport().chain((r) => {
  const list = encodeFhirBundle(r, { type: 'collection' })
    .value.entry!.map((e) => e.resource!)
    .filter((x): x is Observation => x.resourceType === 'Observation');
  return list.length ? fc.constantFrom(...list) : fc.constant(REAL[0]!);
});
/** A real or generated Observation with 0-3 elements (at any depth, or a top-level key) replaced. */
const arbObservationInput = fc
  .tuple(
    fc.oneof(fc.constantFrom(...REAL), arbGenerated),
    fc.array(fc.tuple(fc.nat(), fc.constantFrom(...ODD), fc.option(fc.constantFrom(...KEYS))), {
      maxLength: 3,
    }),
  )
  .map(([o, changes]) => {
    let x: unknown = JSON.parse(JSON.stringify(o));
    for (const [pick, replacement, key] of changes) {
      const all = jsonPaths(x).filter((p) => p.length > 0 && p[0] !== 'text');
      x = mutateAt(x, key ? [key] : all[pick % all.length]!, replacement);
    }
    return x as Observation;
  });

/** The codes of an element read with the wrong JSON type or FHIR format. */
const ELEMENT_CODES = new Set([
  'FHIR_ELEMENT_INVALID',
  'FHIR_DATE_TIME_INVALID',
  'FHIR_ID_INVALID',
  'FHIR_URI_INVALID',
]);

const FHIR_STATUSES = new Set([
  'registered',
  'preliminary',
  'final',
  'amended',
  'corrected',
  'cancelled',
  'entered-in-error',
]);

describe('decodeFhirObservation (hand-checked) against the zod schema', () => {
  it('accepts exactly the well-typed Observations whose lab reading passes LabObservationSchema', () => {
    let accepted = 0;
    let rejected = 0;
    fc.assert(
      fc.property(arbObservationInput, (input) => {
        const lenientWarnings: ValidationIssue[] = [];
        const lenient = readFhirObservation(input, {}, lenientWarnings);
        let strict: ReturnType<typeof decodeFhirObservation> | undefined;
        let error: unknown;
        try {
          strict = decodeFhirObservation(input);
        } catch (e) {
          error = e;
        }
        if (strict) {
          accepted++;
          // What it accepts is a valid model (zod, independently of the hand check) …
          expect(LabObservationSchema.safeParse(strict.value).success).toBe(true);
          // … and the same as the lenient reading, with the same warnings.
          expect(strict).toEqual({ value: lenient, warnings: lenientWarnings });
        } else {
          rejected++;
          expect(isLienThongError(error)).toBe(true);
        }
        // Where the FHIR side is fine (a status of the value set, a code, every element read
        // well-typed and well-formed), the decision is zod's decision on the model.
        const wellTyped =
          input.resourceType === 'Observation' &&
          FHIR_STATUSES.has(input.status as string) &&
          typeof input.code === 'object' &&
          input.code !== null &&
          !Array.isArray(input.code) &&
          !lenientWarnings.some((w) => ELEMENT_CODES.has(w.code));
        if (wellTyped) expect(strict !== undefined).toBe(LabObservationSchema.safeParse(lenient).success);
      }),
      { numRuns: 3000 },
    );
    // Both sides of the decision are exercised.
    expect(accepted).toBeGreaterThan(300);
    expect(rejected).toBeGreaterThan(300);
  });
});
