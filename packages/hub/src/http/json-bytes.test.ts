import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonBytes } from './json-bytes.js';

const same = (value: unknown) =>
  expect(jsonBytes(value).equals(Buffer.from(JSON.stringify(value)))).toBe(true);

describe('jsonBytes', () => {
  it('makes the bytes of JSON.stringify for a summary-shaped answer (SYNTHETIC values)', () => {
    same({
      patient: { identifiers: [{ system: 'urn:synthetic:patient-id', value: 'SP0000001' }], sex: 'female' },
      asOf: '2026-12-03T00:00:00.000Z',
      problems: [
        {
          code: {
            system: 'http://hl7.org/fhir/sid/icd-10',
            code: 'J18.9',
            display: 'Viêm phổi, không đặc hiệu',
          },
        },
      ],
      medications: Array.from({ length: 300 }, (_, i) => ({
        code: `SYN-THUOC-${i}`,
        name: 'Thuốc tổng hợp',
        at: undefined,
      })),
      labResults: [],
      imaging: [],
      withheld: 0,
    });
    same({ items: [{ id: 'LK-1', note: 'Diễn biến "ổn định"\n\u2028' }], nextCursor: null });
  });

  it('leaves out what JSON.stringify leaves out and writes null where it does', () => {
    same({ a: undefined, b: () => 1, c: [undefined, () => 1, 1], d: new Date(0), e: {}, f: [], g: null });
    same({ skipped: undefined });
    // More items than the engine takes as call arguments: made in a loop, not spread.
    same({ items: Array.from({ length: 300_000 }, (_, i) => i) });
    same({});
    for (const value of [[1, 'ố'], 'x', null, 3, true, new Date(0), { toJSON: () => ({ x: 1 }) }])
      same(value);
  });
});

describe('jsonBytes, property', () => {
  it('is the UTF-8 of JSON.stringify for any object of JSON values and lists (Vietnamese text, emoji, escapes)', () => {
    const text = fc.oneof(
      fc.string({ unit: 'grapheme' }),
      fc.constantFrom('Viêm phổi', 'ổn định\n"x"', '\u2028', '😷'),
    );
    const leaf = fc.oneof(
      text,
      fc.integer(),
      fc.double({ noNaN: true }),
      fc.boolean(),
      fc.constant(null),
      fc.constant(undefined),
    );
    const member = fc.oneof(
      leaf,
      fc.array(fc.oneof(leaf, fc.dictionary(text, leaf))),
      fc.dictionary(text, leaf),
    );
    fc.assert(
      fc.property(fc.dictionary(text, member), (value) => {
        expect(jsonBytes(value).equals(Buffer.from(JSON.stringify(value)))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
