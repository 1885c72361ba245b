import { loadIcd10 } from '@lienthong/catalogue/icd10';
import { describeVisitHistoryConformance, visitHistoryFixtures } from '@lienthong/conformance';
import type { Condition, DiagnosticReport, Encounter, MedicationStatement, Patient } from '@lienthong/core';
import { describe, expect, it } from 'vitest';
import { fhirHistoryServer, syntheticXmlVisit } from '../../test/fhir-history-server.js';
import { createMemoryVisitHistory } from '../history/memory.js';
import { visitKey } from '../provider-kit/publish.js';
import { createFhirVisitHistory } from './provider.js';
import { FHIR_VISIT_KEY_SYSTEM, FHIR_VISIT_MODEL_EXTENSION } from './server-conventions.js';

describeVisitHistoryConformance('fhir (medplum fhir-router over HTTP)', fhirHistoryServer().history);

describe('fhir visit history', () => {
  it('needs a base URL or a transport', () => {
    expect(() => createFhirVisitHistory({})).toThrow(
      expect.objectContaining({ code: 'FHIR_BASE_URL_MISSING' }),
    );
  });
});

describe('fhir visit history: what it stores', () => {
  // A server of its own: every resource on it belongs to these tests, in order.
  const fhir = fhirHistoryServer();
  const visit = syntheticXmlVisit();
  const key = visitKey(visit);
  const entryIds = async (type: 'MedicationStatement' | 'Condition') =>
    (await fhir.all<MedicationStatement | Condition>(type))
      .flatMap((r) => r.identifier ?? [])
      .filter((i) => i.system === 'urn:lienthong:sid:xml130-entry')
      .map((i) => i.value);

  it('a visit read from XML 130 is FHIR resources alone, each identified by the visit key and version', async () => {
    const history = fhir.history();
    expect(await history.publish(visit)).toEqual({ id: key, version: 1, outcome: 'created' });
    expect(await history.get(key)).toEqual(visit);
    const [encounter] = await fhir.all<Encounter>('Encounter');
    expect(encounter!.identifier).toEqual(
      expect.arrayContaining([
        { system: FHIR_VISIT_KEY_SYSTEM, value: key },
        { system: 'urn:lienthong:sid:xml130-entry', value: `${key}:v1` },
      ]),
    );
    // The mapping carries a visit read from XML 130 whole: no model JSON rides along.
    expect(encounter!.extension?.map((e) => e.url)).not.toContain(FHIR_VISIT_MODEL_EXTENSION);
    expect((await entryIds('MedicationStatement')).sort()).toEqual([`${key}:v1:XML2:0`, `${key}:v1:XML2:1`]);
    const [report] = await fhir.all<DiagnosticReport>('DiagnosticReport');
    expect(report!.identifier?.map((i) => i.value)).toContain(`${key}:v1:XML4:0`);
    // The same visit again writes nothing.
    expect(await history.publish(visit)).toEqual({ id: key, version: 1, outcome: 'unchanged' });
    expect(await fhir.all('Encounter')).toHaveLength(1);
  });

  it('a correction is a second set of resources beside the first; history reads each version back exactly', async () => {
    const history = fhir.history();
    const corrected = {
      ...visit,
      medications: visit.medications.slice(1),
      dischargeDiagnosis: 'Viêm phổi, đã ổn định (synthetic)',
    };
    expect(await history.publish(corrected)).toEqual({ id: key, version: 2, outcome: 'updated' });
    expect(await history.get(key)).toEqual(corrected);
    expect(await history.history(key)).toEqual([visit, corrected]);
    expect((await entryIds('MedicationStatement')).sort()).toEqual([
      `${key}:v1:XML2:0`,
      `${key}:v1:XML2:1`,
      `${key}:v2:XML2:0`,
    ]);
  });

  it('the same MA_LK at another facility: its own resources, identifiers and Patient (its own record number)', async () => {
    const history = fhir.history();
    const elsewhere = { ...visit, facility: '01002' };
    expect(await history.publish(elsewhere)).toMatchObject({ id: `01002:${visit.id}`, outcome: 'created' });
    expect(await history.get(`01002:${visit.id}`)).toEqual(elsewhere);
    expect(await history.get(key)).toMatchObject({
      facility: '01001',
      medications: visit.medications.slice(1),
    });
    const ids = [...(await entryIds('MedicationStatement')), ...(await entryIds('Condition'))];
    expect(new Set(ids).size).toBe(ids.length);
    // MA_BN is the facility's record number: each facility's visit recorded its own Patient.
    const patients = await fhir.all<Patient>('Patient');
    expect(patients.map((p) => p.identifier?.some((i) => i.system?.endsWith(':01002')))).toContain(true);
    const [cccd] = visit.patient.identifiers;
    const found = [];
    for await (const v of history.query({ patient: cccd! })) found.push(visitKey(v));
    expect(found.sort()).toEqual([key, `01002:${visit.id}`]);
  });
});

describe('fhir visit history: idempotency keys', () => {
  const fhir = fhirHistoryServer();

  it('a key is remembered on the server (an Encounter tag): another instance replays it and refuses another visit', async () => {
    const visit = { ...syntheticXmlVisit(), id: 'SYN-IDEM-1' };
    const first = await fhir.history().publish(visit, { idempotencyKey: 'SYN-key-1' });
    expect(first).toEqual({ id: visitKey(visit), version: 1, outcome: 'created' });
    const other = fhir.history();
    expect(await other.publish(visit, { idempotencyKey: 'SYN-key-1' })).toEqual({
      ...first,
      outcome: 'unchanged',
    });
    await expect(
      other.publish({ ...visit, id: 'SYN-IDEM-2' }, { idempotencyKey: 'SYN-key-1' }),
    ).rejects.toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    expect(await fhir.all('Encounter')).toHaveLength(1);
  });
});

describe('fhir visit history summary', () => {
  const fhir = fhirHistoryServer();

  it('is the memory provider’s summary for the same visits (one line swapped)', async () => {
    const icd10 = await loadIcd10();
    const { query } = visitHistoryFixtures('SYN-fhir-summary');
    const visits = [query.old, query.inpatient, query.recent, query.other];
    const memory = createMemoryVisitHistory({ icd10, recentDays: 800 });
    const server = fhir.history({ icd10, recentDays: 800 });
    for (const v of visits) {
      await memory.publish(v);
      await server.publish(v);
    }
    const asOf = '2026-06-20T12:00:00+07:00';
    const expected = await memory.summary(query.card, { asOf });
    expect(expected.problems.length).toBeGreaterThan(0);
    expect(await server.summary(query.card, { asOf })).toEqual(expected);
    expect(await server.summary(query.patient, { asOf })).toEqual(
      await memory.summary(query.patient, { asOf }),
    );
  });
});
