import { isAuthError, isValidationError } from '@lienthong/core';
import {
  createHubClient,
  createHubImagingRegistry,
  createHubPatientDirectory,
  createHubResultExchange,
} from '@lienthong/hub-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningHub } from '../src/server.js';
import type { MakeDatabase, TestDatabase } from './databases.js';
import { SYNTHETIC_CODE, syntheticReport } from './synthetic-report.js';
import { startTestHub } from './test-hub.js';

const ADMIN_KEY = 'scope-admin-key-not-secret';
/** The SYNTHETIC facility codes the other hub tests use. */
const A = '01001';
const B = '79001';
/** SYNTHETIC identifier systems; every value below is made up. */
const MRN = 'urn:synthetic:scope:mrn';
const OTHER_MRN = 'urn:synthetic:scope:other-mrn';
const P1 = { system: MRN, value: 'SCOPE-P1' };
const P2 = { system: MRN, value: 'SCOPE-P2' };
const P3 = { system: MRN, value: 'SCOPE-P3' };
/** Two different patients whose identifiers share a value in different systems. */
const TWIN_X = { system: MRN, value: 'SCOPE-TWIN' };
const TWIN_Y = { system: OTHER_MRN, value: 'SCOPE-TWIN' };

type Json = Record<string, unknown>;
const token = (i: { system: string; value: string }) => encodeURIComponent(`${i.system}|${i.value}`);

/** A SYNTHETIC lab report of `patient`. */
const report = (id: string, patient: { system: string; value: string }, effectiveAt: string): Json =>
  syntheticReport(id, patient, { effectiveAt });

/** A SYNTHETIC imaging reference (made-up study UID under the UUID-derived root 2.25). */
function imaging(uid: string, patient: { system: string; value: string }, modality: string): Json {
  return {
    studyInstanceUid: uid,
    patient: { identifiers: [patient] },
    modalities: [modality],
    studyDate: '2026-11-20',
    instanceCount: 1,
  };
}

/** SYNTHETIC patients: the same family name, so a demographic search would find them all. */
const person = (identifier: { system: string; value: string }, given: string): Json => ({
  identifiers: [identifier],
  name: { family: 'Thử', given },
  birthDate: '1990',
});

interface Answer {
  status: number;
  contentType: string;
  text: string;
  json: Json & { code?: string; path?: string; items?: Json[]; resourceType?: string; entry?: Json[] };
}

/**
 * One patient per search (issue 13, defect 1): every search of patient data on `/v1` and `/fhir`
 * names one patient — or records by id, all of one patient — or lists the records the caller
 * published itself (`facility=<its own code>`); anything else is refused before a record is read
 * or an audit entry written. Unknown `/v1` query parameters are refused. And `_include` follows
 * `Prefer: handling=lenient` like every other parameter (defect 7).
 */
export function describeHubPatientScope(dialect: string, makeDatabase: MakeDatabase): void {
  describe(`hub: one patient per search on ${dialect}`, () => {
    let database: TestDatabase;
    let hub: RunningHub;
    let keyA: string;
    let keyB: string;
    let readerA: string;
    let probes = 0;

    const call = async (
      path: string,
      key: string,
      headers: Record<string, string> = {},
      init: { method?: string; body?: unknown } = {},
    ): Promise<Answer> => {
      const r = await fetch(`${hub.url}${path}`, {
        method: init.method ?? 'GET',
        headers: {
          authorization: `Bearer ${key}`,
          ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
        ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      });
      const text = await r.text();
      return {
        status: r.status,
        contentType: r.headers.get('content-type') ?? '',
        text,
        json: JSON.parse(text),
      };
    };
    /** The audit entries written for requests carrying `X-User: probe`. */
    const auditOf = async (probe: string) =>
      (
        await createHubClient({ baseUrl: hub.url, apiKey: ADMIN_KEY }).GET('/v1/audit', {
          query: { limit: 1000 },
        })
      ).items.filter((e) => e.userRef === probe);
    const newProbe = () => `scope-probe-${++probes}`;
    /** A refusal as the API writes it: problem document on /v1, OperationOutcome on /fhir, no identifier echoed. */
    const expectRefused = (answer: Answer, status: number, code: string) => {
      expect(answer.status, answer.text).toBe(status);
      expect(answer.text).toContain(code);
      if (answer.contentType.includes('fhir')) expect(answer.json.resourceType).toBe('OperationOutcome');
      else {
        expect(answer.contentType).toContain('application/problem+json');
        expect(answer.json).toMatchObject({ code, status });
        expect(answer.json.messageVi).toEqual(expect.any(String));
      }
      for (const secret of ['SCOPE-P1', 'SCOPE-P2', 'SCOPE-P3', '5.1'])
        expect(answer.text).not.toContain(secret);
    };
    /** Each search of `paths`, by reader A as `probe`: refused 400 `code` (as {@link expectRefused} checks it). */
    const expectEachRefused = async (paths: readonly string[], probe: string, code: string) => {
      for (const path of paths) expectRefused(await call(path, readerA, { 'x-user': probe }), 400, code);
    };

    beforeAll(async () => {
      database = await makeDatabase();
      hub = await startTestHub(database, { adminKey: ADMIN_KEY, rateLimit: false });
      const admin = createHubClient({ baseUrl: hub.url, apiKey: ADMIN_KEY });
      keyA = (await admin.POST('/v1/facilities', { body: { code: A, name: 'A (synthetic)' } })).credential
        .apiKey;
      keyB = (await admin.POST('/v1/facilities', { body: { code: B, name: 'B (synthetic)' } })).credential
        .apiKey;
      readerA = (
        await admin.POST('/v1/facilities/{code}/credentials', {
          path: { code: A },
          body: { scopes: ['read'] },
        })
      ).apiKey;
      /** Each `[key, body]` written to `path` in turn, as the facility the key belongs to. */
      const writeAll = async (
        path: '/v1/patients' | '/v1/lab-reports' | '/v1/imaging-references',
        writes: readonly (readonly [string, unknown])[],
      ) => {
        for (const [apiKey, body] of writes) {
          const client = createHubClient({ baseUrl: hub.url, apiKey });
          if (path === '/v1/patients') await client.PUT(path, { body: body as never });
          else await client.POST(path, { body: body as never });
        }
      };
      await writeAll('/v1/patients', [
        [keyA, person(P1, 'Một')],
        [keyA, person(P2, 'Hai')],
        [keyB, person(P3, 'Ba')],
        [keyA, person(TWIN_X, 'Tư')],
        [keyB, person(TWIN_Y, 'Năm')],
      ]);
      await writeAll('/v1/lab-reports', [
        [keyA, report('SYN-SCOPE-A1', P1, '2026-11-20T08:00:00+07:00')],
        [keyA, report('SYN-SCOPE-A2', P2, '2026-11-21T08:00:00+07:00')],
        [keyB, report('SYN-SCOPE-B1', P1, '2026-11-22T08:00:00+07:00')],
        [keyB, report('SYN-SCOPE-B3', P3, '2026-11-23T08:00:00+07:00')],
      ]);
      await writeAll('/v1/imaging-references', [
        [keyA, imaging('2.25.1300000000000000001', P1, 'CT')],
        [keyA, imaging('2.25.1300000000000000002', P2, 'MR')],
        [keyB, imaging('2.25.1300000000000000003', P3, 'CT')],
        [keyA, imaging('2.25.1300000000000000004', TWIN_X, 'CT')],
        [keyB, imaging('2.25.1300000000000000005', TWIN_Y, 'CT')],
      ]);
    });
    afterAll(async () => {
      await hub?.close();
      await database?.drop();
    });

    describe('/v1', () => {
      it('refuses a search naming no patient (400 HUB_SEARCH_PATIENT_REQUIRED), reading and auditing nothing', async () => {
        const probe = newProbe();
        await expectEachRefused(
          [
            '/v1/lab-reports',
            `/v1/lab-reports?code=${encodeURIComponent(`${SYNTHETIC_CODE.system}|${SYNTHETIC_CODE.code}`)}`,
            '/v1/lab-reports?since=2026-01-01',
            '/v1/lab-reports?status=final',
            '/v1/imaging-references',
            '/v1/imaging-references?modality=CT',
            '/v1/patients',
            '/v1/patients?family=Th%E1%BB%AD',
          ],
          probe,
          'HUB_SEARCH_PATIENT_REQUIRED',
        );
        const match = await call(
          '/v1/patients/match',
          readerA,
          { 'x-user': probe },
          {
            method: 'POST',
            body: { input: { name: { family: 'Thử' }, birthDate: '1990' }, minGrade: 'certainly-not' },
          },
        );
        expectRefused(match, 400, 'HUB_SEARCH_PATIENT_REQUIRED');
        expect(match.json.path).toBe('body.input.identifiers');
        expect(await auditOf(probe)).toEqual([]);
      });

      it('refuses query parameters an operation does not declare (400 HUB_PARAMETER_UNSUPPORTED)', async () => {
        const probe = newProbe();
        for (const [path, name] of [
          ['/v1/lab-reports?patient[]=x', 'patient[]'],
          [`/v1/lab-reports?patient=${token(P1)}&patients=${token(P2)}`, 'patients'],
          [`/v1/patients?identifier=${token(P1)}&family_name=x`, 'family_name'],
          [`/v1/imaging-references?patient=${token(P1)}&modalities=CT`, 'modalities'],
          ['/v1/lab-reports/SYN-SCOPE-A1?version=1', 'version'],
          [`/v1/patients/by-identifier?identifier=${token(P1)}&x=1`, 'x'],
          ['/v1/me?debug=1', 'debug'],
        ]) {
          const answer = await call(path!, readerA, { 'x-user': probe });
          expectRefused(answer, 400, 'HUB_PARAMETER_UNSUPPORTED');
          expect(answer.json.path).toBe(`query.${name}`);
        }
        // A number pasted as a key (a made-up 9-digit one here) is masked like any identifier.
        for (const path of ['/v1/lab-reports?123456789', '/fhir/DiagnosticReport?123456789=x']) {
          const pasted = await call(path, readerA, { 'x-user': probe });
          expect(pasted.status).toBe(400);
          expect(pasted.text).toContain('123****89');
          expect(pasted.text).not.toContain('123456789');
        }
        expect(await auditOf(probe)).toEqual([]);
        // A path no operation serves is still a 404.
        expect((await call('/v1/no-such-thing?x=1', readerA)).status).toBe(404);
      });

      it('refuses a search naming several patients (400 HUB_SEARCH_SEVERAL_PATIENTS)', async () => {
        const probe = newProbe();
        for (const path of [
          `/v1/lab-reports?patient=${token(P1)}&patient=${token(P2)}`,
          `/v1/imaging-references?patient=${token(P1)}&patient=${token(P2)}`,
          `/v1/patients?identifier=${token(P1)}&identifier=${token(P2)}`,
          `/v1/patients/by-identifier?identifier=${token(P1)}&identifier=${token(P2)}`,
          // A value without a system that two patients' identifiers share.
          '/v1/patients?identifier=SCOPE-TWIN',
          '/v1/imaging-references?patient=SCOPE-TWIN',
        ]) {
          const answer = await call(path, readerA, { 'x-user': probe });
          expectRefused(answer, 400, 'HUB_SEARCH_SEVERAL_PATIENTS');
          expect(answer.text).not.toContain('Tư');
        }
        const match = await call(
          '/v1/patients/match',
          readerA,
          { 'x-user': probe },
          {
            method: 'POST',
            body: { input: { identifiers: [P1, P2] }, minGrade: 'certainly-not' },
          },
        );
        expectRefused(match, 400, 'HUB_SEARCH_SEVERAL_PATIENTS');
        expect(await auditOf(probe)).toEqual([]);
      });

      it("answers one patient's search with that patient's records only, audited against that patient", async () => {
        const probe = newProbe();
        const reports = await call(`/v1/lab-reports?patient=${token(P1)}`, readerA, { 'x-user': probe });
        expect(reports.json.items?.map((r) => r.id)).toEqual(['SYN-SCOPE-B1', 'SYN-SCOPE-A1']);
        const patients = await call('/v1/patients?identifier=SCOPE-P1&family=thu', readerA, {
          'x-user': probe,
        });
        expect(patients.json.items?.map((p) => (p.name as Json).given)).toEqual(['Một']);
        const studies = await call('/v1/imaging-references?patient=SCOPE-P1', readerA, { 'x-user': probe });
        expect(studies.json.items?.map((s) => s.studyInstanceUid)).toEqual(['2.25.1300000000000000001']);
        // $match grades the patient the identifier names, never the look-alikes (same family name, birth year).
        const match = await call(
          '/v1/patients/match',
          readerA,
          { 'x-user': probe },
          {
            method: 'POST',
            body: {
              input: { identifiers: [P1], name: { family: 'Thử' }, birthDate: '1990' },
              minGrade: 'certainly-not',
            },
          },
        );
        expect((match.json.candidates as Json[]).map((m) => ((m.record as Json).name as Json).given)).toEqual(
          ['Một'],
        );
        const entries = await auditOf(probe);
        expect(entries.map((e) => e.action).sort()).toEqual(['match', 'search', 'search', 'search']);
        const named = await createHubClient({ baseUrl: hub.url, apiKey: ADMIN_KEY }).GET('/v1/audit', {
          query: { patient: `${P1.system}|${P1.value}`, limit: 1000 },
        });
        // Each names P1 — the system-less searches too, by the identifier the records carry.
        expect(named.items.filter((e) => e.userRef === probe)).toHaveLength(4);
      });

      it('lists the records the caller published itself with facility=<its own code>, audited as an own-records listing', async () => {
        const probe = newProbe();
        const reports = await call(`/v1/lab-reports?facility=${A}`, readerA, { 'x-user': probe });
        expect(reports.status).toBe(200);
        expect(reports.json.items?.map((r) => r.id)).toEqual(['SYN-SCOPE-A2', 'SYN-SCOPE-A1']);
        const studies = await call(`/v1/imaging-references?facility=${A}&modality=CT`, readerA, {
          'x-user': probe,
        });
        expect(studies.json.items?.map((s) => s.studyInstanceUid).sort()).toEqual([
          '2.25.1300000000000000001',
          '2.25.1300000000000000004',
        ]);
        const entries = await auditOf(probe);
        expect(entries.map((e) => [e.action, e.resourceType, e.facilityCode, e.patientRef]).sort()).toEqual([
          ['search-own', 'ImagingStudy', A, null],
          ['search-own', 'LabReport', A, null],
        ]);
        // The providers list them the same way.
        const exchange = createHubResultExchange({ baseUrl: hub.url, apiKey: readerA, retry: false });
        const own: string[] = [];
        for await (const r of exchange.query({ facility: A })) own.push(r.id);
        expect(own).toEqual(['SYN-SCOPE-A2', 'SYN-SCOPE-A1']);
      });

      it("refuses a listing of another facility's records (403 HUB_SEARCH_OTHER_FACILITY), but lets facility narrow a patient's search", async () => {
        const probe = newProbe();
        for (const path of [`/v1/lab-reports?facility=${B}`, `/v1/imaging-references?facility=${B}`])
          expectRefused(await call(path, readerA, { 'x-user': probe }), 403, 'HUB_SEARCH_OTHER_FACILITY');
        expect(await auditOf(probe)).toEqual([]);
        const narrowed = await call(`/v1/lab-reports?patient=${token(P1)}&facility=${B}`, readerA);
        expect(narrowed.json.items?.map((r) => r.id)).toEqual(['SYN-SCOPE-B1']);
      });

      it('the hub providers fail with a typed error for a query the hub does not serve', async () => {
        const options = { baseUrl: hub.url, apiKey: readerA, retry: false as const };
        const failure = async (items: AsyncIterable<unknown> | Promise<unknown>) => {
          try {
            if (Symbol.asyncIterator in items) for await (const _ of items) break;
            else await items;
          } catch (error) {
            return error;
          }
          throw new Error('expected a failure');
        };
        const exchange = createHubResultExchange(options);
        const registry = createHubImagingRegistry(options);
        const directory = createHubPatientDirectory(options);
        expect(directory.capabilities.demographicSearch).toBe(false);
        for (const error of [
          await failure(exchange.query({ codes: [SYNTHETIC_CODE] })),
          await failure(registry.query({ modality: 'CT' })),
          await failure(directory.search({ family: 'Thử' })),
          await failure(directory.match({ name: { family: 'Thử' }, birthDate: '1990' })),
        ]) {
          expect(isValidationError(error), String(error)).toBe(true);
          expect((error as { code: string }).code).toBe('HUB_SEARCH_PATIENT_REQUIRED');
          expect((error as { messageVi: string }).messageVi).toBeTruthy();
        }
        const other = await failure(exchange.query({ facility: B }));
        expect(isAuthError(other) && other.code).toBe('HUB_SEARCH_OTHER_FACILITY');
      });
    });

    describe('/fhir', () => {
      it('refuses a search naming no patient with an OperationOutcome, reading and auditing nothing', async () => {
        const probe = newProbe();
        await expectEachRefused(
          [
            '/fhir/DiagnosticReport',
            '/fhir/DiagnosticReport?date=ge2026-01-01',
            `/fhir/DiagnosticReport?code=${encodeURIComponent(`${SYNTHETIC_CODE.system}|${SYNTHETIC_CODE.code}`)}`,
            '/fhir/DiagnosticReport?status=final',
            '/fhir/Observation',
            '/fhir/Observation?date=ge2026-01-01',
            `/fhir/Observation?code=${encodeURIComponent(`${SYNTHETIC_CODE.system}|${SYNTHETIC_CODE.code}`)}`,
            '/fhir/Patient',
            '/fhir/Patient?family=thu&birthdate=1990',
            '/fhir/ImagingStudy',
            '/fhir/ImagingStudy?modality=CT',
          ],
          probe,
          'HUB_SEARCH_PATIENT_REQUIRED',
        );
        // Lenient handling drops an unknown parameter, not the rule.
        const lenient = await call('/fhir/Observation?status=final', readerA, {
          'x-user': probe,
          prefer: 'handling=lenient',
        });
        expectRefused(lenient, 400, 'HUB_SEARCH_PATIENT_REQUIRED');
        expect(await auditOf(probe)).toEqual([]);
      });

      it('refuses a search by record ids whose records belong to several patients', async () => {
        const probe = newProbe();
        await expectEachRefused(
          [
            '/fhir/DiagnosticReport?identifier=SYN-SCOPE-A1,SYN-SCOPE-A2',
            '/fhir/ImagingStudy?identifier=urn:dicom:uid|urn:oid:2.25.1300000000000000001,urn:dicom:uid|urn:oid:2.25.1300000000000000002',
            '/fhir/ImagingStudy?patient:identifier=SCOPE-TWIN',
            '/fhir/Patient?identifier=SCOPE-TWIN',
            `/fhir/DiagnosticReport?subject:identifier=${token(P1)}&patient:identifier=${token(P2)}`,
          ],
          probe,
          'HUB_SEARCH_SEVERAL_PATIENTS',
        );
        expect(await auditOf(probe)).toEqual([]);
        // The records of one patient, by id: answered and audited against that patient.
        const one = await call('/fhir/DiagnosticReport?identifier=SYN-SCOPE-A1,SYN-SCOPE-B1', readerA, {
          'x-user': probe,
        });
        expect(one.status).toBe(200);
        expect(one.json.entry).toHaveLength(2);
        const [entry] = await auditOf(probe);
        const named = await createHubClient({ baseUrl: hub.url, apiKey: ADMIN_KEY }).GET('/v1/audit', {
          query: { patient: `${P1.system}|${P1.value}`, limit: 1000 },
        });
        expect(named.items.map((e) => e.id)).toContain(entry!.id);
      });

      it('lists the caller’s own records with facility=<its own code>, audited as such; another facility’s is 403', async () => {
        const probe = newProbe();
        const ids = (answer: Answer) =>
          (answer.json.entry ?? []).map((e) => ((e.resource as Json).identifier as Json[])[0]!.value);
        const reports = await call(`/fhir/DiagnosticReport?facility=${A}`, readerA, { 'x-user': probe });
        expect(ids(reports)).toEqual(['SYN-SCOPE-A2', 'SYN-SCOPE-A1']);
        const observations = await call(`/fhir/Observation?facility=${A}`, readerA, { 'x-user': probe });
        expect(observations.json.entry).toHaveLength(2);
        const studies = await call(`/fhir/ImagingStudy?facility=${A}&modality=MR`, readerA, {
          'x-user': probe,
        });
        expect((studies.json.entry ?? []).map((e) => (e.resource as Json).id)).toEqual([
          '2.25.1300000000000000002',
        ]);
        const entries = await auditOf(probe);
        expect(entries.map((e) => [e.action, e.resourceType, e.facilityCode, e.patientRef]).sort()).toEqual([
          ['fhir-search-own', 'DiagnosticReport', A, null],
          ['fhir-search-own', 'ImagingStudy', A, null],
          ['fhir-search-own', 'Observation', A, null],
        ]);
        for (const path of [
          `/fhir/DiagnosticReport?facility=${B}`,
          `/fhir/Observation?facility=${B}`,
          `/fhir/ImagingStudy?facility=${B}`,
        ])
          expectRefused(await call(path, readerA), 403, 'HUB_SEARCH_OTHER_FACILITY');
        // With a patient, facility narrows to the reports that facility published.
        const narrowed = await call(
          `/fhir/DiagnosticReport?subject:identifier=${token(P1)}&facility=${B}`,
          keyB,
        );
        expect(ids(narrowed)).toEqual(['SYN-SCOPE-B1']);
      });
    });

    describe('_include and Prefer: handling=lenient (defect 7)', () => {
      const byP1 = `/fhir/DiagnosticReport?subject:identifier=${token(P1)}`;
      const unsupported = [
        '_include=DiagnosticReport:performer',
        '_include=DiagnosticReport:result,DiagnosticReport:encounter',
        '_include:iterate=DiagnosticReport:result',
        '_include=Observation:patient',
      ];

      it('refuses an unsupported _include with an OperationOutcome by default (strict)', async () => {
        for (const include of unsupported) {
          const answer = await call(`${byP1}&${include}`, keyA);
          expect(answer.status, include).toBe(400);
          expect(answer.json.resourceType).toBe('OperationOutcome');
          expect(answer.text).toContain('FHIR_PARAMETER_UNSUPPORTED');
        }
        const strict = await call(`${byP1}&_include=DiagnosticReport:performer`, keyA, {
          prefer: 'handling=strict',
        });
        expect(strict.status).toBe(400);
      });

      it('ignores it under handling=lenient — left out of the self link — and keeps the supported ones', async () => {
        const lenient = { prefer: 'handling=lenient' };
        for (const include of unsupported) {
          const answer = await call(`${byP1}&${include}`, keyA, lenient);
          expect(answer.status, include).toBe(200);
          const self = new URL(((answer.json.link as Json[])[0] as { url: string }).url);
          expect(self.searchParams.getAll('_include'), include).toEqual(
            include.includes('DiagnosticReport:result,') ? ['DiagnosticReport:result'] : [],
          );
          expect([...self.searchParams.keys()]).not.toContain('_include:iterate');
          const included = (answer.json.entry ?? []).filter((e) => (e.search as Json).mode === 'include');
          expect(included.length > 0, include).toBe(include.includes('DiagnosticReport:result,'));
        }
        // Other resources, and the reports of imaging studies, take no _include: lenient ignores it there too.
        for (const path of [
          `/fhir/Patient?identifier=${token(P1)}&_include=Patient:link`,
          `/fhir/DiagnosticReport?identifier=urn:lienthong:sid:imaging-report|2.25.1300000000000000001&_include=DiagnosticReport:result`,
        ]) {
          expect((await call(path, keyA)).status, path).toBe(400);
          const answer = await call(path, keyA, lenient);
          expect(answer.status, path).toBe(200);
          expect(((answer.json.link as Json[])[0] as { url: string }).url).not.toContain('_include');
        }
      });
    });
  });
}
