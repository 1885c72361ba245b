import { readFileSync } from 'node:fs';
import { DEFAULT_IDENTIFIER_SYSTEMS, isAuthError } from '@lienthong/core';
import { createHubVisitHistory } from '@lienthong/hub-api';
import { newVisit, type Visit, type VisitHistory } from '@lienthong/visits';
import { summaryParts, summaryView, visitKey } from '@lienthong/visits/provider-kit';
import { decodeXml130, encodeXml130 } from '@lienthong/visits/xml130';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningHub } from '../src/server.js';
import type { MakeDatabase, TestDatabase } from './databases.js';
import { failure, startTestHub } from './test-hub.js';

const ADMIN_KEY = 'visits-admin-key-not-secret';
const ICD10 = 'http://hl7.org/fhir/sid/icd-10';
const CCCD = DEFAULT_IDENTIFIER_SYSTEMS.cccd;
/** SYNTHETIC XML 130 file set: facility 01001, three visits; only the first names a CCCD or card. */
const FIXTURE = readFileSync(
  new URL('../../visits/test/fixtures/synthetic-xml130-file-set.xml', import.meta.url),
);
/** Real ICD-10 ranges, a hub's example policy: HIV disease withheld unless the purpose is ETREAT. */
const POLICY = { rules: [{ name: 'hiv', diagnoses: ['B20-B24', 'Z21'], allowPurposes: ['ETREAT'] }] };

const collect = async <T>(items: AsyncIterable<T>): Promise<T[]> => {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
};

/** A SYNTHETIC visit of `facility` for the patient holding CCCD `cccd`. */
function visit(id: string, cccd: string, overrides: Partial<Visit> = {}): Visit {
  return newVisit({
    id,
    facility: '01001',
    patient: { name: 'Bệnh nhân tổng hợp', identifiers: [{ system: CCCD, value: cccd }] },
    visitType: '03',
    admittedAt: '2026-03-01T08:00:00+07:00',
    dischargedAt: '2026-03-05T10:00:00+07:00',
    mainDiagnosis: { system: ICD10, code: 'J18.9' },
    ...overrides,
  });
}

/**
 * Visit history on the hub, per storage dialect: facility isolation, XML 130 file sets published
 * whole or not at all, one audit entry per read, and the disclosure policy on every read.
 */
export function describeHubVisits(dialect: string, makeDatabase: MakeDatabase): void {
  describe(`hub visits on ${dialect}`, () => {
    let database: TestDatabase;
    let hub: RunningHub;
    const keys: Record<string, string> = {};
    const historyOf = (facility: string, purpose?: string): VisitHistory =>
      createHubVisitHistory({
        baseUrl: hub.url,
        apiKey: keys[facility]!,
        retry: false,
        ...(purpose ? { purpose } : {}),
      });
    const call = (facility: string, path: string, init: RequestInit = {}) =>
      fetch(`${hub.url}/v1${path}`, {
        ...init,
        headers: { authorization: `Bearer ${keys[facility]}`, ...init.headers },
      });
    const admin = async (path: string) =>
      (await (
        await fetch(`${hub.url}/v1${path}`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })
      ).json()) as {
        items: { action: string; resourceType: string; withheld: number | null; purpose: string }[];
      };
    const auditOf = (facility: string) => admin(`/audit?facility=${facility}&limit=1000`);
    const storedVisits = async () =>
      Number(
        (
          await hub.store.db
            .selectFrom('visits')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const patientPath = (cccd: string) => encodeURIComponent(`${CCCD}|${cccd}`);

    beforeAll(async () => {
      database = await makeDatabase();
      hub = await startTestHub(database, { adminKey: ADMIN_KEY, rateLimit: false, disclosurePolicy: POLICY });
      for (const code of ['01001', '01002']) {
        const answer = await fetch(`${hub.url}/v1/facilities`, {
          method: 'POST',
          headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
          body: JSON.stringify({ code, name: `Bệnh viện ${code} (synthetic)` }),
        });
        keys[code] = ((await answer.json()) as { credential: { apiKey: string } }).credential.apiKey;
      }
    });
    afterAll(async () => {
      await hub?.close();
      await database?.drop();
    });

    it('refuses a visit of another facility (403, its path), and stores nothing', async () => {
      const other = visit('SYN-LK-ISO', '001085000001', { facility: '01002' });
      const error = await failure(historyOf('01001').publish(other));
      expect(isAuthError(error) && error).toMatchObject({
        code: 'HUB_PUBLISH_AS_OTHER_FACILITY',
        path: 'facility',
      });
      expect(await historyOf('01002').get(visitKey(other))).toBeUndefined();
      // Nor may it assert another facility's record number for the patient.
      const mrn = { system: 'urn:lienthong:sid:mrn:01002', value: 'SYN-BN-9' };
      const claimed = visit('SYN-LK-MRN', '001085000001', {
        patient: { identifiers: [{ system: CCCD, value: '001085000001' }, mrn] },
      });
      expect(await failure(historyOf('01001').publish(claimed))).toMatchObject({
        code: 'HUB_IDENTIFIER_OF_OTHER_FACILITY',
        path: 'patient.identifiers[1].system',
      });
      expect(await historyOf('01001').get(visitKey(claimed))).toBeUndefined();
      // The facility's own visit goes in, and another facility reads it.
      const own = visit('SYN-LK-ISO', '001085000001');
      expect(await historyOf('01001').publish(own)).toEqual({
        id: '01001:SYN-LK-ISO',
        version: 1,
        outcome: 'created',
      });
      expect(await historyOf('01002').get('01001:SYN-LK-ISO')).toEqual(own);
    });

    it('refuses a file set with unpublishable visits whole, listing each with its place', async () => {
      const before = await storedVisits();
      const answer = await call('01001', '/visits', {
        method: 'POST',
        headers: { 'content-type': 'application/xml' },
        body: FIXTURE,
      });
      expect(answer.status).toBe(400);
      const problem = (await answer.json()) as { code: string; issues: { path: string; code: string }[] };
      expect(problem.code).toBe('HUB_VISIT_FILE_SET_INVALID');
      // Visits 2 and 3 name only MA_BN (the facility's own number): no identifier to find them by.
      expect(problem.issues.map((i) => [i.path, i.code])).toEqual([
        ['visits[1].patient.identifiers', 'VISIT_NOT_PUBLISHABLE'],
        ['visits[2].patient.identifiers', 'VISIT_NOT_PUBLISHABLE'],
      ]);
      expect(await storedVisits()).toBe(before);
    });

    it('publishes a whole XML 130 file set: one receipt per visit, then unchanged; 403 for another facility', async () => {
      const decoded = decodeXml130(FIXTURE).value;
      const cccds = ['001085012345', '001190054321', '001080098765'];
      const fileSet = {
        ...decoded,
        visits: decoded.visits.map((v, i) => ({
          ...v,
          patient: {
            ...v.patient,
            identifiers: [{ system: CCCD, value: cccds[i]! }, ...v.patient.identifiers.slice(1)],
          },
        })),
      };
      const xml = encodeXml130(fileSet).value;
      const post = (facility: string) =>
        call(facility, '/visits', {
          method: 'POST',
          headers: { 'content-type': 'application/xml' },
          body: xml,
        });
      const before = await storedVisits();
      const refused = await post('01002');
      expect(refused.status).toBe(403);
      expect(await refused.json()).toMatchObject({ code: 'HUB_PUBLISH_AS_OTHER_FACILITY' });
      expect(await storedVisits()).toBe(before);

      const first = await post('01001');
      expect(first.status).toBe(201);
      const keysOf = ['SYN-LK-0001', 'SYN-LK-0002', 'SYN-LK-0003'].map((id) => `01001:${id}`);
      expect(await first.json()).toEqual({
        receipts: keysOf.map((id) => ({ id, version: 1, outcome: 'created' })),
      });
      const again = await post('01001');
      expect(again.status).toBe(200);
      expect(await again.json()).toEqual({
        receipts: keysOf.map((id) => ({ id, version: 1, outcome: 'unchanged' })),
      });
      expect(await storedVisits()).toBe(before + 3);
      const [visit2] = await collect(
        historyOf('01002').query({ patient: { system: CCCD, value: cccds[1]! } }),
      );
      expect(visit2).toMatchObject({
        id: 'SYN-LK-0002',
        facility: '01001',
        patient: { localId: 'SYN-BN-02' },
      });
    });

    it('replays a file set sent again under its Idempotency-Key, and refuses the key for another body', async () => {
      const decoded = decodeXml130(FIXTURE).value;
      const one = (cccd: string) =>
        encodeXml130({
          ...decoded,
          visits: [
            {
              ...decoded.visits[0]!,
              patient: { ...decoded.visits[0]!.patient, identifiers: [{ system: CCCD, value: cccd }] },
            },
          ],
        }).value;
      const post = (body: string) =>
        call('01001', '/visits', {
          method: 'POST',
          headers: { 'content-type': 'application/xml', 'idempotency-key': 'SYN-file-set-1' },
          body,
        });
      // The fixture's first visit (its rows link to its MA_LK), under another CCCD: a new version.
      const first = await post(one('001085000004'));
      const answer = await first.json();
      expect([first.status, answer]).toEqual([
        200,
        { receipts: [{ id: '01001:SYN-LK-0001', version: 2, outcome: 'updated' }] },
      ]);
      const replay = await post(one('001085000004'));
      expect([replay.status, await replay.json()]).toEqual([200, answer]);
      const reused = await post(one('001085000005'));
      expect(reused.status).toBe(409);
      expect(await reused.json()).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    });

    it('answers an XML body that is not a valid file set with every problem and its place', async () => {
      const post = (body: string) =>
        call('01001', '/visits', { method: 'POST', headers: { 'content-type': 'application/xml' }, body });
      const unreadable = await post('not xml at all');
      expect(unreadable.status).toBe(400);
      expect(await unreadable.json()).toMatchObject({ code: 'XML130_UNREADABLE' });
      // An unknown ICD-10 code in MA_BENH_CHINH: an error of the strict decode.
      const decoded = decodeXml130(FIXTURE).value;
      const broken = encodeXml130({
        ...decoded,
        visits: decoded.visits.map((v) => ({ ...v, mainDiagnosis: { system: ICD10, code: 'U99.99' } })),
      }).value;
      const invalid = await post(broken);
      expect(invalid.status).toBe(400);
      const problem = (await invalid.json()) as { code: string; issues: { path: string }[] };
      expect(problem.code).toBe('XML130_INVALID');
      expect(problem.issues.length).toBeGreaterThanOrEqual(3);
      for (const issue of problem.issues) expect(issue.path).toMatch(/\S/);
    });

    it('writes exactly one audit entry per read, naming the purpose and what was withheld', async () => {
      const patient = { system: CCCD, value: '001085000001' };
      const reader = historyOf('01002', 'TREAT');
      const before = (await auditOf('01002')).items.length;
      await reader.get('01001:SYN-LK-ISO');
      await reader.history('01001:SYN-LK-ISO');
      await collect(reader.query({ patient }));
      await reader.summary(patient);
      await reader.get('01001:SYN-LK-unknown');
      const { items } = await auditOf('01002');
      // Newest first; entries of one millisecond in any order.
      const entries = items
        .slice(0, items.length - before)
        .map((e) => [e.action, e.resourceType, e.purpose, e.withheld]);
      expect(entries.sort()).toEqual(
        [
          ['read', 'Visit', 'TREAT', 0],
          ['history', 'Visit', 'TREAT', 0],
          ['search', 'Visit', 'TREAT', 0],
          ['summary', 'Visit', 'TREAT', 0],
          ['read', 'Visit', 'TREAT', 0],
        ].sort(),
      );
    });

    it('withholds sensitive diagnoses from another facility’s TREAT reader, counted; ETREAT and the recording facility see all', async () => {
      const patient = { system: CCCD, value: '001085000002' };
      const sensitive = visit('SYN-LK-HIV', patient.value, {
        mainDiagnosis: { system: ICD10, code: 'B20' },
        secondaryDiagnoses: [{ system: ICD10, code: 'I10' }],
        dischargeDiagnosis: 'text naming the diagnosis (synthetic)',
      });
      await historyOf('01001').publish(sensitive);
      const key = visitKey(sensitive);

      const other = historyOf('01002', 'TREAT');
      const seen = await other.get(key);
      expect(seen?.mainDiagnosis).toBeUndefined();
      expect(seen?.secondaryDiagnoses).toEqual([{ system: ICD10, code: 'I10' }]);
      expect(seen).not.toHaveProperty('dischargeDiagnosis');
      expect((await other.history(key))[0]?.mainDiagnosis).toBeUndefined();
      // A filter never matches what the answer withholds.
      expect(await collect(other.query({ patient, diagnosis: 'B20' }))).toEqual([]);
      const summary = await other.summary(patient);
      expect(summary.withheld).toBe(1);
      expect(summary.problems.map((p) => p.code.code)).toEqual(['I10']);
      const audited = (await auditOf('01002')).items.filter((e) => e.withheld !== 0 && e.withheld !== null);
      expect(audited.map((e) => [e.action, e.withheld]).sort()).toEqual([
        ['history', 1],
        ['read', 1],
        ['summary', 1],
      ]);

      for (const reader of [historyOf('01002', 'ETREAT'), historyOf('01001', 'TREAT')]) {
        expect(await reader.get(key)).toEqual(sensitive);
        expect(await collect(reader.query({ patient, diagnosis: 'B20' }))).toEqual([sensitive]);
        expect((await reader.summary(patient)).withheld).toBe(0);
      }
    });

    it('lists in the summary the imaging studies the hub holds for the patient', async () => {
      const patient = { system: CCCD, value: '001085000003' };
      await historyOf('01001').publish(visit('SYN-LK-IMG', patient.value));
      const study = {
        studyInstanceUid: '1.2.826.0.1.3680043.10.999.16.1',
        patient: { identifiers: [patient] },
        studyDate: '2026-03-02',
        modalities: ['CT'],
        description: 'CT ngực (synthetic)',
        instanceCount: 1,
      };
      const published = await call('01001', '/imaging-references', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(study),
      });
      expect(published.status).toBe(201);
      const summary = await historyOf('01002').summary(patient);
      expect(summary.imaging).toEqual([
        {
          studyInstanceUid: study.studyInstanceUid,
          startedAt: '2026-03-02',
          modalities: ['CT'],
          description: study.description,
          facility: '01001',
        },
      ]);
      expect(summary.encounters.map((e) => e.visit)).toEqual(['01001:SYN-LK-IMG']);
    });

    it('lists at most 50 studies in the summary, newest first as the imaging query lists them (undated last)', async () => {
      const patient = { system: CCCD, value: '001085000041' };
      await historyOf('01001').publish(visit('SYN-LK-IMG-MANY', patient.value));
      // 52 SYNTHETIC studies: dates repeat (the UID breaks ties), two have none.
      for (let n = 0; n < 52; n++) {
        const res = await call('01001', '/imaging-references', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            studyInstanceUid: `1.2.826.0.1.3680043.10.999.16.2.${n}`,
            patient: { identifiers: [patient] },
            ...(n % 26 === 25 ? {} : { studyDate: `2026-0${1 + (n % 9)}-1${n % 7}` }),
            modalities: ['CR'],
            instanceCount: 1,
          }),
        });
        expect(res.status).toBe(201);
      }
      const listed: string[] = [];
      let cursor: string | null = null;
      do {
        const res = await call(
          '01002',
          `/imaging-references?patient=${patientPath(patient.value)}&limit=20${cursor ? `&cursor=${cursor}` : ''}`,
        );
        const page = (await res.json()) as {
          items: { studyInstanceUid: string }[];
          nextCursor: string | null;
        };
        listed.push(...page.items.map((i) => i.studyInstanceUid));
        cursor = page.nextCursor;
      } while (cursor);
      expect(listed).toHaveLength(52);
      const summary = await historyOf('01002').summary(patient);
      expect(summary.imaging.map((i) => i.studyInstanceUid)).toEqual(listed.slice(0, 50));
      expect(summary.imaging.filter((i) => i.startedAt === undefined)).toHaveLength(0);
      expect(summary.encounters.map((e) => e.visit)).toEqual(['01001:SYN-LK-IMG-MANY']);
    });

    it('makes summaries from each visit’s stored summary parts, and from the summary view or whole visit of rows stored before', async () => {
      const patient = { system: CCCD, value: '001085000016' };
      const stored = visit('SYN-LK-VIEW', patient.value, {
        secondaryDiagnoses: [{ system: ICD10, code: 'I10' }],
        medications: [
          {
            code: 'SYN-THUOC-1',
            name: 'Thuốc tổng hợp (SYNTHETIC)',
            dose: '1 viên x 2 lần/ngày',
            quantity: '10',
            administeredAt: '2026-03-02T08:00:00+07:00',
            source: { GHI_CHU: 'SYNTHETIC' },
          },
        ],
        notes: [{ text: 'Diễn biến ổn định (SYNTHETIC)', source: {} }],
      });
      await historyOf('01001').publish(stored);
      const row = await hub.store.db
        .selectFrom('visits')
        .select(['document', 'summary_document'])
        .where('key', '=', visitKey(stored))
        .executeTakeFirstOrThrow();
      expect(JSON.parse(row.summary_document!)).toEqual(summaryParts(stored));

      const asOf = '2026-03-10T00:00:00+07:00';
      const reader = historyOf('01002');
      const fromParts = await reader.summary(patient, { asOf });
      expect(fromParts.medications.map((m) => m.code)).toEqual(['SYN-THUOC-1']);
      expect(fromParts.problems.map((p) => p.code.code).sort()).toEqual(['I10', 'J18.9']);
      // Rows stored before the hub kept parts: a summary view (migration 012 on), or nothing.
      for (const older of [JSON.stringify(summaryView(stored)), null]) {
        await hub.store.db
          .updateTable('visits')
          .set({ summary_document: older })
          .where('key', '=', visitKey(stored))
          .execute();
        expect(await reader.summary(patient, { asOf })).toEqual(fromParts);
      }
    });

    it('answers each patient’s own summary, byte for byte, when summaries of different lengths are read at once (an answer’s memory is reused once sent)', async () => {
      // SYNTHETIC patients with 1, 4 and 9 visits: summaries of different lengths share the memory.
      const patients = ['001085000031', '001085000032', '001085000033'];
      for (const [i, cccd] of patients.entries())
        for (let n = 0; n < [1, 4, 9][i]!; n++)
          await historyOf('01001').publish(
            visit(`SYN-LK-REUSE-${i}-${n}`, cccd, {
              admittedAt: `2026-0${1 + (n % 9)}-0${1 + i}T08:00:00+07:00`,
              dischargedAt: `2026-0${1 + (n % 9)}-0${2 + i}T10:00:00+07:00`,
              notes: [{ text: `Ghi chú tổng hợp ${n} (SYNTHETIC)`, source: {} }],
            }),
          );
      const read = async (cccd: string) => {
        const res = await call('01002', `/patients/${patientPath(cccd)}/summary?asOf=2026-12-01T00:00:00Z`);
        expect(res.status).toBe(200);
        return res.text();
      };
      const expected = await Promise.all(patients.map(read));
      expect(
        expected.map((text) => (JSON.parse(text) as { encounters: unknown[] }).encounters.length),
      ).toEqual([1, 4, 9]);
      // Six clients each reading in a loop: requests start while others wait for their audit entry
      // with their answer made, as under load.
      const clients = await Promise.all(
        Array.from({ length: 6 }, async (_, client) => {
          const texts: [number, string][] = [];
          for (let k = 0; k < 8; k++) {
            const which = (client + k) % 3;
            texts.push([which, await read(patients[which]!)]);
          }
          return texts;
        }),
      );
      for (const [which, text] of clients.flat()) expect(text).toBe(expected[which]);
    });

    it('answers every malformed request with a 4xx problem, never a 5xx', async () => {
      const patient = patientPath('001085000001');
      const cases: [string, RequestInit, number, string][] = [
        [
          '/visits',
          { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"id":1}' },
          400,
          'VISIT_INVALID',
        ],
        [
          '/visits',
          { method: 'POST', headers: { 'content-type': 'application/json' }, body: '[' },
          400,
          'HUB_BODY_NOT_JSON',
        ],
        [
          '/visits',
          { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x' },
          415,
          'HUB_MEDIA_TYPE_UNSUPPORTED',
        ],
        [
          '/visits',
          {
            method: 'POST',
            headers: { 'content-type': 'application/xml', 'content-encoding': 'gzip' },
            body: 'x',
          },
          415,
          'HUB_CONTENT_ENCODING_UNSUPPORTED',
        ],
        ['/visits/no-colon', {}, 404, 'VISIT_NOT_FOUND'],
        [`/visits/01001:${'x'.repeat(201)}`, {}, 400, 'HUB_ID_INVALID'],
        ['/patients/no-system/visits', {}, 400, 'HUB_PARAMETER_INVALID'],
        [`/patients/${patient}/visits?since=2026-02-01&until=2026-01-01`, {}, 400, 'DATE_RANGE_INVALID'],
        [`/patients/${patient}/visits?since=yesterday`, {}, 400, 'HUB_PARAMETER_INVALID'],
        [`/patients/${patient}/visits?cursor=bogus`, {}, 400, 'HUB_CURSOR_INVALID'],
        [`/patients/${patient}/visits?limit=0x10`, {}, 400, 'HUB_PARAMETER_INVALID'],
        [`/patients/${patient}/visits?patient=x`, {}, 400, 'HUB_PARAMETER_UNSUPPORTED'],
        [`/patients/${patient}/summary?asOf=soon`, {}, 400, 'HUB_PARAMETER_INVALID'],
      ];
      for (const [path, init, status, code] of cases) {
        const answer = await call('01001', path, init);
        expect([path, answer.status]).toEqual([path, status]);
        expect(await answer.json()).toMatchObject({ code });
      }
    });
  });
}
