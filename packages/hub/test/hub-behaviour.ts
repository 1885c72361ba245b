import { request } from 'node:http';
import { Writable } from 'node:stream';
import {
  createTransport,
  DEFAULT_IDENTIFIER_SYSTEMS,
  isAuthError,
  isConflictError,
  isNotFoundError,
  isValidationError,
  type Transport,
} from '@lienthong/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.js';
import type { RunningHub } from '../src/server.js';
import type { MakeDatabase, TestDatabase } from './databases.js';
import { syntheticReport } from './synthetic-report.js';
import { failure, startTestHub } from './test-hub.js';

const ADMIN_KEY = 'test-admin-key-not-secret';

/**
 * The hub's behaviour, run once per storage dialect (SQLite in `npm test`, PostgreSQL in the
 * service tests) against a real hub listening on loopback, through the SDK's own transport.
 */
export function describeHubBehaviour(dialect: string, makeDatabase: MakeDatabase): void {
  describe(`hub on ${dialect}`, () => {
    let database: TestDatabase;
    let hub: RunningHub;
    let admin: Transport;
    const logLines: string[] = [];

    beforeAll(async () => {
      database = await makeDatabase();
      const destination = new Writable({
        write(chunk, _enc, done) {
          logLines.push(String(chunk));
          done();
        },
      });
      hub = await startTestHub(database, {
        adminKey: ADMIN_KEY,
        logger: createLogger({ destination }),
        rateLimit: { perSecond: 5, capacity: 20 },
      });
      admin = createTransport({
        baseUrl: `${hub.url}/v1`,
        headers: { authorization: `Bearer ${ADMIN_KEY}` },
        retry: false,
      });
    });
    afterAll(async () => {
      await hub?.close();
      await database?.drop();
    });

    const as = (key: string, headers: Record<string, string> = {}) =>
      createTransport({
        baseUrl: `${hub.url}/v1`,
        headers: { authorization: `Bearer ${key}`, ...headers },
        retry: false,
      });

    it('answers health and readiness without credentials', async () => {
      const open = createTransport({ baseUrl: hub.url });
      expect(await open.get('health')).toEqual({ status: 'ok' });
      expect(await open.get('ready')).toMatchObject({ status: 'ready', database: hub.store.dialect });
    });

    it('registers facilities and prints each API key once', async () => {
      const created = (await admin.post('facilities', {
        json: { code: '01001', name: 'Bệnh viện A (synthetic)' },
      })) as {
        facility: { code: string };
        credential: { apiKey: string; scopes: string[] };
      };
      expect(created.facility.code).toBe('01001');
      expect(created.credential.apiKey).toMatch(/^lthub_[\w-]{43}$/);
      expect(created.credential.scopes).toEqual(['read', 'write']);
      const again = await failure(admin.post('facilities', { json: { code: '01001', name: 'again' } }));
      expect(isConflictError(again) && again.code).toBe('HUB_FACILITY_EXISTS');
      const me = await as(created.credential.apiKey).get('me');
      expect(me).toEqual({ facilityCode: '01001', scopes: ['read', 'write'] });
      const list = (await as(created.credential.apiKey).get('facilities')) as { items: { code: string }[] };
      expect(list.items.map((f) => f.code)).toContain('01001');
    });

    it('validates requests with paths and both languages', async () => {
      const bad = await failure(admin.post('facilities', { json: { code: 'bad code!', name: '' } }));
      expect(isValidationError(bad) && bad.code).toBe('HUB_FACILITY_CODE_INVALID');
      const missing = await failure(admin.post('facilities', { json: { name: 1 } }));
      expect(isValidationError(missing) && missing.path).toBe('body.code');
      const scopes = await failure(
        admin.post('facilities', { json: { code: '01002', name: 'x', scopes: ['superuser'] } }),
      );
      expect(isValidationError(scopes) && scopes.code).toBe('HUB_SCOPE_UNKNOWN');
    });

    it('refuses missing, wrong and revoked credentials with 401 and no data', async () => {
      const open = createTransport({ baseUrl: `${hub.url}/v1`, retry: false });
      const none = await failure(open.get('facilities'));
      expect(isAuthError(none) && none.status).toBe(401);
      const wrong = await failure(as('lthub_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA').get('facilities'));
      expect(isAuthError(wrong) && wrong.code).toBe('HUB_AUTH_REQUIRED');
      const created = (await admin.post('facilities', {
        json: { code: '79001', name: 'Bệnh viện B (synthetic)' },
      })) as { credential: { id: string; apiKey: string } };
      await as(created.credential.apiKey).get('me');
      await admin.delete(`credentials/${created.credential.id}`);
      const revoked = await failure(as(created.credential.apiKey).get('me'));
      expect(isAuthError(revoked) && revoked.status).toBe(401);
      expect(isNotFoundError(await failure(admin.delete(`credentials/${created.credential.id}`)))).toBe(true);
    });

    it('keeps administration to admin credentials (403 otherwise)', async () => {
      const created = (await admin.post('facilities', {
        json: { code: '48001', name: 'Bệnh viện C (synthetic)' },
      })) as { credential: { apiKey: string } };
      const facility = as(created.credential.apiKey);
      const denied = await failure(facility.post('facilities', { json: { code: '48002', name: 'x' } }));
      expect(isAuthError(denied) && denied.status).toBe(403);
      expect(isAuthError(await failure(facility.post('facilities/01001/credentials', { json: {} })))).toBe(
        true,
      );
      expect(isAuthError(await failure(facility.get('audit', { searchParams: { facility: '01001' } })))).toBe(
        true,
      );
      const extra = (await admin.post('facilities/48001/credentials', {
        json: { scopes: ['read'], label: 'viewer' },
      })) as { apiKey: string; scopes: string[] };
      expect(extra.scopes).toEqual(['read']);
      expect(isNotFoundError(await failure(admin.post('facilities/99999/credentials', { json: {} })))).toBe(
        true,
      );
    });

    it('rate-limits per credential with 429 and Retry-After', async () => {
      const created = (await admin.post('facilities', {
        json: { code: '92001', name: 'Bệnh viện D (synthetic)' },
      })) as { credential: { apiKey: string } };
      const key = created.credential.apiKey;
      const statuses: number[] = [];
      let retryAfter: string | null = null;
      for (let i = 0; i < 30; i++) {
        const r = await fetch(`${hub.url}/v1/me`, { headers: { authorization: `Bearer ${key}` } });
        statuses.push(r.status);
        if (r.status === 429) retryAfter = r.headers.get('retry-after');
        await r.arrayBuffer();
      }
      expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(20);
      expect(statuses).toContain(429);
      expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    });

    it('limits the body size', async () => {
      const r = await fetch(`${hub.url}/v1/facilities`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ code: 'x', name: 'y'.repeat(6 * 1024 * 1024) }),
      });
      expect(r.status).toBe(413);
      expect(((await r.json()) as { code: string }).code).toBe('HUB_BODY_TOO_LARGE');
    });

    it('limits a chunked body (no declared length) while reading it, and reads one under the limit', async () => {
      const post = (body: string) =>
        new Promise<{ status: number; body: string }>((resolve, reject) => {
          const req = request(`${hub.url}/v1/facilities`, {
            method: 'POST',
            headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
          });
          req.on('response', (res) => {
            let text = '';
            res.on('data', (d: Buffer) => (text += d.toString()));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
          });
          req.on('error', reject);
          // Several writes without a Content-Length: Node sends them chunked.
          for (let i = 0; i < body.length; i += 64 * 1024) req.write(body.slice(i, i + 64 * 1024));
          req.end();
        });
      const big = await post(JSON.stringify({ code: 'x', name: 'y'.repeat(6 * 1024 * 1024) }));
      expect(big.status).toBe(413);
      expect((JSON.parse(big.body) as { code: string }).code).toBe('HUB_BODY_TOO_LARGE');
      const bad = await post('{"code": ');
      expect(bad.status).toBe(400);
      expect((JSON.parse(bad.body) as { code: string }).code).toBe('HUB_BODY_NOT_JSON');
    });

    it('answers unknown routes with a problem document and echoes X-Request-ID', async () => {
      const r = await fetch(`${hub.url}/nope`, { headers: { 'x-request-id': 'req-123' } });
      expect(r.status).toBe(404);
      expect(r.headers.get('content-type')).toContain('application/problem+json');
      expect(r.headers.get('x-request-id')).toBe('req-123');
    });

    it('logs structured lines without credentials or identifiers', async () => {
      await fetch(
        `${hub.url}/v1/audit?patient=${encodeURIComponent(`${DEFAULT_IDENTIFIER_SYSTEMS.cccd}|001203012345`)}`,
        { headers: { authorization: `Bearer ${ADMIN_KEY}` } },
      );
      const text = logLines.join('');
      expect(text).toContain('"msg":"request"');
      expect(text).not.toContain('001203012345');
      expect(text).not.toContain(ADMIN_KEY);
      for (const line of logLines) expect(() => JSON.parse(line)).not.toThrow();
    });

    it('reads the community VN Core URIs as the current ones: published old, found new, and back', async () => {
      const created = (await admin.post('facilities', {
        json: { code: '79007', name: 'Bệnh viện D (synthetic)' },
      })) as { credential: { apiKey: string } };
      const facility = as(created.credential.apiKey);
      const OLD = 'http://fhir.hl7.org.vn/core/sid/cccd';
      const NEW = DEFAULT_IDENTIFIER_SYSTEMS.cccd;
      const ids = (page: unknown) => (page as { items: { id: string }[] }).items.map((r) => r.id);
      await facility.post('lab-reports', {
        json: syntheticReport('SYN-ALIAS-1', { system: OLD, value: '079085000081' }),
      });
      await facility.put('patients', {
        json: {
          identifiers: [{ system: OLD, value: '079085000081' }],
          name: { family: 'Phạm', given: 'Em' },
        },
      });
      expect(
        ids(await facility.get('lab-reports', { searchParams: { patient: `${NEW}|079085000081` } })),
      ).toEqual(['SYN-ALIAS-1']);
      const patient = (await facility.get('patients/by-identifier', {
        searchParams: { identifier: `${NEW}|079085000081` },
      })) as { identifiers: unknown[] };
      expect(patient.identifiers).toEqual([{ system: NEW, value: '079085000081' }]);
      await facility.post('lab-reports', {
        json: syntheticReport('SYN-ALIAS-2', { system: NEW, value: '079085000082' }),
      });
      expect(
        ids(await facility.get('lab-reports', { searchParams: { patient: `${OLD}|079085000082` } })),
      ).toEqual(['SYN-ALIAS-2']);
      // Both reads of the first patient are audited under one name, found by either URI.
      const audit = (u: string) =>
        admin.get('audit', { searchParams: { patient: `${u}|079085000081` } }) as Promise<{
          items: unknown[];
        }>;
      expect((await audit(OLD)).items).toHaveLength(2);
      expect(await audit(NEW)).toEqual(await audit(OLD));
    });

    it('lists audit entries for the caller only', async () => {
      const items = (await admin.get('audit', { searchParams: { limit: 5 } })) as { items: unknown[] };
      expect(Array.isArray(items.items)).toBe(true);
      const bad = await failure(admin.get('audit', { searchParams: { patient: 'no-pipe' } }));
      expect(isValidationError(bad) && bad.path).toBe('query.patient');
    });
  });
}
