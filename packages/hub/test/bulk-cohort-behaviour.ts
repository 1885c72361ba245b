import { syntheticImagingReferences } from '@lienthong/conformance';
import { validateFhir } from '@lienthong/conformance/fhir';
import type { Resource as CoreResource } from '@lienthong/core';
import {
  createHubImagingRegistry,
  createHubPatientDirectory,
  createHubVisitHistory,
} from '@lienthong/hub-api';
import { IMAGING_REPORT_IDENTIFIER_SYSTEM } from '@lienthong/imaging/fhir';
import { newVisit } from '@lienthong/visits';
import type { CapabilityStatement, DiagnosticReport, Group, Resource } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningHub } from '../src/server.js';
import { downloadAll, exportAll, kickOff, statusUrlOf, waitForManifest } from './bulk-export-client.js';
import {
  ADMIN,
  type BulkHub,
  CCCD,
  facilityKey,
  ICD10,
  P1,
  P2,
  publishReports,
  startBulkHub,
} from './bulk-fixtures.js';
import type { MakeDatabase } from './databases.js';

const BHYT = 'http://fhir.ehealth.gov.vn/core/sid/insurance_number';
/** A second (SYNTHETIC) identifier of P1, the BHYT number facility A registers beside its CCCD. */
const P1_BHYT = { system: BHYT, value: 'DN4010123456789' };
const SUBSETTED = { system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationValue', code: 'SUBSETTED' };

type Outcome = {
  resourceType: string;
  issue: { details?: { coding?: { code?: string }[] }; expression?: string[] }[];
};
const codeOf = (o: Outcome) => o.issue[0]?.details?.coding?.[0]?.code;
const pathOf = (o: Outcome) => o.issue[0]?.expression?.[0];

/** The identifiers of the exported DiagnosticReports in `system`, sorted. */
const reportIdentifiers = (resources: Map<string, Resource[]>, system: string | undefined) =>
  ((resources.get('DiagnosticReport') ?? []) as DiagnosticReport[])
    .flatMap((r) => r.identifier ?? [])
    .filter(
      (i) =>
        (i.system === IMAGING_REPORT_IDENTIFIER_SYSTEM) === (system === IMAGING_REPORT_IDENTIFIER_SYSTEM),
    )
    .map((i) => i.value!)
    .sort();
/** The business ids of the exported lab reports (DiagnosticReports other than imaging reports), sorted. */
const reportIds = (resources: Map<string, Resource[]>) => reportIdentifiers(resources, undefined);

/** Every line of an export as one text, to look for identifiers that must not be there. */
const allText = (resources: Map<string, Resource[]>) => JSON.stringify([...resources.values()]);

/**
 * Saved cohorts (FHIR Group on the facade) and the export parameters that narrow an export to
 * patients (`Group/<cohort>/$export`, `patient`) or elements (`_elements`), against a real hub of
 * the dialect: create, read and delete with the access rules and audit; exports holding exactly
 * the members' records (of the caller's facility unless administrator), kept by the snapshot when
 * the cohort is deleted after the kick-off; the refusals, typed.
 */
export function describeBulkCohorts(dialect: string, makeDatabase: MakeDatabase): void {
  describe(`hub saved cohorts and patient-narrowed exports on ${dialect}`, () => {
    let bulk: BulkHub;
    let hub: RunningHub;
    let base: string;
    let keyA: string;
    let keyB: string;
    let readOnlyKey: string;
    let deidKey: string;
    let p1: string;
    let p2: string;
    /** What the de-identification hook saw: the element names of each resource it was given. */
    const seenByDeidentifier: string[][] = [];

    const auth = (key: string, json = false) => ({
      authorization: `Bearer ${key}`,
      accept: 'application/fhir+json',
      ...(json ? { 'content-type': 'application/fhir+json' } : {}),
    });
    const postGroup = (key: string, body: unknown) =>
      fetch(`${base}/Group`, {
        method: 'POST',
        headers: auth(key, true),
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
    const cohortOf = (members: unknown[], name = 'Cohort (synthetic)') => ({
      resourceType: 'Group',
      type: 'person',
      actual: true,
      name,
      member: members.map((entity) => ({ entity })),
    });
    /** Creates a cohort as `key`; answers its id. */
    const createCohort = async (key: string, members: unknown[]) => {
      const r = await postGroup(key, cohortOf(members));
      const body = (await r.json()) as Group;
      expect(r.status, JSON.stringify(body)).toBe(201);
      return body.id!;
    };
    const patientsParameters = (...ids: string[]) => ({
      resourceType: 'Parameters',
      parameter: ids.map((id) => ({ name: 'patient', valueReference: { reference: `Patient/${id}` } })),
    });

    beforeAll(async () => {
      bulk = await startBulkHub(await makeDatabase(), {
        pageSize: 3,
        maxActiveJobsPerCredential: 20,
        // A stand-in de-identifier: notes what it was given, marks what it answers.
        deidentify: (resource: CoreResource) => {
          seenByDeidentifier.push(Object.keys(resource));
          const meta = (resource as { meta?: Record<string, unknown> }).meta ?? {};
          return { ...resource, meta: { ...meta, security: [{ code: 'DEID-SYNTHETIC' }] } } as CoreResource;
        },
      });
      ({ hub, base, keyA, keyB, readOnlyKey } = bulk);
      // A's de-identified-only credential.
      deidKey = await facilityKey(hub.url, '01001', ['export-deidentified']);
      p1 = (
        await createHubPatientDirectory({ baseUrl: hub.url, apiKey: keyA }).upsert({
          identifiers: [
            { ...P1, kind: 'cccd' },
            { ...P1_BHYT, kind: 'bhyt' },
          ],
          name: { family: 'Nguyễn', middle: 'Văn', given: 'An' },
          birthDate: '2003-04-05',
          sex: 'male',
        })
      ).id;
      p2 = (
        await createHubPatientDirectory({ baseUrl: hub.url, apiKey: keyB }).upsert({
          identifiers: [{ ...P2, kind: 'cccd' }],
          name: { family: 'Trần', given: 'Bình' },
          birthDate: '1985-01-02',
          sex: 'female',
        })
      ).id;
      // A's reports of P1, by CCCD and by BHYT only; of P2 (not a member); B's of P1 and of P2.
      await publishReports(hub.url, keyA, 'COH-A-P1', P1, 3);
      await publishReports(hub.url, keyA, 'COH-A-BHYT', P1_BHYT, 2);
      await publishReports(hub.url, keyA, 'COH-A-P2', P2, 2);
      await publishReports(hub.url, keyB, 'COH-B-P1', P1, 1);
      await publishReports(hub.url, keyB, 'COH-B-P2', P2, 1);
      // A SYNTHETIC CT study of P1 and one of P2, both at A.
      const [ct, mr] = syntheticImagingReferences('cohort');
      const imaging = createHubImagingRegistry({ baseUrl: hub.url, apiKey: keyA });
      const { performingFacility: _a, ...first } = ct!;
      const { performingFacility: _b, ...second } = mr!;
      await imaging.publish({ ...first, patient: { identifiers: [P1] } });
      await imaging.publish({ ...second, patient: { identifiers: [P2] } });
      // A SYNTHETIC visit of each patient at A.
      for (const [id, patient] of [
        ['COH-VISIT-P1', P1],
        ['COH-VISIT-P2', P2],
      ] as const)
        await createHubVisitHistory({ baseUrl: hub.url, apiKey: keyA }).publish(
          newVisit({
            id,
            facility: '01001',
            patient: { name: 'Bệnh nhân tổng hợp', identifiers: [patient] },
            visitType: '03',
            admittedAt: '2026-11-03T08:00:00+07:00',
            dischargedAt: '2026-11-05T10:00:00+07:00',
            mainDiagnosis: { system: ICD10, code: 'J18.9' },
          }),
        );
    });
    afterAll(() => bulk?.close());

    it('creates, reads and deletes a cohort: its own facility (or an administrator) only, audited', async () => {
      const created = await postGroup(keyA, cohortOf([{ reference: `Patient/${p1}` }, { identifier: P2 }]));
      const group = (await created.json()) as Group;
      expect(created.status).toBe(201);
      expect(group.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(created.headers.get('location')).toBe(`${base}/Group/${group.id}/_history/1`);
      expect(created.headers.get('content-type')).toMatch(/^application\/fhir\+json/);
      validateFhir(group as never);
      expect(group).toMatchObject({
        resourceType: 'Group',
        type: 'person',
        actual: true,
        name: 'Cohort (synthetic)',
        quantity: 2,
        member: [{ entity: { reference: `Patient/${p1}` } }, { entity: { identifier: P2 } }],
      });
      const read = (key: string) => fetch(`${base}/Group/${group.id}`, { headers: auth(key) });
      const own = await read(keyA);
      expect(own.status).toBe(200);
      expect(await own.json()).toEqual(group);
      expect((await read(ADMIN)).status).toBe(200);
      // Another facility's cohort is not told apart from no cohort.
      const other = await read(keyB);
      const outcome = (await other.json()) as Outcome;
      expect(other.status).toBe(404);
      expect(codeOf(outcome)).toBe('BULK_GROUP_NOT_FOUND');
      expect((await read(readOnlyKey)).status).toBe(403);
      expect((await read(deidKey)).status).toBe(403);
      const missing = await fetch(`${base}/Group/00000000-0000-4000-8000-000000000000`, {
        headers: auth(keyA),
      });
      expect(missing.status).toBe(404);
      // The facility group is exported, not read.
      expect((await fetch(`${base}/Group/01001`, { headers: auth(keyA) })).status).toBe(404);

      const remove = (key: string) =>
        fetch(`${base}/Group/${group.id}`, { method: 'DELETE', headers: auth(key) });
      expect((await remove(keyB)).status).toBe(404);
      expect((await remove(readOnlyKey)).status).toBe(403);
      expect((await remove(keyA)).status).toBe(204);
      expect((await read(keyA)).status).toBe(404);
      expect((await remove(keyA)).status).toBe(404);

      const audit = await fetch(`${hub.url}/v1/audit?facility=01001&limit=1000`, {
        headers: { authorization: `Bearer ${ADMIN}` },
      });
      const { items } = (await audit.json()) as {
        items: {
          action: string;
          resourceType: string;
          resourceId: string | null;
          patientRef: string | null;
        }[];
      };
      const mine = items.filter((e) => e.resourceId === group.id);
      expect(mine.map((e) => e.action).sort()).toEqual([
        'fhir-group-create',
        'fhir-group-delete',
        'fhir-group-delete',
        'fhir-group-read',
        'fhir-group-read',
      ]);
      for (const e of mine) {
        expect(e.resourceType).toBe('Group');
        expect(e.patientRef).toBeNull();
      }
    });

    it('refuses cohorts without the export scope (export-deidentified too) and malformed ones, typed', async () => {
      for (const key of [readOnlyKey, deidKey]) {
        const r = await postGroup(key, cohortOf([{ identifier: P1 }]));
        expect(r.status).toBe(403);
        expect(codeOf((await r.json()) as Outcome)).toBe('HUB_SCOPE_MISSING');
      }
      const refusals: [unknown, number, string, string | undefined][] = [
        ['{"resourceType":', 400, 'HUB_BODY_INVALID_JSON', undefined],
        [{ resourceType: 'Patient' }, 400, 'BULK_GROUP_INVALID', 'body'],
        [{ ...cohortOf([]), type: 'device' }, 400, 'BULK_GROUP_INVALID', 'body.type'],
        [cohortOf([{ reference: 'Observation/1' }]), 400, 'BULK_GROUP_INVALID', 'member[0].entity'],
        [cohortOf([{ identifier: { system: CCCD } }]), 400, 'BULK_GROUP_INVALID', 'member[0].entity'],
        [
          cohortOf([{ identifier: P1 }, { reference: 'Patient/no-such-patient' }]),
          400,
          'BULK_PATIENT_UNKNOWN',
          'member[1].entity',
        ],
        [
          cohortOf(Array.from({ length: 10_001 }, () => ({ identifier: P1 }))),
          413,
          'BULK_COHORT_TOO_LARGE',
          'body.member',
        ],
      ];
      for (const [body, status, code, path] of refusals) {
        const r = await postGroup(keyA, body);
        const outcome = (await r.json()) as Outcome;
        expect(r.status, code).toBe(status);
        expect(outcome.resourceType).toBe('OperationOutcome');
        if (code !== 'HUB_BODY_INVALID_JSON') expect(codeOf(outcome)).toBe(code);
        if (path) expect(pathOf(outcome)).toBe(path);
        // The unknown member is named by its index, never by the id it gave.
        expect(JSON.stringify(outcome)).not.toContain('no-such-patient');
      }
      const r = await kickOff(`${base}/Group/00000000-0000-4000-8000-000000000000/$export`, keyA);
      expect(r.status).toBe(404);
      expect(codeOf((await r.json()) as Outcome)).toBe('BULK_GROUP_NOT_FOUND');
    });

    it("exports a cohort: exactly its members' records (identifiers expanded), of the caller's facility", async () => {
      // P1 named by its CCCD: the directory adds its BHYT number.
      const cohort = await createCohort(keyA, [{ identifier: P1 }]);
      const { resources, manifest } = await exportAll(`${base}/Group/${cohort}/$export`, keyA);
      expect(manifest.error).toEqual([]);
      expect(reportIds(resources)).toEqual([
        'COH-A-BHYT-1',
        'COH-A-BHYT-2',
        'COH-A-P1-1',
        'COH-A-P1-2',
        'COH-A-P1-3',
      ]);
      expect(resources.get('Patient')?.map((p) => p.id)).toEqual([p1]);
      expect(resources.get('ImagingStudy')).toHaveLength(1);
      // The study's report too, as the facade serves it.
      expect(reportIdentifiers(resources, IMAGING_REPORT_IDENTIFIER_SYSTEM)).toHaveLength(1);
      expect(resources.get('Encounter')).toHaveLength(1);
      expect(allText(resources)).not.toContain(P2.value);
      // An administrator's export of it reads every facility's records of its members.
      const all = await exportAll(`${base}/Group/${cohort}/$export?_type=DiagnosticReport,Patient`, ADMIN);
      expect(reportIds(all.resources)).toEqual([
        'COH-A-BHYT-1',
        'COH-A-BHYT-2',
        'COH-A-P1-1',
        'COH-A-P1-2',
        'COH-A-P1-3',
        'COH-B-P1-1',
      ]);
      expect(allText(all.resources)).not.toContain(P2.value);
      // Another facility may not export it, nor tell it from no cohort.
      const b = await kickOff(`${base}/Group/${cohort}/$export`, keyB);
      expect(b.status).toBe(404);
      expect(codeOf((await b.json()) as Outcome)).toBe('BULK_GROUP_NOT_FOUND');
      // A cohort of B's: P2 by its directory id, exported by B — B's records only.
      const ofB = await createCohort(keyB, [{ reference: `Patient/${p2}` }]);
      const exported = await exportAll(`${base}/Group/${ofB}/$export`, keyB);
      expect(reportIds(exported.resources)).toEqual(['COH-B-P2-1']);
      expect(exported.resources.get('Encounter')).toBeUndefined();
      expect(allText(exported.resources)).not.toContain(P1.value);
      // The facility group still exports the facility.
      const facility = await exportAll(`${base}/Group/01002/$export?_type=DiagnosticReport`, keyB);
      expect(reportIds(facility.resources)).toEqual(['COH-B-P1-1', 'COH-B-P2-1']);
    });

    it('keeps exporting the members snapshotted at kick-off when the cohort is deleted meanwhile', async () => {
      const cohort = await createCohort(keyA, [{ reference: `Patient/${p1}` }]);
      // A job ahead in the queue (one runs at a time), so the cohort's is likely still queued.
      const ahead = await statusUrlOf(await kickOff(`${base}/$export`, keyA));
      const statusUrl = await statusUrlOf(
        await kickOff(`${base}/Group/${cohort}/$export?_type=DiagnosticReport`, keyA),
      );
      const deleted = await fetch(`${base}/Group/${cohort}`, { method: 'DELETE', headers: auth(keyA) });
      expect(deleted.status).toBe(204);
      const { manifest } = await waitForManifest(statusUrl, keyA);
      const resources = await downloadAll(manifest, keyA);
      expect(reportIds(resources)).toHaveLength(5);
      expect(allText(resources)).not.toContain(P2.value);
      await waitForManifest(ahead, keyA);
      // A new kick-off of the deleted cohort is 404.
      expect((await kickOff(`${base}/Group/${cohort}/$export`, keyA)).status).toBe(404);
    });

    it('narrows Patient and Group exports to the patients of the POSTed patient parameter', async () => {
      const post = { method: 'POST' as const };
      const mine = await exportAll(`${base}/Patient/$export`, keyA, {
        ...post,
        body: patientsParameters(p1),
      });
      expect(reportIds(mine.resources)).toHaveLength(5);
      expect(mine.resources.get('Patient')?.map((p) => p.id)).toEqual([p1]);
      expect(allText(mine.resources)).not.toContain(P2.value);
      // A's records of P2 through A's facility group.
      const group = await exportAll(`${base}/Group/01001/$export`, keyA, {
        ...post,
        body: patientsParameters(p2),
      });
      expect(reportIds(group.resources)).toEqual(['COH-A-P2-1', 'COH-A-P2-2']);
      expect(group.resources.get('ImagingStudy')).toHaveLength(1);
      expect(allText(group.resources)).not.toContain(P1.value);
      // Within a cohort: its members only.
      const cohort = await createCohort(keyA, [{ identifier: P1 }]);
      const inCohort = await exportAll(`${base}/Group/${cohort}/$export?_type=Patient`, keyA, {
        ...post,
        body: patientsParameters(p1),
      });
      expect(inCohort.resources.get('Patient')?.map((p) => p.id)).toEqual([p1]);

      const refused: [string, unknown, string, string][] = [
        [
          `${base}/Patient/$export`,
          patientsParameters(p1, 'no-such-patient'),
          'BULK_PATIENT_UNKNOWN',
          'parameter.patient[1]',
        ],
        [`${base}/$export`, patientsParameters(p1), 'FHIR_PARAMETER_INVALID', 'parameter.patient'],
        [
          `${base}/Group/${cohort}/$export`,
          patientsParameters(p2),
          'BULK_GROUP_INVALID',
          'parameter.patient[0]',
        ],
        [
          `${base}/Patient/$export`,
          { resourceType: 'Parameters', parameter: [{ name: 'patient', valueString: `Patient/${p1}` }] },
          'FHIR_PARAMETERS_INVALID',
          'body',
        ],
      ];
      for (const [url, body, code, path] of refused) {
        const r = await kickOff(url, keyA, { ...post, body });
        const outcome = (await r.json()) as Outcome;
        expect(r.status, code).toBe(400);
        expect(codeOf(outcome)).toBe(code);
        expect(pathOf(outcome)).toBe(path);
        expect(JSON.stringify(outcome)).not.toContain('no-such-patient');
      }
      const byGet = await kickOff(
        `${base}/Patient/$export?patient=${encodeURIComponent(`Patient/${p1}`)}`,
        keyA,
      );
      expect(byGet.status).toBe(400);
      expect(pathOf((await byGet.json()) as Outcome)).toBe('query.patient');
    });

    it('keeps the _elements asked (and the mandatory ones), tagged SUBSETTED, after de-identification', async () => {
      const elements = 'Patient.birthDate,Observation.valueQuantity,id';
      const { resources } = await exportAll(
        `${base}/Patient/$export?_type=Patient,Observation&_elements=${encodeURIComponent(elements)}`,
        keyA,
      );
      const patients = resources.get('Patient')!;
      const observations = resources.get('Observation')!;
      expect(patients.length).toBeGreaterThan(0);
      expect(observations.length).toBeGreaterThan(0);
      for (const p of patients) {
        expect(Object.keys(p).every((k) => ['resourceType', 'id', 'meta', 'birthDate'].includes(k))).toBe(
          true,
        );
        expect((p as { birthDate?: string }).birthDate).toBeDefined();
        expect(p.meta?.tag).toContainEqual(SUBSETTED);
      }
      for (const o of observations) {
        const allowed = ['resourceType', 'id', 'meta', 'status', 'code', 'valueQuantity'];
        expect(Object.keys(o).filter((k) => !allowed.includes(k))).toEqual([]);
        expect(o.meta?.tag).toContainEqual(SUBSETTED);
      }
      expect(allText(resources)).not.toContain('"identifier"');
      // De-identified: the de-identifier is given each whole resource, its answer is subsetted.
      seenByDeidentifier.length = 0;
      const deid = await exportAll(`${base}/Patient/$export?_type=Patient&_elements=birthDate`, deidKey);
      expect(seenByDeidentifier.length).toBeGreaterThan(0);
      expect(seenByDeidentifier.every((keys) => keys.includes('identifier') && keys.includes('name'))).toBe(
        true,
      );
      for (const p of deid.resources.get('Patient')!) {
        expect(Object.keys(p).sort()).toEqual(['birthDate', 'id', 'meta', 'resourceType']);
        expect(p.meta?.security).toEqual([{ code: 'DEID-SYNTHETIC' }]);
        expect(p.meta?.tag).toContainEqual(SUBSETTED);
      }
      for (const bad of ['name.given', 'Medication.code', 'Patient..id', '']) {
        const r = await kickOff(`${base}/$export?_elements=${encodeURIComponent(bad)}`, keyA);
        expect(r.status, bad).toBe(400);
        expect(codeOf((await r.json()) as Outcome)).toBe('FHIR_PARAMETER_INVALID');
      }
      // includeAssociatedData stays unsupported.
      const associated = await kickOff(
        `${base}/$export?includeAssociatedData=LatestProvenanceResources`,
        keyA,
      );
      expect(associated.status).toBe(400);
      expect(codeOf((await associated.json()) as Outcome)).toBe('FHIR_PARAMETER_UNSUPPORTED');
    });

    it('declares Group create, read and delete, and the export parameters, in a valid CapabilityStatement', async () => {
      const cs = (await (await fetch(`${base}/metadata`)).json()) as CapabilityStatement;
      validateFhir(cs);
      const groupEntry = cs.rest?.[0]?.resource?.find((r) => r.type === 'Group');
      expect(groupEntry?.interaction?.map((i) => i.code)).toEqual(['create', 'read', 'delete']);
      expect(groupEntry?.operation?.[0]?.documentation).toContain('`patient`');
      expect(groupEntry?.operation?.[0]?.documentation).toContain('`_elements`');
    });
  });
}
