import { readFileSync } from 'node:fs';
import { visitHistoryFixtures } from '@lienthong/conformance';
import { indexFhirR4, validateFhir } from '@lienthong/conformance/fhir';
import { createHubPatientDirectory } from '@lienthong/hub-api';
import type { Visit } from '@lienthong/visits';
import { FHIR_VISIT_KEY_SYSTEM, SUMMARY_SECTIONS, WITHHELD_EXTENSION } from '@lienthong/visits/fhir';
import { decodeXml130 } from '@lienthong/visits/xml130';
import type {
  Bundle,
  Composition,
  Condition,
  Encounter,
  MedicationStatement,
  Procedure,
  Resource,
} from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fhirValidator } from '../../result-exchange/test/fhir-schema.js';
import { VISIT_RESOURCE_TYPES } from '../src/http/fhir/visit-resources.js';
import type { RunningHub } from '../src/server.js';
import type { MakeDatabase, TestDatabase } from './databases.js';
import { startTestHub } from './test-hub.js';

const ADMIN = 'fhir-visits-admin';
const ICD10 = 'http://hl7.org/fhir/sid/icd-10';
/** Real ICD-10 ranges, a hub's example policy: HIV disease withheld unless the purpose is ETREAT. */
const POLICY = { rules: [{ name: 'hiv', diagnoses: ['B20-B24', 'Z21'], allowPurposes: ['ETREAT'] }] };
/** SYNTHETIC XML 130 file set whose first visit has lab reports (XML4). */
const FILE_SET = readFileSync(
  new URL('../../visits/test/fixtures/synthetic-xml130-file-set.xml', import.meta.url),
);
/** The visit resource types the facade serves. */
export const VISIT_TYPES = VISIT_RESOURCE_TYPES;

/**
 * A value for each search parameter the facade declares on the visit types (`patient`: a
 * `system|value`), for the facade suite's every-declared-parameter test.
 */
export function visitSearchSamples(patient: string): Record<string, Record<string, string>> {
  const common = {
    patient,
    subject: patient,
    'patient:identifier': patient,
    'patient.identifier': patient,
    'subject:identifier': patient,
    'subject.identifier': patient,
    _count: '1',
    _cursor: '',
    _elements: 'id,subject',
  };
  // Visits named by reference or key: unknown ones match nothing.
  const visit = 'Encounter/SYN01.SYN-LK-none,Encounter/SYN01.SYN-LK-none/_history/1';
  return {
    Encounter: {
      ...common,
      identifier: `${FHIR_VISIT_KEY_SYSTEM}|SYN01:SYN-LK-none`,
      date: 'ge2025-01-01',
      _sort: '-date',
    },
    Condition: { ...common, encounter: visit, code: `${ICD10}|J18.9` },
    MedicationStatement: { ...common, context: visit, code: 'SYN-THUOC-1', effective: 'lt2027' },
    Procedure: { ...common, encounter: visit, code: '96.04', date: 'le2027-01-01' },
    ClinicalImpression: { ...common, encounter: visit },
    ChargeItem: { ...common, context: visit },
  };
}

/**
 * The visits on the FHIR facade, per storage dialect: Encounter, Condition, MedicationStatement
 * and Procedure of visits published by two facilities, searched by patient and read by id, after
 * the disclosure policy; `Patient/$summary` as an IPS-style document that Medplum's validator and
 * the official schema accept; one audit entry per request; malformed requests answered 4xx.
 */
export function describeFhirVisits(dialect: string, makeDatabase: MakeDatabase): void {
  describe(`hub FHIR facade: visits on ${dialect}`, () => {
    const run = `fv${Date.now().toString(36)}`;
    // SYNTHETIC: one patient's visits at SYN01 and SYN02 (J18.9, I10, K29.7…), and more below.
    const { query } = visitHistoryFixtures(run);
    const patient = `${query.patient.system}|${query.patient.value}`;
    const same = { patient: query.inpatient.patient };
    /** At SYN01: HIV disease (B24) withheld from other facilities' TREAT readers; I10 after it. */
    const sensitive: Visit = {
      ...query.inpatient,
      id: `SYN-LK-${run}-hiv`,
      admittedAt: '2026-04-01T08:00:00+07:00',
      dischargedAt: '2026-04-03T08:00:00+07:00',
      secondaryDiagnoses: [
        { system: ICD10, code: 'B24' },
        { system: ICD10, code: 'I10' },
      ],
    };
    /** At SYN01, an MA_LK that is no FHIR id: its resources' ids are digests. */
    const oddKey: Visit = {
      ...query.inpatient,
      id: `SYN_LK/${run}`,
      admittedAt: '2026-02-01T08:00:00+07:00',
    };
    let database: TestDatabase;
    let hub: RunningHub;
    const keys: Record<string, string> = {};

    const get = async (path: string, facility = 'SYN02', purpose = 'TREAT') => {
      const r = await fetch(`${hub.url}/fhir/${path}`, {
        headers: { authorization: `Bearer ${keys[facility]}`, 'x-purpose-of-use': purpose },
      });
      return { status: r.status, body: (await r.json()) as Resource };
    };
    const search = async <T extends Resource>(path: string, facility?: string, purpose?: string) => {
      const r = await get(path, facility, purpose);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      const b = r.body as Bundle;
      expect(b.type).toBe('searchset');
      return (b.entry ?? []).map((e) => e.resource as T);
    };
    const audit = async (facility: string) =>
      (
        (await (
          await fetch(`${hub.url}/v1/audit?facility=${facility}&limit=1000`, {
            headers: { authorization: `Bearer ${ADMIN}` },
          })
        ).json()) as { items: { action: string; resourceType: string; withheld: number | null }[] }
      ).items;
    const codes = (conditions: Condition[]) => conditions.map((c) => c.code?.coding?.[0]?.code).sort();

    beforeAll(async () => {
      indexFhirR4();
      database = await makeDatabase();
      hub = await startTestHub(database, { adminKey: ADMIN, rateLimit: false, disclosurePolicy: POLICY });
      const withLabs = decodeXml130(FILE_SET).value.visits[0]!;
      const labs: Visit = {
        ...withLabs,
        ...same,
        labReports: withLabs.labReports.map((r) => ({
          ...r,
          patient: { identifiers: same.patient.identifiers },
        })),
        // A supply line (XML3 row without a service code): a ChargeItem. SYNTHETIC code.
        services: [
          ...withLabs.services,
          {
            supplyCode: 'SYN-VT-1',
            supplyName: 'Bơm tiêm 5 ml (synthetic)',
            unit: 'Cái',
            quantity: '2',
            procedures: [],
            diagnoses: [],
            source: {},
          },
        ],
      };
      for (const code of new Set(['SYN01', 'SYN02', labs.facility!])) {
        const answer = await fetch(`${hub.url}/v1/facilities`, {
          method: 'POST',
          headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
          body: JSON.stringify({ code, name: `Bệnh viện ${code} (synthetic)` }),
        });
        keys[code] = ((await answer.json()) as { credential: { apiKey: string } }).credential.apiKey;
      }
      for (const v of [query.old, query.inpatient, query.recent, query.other, sensitive, oddKey, labs]) {
        const r = await fetch(`${hub.url}/v1/visits`, {
          method: 'POST',
          headers: { authorization: `Bearer ${keys[v.facility!]}`, 'content-type': 'application/json' },
          body: JSON.stringify(v),
        });
        expect(r.status, await r.text()).toBe(201);
      }
    });
    afterAll(async () => {
      await hub?.close();
      await database?.drop();
    });

    it('searches each visit type by patient identifier; every resource is valid and read back by its id', async () => {
      const encounters = await search<Encounter>(`Encounter?patient:identifier=${patient}`);
      // The patient's six visits; the other patient's is not among them.
      const ids = encounters.map((e) => e.id);
      expect(ids).toHaveLength(6);
      expect(ids).toEqual(
        expect.arrayContaining(
          [query.old, query.inpatient, query.recent, sensitive].map((v) => `${v.facility}.${v.id}`),
        ),
      );
      expect(ids).not.toContain(`${query.other.facility}.${query.other.id}`);
      expect(ids.filter((id) => /^SYN01\.h-[0-9a-f]{32}$/.test(id!))).toHaveLength(1);
      const byType = {
        Encounter: encounters,
        Condition: await search<Condition>(`Condition?subject:identifier=${patient}`),
        MedicationStatement: await search<MedicationStatement>(
          `MedicationStatement?patient:identifier=${patient}`,
        ),
        Procedure: await search<Procedure>(`Procedure?patient.identifier=${patient}`),
        ClinicalImpression: await search<Resource>(`ClinicalImpression?subject:identifier=${patient}`),
        ChargeItem: await search<Resource>(`ChargeItem?patient:identifier=${patient}`),
      };
      // The notes of the visits (XML5) and the supplies of the XML 130 visit (XML3 rows without a service code).
      expect(byType.ClinicalImpression.length).toBeGreaterThanOrEqual(4);
      expect(byType.ChargeItem.length).toBeGreaterThanOrEqual(1);
      expect(codes(byType.Condition)).toEqual(expect.arrayContaining(['I10', 'J18.9', 'J189', 'K297']));
      expect(byType.MedicationStatement.length).toBeGreaterThanOrEqual(3);
      expect(byType.Procedure.map((p) => p.code?.coding?.[0]?.code)).toContain('96.04');
      for (const type of VISIT_TYPES)
        for (const resource of byType[type]) {
          expect(resource.resourceType).toBe(type);
          validateFhir(resource);
          const read = await get(`${type}/${resource.id}`);
          expect([read.status, read.body]).toEqual([200, resource]);
        }
      // References point at served resources (`Type/id`) or name the patient by identifier.
      const encounter = encounters.find((e) => e.id === `SYN01.SYN-LK-${run}-query-a`)!;
      expect(encounter.diagnosis!.map((d) => d.condition.reference)).toEqual(
        expect.arrayContaining([expect.stringMatching(/^Condition\/SYN01\.SYN-LK-.+\.v1\.MABENHCHINH$/)]),
      );
      expect(encounter.subject).toEqual({ identifier: query.inpatient.patient.identifiers[0] });
    });

    it('finds the visits filed under any identifier of a directory patient (Patient/<id>)', async () => {
      const directory = createHubPatientDirectory({ baseUrl: hub.url, apiKey: ADMIN, retry: false });
      // The directory knows both identifiers; each visit is found under either.
      const { id } = await directory.upsert({
        identifiers: query.inpatient.patient.identifiers,
        name: { family: 'Tổng hợp', given: 'Bệnh nhân' },
      });
      const byId = await search<Encounter>(`Encounter?subject=Patient/${id}`);
      const byCard = await search<Encounter>(
        `Encounter?patient:identifier=${query.card.system}|${query.card.value}`,
      );
      expect(byId.map((e) => e.id).sort()).toEqual(byCard.map((e) => e.id).sort());
      expect(byId).toHaveLength(6);
      expect(await search(`Condition?patient=Patient/unknown-patient`)).toEqual([]);
    });

    it('filters by date and code, and pages with next links', async () => {
      const since = await search<Encounter>(`Encounter?patient:identifier=${patient}&date=ge2026-06-01`);
      expect(since.map((e) => e.id)).toEqual([`SYN02.SYN-LK-${run}-query-b`]);
      // J18.9 is found however it was written (J18.9 at SYN01, J189 at SYN02).
      const pneumonia = await search<Condition>(
        `Condition?patient:identifier=${patient}&code=${ICD10}|J18.9`,
      );
      expect(new Set(codes(pneumonia))).toEqual(new Set(['J18.9', 'J189']));
      expect(await search(`Condition?patient:identifier=${patient}&code=urn:other|J18.9`)).toEqual([]);
      const seen: string[] = [];
      let next: string | undefined = `${hub.url}/fhir/Encounter?patient:identifier=${patient}&_count=2`;
      while (next) {
        const b = (await get(next.slice(`${hub.url}/fhir/`.length))).body as Bundle;
        seen.push(...(b.entry ?? []).map((e) => e.resource!.id!));
        next = b.link?.find((l) => l.relation === 'next')?.url;
      }
      expect(seen).toHaveLength(6);
      expect(new Set(seen).size).toBe(6);
    });

    it('withholds a sensitive diagnosis from another facility’s TREAT reader; ETREAT and the recording facility see it', async () => {
      const hivEncounter = `Encounter/SYN01.SYN-LK-${run}-hiv`;
      const other = await search<Condition>(`Condition?patient:identifier=${patient}`, 'SYN02', 'TREAT');
      expect(codes(other)).not.toContain('B24');
      const diagnosisOf = async (facility: string, purpose: string) => {
        const r = await get(hivEncounter, facility, purpose);
        return ((r.body as Encounter).diagnosis ?? []).map((d) => d.condition.reference);
      };
      const treat = await diagnosisOf('SYN02', 'TREAT');
      expect(JSON.stringify((await get(hivEncounter, 'SYN02', 'TREAT')).body)).not.toContain('B24');
      expect(treat).toHaveLength(2); // J18.9 and I10: B24 is gone
      for (const [facility, purpose] of [
        ['SYN02', 'ETREAT'],
        ['SYN01', 'TREAT'],
      ] as const) {
        expect(
          codes(await search<Condition>(`Condition?patient:identifier=${patient}`, facility, purpose)),
        ).toContain('B24');
        const all = await diagnosisOf(facility, purpose);
        expect(all).toHaveLength(3);
        // Every reader sees a diagnosis under one id: the I10 after the withheld B24 keeps its own.
        expect(all).toEqual(expect.arrayContaining(treat));
      }
      const b24 = (await search<Condition>(`Condition?patient:identifier=${patient}&code=B24`, 'SYN01')).at(
        0,
      )!;
      expect((await get(`Condition/${b24.id}`, 'SYN02', 'TREAT')).status).toBe(404);
      expect((await get(`Condition/${b24.id}`, 'SYN02', 'ETREAT')).status).toBe(200);
    });

    it('answers Patient/$summary with an IPS-style document Bundle the validators accept', async () => {
      const r = await get(`Patient/$summary?identifier=${encodeURIComponent(patient)}`);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      const doc = r.body as Bundle;
      expect(doc.type).toBe('document');
      validateFhir(doc);
      for (const e of doc.entry!) validateFhir(e.resource!);
      const schema = fhirValidator('Bundle');
      expect(schema(doc), JSON.stringify(schema.errors)).toBe(true);
      const composition = doc.entry![0]!.resource as Composition;
      expect(composition.type.coding![0]!.code).toBe('60591-5');
      const sections = new Map(composition.section!.map((s) => [s.code!.coding![0]!.code, s]));
      for (const s of Object.values(SUMMARY_SECTIONS))
        expect(sections.get(s.code)?.entry?.length, s.code).toBeGreaterThan(0);
      // The B24 withheld from this reader: counted, and in no entry.
      expect(composition.extension).toEqual([{ url: WITHHELD_EXTENSION, valueInteger: 1 }]);
      expect(JSON.stringify(doc)).not.toContain('"B24"');
    });

    it('writes one audit entry per request, counting what was withheld', async () => {
      const before = (await audit('SYN02')).length;
      await get(`Encounter?patient:identifier=${patient}`);
      await get(`Condition?patient:identifier=${patient}`);
      await get(`Condition/SYN01.SYN-LK-${run}-hiv.v1.MABENHKT-1`);
      await get(`Encounter/SYN02.unknown`);
      await get(`Patient/$summary?identifier=${encodeURIComponent(patient)}`);
      const all = await audit('SYN02');
      const entries = all.slice(0, all.length - before); // newest first
      expect(entries.map((e) => [e.action, e.resourceType, e.withheld]).sort()).toEqual(
        [
          ['fhir-search', 'Encounter', 1],
          ['fhir-search', 'Condition', 1],
          ['fhir-read', 'Condition', 1],
          ['fhir-read', 'Encounter', null],
          ['fhir-summary', 'Patient', 1],
        ].sort(),
      );
    });

    it('answers malformed requests with a 4xx OperationOutcome, never a 5xx', async () => {
      for (const [path, status] of [
        ['Encounter', 400],
        ['Condition?patient:identifier=no-system', 400],
        [`Encounter?patient:identifier=${patient}&date=yesterday`, 400],
        [`Condition?patient:identifier=${patient}&date=2026`, 400],
        [`Encounter?patient:identifier=${patient}&patient:identifier=${patient}x`, 400],
        [`Encounter?patient:identifier=${patient}&_cursor=bogus`, 400],
        [`Encounter?patient:identifier=${patient}&_sort=date`, 400],
        ['Encounter/not an id', 400],
        ['Encounter/SYN01.nope', 404],
        ['Encounter/h-00000000000000000000000000000000', 404],
        ['Procedure/SYN01.nope', 404],
        ['MedicationStatement/SYN01.x.v99.XML2-0', 404],
        ['Patient/$summary', 400],
        ['Patient/$summary?identifier=no-system', 400],
        [`Patient/$summary?identifier=${encodeURIComponent(patient)}&asOf=2026`, 400],
      ] as const) {
        const r = await get(path);
        expect([path, r.status]).toEqual([path, status]);
        expect(r.body.resourceType, path).toBe('OperationOutcome');
      }
      const post = await fetch(`${hub.url}/fhir/Patient/$summary`, {
        method: 'POST',
        headers: { authorization: `Bearer ${keys.SYN02}`, 'content-type': 'application/fhir+json' },
        body: '{"resourceType":"Parameters"}',
      });
      expect(post.status).toBe(400);
    });
  });
}
