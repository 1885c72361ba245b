import { DEFAULT_IDENTIFIER_SYSTEMS } from '@lienthong/core';
import { DEFAULT_LAB_SYSTEMS, type LabReport, type ReuseAdvice } from '@lienthong/result-exchange';
import { describe, expect, it } from 'vitest';
import {
  analyteCode,
  analytesOf,
  badgeOf,
  flagOf,
  LONGEST_WINDOW_DAYS,
  labsOf,
  latestVersions,
  orderCodeOf,
  rangeText,
  searchTarget,
  timelineByFacility,
  trendOf,
  unitLabel,
  valueText,
} from './model.js';
import { syntheticReports } from './server/seed.js';

const NOW = new Date('2026-11-25T03:00:00Z');
const reports = syntheticReports(NOW).map((r) => r.report); // SYNTHETIC
const byId = (id: string) => reports.find((r) => r.id === id)!;
const fmt = (n: number) => String(n);

describe('searchTarget (the search box)', () => {
  it('reads a personal ID and an insurance card typed with spaces or in lower case', () => {
    expect(searchTarget(' 079185 001234 ')).toEqual({
      ok: true,
      type: 'cccd',
      system: DEFAULT_IDENTIFIER_SYSTEMS.cccd,
      value: '079185001234',
    });
    expect(searchTarget('gd4797912345678')).toMatchObject({
      ok: true,
      type: 'bhyt',
      system: DEFAULT_IDENTIFIER_SYSTEMS.bhyt,
      value: 'GD4797912345678',
    });
  });

  it('refuses a facility code and unknown shapes, in both languages', () => {
    const facility = searchTarget('01001');
    expect(facility.ok).toBe(false);
    if (!facility.ok) expect(facility.messageVi).toContain('mã cơ sở KCB');
    const unknown = searchTarget('abc');
    expect(unknown.ok).toBe(false);
    if (!unknown.ok) {
      expect(unknown.message).toMatch(/unknown type/);
      expect(unknown.messageVi).toMatch(/không rõ loại/);
    }
  });
});

describe('timelineByFacility', () => {
  it('groups reports by performing facility, newest facility and newest report first', () => {
    const groups = timelineByFacility(reports);
    expect(groups.map((g) => g.code)).toEqual(['SYN-PXN-C', 'SYN-TINH-B', 'SYN-HUYEN-A']);
    expect(groups[1]!.reports.map((r) => r.id)).toEqual([
      'SYN-B-GLU-2',
      'SYN-B-CRE-1',
      'SYN-B-CBC-1',
      'SYN-B-GLU-1',
    ]);
    expect(groups[2]!.name).toBe('Bệnh viện huyện A (tổng hợp)');
  });

  it('keeps only the newest version of a report', () => {
    const v1 = { ...byId('SYN-B-GLU-2'), version: 1 };
    const v2 = { ...byId('SYN-B-GLU-2'), version: 2, status: 'corrected' as const };
    expect(latestVersions([v2, v1])).toEqual([v2]);
    expect(timelineByFacility([v1, v2])[0]!.reports).toEqual([v2]);
  });
});

describe('analytes and trends', () => {
  it('charts an analyte by its insurance service code, with the conversions its molar mass allows', () => {
    const [glucose, ...rest] = analytesOf(reports);
    expect(glucose).toMatchObject({
      key: `${DEFAULT_LAB_SYSTEMS.serviceCode}|23.0075.1494`,
      name: 'Glucose',
      unit: 'mmol/L',
      unitChoices: ['mmol/L', 'mg/dL'],
      count: 5,
    });
    expect(glucose!.molarMass).toBeCloseTo(180.156, 3);
    const creatinine = rest.find((a) => a.code.code === '23.0051.1494')!;
    expect(creatinine.unitChoices).toEqual(['umol/L', 'mg/dL']);
    const platelets = rest.find((a) => a.code.code === '11125-2')!;
    expect(platelets.unitChoices).toEqual(['10*9/L']);
  });

  it('converts mg/dL to mmol/L, with the reference ranges, across three labs', () => {
    const glucose = analytesOf(reports)[0]!;
    const trend = trendOf(reports, glucose);
    expect(trend.unit).toBe('mmol/L');
    expect(trend.points.map((p) => Math.round(p.value * 100) / 100)).toEqual([7.2, 6.8, 6.88, 5.61, 5.9]);
    const b = trend.points[3]!;
    expect(b).toMatchObject({ sourceValue: 101, sourceUnit: 'mg/dL', reportId: 'SYN-B-GLU-2' });
    expect(b.referenceRange!.low).toBeCloseTo(3.885, 2);
    expect(b.referenceRange!.high).toBeCloseTo(6.106, 2);
    expect(labsOf(trend)).toEqual([
      'Bệnh viện huyện A (tổng hợp)',
      'Bệnh viện tỉnh B (tổng hợp)',
      'Phòng xét nghiệm C (tổng hợp)',
    ]);
    const inMg = trendOf(reports, glucose, 'mg/dL');
    expect(inMg.points[0]!.value).toBeCloseTo(129.7, 1);
    expect(inMg.points[3]!.value).toBe(101);
  });

  it('creatinine: µmol/L and mg/dL on one chart', () => {
    const creatinine = analytesOf(reports).find((a) => a.code.code === '23.0051.1494')!;
    const trend = trendOf(reports, creatinine);
    expect(trend.points.map((p) => Math.round(p.value))).toEqual([71, 81]);
    expect(trend.skipped).toEqual([]);
  });

  it('prefers a service code over LOINC over a local code', () => {
    const codes = [
      { system: 'urn:local', code: 'GLU' },
      { system: DEFAULT_LAB_SYSTEMS.loinc, code: '2345-7' },
      { system: DEFAULT_LAB_SYSTEMS.serviceCode, code: '23.0075.1494' },
    ];
    expect(analyteCode(codes)?.code).toBe('23.0075.1494');
    expect(analyteCode(codes.slice(0, 2))?.code).toBe('2345-7');
    expect(analyteCode([])).toBeUndefined();
  });
});

describe('reuse badges', () => {
  const reason = (code: string) => ({ code, message: code, messageVi: code });
  const advice = [
    {
      order: {} as never,
      policyId: 'draft',
      reusable: [{ reportId: 'SYN-B-GLU-2', reasons: [reason('WITHIN_WINDOW')] }],
      rejected: [
        { reportId: 'SYN-C-GLU-1', reasons: [reason('NOT_FINAL')] },
        { reportId: 'SYN-B-GLU-1', reasons: [reason('SUPERSEDED')] },
      ],
    },
    {
      order: {} as never,
      policyId: 'draft',
      reusable: [],
      rejected: [{ reportId: 'SYN-B-CBC-1', reasons: [reason('EXPIRED')] }],
    },
  ] as unknown as ReuseAdvice[];

  it('says what the hub advised for each report', () => {
    expect(badgeOf(byId('SYN-B-GLU-2'), advice, NOW)).toEqual({
      kind: 'reusable',
      reasons: [reason('WITHIN_WINDOW')],
    });
    expect(badgeOf(byId('SYN-B-CBC-1'), advice, NOW).kind).toBe('expired');
    expect(badgeOf(byId('SYN-C-GLU-1'), advice, NOW).kind).toBe('not-final');
    expect(badgeOf(byId('SYN-B-GLU-1'), advice, NOW).kind).toBe('not-reusable');
  });

  it('marks a report older than every window expired even when the hub did not look that far back', () => {
    expect(LONGEST_WINDOW_DAYS).toBe(60);
    const old = badgeOf(byId('SYN-A-GLU-1'), advice, NOW);
    expect(old.kind).toBe('expired');
    expect(old.reasons[0]!.messageVi).toContain('60 ngày');
    expect(badgeOf(byId('SYN-B-CRE-1'), advice, NOW)).toEqual({ kind: 'unknown', reasons: [] });
  });

  it('asks the reuse check for the service code of the order', () => {
    expect(orderCodeOf(byId('SYN-B-CBC-1'))).toEqual({
      system: DEFAULT_LAB_SYSTEMS.serviceCode,
      code: '22.0120.1370',
    });
    const loincOnly = {
      ...byId('SYN-B-CBC-1'),
      codes: [{ system: DEFAULT_LAB_SYSTEMS.loinc, code: '24317-0' }],
    };
    expect(orderCodeOf(loincOnly)?.code).toBe('24317-0');
  });
});

describe('values, ranges and flags', () => {
  const obs = byId('SYN-B-GLU-1').observations[0]!;
  it('prints a value with the unit the lab wrote, and its range', () => {
    expect(valueText(obs, fmt)).toBe('124 mg/dL');
    expect(
      valueText({ ...obs, value: { kind: 'quantity', value: 5, unit: '10*9/L', originalUnit: 'G/L' } }, fmt),
    ).toBe('5 G/L');
    expect(valueText({ ...obs, value: { kind: 'quantity', value: 71, unit: 'umol/L' } }, fmt)).toBe(
      '71 µmol/L',
    );
    expect(valueText({ ...obs, value: { kind: 'text', text: 'Âm tính' } }, fmt)).toBe('Âm tính');
    expect(rangeText(obs, fmt)).toBe('70–110');
    expect(rangeText({ ...obs, referenceRange: [{ high: 5 }] }, fmt)).toBe('≤ 5');
    expect(rangeText({ ...obs, referenceRange: [{ text: 'Âm tính' }] }, fmt)).toBe('Âm tính');
  });

  it('flags from the lab’s interpretation, else from the range', () => {
    expect(flagOf(obs)).toBe('H');
    expect(flagOf({ ...obs, interpretation: ['N'] })).toBeUndefined();
    expect(flagOf({ ...obs, interpretation: ['HH'] })).toBe('HH');
    expect(flagOf({ ...obs, value: { kind: 'quantity', value: 60, unit: 'mg/dL' } })).toBe('L');
    expect(flagOf(byId('SYN-B-GLU-2').observations[0]!)).toBeUndefined();
  });
});

describe('fixture-shaped reports', () => {
  it('skips what cannot be charted without failing', () => {
    const noUnit: LabReport = {
      ...byId('SYN-B-GLU-2'),
      id: 'SYN-X',
      observations: [{ ...byId('SYN-B-GLU-2').observations[0]!, value: { kind: 'quantity', value: 3 } }],
    };
    expect(analytesOf([noUnit])).toEqual([]);
  });
});

describe('unitLabel', () => {
  it('writes UCUM codes as people read them', () => {
    expect(unitLabel('10*9/L')).toBe('10⁹/L');
    expect(unitLabel('10*12/L')).toBe('10¹²/L');
    expect(unitLabel('umol/L')).toBe('µmol/L');
    expect(unitLabel('mmol/L')).toBe('mmol/L');
    expect(unitLabel('mg/dL')).toBe('mg/dL');
  });
});
