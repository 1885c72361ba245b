import { formatNationalDateTime, parseNationalDateTime, safeParseNationalDateTime } from '@lienthong/core';
import { DateTime } from 'luxon';
import { defineBench } from './harness.ts';

// Synthetic input: 10,000 national date-times (yyyymmddHHMM) spread over 2020–2026, as found in
// insurance XML NGAY_KQ fields.
let values: string[] = [];
let isoValues: string[] = [];

export default defineBench({
  name: 'National date-times',
  description:
    'parse 10,000 yyyymmddHHMM values to ISO 8601 (+07:00) and back (ours vs Luxon 3.7 with zone Asia/Ho_Chi_Minh)',
  setup() {
    const start = Date.UTC(2020, 0, 1);
    values = Array.from({ length: 10_000 }, (_, i) =>
      formatNationalDateTime(new Date(start + i * 6_337_000 * 3)),
    );
    isoValues = values.map((v) => parseNationalDateTime(v));
  },
  cases: () => [
    {
      group: 'yyyymmddHHMM → ISO',
      library: '@lienthong/core safeParseNationalDateTime',
      ours: true,
      fn: () => values.map((v) => safeParseNationalDateTime(v)),
    },
    {
      group: 'yyyymmddHHMM → ISO',
      library: 'luxon 3.7 fromFormat().toISO()',
      fn: () =>
        values.map((v) => DateTime.fromFormat(v, 'yyyyMMddHHmm', { zone: 'Asia/Ho_Chi_Minh' }).toISO()),
    },
    {
      group: 'ISO → yyyymmddHHMM',
      library: '@lienthong/core formatNationalDateTime',
      ours: true,
      fn: () => isoValues.map((v) => formatNationalDateTime(v)),
    },
    {
      group: 'ISO → yyyymmddHHMM',
      library: 'luxon 3.7 fromISO().setZone().toFormat()',
      fn: () =>
        isoValues.map((v) => DateTime.fromISO(v).setZone('Asia/Ho_Chi_Minh').toFormat('yyyyMMddHHmm')),
    },
  ],
  facts() {
    const agree = values.filter(
      (v, i) =>
        DateTime.fromFormat(v, 'yyyyMMddHHmm', { zone: 'Asia/Ho_Chi_Minh' }).toISO({
          suppressMilliseconds: true,
        }) === isoValues[i],
    ).length;
    return { 'ISO outputs identical to Luxon': `${agree} / ${values.length}` };
  },
});
