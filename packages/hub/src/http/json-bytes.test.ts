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
    same({});
    for (const value of [[1, 'ố'], 'x', null, 3, true, new Date(0), { toJSON: () => ({ x: 1 }) }])
      same(value);
  });
});
