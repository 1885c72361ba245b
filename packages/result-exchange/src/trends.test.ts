import { MOLAR_MASS } from '@lienthong/catalogue/units';
import { describe, expect, it } from 'vitest';
import type { LabReport } from './model.js';
import { DEFAULT_LAB_SYSTEMS as S } from './systems.js';
import { buildTrend } from './trends.js';

// SYNTHETIC reports of one patient from two labs; glucose LOINC codes are real (15074-8 mmol/L, 2345-7 mg/dL).
const glucose = (
  id: string,
  at: string,
  value: number,
  unit: string,
  code: string,
  lab: string,
): LabReport => ({
  id,
  patient: { identifiers: [{ system: 'urn:lienthong:sid:mrn:SYN01', value: 'SYN1' }] },
  codes: [{ system: S.serviceCode, code: '23.0075.1494' }],
  status: 'final',
  lab: { code: lab },
  observations: [
    {
      codes: [{ system: S.loinc, code }],
      status: 'final',
      performedAt: at,
      value: { kind: 'quantity', value, unit },
      referenceRange: [{ low: unit === 'mg/dL' ? 70 : 3.9, high: unit === 'mg/dL' ? 110 : 6.1 }],
    },
  ],
});

describe('buildTrend', () => {
  it('puts mg/dL and mmol/L glucose from two labs on one mmol/L timeline with converted ranges', () => {
    const trend = buildTrend(
      [
        glucose('SYN-B', '2026-03-02T08:00:00+07:00', 126, 'mg/dL', '2345-7', 'SYN02'),
        glucose('SYN-A', '2026-03-01T08:00:00+07:00', 5.6, 'mmol/L', '15074-8', 'SYN01'),
        {
          ...glucose('SYN-C', '2026-03-03T08:00:00+07:00', 5, 'mmol/L', '15074-8', 'SYN01'),
          observations: [
            {
              codes: [{ system: S.loinc, code: '15074-8' }],
              status: 'final',
              performedAt: '2026-03-03T08:00:00+07:00',
              value: { kind: 'text', text: 'hemolysed' },
            },
          ],
        },
      ],
      {
        codes: [
          { system: S.loinc, code: '15074-8' },
          { system: S.loinc, code: '2345-7' },
        ],
        unit: 'mmol/L',
        molarMass: MOLAR_MASS.glucose,
      },
    );
    expect(trend.points.map((p) => p.reportId)).toEqual(['SYN-A', 'SYN-B']);
    expect(trend.points[1]!.value).toBeCloseTo(126 / 18.0156, 2);
    expect(trend.points[1]).toMatchObject({ sourceValue: 126, sourceUnit: 'mg/dL', lab: { code: 'SYN02' } });
    expect(trend.points[1]!.referenceRange!.low).toBeCloseTo(3.885, 2);
    expect(trend.skipped).toEqual([{ reportId: 'SYN-C', reason: 'not a quantity' }]);
  });
});
