import { loadIcd10 } from '@lienthong/catalogue/icd10';
import { describeVisitHistoryConformance, visitHistoryFixtures } from '@lienthong/conformance';
import { readOnly } from '@lienthong/core/contract';
import { describe, expect, it } from 'vitest';
import { createMemoryVisitHistory } from './memory.js';

describeVisitHistoryConformance('memory', () => createMemoryVisitHistory());

const fixtures = visitHistoryFixtures('SYN-ro');
describeVisitHistoryConformance(
  'memory behind readOnly',
  () => readOnly(createMemoryVisitHistory({ seed: fixtures.publish }), ['publish'], { name: 'memory' }),
  { options: { seed: fixtures } },
);

describe('memory visit history summary', () => {
  it('names diagnoses in Vietnamese with ICD-10, lists imaging newest first, honours the windows', async () => {
    const icd10 = await loadIcd10();
    const { query } = fixtures;
    const history = createMemoryVisitHistory({
      seed: [query.old, query.inpatient, query.recent],
      icd10,
      currentDays: 0,
      recentDays: 800,
      labResults: 0,
      imagingOf: async (patient) =>
        patient.value === query.patient.value
          ? [
              { studyInstanceUid: '2.25.1', startedAt: '2025-01-11T08:00:00+07:00', modalities: ['CR'] },
              { studyInstanceUid: '2.25.2', startedAt: '2026-03-02T08:00:00+07:00', modalities: ['CT'] },
            ]
          : [],
    });
    const s = await history.summary(query.patient, { asOf: '2026-06-20T12:00:00+07:00' });
    expect(s.problems.find((p) => p.code.code === 'J18.9')!.code.display).toBe(
      icd10.lookup('J18.9')!.display,
    );
    expect(s.encounters[0]!.mainDiagnosis!.display).toBe(icd10.lookup('K29.7')!.display);
    expect(s.imaging.map((i) => i.studyInstanceUid)).toEqual(['2.25.2', '2.25.1']);
    // currentDays 0: only the open visit's medication is current; 800 days reach back to January 2025.
    expect(s.medications.map((m) => [m.name, m.status])).toEqual([
      ['Omeprazol', 'current'],
      ['Ceftriaxon', 'recent'],
      ['Amoxicillin', 'recent'],
    ]);
    expect(s.labResults).toEqual([]);
    // Another patient's summary is empty, never someone else's data.
    const other = await history.summary(fixtures.query.other.patient.identifiers[0]!);
    expect([other.problems, other.encounters, other.imaging]).toEqual([[], [], []]);
  });
});
