import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningHub } from '../src/server.js';
import type { MakeDatabase, TestDatabase } from './databases.js';
import { syntheticReport } from './synthetic-report.js';
import { startTestHub } from './test-hub.js';

const ADMIN_KEY = 'limits-admin-key-not-secret';
/** A SYNTHETIC identifier system: the values below are made up. */
const MRN = 'urn:synthetic:limits:mrn';
const PUBLIC_URL = 'https://hub.example.vn/lienthong';

/** A SYNTHETIC lab report of the made-up patient `patientValue`. */
const report = (id: string, patientValue = 'LIM-P1') =>
  syntheticReport(id, { system: MRN, value: patientValue });

/** A SYNTHETIC patient record. */
function patient(value: string): Record<string, unknown> {
  return { identifiers: [{ system: MRN, value }], name: { family: 'Thử', given: 'Nghiệm' } };
}

/** A SYNTHETIC imaging reference (made-up study UID under the DICOM example root). */
function imaging(uid: string, patientValue = 'LIM-P1'): Record<string, unknown> {
  return {
    studyInstanceUid: uid,
    patient: { identifiers: [{ system: MRN, value: patientValue }] },
    instanceCount: 1,
  };
}

/** `[[…]]` nested `levels` deep, as JSON text. */
const nested = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;
/** `document` with one more member holding `extra` (JSON text): the body is one level deeper than `extra`. */
const withMember = (document: Record<string, unknown>, extra: string) =>
  `${JSON.stringify(document).slice(0, -1)},"extra":${extra}}`;

interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: Record<string, unknown> & { code?: string; messageVi?: string; items?: unknown[] };
}

/**
 * What the hub tests here have in common: every request below is refused with a 4xx problem
 * document (or OperationOutcome under /fhir) — never a 5xx — and nothing it carried is stored.
 */
export function describeHubInputLimits(dialect: string, makeDatabase: MakeDatabase): void {
  describe(`hub input limits on ${dialect}`, () => {
    let database: TestDatabase;
    let behindProxyDatabase: TestDatabase;
    let hub: RunningHub;
    let behindProxy: RunningHub;
    let key: string;
    let proxyKey: string;

    beforeAll(async () => {
      database = await makeDatabase();
      behindProxyDatabase = await makeDatabase();
      const common = { adminKey: ADMIN_KEY, rateLimit: false as const };
      hub = await startTestHub(database, common);
      behindProxy = await startTestHub(behindProxyDatabase, { ...common, publicUrl: `${PUBLIC_URL}/` });
      const created = await call(hub, 'POST', '/v1/facilities', {
        key: ADMIN_KEY,
        json: { code: '01001', name: 'Bệnh viện A (synthetic)' },
      });
      key = (created.json as { credential: { apiKey: string } }).credential.apiKey;
      const proxied = await call(behindProxy, 'POST', '/v1/facilities', {
        key: ADMIN_KEY,
        json: { code: '01001', name: 'Bệnh viện A (synthetic)' },
      });
      proxyKey = (proxied.json as { credential: { apiKey: string } }).credential.apiKey;
      for (const target of [hub, behindProxy]) {
        const k = target === hub ? key : proxyKey;
        for (let i = 1; i <= 3; i++)
          expect(
            (
              await call(target, 'POST', '/v1/lab-reports', {
                key: k,
                json: report(`SYN-LINK-${i}`, 'LIM-LINKS'),
              })
            ).status,
          ).toBe(201);
      }
    });
    afterAll(async () => {
      await hub?.close();
      await behindProxy?.close();
      await database?.drop();
      await behindProxyDatabase?.drop();
    });

    /** One request through fetch; `body` is sent as bytes (fetch adds no Content-Type of its own). */
    async function call(
      target: RunningHub,
      method: string,
      path: string,
      options: {
        key?: string;
        json?: unknown;
        body?: string | Uint8Array;
        headers?: Record<string, string>;
      } = {},
    ): Promise<Answer> {
      const headers: Record<string, string> = {
        ...(options.key ? { authorization: `Bearer ${options.key}` } : {}),
        ...(options.json !== undefined ? { 'content-type': 'application/json' } : {}),
        ...options.headers,
      };
      const body =
        options.json !== undefined
          ? new TextEncoder().encode(JSON.stringify(options.json))
          : typeof options.body === 'string'
            ? new TextEncoder().encode(options.body)
            : options.body && new Uint8Array(options.body);
      const r = await fetch(`${target.url}${path}`, { method, headers, ...(body ? { body } : {}) });
      const text = await r.text();
      let json: Answer['json'] = {};
      try {
        json = text ? (JSON.parse(text) as Answer['json']) : {};
      } catch {
        // not JSON: the assertions on `text` say so
      }
      return { status: r.status, headers: r.headers, text, json };
    }

    /** Asserts a problem document with a stable code and a Vietnamese message. */
    function expectProblem(answer: Answer, status: number, code: string): void {
      expect({ status: answer.status, code: answer.json.code }).toEqual({ status, code });
      expect(answer.headers.get('content-type')).toContain('application/problem+json');
      expect(answer.json.messageVi).toEqual(expect.any(String));
      expect(answer.json.messageVi).not.toBe('');
    }

    /** Asserts a FHIR OperationOutcome with the stable code among its issue details. */
    function expectOutcome(answer: Answer, status: number, code: string): void {
      expect(answer.status).toBe(status);
      expect(answer.headers.get('content-type')).toContain('application/fhir+json');
      expect(answer.json.resourceType).toBe('OperationOutcome');
      expect(answer.text).toContain(code);
    }

    const publish = (path: string, body: string, headers: Record<string, string> = {}) =>
      call(hub, path === '/v1/patients' ? 'PUT' : 'POST', path, {
        key,
        body,
        headers: { 'content-type': 'application/json', ...headers },
      });
    const reportCount = async (patientValue: string) =>
      (
        await call(hub, 'GET', `/v1/lab-reports?patient=${encodeURIComponent(`${MRN}|${patientValue}`)}`, {
          key,
        })
      ).json.items?.length;
    const auditCount = async () =>
      (await call(hub, 'GET', '/v1/audit?limit=1000', { key: ADMIN_KEY })).json.items?.length;

    describe('defect 4: nesting depth', () => {
      const UID = '2.25.4000000001';
      const writes = [
        { path: '/v1/lab-reports', document: report('SYN-DEEP-1', 'LIM-DEEP') },
        { path: '/v1/patients', document: patient('LIM-DEEP-PATIENT') },
        { path: '/v1/imaging-references', document: imaging(UID, 'LIM-DEEP') },
      ];

      it('refuses a body nested deeper than 64 levels on every write with 400 HUB_BODY_TOO_DEEP, storing nothing', async () => {
        for (const { path, document } of writes) {
          for (const levels of [4000, 64]) {
            const answer = await publish(path, withMember(document, nested(levels)));
            expectProblem(answer, 400, 'HUB_BODY_TOO_DEEP');
            expect(answer.json.path).toBe('body');
          }
        }
        expect((await call(hub, 'GET', '/v1/lab-reports/SYN-DEEP-1', { key })).status).toBe(404);
        expect(await reportCount('LIM-DEEP')).toBe(0);
        const byIdentifier = `/v1/patients/by-identifier?identifier=${encodeURIComponent(`${MRN}|LIM-DEEP-PATIENT`)}`;
        expect((await call(hub, 'GET', byIdentifier, { key })).status).toBe(404);
        expect((await call(hub, 'GET', `/v1/imaging-references/${UID}`, { key })).status).toBe(404);
      });

      it('refuses deep bodies on every other JSON route too, and a bare 100,000-level array, without a 5xx', async () => {
        const deep = nested(4000);
        for (const [method, path] of [
          ['POST', '/v1/patients/match'],
          ['POST', '/v1/reuse-check'],
          ['POST', '/v1/facilities'],
          ['POST', '/v1/facilities/01001/credentials'],
        ] as const) {
          const answer = await call(hub, method, path, {
            key: ADMIN_KEY,
            body: `{"input":${deep}}`,
            headers: { 'content-type': 'application/json' },
          });
          expectProblem(answer, 400, 'HUB_BODY_TOO_DEEP');
        }
        expectProblem(await publish('/v1/lab-reports', nested(100_000)), 400, 'HUB_BODY_TOO_DEEP');
        // Objects nest the same way.
        const objects = `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`;
        expectProblem(
          await publish('/v1/lab-reports', withMember(report('SYN-DEEP-2', 'LIM-DEEP'), objects)),
          400,
          'HUB_BODY_TOO_DEEP',
        );
        // Brackets inside strings are text, not nesting.
        const inText = { ...report('SYN-DEEP-TEXT', 'LIM-DEEP'), conclusion: `${'['.repeat(500)}{"[` };
        expect((await publish('/v1/lab-reports', JSON.stringify(inText))).status).toBe(201);
        expect(await reportCount('LIM-DEEP')).toBe(1);
      });

      it('accepts exactly 64 levels', async () => {
        const answer = await publish(
          '/v1/lab-reports',
          withMember(report('SYN-DEEP-64', 'LIM-DEEP64'), nested(63)),
        );
        expect(answer.status).toBe(201);
        expect((await call(hub, 'GET', '/v1/lab-reports/SYN-DEEP-64', { key })).status).toBe(200);
      });
    });

    describe('defect 5: ids and keys', () => {
      it('refuses report ids beyond 200 characters or with control characters, and accepts 200 (HUB_ID_INVALID)', async () => {
        for (const id of ['R'.repeat(100_000), 'R'.repeat(201), 'SYN\u0001CTRL', 'SYN\tTAB']) {
          const answer = await publish('/v1/lab-reports', JSON.stringify(report(id, 'LIM-IDS')));
          expectProblem(answer, 400, 'HUB_ID_INVALID');
          expect(answer.json.path).toBe('id');
        }
        const supersedes = await publish(
          '/v1/lab-reports',
          JSON.stringify({ ...report('SYN-SUPERSEDES', 'LIM-IDS'), supersedes: 'S'.repeat(201) }),
        );
        expectProblem(supersedes, 400, 'HUB_ID_INVALID');
        expect(supersedes.json.path).toBe('supersedes');
        expect(await reportCount('LIM-IDS')).toBe(0);
        const longest = 'R'.repeat(200);
        expect((await publish('/v1/lab-reports', JSON.stringify(report(longest, 'LIM-IDS')))).status).toBe(
          201,
        );
        expect((await call(hub, 'GET', `/v1/lab-reports/${longest}`, { key })).status).toBe(200);
        expect(await reportCount('LIM-IDS')).toBe(1);
      });

      it('refuses a NUL or an unpaired surrogate anywhere in a body (HUB_BODY_TEXT_INVALID), not a paired one', async () => {
        for (const id of ['SYN\u0000NUL', 'SYN\ud800LONE', 'SYN\udc00LONE', 'SYN\ud800\ud800']) {
          expectProblem(
            await publish('/v1/lab-reports', JSON.stringify(report(id, 'LIM-TEXT'))),
            400,
            'HUB_BODY_TEXT_INVALID',
          );
        }
        const inNote = { ...report('SYN-TEXT-NOTE', 'LIM-TEXT'), note: 'a\u0000b' };
        expectProblem(await publish('/v1/lab-reports', JSON.stringify(inNote)), 400, 'HUB_BODY_TEXT_INVALID');
        expectProblem(
          await publish('/v1/patients', JSON.stringify(patient('LIM-\ud800'))),
          400,
          'HUB_BODY_TEXT_INVALID',
        );
        // Bytes that are not UTF-8.
        const latin1 = Uint8Array.from(
          [...JSON.stringify(report('SYN-LATIN1', 'LIM-TEXT'))].map((c) => c.charCodeAt(0)),
        );
        latin1[latin1.indexOf('S'.charCodeAt(0))] = 0xe9;
        const notUtf8 = await call(hub, 'POST', '/v1/lab-reports', {
          key,
          body: latin1,
          headers: { 'content-type': 'application/json' },
        });
        expectProblem(notUtf8, 400, 'HUB_BODY_TEXT_INVALID');
        expect(await reportCount('LIM-TEXT')).toBe(0);
        const emoji = { ...report('SYN-TEXT-EMOJI', 'LIM-TEXT'), conclusion: 'Bình thường \ud83d\ude00' };
        expect((await publish('/v1/lab-reports', JSON.stringify(emoji))).status).toBe(201);
        expect(await reportCount('LIM-TEXT')).toBe(1);
      });

      it('refuses identifiers beyond their limits in reports, patients and imaging references', async () => {
        const longValue = { system: MRN, value: 'V'.repeat(201) };
        const longSystem = { system: `urn:synthetic:${'s'.repeat(250)}`, value: 'LIM-SYS' };
        const control = { system: MRN, value: 'LIM\u0007BELL' };
        for (const identifier of [longValue, longSystem, control]) {
          const r = await publish(
            '/v1/lab-reports',
            JSON.stringify({ ...report('SYN-IDENT'), patient: { identifiers: [identifier] } }),
          );
          expectProblem(r, 400, 'HUB_ID_INVALID');
          expect(r.json.path).toMatch(/^patient\.identifiers\[0\]\.(system|value)$/);
          const p = await publish(
            '/v1/patients',
            JSON.stringify({ ...patient('x'), identifiers: [identifier] }),
          );
          expectProblem(p, 400, 'HUB_ID_INVALID');
          expect(p.json.path).toMatch(/^identifiers\[0\]\.(system|value)$/);
          const i = await publish(
            '/v1/imaging-references',
            JSON.stringify({ ...imaging('2.25.5000000001'), patient: { identifiers: [identifier] } }),
          );
          expectProblem(i, 400, 'HUB_ID_INVALID');
        }
        const accession = await publish(
          '/v1/imaging-references',
          JSON.stringify({ ...imaging('2.25.5000000001'), accessionNumber: 'A'.repeat(201) }),
        );
        expectProblem(accession, 400, 'HUB_ID_INVALID');
        expect(accession.json.path).toBe('accessionNumber');
        const patientId = await publish(
          '/v1/patients',
          JSON.stringify({ ...patient('LIM-PID'), id: 'P'.repeat(201) }),
        );
        expectProblem(patientId, 400, 'HUB_ID_INVALID');
        expect((await call(hub, 'GET', '/v1/lab-reports/SYN-IDENT', { key })).status).toBe(404);
        expect((await call(hub, 'GET', '/v1/imaging-references/2.25.5000000001', { key })).status).toBe(404);
        for (const value of ['LIM-SYS', 'LIM-PID'])
          expect(
            (
              await call(hub, 'GET', `/v1/patients?identifier=${encodeURIComponent(value)}`, {
                key,
              })
            ).json.items,
          ).toEqual([]);
      });

      it('refuses ids beyond the limits in paths: 400 for /v1 and /fhir, audited nowhere', async () => {
        const before = await auditCount();
        const v1 = await call(hub, 'GET', `/v1/lab-reports/${'R'.repeat(201)}`, { key });
        expectProblem(v1, 400, 'HUB_ID_INVALID');
        expectProblem(
          await call(hub, 'GET', `/v1/lab-reports/${'R'.repeat(201)}/history`, { key }),
          400,
          'HUB_ID_INVALID',
        );
        for (const path of [
          `Patient/${'p'.repeat(65)}`,
          `DiagnosticReport/${'d'.repeat(65)}`,
          'DiagnosticReport/has_underscore/_history',
          `DiagnosticReport/${'d'.repeat(65)}/_history/1`,
          'Observation/a:b',
          `Specimen/${'s'.repeat(65)}`,
          `ImagingStudy/${'1'.repeat(65)}`,
          'Endpoint/a%20b',
        ])
          expectOutcome(await call(hub, 'GET', `/fhir/${path}`, { key }), 400, 'FHIR_ID_INVALID');
        expect(await auditCount()).toBe(before);
      });

      it('refuses control characters in URLs (400, not a database error)', async () => {
        const before = await auditCount();
        for (const path of [
          '/v1/lab-reports/SYN%00NUL',
          `/v1/lab-reports?patient=${encodeURIComponent(`${MRN}|`)}%00`,
          '/v1/imaging-references?patient=%01',
          '/v1/patients?family=a%0Ab',
          `/v1/credentials/x%00`,
        ])
          expectProblem(
            await call(hub, path.startsWith('/v1/credentials') ? 'DELETE' : 'GET', path, { key }),
            400,
            'HUB_URL_INVALID',
          );
        expectOutcome(await call(hub, 'GET', '/fhir/Patient?name=a%00', { key }), 400, 'HUB_URL_INVALID');
        expectOutcome(await call(hub, 'GET', '/fhir/Patient/a%00', { key }), 400, 'HUB_URL_INVALID');
        expect(await auditCount()).toBe(before);
      });

      it('refuses a malformed X-User or X-Purpose-Of-Use (400, naming the header, never its value) and audits nothing', async () => {
        const before = await auditCount();
        const search = `/v1/lab-reports?patient=${encodeURIComponent(`${MRN}|LIM-HEADER`)}`;
        const user = `Nguyen ${'V'.repeat(200)}`;
        for (const [headers, path] of [
          [{ 'x-user': user }, 'header.X-User'],
          [{ 'x-purpose-of-use': 'etreat' }, 'header.X-Purpose-Of-Use'],
          [{ 'x-purpose-of-use': 'E' }, 'header.X-Purpose-Of-Use'],
        ] as const) {
          const answer = await call(hub, 'GET', search, { key, headers });
          expectProblem(answer, 400, 'HUB_HEADER_INVALID');
          expect(answer.json.path).toBe(path);
          expect(answer.text).not.toContain('VVVV');
          expect(answer.text).not.toContain('etreat');
        }
        expect(await auditCount()).toBe(before);
        // Well-formed ones are recorded as sent.
        const ok = await call(hub, 'GET', search, {
          key,
          headers: { 'x-user': 'bs.an', 'x-purpose-of-use': 'ETREAT' },
        });
        expect(ok.status).toBe(200);
        expect(await auditCount()).toBe((before ?? 0) + 1);
      });

      it('answers an oversized URL or header block with a 431 problem document (an OperationOutcome under /fhir) over a real socket', async () => {
        const url = await call(hub, 'GET', `/v1/lab-reports/${'R'.repeat(100_000)}`, { key });
        expectProblem(url, 431, 'HUB_REQUEST_HEADER_TOO_LARGE');
        const header = await call(hub, 'GET', '/v1/me', { key, headers: { 'x-user': 'u'.repeat(20_000) } });
        expectProblem(header, 431, 'HUB_REQUEST_HEADER_TOO_LARGE');
        // Under the FHIR facade, the same refusal is an OperationOutcome.
        const fhirUrl = await call(hub, 'GET', `/fhir/Patient?name=${'n'.repeat(20_000)}`, { key });
        expectOutcome(fhirUrl, 431, 'HUB_REQUEST_HEADER_TOO_LARGE');
        const fhirHeader = await call(hub, 'GET', '/fhir/metadata', {
          key,
          headers: { 'x-user': 'u'.repeat(20_000) },
        });
        expectOutcome(fhirHeader, 431, 'HUB_REQUEST_HEADER_TOO_LARGE');
        // A request line Node cannot parse at all.
        const malformed = await raw(hub, 'GET /v1/me HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n');
        expect(malformed).toMatch(/^HTTP\/1\.1 400 /);
        expect(malformed).toContain('application/problem+json');
        expect(malformed).toContain('HUB_REQUEST_MALFORMED');
        // The hub still answers afterwards.
        expect((await call(hub, 'GET', '/v1/me', { key })).status).toBe(200);
      });

      it('refuses an Idempotency-Key that breaks the contract (1–200 printable ASCII characters), storing nothing', async () => {
        const body = JSON.stringify(report('SYN-KEY-1', 'LIM-KEY'));
        for (const idempotencyKey of ['k'.repeat(5000), 'k'.repeat(201), '']) {
          const answer = await publish('/v1/lab-reports', body, { 'idempotency-key': idempotencyKey });
          expectProblem(answer, 400, 'HUB_IDEMPOTENCY_KEY_INVALID');
          expect(answer.json.path).toBe('Idempotency-Key');
        }
        expect((await call(hub, 'GET', '/v1/lab-reports/SYN-KEY-1', { key })).status).toBe(404);
        const first = await publish('/v1/lab-reports', body, { 'idempotency-key': 'k'.repeat(200) });
        expect(first.status).toBe(201);
        const replay = await publish('/v1/lab-reports', body, { 'idempotency-key': 'k'.repeat(200) });
        expect(replay.status).toBe(201);
        expect(await reportCount('LIM-KEY')).toBe(1);
      });

      it('refuses a facility name beyond 200 characters or with control characters (HUB_FACILITY_NAME_INVALID)', async () => {
        const count = async () =>
          (await call(hub, 'GET', '/v1/facilities', { key: ADMIN_KEY })).json.items?.length;
        const before = await count();
        for (const [code, name] of [
          ['02001', 'N'.repeat(100_000)],
          ['02002', 'N'.repeat(201)],
          ['02003', 'Bệnh viện\u0007'],
        ] as const) {
          const answer = await call(hub, 'POST', '/v1/facilities', { key: ADMIN_KEY, json: { code, name } });
          expectProblem(answer, 400, 'HUB_FACILITY_NAME_INVALID');
          expect(answer.json.path).toBe('name');
        }
        expect(await count()).toBe(before);
        const ok = await call(hub, 'POST', '/v1/facilities', {
          key: ADMIN_KEY,
          json: { code: '02004', name: 'N'.repeat(200) },
        });
        expect(ok.status).toBe(201);
        expect(await count()).toBe((before ?? 0) + 1);
      });
    });

    describe('defect 6: request format', () => {
      const body = () => JSON.stringify(report('SYN-FORMAT-1', 'LIM-FORMAT'));

      it('refuses a body that is not JSON by its Content-Type with 415, storing nothing', async () => {
        for (const type of [
          'text/plain',
          'text/plain;charset=UTF-8',
          'application/x-www-form-urlencoded',
          'multipart/form-data; boundary=x',
          'application/jsonp',
          'application/json; charset=iso-8859-1',
          'application/xml',
        ]) {
          expectProblem(
            await call(hub, 'POST', '/v1/lab-reports', {
              key,
              body: body(),
              headers: { 'content-type': type },
            }),
            415,
            'HUB_MEDIA_TYPE_UNSUPPORTED',
          );
        }
        // No Content-Type at all.
        expectProblem(
          await call(hub, 'POST', '/v1/lab-reports', { key, body: body() }),
          415,
          'HUB_MEDIA_TYPE_UNSUPPORTED',
        );
        expectProblem(
          await call(hub, 'PUT', '/v1/patients', {
            key,
            body: JSON.stringify(patient('LIM-FORMAT')),
            headers: { 'content-type': 'text/plain' },
          }),
          415,
          'HUB_MEDIA_TYPE_UNSUPPORTED',
        );
        expect(await reportCount('LIM-FORMAT')).toBe(0);
        const byIdentifier = `/v1/patients/by-identifier?identifier=${encodeURIComponent(`${MRN}|LIM-FORMAT`)}`;
        expect((await call(hub, 'GET', byIdentifier, { key })).status).toBe(404);
      });

      it('accepts application/json with a UTF-8 charset and +json types', async () => {
        const ok = await call(hub, 'POST', '/v1/lab-reports', {
          key,
          body: body(),
          headers: { 'content-type': 'Application/JSON; Charset="utf-8"' },
        });
        expect(ok.status).toBe(201);
        const again = await call(hub, 'POST', '/v1/lab-reports', {
          key,
          body: body(),
          headers: { 'content-type': 'application/fhir+json' },
        });
        expect(again.status).toBe(200);
        // An empty optional body needs no type.
        const credential = await call(hub, 'POST', '/v1/facilities/01001/credentials', { key: ADMIN_KEY });
        expect(credential.status).toBe(201);
      });

      it('refuses a Content-Encoding other than identity with 415 and Accept-Encoding, storing nothing', async () => {
        const gzip = await call(hub, 'POST', '/v1/lab-reports', {
          key,
          body: gzipSync(JSON.stringify(report('SYN-FORMAT-GZ', 'LIM-GZ'))),
          headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
        });
        expectProblem(gzip, 415, 'HUB_CONTENT_ENCODING_UNSUPPORTED');
        expect(gzip.headers.get('accept-encoding')).toBe('identity');
        for (const encoding of ['br', 'deflate', 'identity, gzip'])
          expectProblem(
            await publish('/v1/lab-reports', JSON.stringify(report('SYN-FORMAT-GZ', 'LIM-GZ')), {
              'content-encoding': encoding,
            }),
            415,
            'HUB_CONTENT_ENCODING_UNSUPPORTED',
          );
        expect(await reportCount('LIM-GZ')).toBe(0);
        const identity = await publish('/v1/lab-reports', JSON.stringify(report('SYN-FORMAT-ID', 'LIM-GZ')), {
          'content-encoding': 'Identity',
        });
        expect(identity.status).toBe(201);
      });
    });

    describe('defect 8: links and numbers', () => {
      /** A GET with a forged Host (and forwarding headers), over a socket: fetch will not send them. */
      const forged = (target: RunningHub, path: string, k: string) =>
        new Promise<{ status: number; body: Record<string, unknown> }>((resolve, reject) => {
          const req = httpRequest(`${target.url}${path}`, {
            headers: {
              host: 'evil.example',
              'x-forwarded-host': 'evil.example',
              'x-forwarded-proto': 'https',
              forwarded: 'host=evil.example;proto=https',
              authorization: `Bearer ${k}`,
            },
          });
          req.on('response', (res) => {
            let text = '';
            res.on('data', (d: Buffer) => (text += d.toString()));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
          });
          req.on('error', reject);
          req.end();
        });
      const search = `/fhir/DiagnosticReport?patient:identifier=${encodeURIComponent(`${MRN}|LIM-LINKS`)}&_count=2`;

      /** Every URL a Bundle or CapabilityStatement carries. */
      const urls = (body: Record<string, unknown>) =>
        [...JSON.stringify(body).matchAll(/"(?:url|fullUrl)":"([^"]+)"/g)]
          .map((m) => m[1]!)
          .filter((u) => u.includes('://'));

      it('builds links from the listening address by default, never from Host or forwarding headers', async () => {
        const bundle = await forged(hub, search, key);
        expect(bundle.status).toBe(200);
        const links = urls(bundle.body);
        expect(links.length).toBeGreaterThanOrEqual(4); // self, next, two entries
        for (const link of links) expect(link.startsWith(`${hub.url}/fhir/`)).toBe(true);
        expect(JSON.stringify(bundle.body)).not.toContain('evil.example');
        const metadata = await forged(hub, '/fhir/metadata', key);
        expect((metadata.body.implementation as { url: string }).url).toBe(`${hub.url}/fhir`);
        expect(hub.publicUrl).toBe(hub.url);
      });

      it('builds links from the configured public URL, its path prefix included', async () => {
        expect(behindProxy.publicUrl).toBe(PUBLIC_URL);
        const bundle = await forged(behindProxy, search, proxyKey);
        const links = urls(bundle.body);
        expect(links.length).toBeGreaterThanOrEqual(4);
        for (const link of links) expect(link.startsWith(`${PUBLIC_URL}/fhir/`)).toBe(true);
        const self = (bundle.body.link as { relation: string; url: string }[]).find(
          (l) => l.relation === 'self',
        );
        expect(self?.url).toBe(
          `${PUBLIC_URL}/fhir/DiagnosticReport?patient%3Aidentifier=${encodeURIComponent(`${MRN}|LIM-LINKS`)}&_count=2`,
        );
        const id = (bundle.body.entry as { resource: { id: string } }[])[0]!.resource.id;
        const history = await forged(behindProxy, `/fhir/DiagnosticReport/${id}/_history`, proxyKey);
        expect(urls(history.body).every((u) => u.startsWith(`${PUBLIC_URL}/fhir/`))).toBe(true);
        const metadata = await forged(behindProxy, '/fhir/metadata', proxyKey);
        expect((metadata.body.implementation as { url: string }).url).toBe(`${PUBLIC_URL}/fhir`);
      });

      it('refuses a public URL that is not an absolute http(s) URL', async () => {
        for (const publicUrl of [
          'hub.example.vn',
          'ftp://hub.example.vn',
          'https://hub.example.vn/?a=1',
          'https://u:p@hub.example.vn',
        ])
          await expect(startTestHub(database, { publicUrl })).rejects.toMatchObject({
            code: 'HUB_PUBLIC_URL_INVALID',
          });
      });

      it('reads whole numbers in query parameters strictly (digits only, within bounds)', async () => {
        const patientParam = `patient=${encodeURIComponent(`${MRN}|LIM-LINKS`)}`;
        /** A FHIR search of the patient's reports, with one more parameter. */
        const fhirReports = (parameter: string) =>
          call(
            hub,
            'GET',
            `/fhir/DiagnosticReport?patient:identifier=${encodeURIComponent(`${MRN}|LIM-LINKS`)}&${parameter}`,
            { key },
          );
        for (const bad of ['0x10', '1e1', '+5', ' 5', '5.0', '5 ', '-1', '0', '', '0b11', '٣'])
          expectOutcome(
            await fhirReports(`_count=${encodeURIComponent(bad)}`),
            400,
            'FHIR_PARAMETER_INVALID',
          );
        for (const bad of ['0x10', '1e1', '+0', '-0', '1.0'])
          expectOutcome(
            await fhirReports(`_offset=${encodeURIComponent(bad)}`),
            400,
            'FHIR_PARAMETER_INVALID',
          );
        for (const bad of ['0x10', '1e1', '+5', '5.0', '0', '501'])
          expectProblem(
            await call(hub, 'GET', `/v1/lab-reports?${patientParam}&limit=${encodeURIComponent(bad)}`, {
              key,
            }),
            400,
            'HUB_PARAMETER_INVALID',
          );
        for (const bad of ['0x10', '1e1', '1001'])
          expectProblem(
            await call(hub, 'GET', `/v1/audit?limit=${encodeURIComponent(bad)}`, { key }),
            400,
            'HUB_REQUEST_INVALID',
          );
        const counted = await fhirReports('_count=02');
        expect((counted.json.entry as unknown[]).length).toBe(2);
        expect(
          (await call(hub, 'GET', `/v1/lab-reports?${patientParam}&limit=2`, { key })).json.items,
        ).toHaveLength(2);
        expect((await call(hub, 'GET', '/v1/audit?limit=1', { key })).json.items).toHaveLength(1);
      });
    });
  });
}

/** Writes raw bytes to the hub and returns everything it answers before closing. */
function raw(target: RunningHub, text: string): Promise<string> {
  const { hostname, port } = new URL(target.url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) }, () => socket.end(text));
    let answer = '';
    socket.on('data', (d: Buffer) => (answer += d.toString()));
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
  });
}
