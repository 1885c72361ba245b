import { facilityRecordSystem } from '@lienthong/core';
import type { LabReport } from '@lienthong/result-exchange';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bulkLoadReports } from '../src/records/bulk-load.js';
import type { RunningHub } from '../src/server.js';
import type { MakeDatabase, TestDatabase } from './databases.js';
import { syntheticReport } from './synthetic-report.js';
import { startTestHub } from './test-hub.js';

const ADMIN_KEY = 'claims-admin-key-not-secret';
/** The SYNTHETIC facility codes the other hub tests use. */
const A = '01001';
const B = '79001';
/** SYNTHETIC identifier systems naming no facility; every value below is made up. */
const PERSON = 'urn:synthetic:claims:person-id';
const CARD = 'urn:synthetic:claims:insurance-card';
const LOCAL_MRN = 'urn:synthetic:claims:mrn';
/** The record-number systems of A and B (the hub reads the facility a record number belongs to from them). */
const MRN_A = facilityRecordSystem(A);
const MRN_B = facilityRecordSystem(B);

type Json = Record<string, unknown>;

/** A SYNTHETIC lab report of the made-up person `person`, with `extra` members (facilities, identifiers). */
const report = (id: string, person: string, extra: Json = {}): Json =>
  syntheticReport(id, { system: PERSON, value: person }, extra);

/** A SYNTHETIC imaging reference (made-up study UID under the UUID-derived root 2.25). */
function imaging(uid: string, person: string, extra: Json = {}): Json {
  return {
    studyInstanceUid: uid,
    patient: { identifiers: [{ system: PERSON, value: person }] },
    instanceCount: 1,
    ...extra,
  };
}

interface Answer {
  status: number;
  contentType: string | null;
  text: string;
  json: Json & { code?: string; path?: string; detail?: string; messageVi?: string; items?: Json[] };
}

/**
 * Issue 13, defects 2 and 3 — a facility acts only as itself, the key decides, never the body:
 * every field where a record names its publisher (performing facility, laboratory) and every
 * patient record number (by `facilityCode` or by its facility's record-number system) must be the
 * caller's own, or the write is refused with 403 and stores nothing; each stored record keeps the
 * publisher from the key, shows it to readers (`/v1` and `/fhir`), and `facility=` searches match it.
 */
export function describeFacilityClaims(dialect: string, makeDatabase: MakeDatabase): void {
  describe(`hub facility claims on ${dialect}`, () => {
    let database: TestDatabase;
    let hub: RunningHub;
    let keyA: string;
    let keyB: string;

    async function call(method: string, path: string, key: string, json?: unknown): Promise<Answer> {
      const r = await fetch(`${hub.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${key}`,
          ...(json === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(json === undefined ? {} : { body: JSON.stringify(json) }),
      });
      const text = await r.text();
      return {
        status: r.status,
        contentType: r.headers.get('content-type'),
        text,
        json: text ? JSON.parse(text) : {},
      };
    }

    /** A 403 problem document with `code`, naming `path` in both languages, echoing none of `secrets`. */
    function expectRefused(answer: Answer, code: string, path: string, secrets: readonly string[]): void {
      expect({ status: answer.status, code: answer.json.code, path: answer.json.path }).toEqual({
        status: 403,
        code,
        path,
      });
      expect(answer.contentType).toContain('application/problem+json');
      expect(answer.json.detail).toContain(path);
      expect(answer.json.messageVi).toContain(path);
      for (const secret of secrets) expect(answer.text).not.toContain(secret);
    }

    const searchIds = async (resource: string, person: string, facility: string) =>
      (
        await call(
          'GET',
          `/v1/${resource}?patient=${encodeURIComponent(`${PERSON}|${person}`)}&facility=${facility}`,
          keyB,
        )
      ).json.items?.map((r) => r.id ?? r.studyInstanceUid);

    beforeAll(async () => {
      database = await makeDatabase();
      hub = await startTestHub(database, { adminKey: ADMIN_KEY, rateLimit: false });
      const register = async (code: string) =>
        (
          (await call('POST', '/v1/facilities', ADMIN_KEY, { code, name: `${code} (synthetic)` })).json
            .credential as { apiKey: string }
        ).apiKey;
      keyA = await register(A);
      keyB = await register(B);
    });
    afterAll(async () => {
      await hub?.close();
      await database?.drop();
    });

    describe('lab reports (defect 2)', () => {
      it("refuses a report naming another facility's laboratory or performing facility, storing nothing", async () => {
        const cases: [Json, string][] = [
          [{ lab: { code: A } }, 'lab.code'],
          [{ performingFacility: { code: B }, lab: { code: A, qualityLevel: 4 } }, 'lab.code'],
          [{ performingFacility: { code: A } }, 'performingFacility.code'],
        ];
        for (const [i, [facilities, path]] of cases.entries()) {
          const answer = await call(
            'POST',
            '/v1/lab-reports',
            keyB,
            report(`SYN-CLAIM-LAB-${i}`, 'SYN-P-LAB', facilities),
          );
          expectRefused(answer, 'HUB_PUBLISH_AS_OTHER_FACILITY', path, ['SYN-P-LAB']);
          expect((await call('GET', `/v1/lab-reports/SYN-CLAIM-LAB-${i}`, keyA)).status).toBe(404);
        }
        expect(await searchIds('lab-reports', 'SYN-P-LAB', A)).toEqual([]);
      });

      it('stores the publisher from the key: fills the performing facility, keeps the ordering facility, and facility= matches the publisher only', async () => {
        // Ordered at A, performed and published by B: the ordering facility names A legitimately.
        const referred = report('SYN-CLAIM-REF', 'SYN-P-REF', {
          orderingFacility: { code: A, name: 'A (synthetic)' },
          lab: { name: 'Khoa xét nghiệm B (synthetic)', qualityLevel: 3 },
        });
        const created = await call('POST', '/v1/lab-reports', keyB, referred);
        expect(created.status).toBe(201);
        const stored = (await call('GET', '/v1/lab-reports/SYN-CLAIM-REF', keyA)).json;
        expect(stored.performingFacility).toEqual({ code: B });
        expect(stored.orderingFacility).toEqual({ code: A, name: 'A (synthetic)' });
        expect(await searchIds('lab-reports', 'SYN-P-REF', B)).toEqual(['SYN-CLAIM-REF']);
        expect(await searchIds('lab-reports', 'SYN-P-REF', A)).toEqual([]);
        // Filling it in keeps a retry a retry.
        const retry = await call('POST', '/v1/lab-reports', keyB, referred);
        expect({ status: retry.status, ...retry.json }).toEqual({
          status: 200,
          id: 'SYN-CLAIM-REF',
          version: 1,
          outcome: 'unchanged',
        });
        // Naming itself, a facility's report is stored as sent.
        const own = report('SYN-CLAIM-OWN', 'SYN-P-REF', {
          performingFacility: { code: B, name: 'B (synthetic)' },
          lab: { code: B, qualityLevel: 3 },
        });
        expect((await call('POST', '/v1/lab-reports', keyB, own)).status).toBe(201);
        expect((await call('GET', '/v1/lab-reports/SYN-CLAIM-OWN', keyA)).json).toEqual({
          ...own,
          version: 1,
        });
      });

      it('shows the publisher on the FHIR facade: DiagnosticReport.performer, read and searched', async () => {
        const read = (await call('GET', '/fhir/DiagnosticReport/SYN-CLAIM-REF', keyA)).json;
        expect(read.performer).toEqual([
          { type: 'Organization', identifier: { system: 'urn:lienthong:sid:facility', value: B } },
        ]);
        const bundle = (
          await call(
            'GET',
            `/fhir/DiagnosticReport?subject:identifier=${encodeURIComponent(`${PERSON}|SYN-P-REF`)}`,
            keyA,
          )
        ).json as { entry?: { resource: { performer?: { identifier?: { value: string } }[] } }[] };
        expect(bundle.entry?.map((e) => e.resource.performer?.[0]?.identifier?.value)).toEqual([B, B]);
      });
    });

    describe('imaging references (defect 2)', () => {
      const UID = '2.25.1300000000000001';

      it("refuses a reference naming another facility as performer, or another facility's record number", async () => {
        const named = await call(
          'POST',
          '/v1/imaging-references',
          keyB,
          imaging(UID, 'SYN-P-IMG', { performingFacility: { code: A } }),
        );
        expectRefused(named, 'HUB_PUBLISH_AS_OTHER_FACILITY', 'performingFacility.code', ['SYN-P-IMG']);
        const mrn = await call(
          'POST',
          '/v1/imaging-references',
          keyB,
          imaging(UID, 'SYN-P-IMG', {
            patient: {
              identifiers: [
                { system: PERSON, value: 'SYN-P-IMG' },
                { system: MRN_A, value: 'SYN-IMG-MRN' },
              ],
            },
          }),
        );
        expectRefused(mrn, 'HUB_IDENTIFIER_OF_OTHER_FACILITY', 'patient.identifiers[1].system', [
          'SYN-P-IMG',
          'SYN-IMG-MRN',
        ]);
        expect((await call('GET', `/v1/imaging-references/${UID}`, keyA)).status).toBe(404);
      });

      it('fills the performing facility from the key and shows it on /v1 and /fhir; facility= matches it', async () => {
        const body = imaging(UID, 'SYN-P-IMG', { modalities: ['CT'] });
        expect((await call('POST', '/v1/imaging-references', keyB, body)).status).toBe(201);
        expect((await call('POST', '/v1/imaging-references', keyB, body)).json.outcome).toBe('unchanged');
        expect((await call('GET', `/v1/imaging-references/${UID}`, keyA)).json.performingFacility).toEqual({
          code: B,
        });
        expect(await searchIds('imaging-references', 'SYN-P-IMG', B)).toEqual([UID]);
        expect(await searchIds('imaging-references', 'SYN-P-IMG', A)).toEqual([]);
        const study = (await call('GET', `/fhir/ImagingStudy/${UID}`, keyA)).json as {
          extension?: { url: string; valueReference?: { identifier?: { value: string } } }[];
        };
        expect(
          study.extension?.find((e) => e.url === 'urn:lienthong:fhir:ext:imaging-performing-facility')
            ?.valueReference?.identifier?.value,
        ).toBe(B);
      });
    });

    describe('patient identifiers (defect 3)', () => {
      const crossReference = async (person: string) =>
        (
          await call(
            'GET',
            `/v1/patients/cross-reference?identifier=${encodeURIComponent(`${PERSON}|${person}`)}`,
            keyA,
          )
        ).json.identifiers;
      const mrnA = { system: MRN_A, value: 'SYN-MRN-A1', kind: 'mrn', facilityCode: A };
      const mrnB = { system: MRN_B, value: 'SYN-MRN-B1', kind: 'mrn', facilityCode: B };

      beforeAll(async () => {
        const registered = await call('PUT', '/v1/patients', keyA, {
          identifiers: [{ system: PERSON, value: 'SYN-P-ID' }, mrnA],
          name: { family: 'Thử', given: 'Nghiệm' },
        });
        expect(registered.status).toBe(201);
      });

      it('refuses a record number asserted for another facility, by facilityCode or by system, changing nothing', async () => {
        const forged: [Json, string][] = [
          [
            { system: LOCAL_MRN, value: 'SYN-FORGED-1', kind: 'mrn', facilityCode: A },
            'identifiers[1].facilityCode',
          ],
          [{ system: MRN_A, value: 'SYN-FORGED-2' }, 'identifiers[1].system'],
          [
            { system: MRN_B, value: 'SYN-FORGED-3', kind: 'mrn', facilityCode: A },
            'identifiers[1].facilityCode',
          ],
          [{ system: MRN_A, value: 'SYN-FORGED-4', kind: 'mrn', facilityCode: B }, 'identifiers[1].system'],
        ];
        for (const [identifier, path] of forged) {
          const answer = await call('PUT', '/v1/patients', keyB, {
            identifiers: [{ system: PERSON, value: 'SYN-P-ID' }, identifier],
            name: { family: 'Thử', given: 'Nghiệm' },
          });
          expectRefused(answer, 'HUB_IDENTIFIER_OF_OTHER_FACILITY', path, [
            'SYN-P-ID',
            identifier.value as string,
          ]);
        }
        expect(await crossReference('SYN-P-ID')).toEqual([mrnA]);
      });

      it('lets a facility add its own record number and identifiers naming no facility, and send back what the record holds', async () => {
        const card = { system: CARD, value: 'SYN-CARD-1' };
        const added = await call('PUT', '/v1/patients', keyB, {
          identifiers: [{ system: PERSON, value: 'SYN-P-ID' }, mrnB, card],
          name: { family: 'Thử', given: 'Nghiệm' },
        });
        expect(added.status).toBe(200);
        expect(await crossReference('SYN-P-ID')).toEqual([mrnA, mrnB, card]);
        // A's record number, as the record holds it, asserts nothing new.
        const echoed = await call('PUT', '/v1/patients', keyB, {
          identifiers: [{ system: PERSON, value: 'SYN-P-ID' }, mrnA],
          name: { family: 'Thử', given: 'Nghiệm' },
        });
        expect(echoed.status).toBe(200);
        // The owner writes back the record it read, B's record number included.
        const read = (
          await call(
            'GET',
            `/v1/patients/by-identifier?identifier=${encodeURIComponent(`${MRN_A}|SYN-MRN-A1`)}`,
            keyA,
          )
        ).json;
        expect((await call('PUT', '/v1/patients', keyA, { ...read, birthDate: '1990' })).status).toBe(200);
        expect(await crossReference('SYN-P-ID')).toEqual([mrnA, mrnB, card]);
      });

      it("refuses a lab report carrying another facility's record number", async () => {
        const identifiers = (mrn: string) => ({
          patient: {
            identifiers: [
              { system: PERSON, value: 'SYN-P-ID' },
              { system: mrn, value: 'SYN-MRN-R1' },
            ],
          },
        });
        const refused = await call(
          'POST',
          '/v1/lab-reports',
          keyB,
          report('SYN-CLAIM-MRN', 'SYN-P-ID', identifiers(MRN_A)),
        );
        expectRefused(refused, 'HUB_IDENTIFIER_OF_OTHER_FACILITY', 'patient.identifiers[1].system', [
          'SYN-P-ID',
          'SYN-MRN-R1',
        ]);
        expect((await call('GET', '/v1/lab-reports/SYN-CLAIM-MRN', keyA)).status).toBe(404);
        expect(
          (
            await call(
              'POST',
              '/v1/lab-reports',
              keyB,
              report('SYN-CLAIM-MRN', 'SYN-P-ID', identifiers(MRN_B)),
            )
          ).status,
        ).toBe(201);
      });
    });

    describe('administrators and bulk loads', () => {
      it('an administrator publishes on behalf of the one facility a record names', async () => {
        const forA = report('SYN-CLAIM-ADMIN', 'SYN-P-ADMIN', { lab: { code: A } });
        expect((await call('POST', '/v1/lab-reports', ADMIN_KEY, forA)).status).toBe(201);
        expect(await searchIds('lab-reports', 'SYN-P-ADMIN', A)).toEqual(['SYN-CLAIM-ADMIN']);
        const twoPublishers = report('SYN-CLAIM-ADMIN-2', 'SYN-P-ADMIN', {
          performingFacility: { code: A },
          lab: { code: B },
        });
        expectRefused(
          await call('POST', '/v1/lab-reports', ADMIN_KEY, twoPublishers),
          'HUB_PUBLISH_AS_OTHER_FACILITY',
          'lab.code',
          ['SYN-P-ADMIN'],
        );
        const imported = await call('PUT', '/v1/patients', ADMIN_KEY, {
          identifiers: [
            { system: PERSON, value: 'SYN-P-ADMIN' },
            { system: MRN_A, value: 'SYN-MRN-A9', kind: 'mrn', facilityCode: A },
            { system: MRN_B, value: 'SYN-MRN-B9', kind: 'mrn', facilityCode: B },
          ],
          name: { family: 'Thử', given: 'Nghiệm' },
        });
        expect(imported.status).toBe(201);
      });

      it('a bulk load keeps the same rule, validated or not, and fills the performing facility', async () => {
        const publisher = { facilityCode: B, admin: false };
        const load = (r: Json, validate = true) =>
          bulkLoadReports(hub.store.db, [r as unknown as LabReport], { publisher, validate });
        for (const validate of [true, false]) {
          await expect(
            load(report('SYN-BULK-1', 'SYN-P-BULK', { lab: { code: A } }), validate),
          ).rejects.toMatchObject({
            code: 'HUB_PUBLISH_AS_OTHER_FACILITY',
            path: 'lab.code',
          });
          const withMrn = report('SYN-BULK-1', 'SYN-P-BULK', {
            patient: { identifiers: [{ system: MRN_A, value: 'SYN-MRN-BULK' }] },
          });
          await expect(load(withMrn, validate)).rejects.toMatchObject({
            code: 'HUB_IDENTIFIER_OF_OTHER_FACILITY',
            path: 'patient.identifiers[0].system',
          });
        }
        expect((await call('GET', '/v1/lab-reports/SYN-BULK-1', keyA)).status).toBe(404);
        expect(await load(report('SYN-BULK-1', 'SYN-P-BULK'))).toBe(1);
        expect((await call('GET', '/v1/lab-reports/SYN-BULK-1', keyA)).json.performingFacility).toEqual({
          code: B,
        });
        expect(await searchIds('lab-reports', 'SYN-P-BULK', B)).toEqual(['SYN-BULK-1']);
      });
    });
  });
}
