import { readFileSync } from 'node:fs';
import { isLienThongError } from '@lienthong/core';
import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeResults, detectFormat, resultFormats } from './defaults.js';
import type { DetectFormatHints } from './registry.js';

const real = (path: string) =>
  readFileSync(new URL(`../../../../fixtures/real-world/${path}`, import.meta.url), 'utf8');

/** Beginnings that steer detection (real fixture heads, each format's marker), then anything. */
const PREFIXES = [
  real('hl7v2/LAB-ORU-1.hl7').slice(0, 120),
  real('hl7v2/ORU-R01-01.hl7').slice(0, 60),
  real('fhir-r4/Bundle-lipids.json').slice(0, 200),
  real('fhir-r4/DiagnosticReport-pap.json').slice(0, 80),
  'MSH',
  '<',
  '<HoSoBenhAn>',
  '{"HoSoBenhAn":',
  '{"resourceType":',
  '{',
  '[',
  '\uFEFF',
  ' \r\n\t',
  '',
];
const text = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc
    .tuple(fc.constantFrom(...PREFIXES), fc.string({ unit: 'binary', maxLength: 200 }))
    .map(([head, tail]) => head + tail),
);
const bytes = fc.oneof(
  fc.uint8Array({ maxLength: 300 }),
  text.map((t) => new TextEncoder().encode(t)),
);
const hints: fc.Arbitrary<DetectFormatHints> = fc.record(
  {
    fileName: fc.oneof(fc.string(), fc.constantFrom('a.hl7', 'b.JSON', 'c.xml', 'd.csv', '.hl7', 'hl7')),
    mediaType: fc.oneof(fc.string(), fc.constantFrom('application/fhir+json;charset=utf-8', 'TEXT/XML', ';')),
    fallback: fc.oneof(fc.constantFrom(...resultFormats.names), fc.string()),
  },
  { requiredKeys: [] },
);

/** The name detected, or the code of the typed error — anything else thrown fails the property. */
function outcome(run: () => string): string {
  try {
    return run();
  } catch (error) {
    if (!isLienThongError(error)) throw error;
    return error.code;
  }
}

describe('detectFormat on arbitrary input', () => {
  it('answers a known name or throws RESULT_FORMAT_UNDETECTED, for text and bytes', () => {
    fc.assert(
      fc.property(fc.oneof(text, bytes), (input) => {
        const answer = outcome(() => detectFormat(input));
        expect([...resultFormats.names, 'RESULT_FORMAT_UNDETECTED']).toContain(answer);
      }),
      { numRuns: 2000 },
    );
  });

  it('with hints, adds only RESULT_FORMAT_UNKNOWN for a fallback that names no format', () => {
    fc.assert(
      fc.property(fc.oneof(text, bytes), hints, (input, given) => {
        const answer = outcome(() => detectFormat(input, given));
        const fallbackUnknown = given.fallback !== undefined && !resultFormats.names.includes(given.fallback);
        expect([
          ...resultFormats.names,
          'RESULT_FORMAT_UNDETECTED',
          ...(fallbackUnknown ? ['RESULT_FORMAT_UNKNOWN'] : []),
        ]).toContain(answer);
      }),
      { numRuns: 2000 },
    );
  });

  it('gives text and its UTF-8 bytes the same answer', () => {
    fc.assert(
      fc.property(
        fc
          .string({ unit: 'grapheme', maxLength: 200 })
          .chain((tail) => fc.constantFrom(...PREFIXES.map((p) => p + tail))),
        (input) => {
          expect(outcome(() => detectFormat(new TextEncoder().encode(input)))).toBe(
            outcome(() => detectFormat(input)),
          );
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe('decodeResults on arbitrary input', () => {
  it('decodes or throws an error of the family, whatever format it detects', () => {
    fc.assert(
      fc.property(fc.oneof(text, bytes), (input) => {
        try {
          const { value, warnings } = decodeResults(input, { fallback: 'json' });
          expect(Array.isArray(value) && Array.isArray(warnings)).toBe(true);
        } catch (error) {
          expect(isLienThongError(error), String(error)).toBe(true);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
