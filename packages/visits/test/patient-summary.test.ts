import { loadIcd10 } from '@lienthong/catalogue/icd10';
import { visitHistoryFixtures } from '@lienthong/conformance';
import { indexFhirR4, validateFhir } from '@lienthong/conformance/fhir';
import type { Composition } from '@lienthong/core';
import { describe, expect, it } from 'vitest';
import { fhirValidator } from '../../result-exchange/test/fhir-schema.js';
import { encodePatientSummaryDocument, SUMMARY_SECTIONS, WITHHELD_EXTENSION } from '../src/fhir/index.js';
import { createMemoryVisitHistory } from '../src/history/memory.js';
import { decodeXml130 } from '../src/xml130/index.js';
import { syntheticFileSet } from './fixtures/synthetic-file-set.js';

describe('the patient summary as an IPS-style document', () => {
  it('fills the four IPS sections and the encounters from visits of two facilities; Medplum and the schema accept it', {
    timeout: 60_000,
  }, async () => {
    indexFhirR4();
    const icd10 = await loadIcd10();
    const history = createMemoryVisitHistory({ icd10 });
    const { query } = visitHistoryFixtures('SYN-ips');
    for (const v of [query.old, query.inpatient, query.recent]) await history.publish(v);
    // A visit with lab reports from the synthetic XML 130 file set, given to this patient (SYNTHETIC).
    const withLabs = decodeXml130(syntheticFileSet()).value.visits[0]!;
    await history.publish({
      ...withLabs,
      patient: query.inpatient.patient,
      labReports: withLabs.labReports.map((r) => ({
        ...r,
        patient: { identifiers: query.inpatient.patient.identifiers },
      })),
    });
    const summary = {
      ...(await history.summary(query.patient, { asOf: '2026-06-20T12:00:00+07:00' })),
      withheld: 2,
    };
    const { value: doc } = encodePatientSummaryDocument(summary, { author: { display: 'Synthetic hub' } });
    expect(doc.type).toBe('document');
    const composition = doc.entry![0]!.resource as Composition;
    expect(composition.type.coding![0]!.code).toBe('60591-5');
    const byCode = new Map(composition.section!.map((s) => [s.code!.coding![0]!.code, s]));
    for (const s of Object.values(SUMMARY_SECTIONS))
      expect(byCode.get(s.code)?.entry?.length, s.code).toBeGreaterThan(0);
    expect(new Set(composition.section!.flatMap((s) => s.entry ?? []).map((r) => r.reference)).size).toBe(
      composition.section!.flatMap((s) => s.entry ?? []).length,
    );
    expect(composition.extension).toEqual([{ url: WITHHELD_EXTENSION, valueInteger: 2 }]);
    expect(byCode.get('11450-4')!.text!.div).toContain('Withheld / Không hiển thị: 2');
    expect(byCode.get('11450-4')!.text!.div).toContain(icd10.lookup('J18.9')!.display);
    validateFhir(doc);
    for (const e of doc.entry!) validateFhir(e.resource!);
    const schema = fhirValidator('Bundle');
    expect(schema(doc), JSON.stringify(schema.errors)).toBe(true);
  });

  it('says why a section is empty', () => {
    const { value: doc } = encodePatientSummaryDocument({
      patient: { identifiers: [{ system: 'urn:lienthong:sid:mrn:SYN01', value: 'SYN-1' }] },
      asOf: '2026-06-20T12:00:00+07:00',
      problems: [],
      medications: [],
      procedures: [],
      encounters: [],
      labResults: [],
      imaging: [],
      withheld: 0,
    });
    const composition = doc.entry![0]!.resource as Composition;
    for (const s of composition.section!) {
      expect(s.entry).toBeUndefined();
      expect(s.emptyReason!.coding![0]!.code).toBe('unavailable');
    }
    validateFhir(doc);
  });
});
