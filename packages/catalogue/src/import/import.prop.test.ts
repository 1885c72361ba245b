import { isLienThongError } from '@lienthong/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../csv.js';
import { decodeRelease } from '../release.js';
import { importGeneric, importQd1227, importTt23Pl01, importTt23Pl02 } from './index.js';

const csvish = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc
    .array(
      fc.array(
        fc.oneof(
          fc.string({ maxLength: 8 }),
          fc.constantFrom('"', '""', ',', '\n', '\r\n', ';', '18,125', ''),
        ),
        { maxLength: 6 },
      ),
      { maxLength: 8 },
    )
    .map((rows) => rows.map((r) => r.join(',')).join('\n')),
  fc
    .array(fc.string({ maxLength: 10 }), { maxLength: 6 })
    .map((cells) => `stt,ma_ky_thuat,ten_chuong,ten_ky_thuat,ma_lien_ket,stt_cua_chuong\n${cells.join(',')}`),
);

/** Every outcome must be a value (a failed Result holding a LienThongError) or a thrown LienThongError — never another exception. */
function outcome(fn: () => unknown) {
  try {
    const r = fn() as { ok: boolean; error?: unknown } | undefined;
    if (r && typeof r === 'object' && 'ok' in r && !r.ok) expect(isLienThongError(r.error)).toBe(true);
  } catch (error) {
    expect(isLienThongError(error)).toBe(true);
  }
}

describe('importers never throw anything but a LienThongError', () => {
  it('on any text', () => {
    fc.assert(
      fc.property(csvish, (text) => {
        outcome(() => parseCsv(text));
        outcome(() => importTt23Pl01(text));
        outcome(() =>
          importTt23Pl02(text, {
            pl01: { system: { id: 'a', uri: 'u', name: 'n', version: '1' }, concepts: [] },
          }),
        );
        outcome(() => importQd1227(text, { appendixBase: 1070000, checkUnit: () => false }));
        outcome(() =>
          importGeneric(text, {
            mapping: { code: 'stt', display: 'ten_ky_thuat', links: 'ma_lien_ket' },
            system: { id: 'x', uri: 'urn:x', name: 'x', version: '1' },
          }),
        );
        outcome(() => decodeRelease(text));
      }),
      { numRuns: 300 },
    );
  });

  it('on any JSON value given as a release', () => {
    fc.assert(fc.property(fc.jsonValue(), (value) => outcome(() => decodeRelease(value))));
  });
});
