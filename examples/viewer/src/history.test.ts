import { loadIcd10 } from '@lienthong/catalogue/icd10';
import type { PatientSummary, SummaryEncounter, SummaryMedication } from '@lienthong/visits';
import { discloseVisits, summarizeVisits } from '@lienthong/visits/provider-kit';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  diagnosisNames,
  facilityNames,
  medicationLists,
  periodsOf,
  timelineGeometry,
  visitDetail,
  visitKeyOf,
} from './history.js';
import { SYNTHETIC_DISCLOSURE_POLICY, syntheticReports, syntheticVisits } from './server/seed.js';

const NOW = new Date('2026-11-25T03:00:00Z');
const visits = syntheticVisits(NOW).map((v) => v.visit); // SYNTHETIC
const asOf = NOW.toISOString();

// The summary as the hub makes it for provincial hospital B (the viewer's reader): the same
// summarizer, ICD-10 list and disclosure policy, so the model is tested against the real shape.
let summary: PatientSummary;
beforeAll(async () => {
  const shown = discloseVisits(visits, SYNTHETIC_DISCLOSURE_POLICY, {
    facility: 'SYN-TINH-B',
    purpose: 'TREAT',
  });
  summary = summarizeVisits(shown.visits, {
    patient: visits[0]!.patient.identifiers[0]!,
    icd10: await loadIcd10(),
    withheld: shown.withheld,
    asOf,
  });
});

describe('the summary of the synthetic visits (as the view reads it)', () => {
  it('withholds the depressive episode from B and counts it', () => {
    expect(summary.withheld).toBe(1);
    expect(summary.problems.map((p) => p.code.code)).not.toContain('F32.9');
  });

  it('names diagnoses in Vietnamese from the ICD-10 list', () => {
    const names = diagnosisNames(summary);
    expect(names.get('J18.9')).toBe('Viêm phổi, không đặc hiệu');
    expect(names.get('K29.7')).toBe('Viêm dạ dày, không đặc hiệu');
    expect(names.get('I10')).toBe('Bệnh lý tăng huyết áp');
  });
});

describe('periodsOf', () => {
  it('lists stays newest first, the open one ongoing, counting calendar days in Vietnam time', () => {
    const periods = periodsOf(summary.encounters, asOf);
    expect(periods.map((p) => [p.visit, p.ongoing, p.inpatient, p.days])).toEqual([
      ['SYN-HUYEN-A:SYN-A-V2', true, true, 4], // admitted 3 days ago, today included
      ['SYN-TINH-B:SYN-B-V1', false, true, 8],
      ['SYN-HUYEN-A:SYN-A-V1', false, false, 1],
    ]);
    expect(periods[0]!.mainDiagnosis).toMatchObject({ code: 'K29.7' });
  });

  it('leaves out a visit with no readable start, and starts a stay at its inpatient admission', () => {
    const encounters: SummaryEncounter[] = [
      { visit: 'X:1', admittedAt: 'not a date' },
      { visit: 'X:2', admittedAt: '2026-11-01T07:00:00+07:00', inpatientAt: '2026-11-02T07:00:00+07:00' },
    ];
    expect(periodsOf(encounters, asOf).map((p) => [p.visit, p.start])).toEqual([
      ['X:2', '2026-11-02T07:00:00+07:00'],
    ]);
  });
});

describe('timelineGeometry', () => {
  it('puts each facility on a row, newest first, on an axis from the oldest start to now', () => {
    const g = timelineGeometry(periodsOf(summary.encounters, asOf), asOf);
    expect(g.rows.map((r) => [r.facility, r.bars.length])).toEqual([
      ['SYN-HUYEN-A', 2],
      ['SYN-TINH-B', 1],
    ]);
    const [a1, a2] = g.rows[0]!.bars;
    expect(a1!.period.visit).toBe('SYN-HUYEN-A:SYN-A-V1'); // oldest first within a row
    expect(a1!.x).toBe(0);
    expect(a1!.width).toBe(1.5); // a one-day visit still shows
    expect(a2!.x + a2!.width).toBeCloseTo(100, 5); // the ongoing stay reaches "now"
    for (const row of g.rows)
      for (const b of row.bars) {
        expect(b.x).toBeGreaterThanOrEqual(0);
        expect(b.x + b.width).toBeLessThanOrEqual(100 + 1e-9);
      }
  });

  it('keeps a lone one-day visit inside the axis', () => {
    const periods = periodsOf([{ visit: 'X:1', admittedAt: asOf, dischargedAt: asOf }], asOf);
    const bar = timelineGeometry(periods, asOf).rows[0]!.bars[0]!;
    expect(bar.x + bar.width).toBeLessThanOrEqual(100);
    expect(timelineGeometry([], asOf).rows).toEqual([]);
  });
});

describe('medicationLists', () => {
  it('splits current from recent as the hub says, each drug once per visit with its dates', () => {
    const { current, recent } = medicationLists(summary.medications);
    expect(current.map((m) => m.name)).toEqual(['Omeprazol', 'Amlodipin']);
    // Ceftriaxon was given on two days of B's stay: one line, first and last date, two rows.
    const ceftriaxon = recent.find((m) => m.name === 'Ceftriaxon')!;
    expect(ceftriaxon).toMatchObject({ rows: 2, strength: '1g', facility: 'SYN-TINH-B' });
    expect(Date.parse(ceftriaxon.last!)).toBeGreaterThan(Date.parse(ceftriaxon.first!));
    expect(recent.map((m) => m.name)).toEqual(['Ceftriaxon', 'Metformin', 'Metformin', 'Amlodipin']);
  });

  it('names a drug by its code when it has no name', () => {
    const m: SummaryMedication = { code: '40.1', visit: 'X:1', status: 'recent' };
    expect(medicationLists([m]).recent[0]!.name).toBe('40.1');
  });
});

describe('visitDetail', () => {
  it('lists a visit’s diagnoses main first and named, its drugs folded, its procedures once', () => {
    const b = visits.find((v) => v.id === 'SYN-B-V1')!;
    const detail = visitDetail(b, summary, diagnosisNames(summary));
    expect(detail.diagnoses).toEqual([
      { code: 'J18.9', main: true, display: 'Viêm phổi, không đặc hiệu' },
      { code: 'E11.9', main: false, display: expect.stringContaining('đái tháo đường') },
      { code: 'I10', main: false, display: 'Bệnh lý tăng huyết áp' },
    ]);
    expect(detail.medications.map((m) => [m.name, m.rows])).toEqual([
      ['Ceftriaxon', 2],
      ['Metformin', 1],
    ]);
    // 87.44 is both the service's and the visit's: once, with the service's name and time.
    expect(detail.procedures).toEqual([
      { code: '87.44', name: 'Chụp X-quang ngực thẳng', at: expect.any(String) },
    ]);
    expect(visitKeyOf(b)).toBe('SYN-TINH-B:SYN-B-V1');
    // A's outpatient visit has no procedure; without names, codes only.
    expect(visitDetail(visits[0]!, summary, new Map()).procedures).toEqual([]);
    expect(visitDetail(visits[0]!, summary, new Map()).diagnoses[0]).toEqual({ code: 'E11.9', main: true });
  });
});

describe('facilityNames', () => {
  it('names facilities from the lab reports of the same hub', () => {
    const names = facilityNames(syntheticReports(NOW).map((r) => r.report));
    expect(names.get('SYN-HUYEN-A')).toBe('Bệnh viện huyện A (tổng hợp)');
    expect(names.get('SYN-TINH-B')).toBe('Bệnh viện tỉnh B (tổng hợp)');
  });
});
