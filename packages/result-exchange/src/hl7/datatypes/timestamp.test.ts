import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { thrown } from '../../../test/thrown.js';
import { formatTimestamp, parseTimestamp, timestampToIso } from './timestamp.js';

describe('HL7 TS/DTM timestamps', () => {
  it.each([
    ['2014', undefined],
    ['201410', undefined],
    ['20141006', '2014-10-06'],
    ['2014100609', '2014-10-06T09:00:00+07:00'],
    ['201410060929', '2014-10-06T09:29:00+07:00'],
    ['20141006092900+0700', '2014-10-06T09:29:00+07:00'],
    ['20141006092900.1234-0215', '2014-10-06T09:29:00.1234-02:15'],
    [' 20141006 ', '2014-10-06'],
    ['20240229', '2024-02-29'],
    ['20230229', null],
    ['20141306', null],
    ['2014100625', null],
    ['20141006+0700', null],
    ['2014-10-06', null],
    ['201410060929+07', null],
    ['20141006092900.', null],
    ['201', null],
    ['', null],
  ])('%j → %j', (raw, expected) => {
    expect(timestampToIso(raw, '+07:00')).toBe(expected);
  });

  it('format then parse is the identity on minute-precision date-times and dates', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('1900-01-01'), max: new Date('2099-12-31'), noInvalidDate: true }),
        fc.boolean(),
        (d, dateOnly) => {
          const iso = d.toISOString();
          const value = dateOnly ? iso.slice(0, 10) : `${iso.slice(0, 19)}+00:00`;
          expect(timestampToIso(formatTimestamp(value), '+07:00')).toBe(value);
        },
      ),
    );
  });

  it('parseTimestamp (public) gives the ISO text, undefined when too imprecise, or throws', () => {
    expect(parseTimestamp('201410060929')).toBe('2014-10-06T09:29:00+07:00');
    expect(parseTimestamp('201410060929', '+00:00')).toBe('2014-10-06T09:29:00+00:00');
    expect(parseTimestamp('201410')).toBeUndefined();
    for (const raw of ['20230229', '2014-10-06', '', 42 as unknown as string]) {
      expect(
        thrown(() => parseTimestamp(raw)),
        String(raw),
      ).toMatchObject({
        code: 'HL7_TIMESTAMP_INVALID',
        path: 'TS',
        messageVi: expect.stringMatching(/^Sai định dạng thời gian HL7/),
      });
    }
  });
});
