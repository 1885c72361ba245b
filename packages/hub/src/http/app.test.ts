import { Writable } from 'node:stream';
import { formatTokenParam } from '@lienthong/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqliteDatabase, type TestDatabase } from '../../test/databases.js';
import { createAuditLog } from '../audit.js';
import { type HubDb, openDatabase } from '../db/open-database.js';
import { createLogger } from '../logger.js';
import { createHubApp } from './app.js';

const ADMIN_KEY = 'app-admin-key-not-secret';
/** A SYNTHETIC identifier system; the values under it are made up. */
const MRN = 'urn:synthetic:app:mrn';

/**
 * The HTTP layer's own seams, through `app.request()`: errors rendered in one place, in the
 * format of the API asked; only `/fhir/metadata` public; `/v1` tokens read by the FHIR rules.
 */
describe('the hub app', () => {
  let database: TestDatabase;
  let store: HubDb;
  let app: ReturnType<typeof createHubApp>;
  let limited: ReturnType<typeof createHubApp>;
  let audit: Awaited<ReturnType<typeof createAuditLog>>;
  let logger: ReturnType<typeof createLogger>;

  beforeAll(async () => {
    database = sqliteDatabase();
    store = await openDatabase(database.config);
    audit = await createAuditLog(store);
    logger = createLogger({ destination: new Writable({ write: (_chunk, _enc, done) => done() }) });
    app = createHubApp({ store, audit, logger, adminKey: ADMIN_KEY, rateLimit: false });
    // One request per credential, refilled once in ~17 minutes: the second is refused.
    limited = createHubApp({
      store,
      audit,
      logger,
      adminKey: ADMIN_KEY,
      rateLimit: { perSecond: 0.001, capacity: 1 },
    });
  });

  afterAll(async () => {
    await store.close();
    await database.drop();
  });

  const call = (path: string, init: RequestInit = {}, on = app) =>
    on.request(path, { ...init, headers: { authorization: `Bearer ${ADMIN_KEY}`, ...init.headers } });

  it('answers /v1 errors with a problem document, /fhir errors with an OperationOutcome, each with its headers', async () => {
    const unknown = await call('/v1/no-such-route', { headers: { 'x-request-id': 'req-app-1' } });
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toContain('application/problem+json');
    expect(unknown.headers.get('x-request-id')).toBe('req-app-1');
    expect(await unknown.json()).toMatchObject({ code: 'HUB_ROUTE_NOT_FOUND', status: 404 });

    const write = await call('/fhir/Patient', { method: 'POST', body: '{}' });
    expect(write.status).toBe(405);
    expect(write.headers.get('allow')).toBe('GET');
    expect(write.headers.get('content-type')).toContain('application/fhir+json');
    expect(await write.json()).toMatchObject({ resourceType: 'OperationOutcome' });

    const gzip = await call('/v1/lab-reports', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: '{}',
    });
    expect(gzip.status).toBe(415);
    expect(gzip.headers.get('accept-encoding')).toBe('identity');
  });

  it('answers the rate limit with 429 and Retry-After, in the format of the API asked', async () => {
    expect((await call('/v1/me', {}, limited)).status).toBe(200);
    const v1 = await call('/v1/me', {}, limited);
    expect(v1.status).toBe(429);
    expect(Number(v1.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await v1.json()).toMatchObject({ code: 'HUB_RATE_LIMITED' });
    const fhir = await call('/fhir/Patient/p1', {}, limited);
    expect(fhir.status).toBe(429);
    expect(fhir.headers.get('retry-after')).not.toBeNull();
    expect(await fhir.json()).toMatchObject({ resourceType: 'OperationOutcome' });
  });

  it('refuses a trustedProxyHops that is not a whole number ≥ 0', () => {
    for (const trustedProxyHops of [-1, 1.5, Number.NaN])
      expect(() => createHubApp({ store, audit, logger, trustedProxyHops })).toThrow(
        expect.objectContaining({ code: 'HUB_TRUSTED_PROXY_HOPS_INVALID', path: 'trustedProxyHops' }),
      );
  });

  it('serves /fhir/metadata without a key, and nothing else — whatever the last path segment', async () => {
    expect((await app.request('/fhir/metadata')).status).toBe(200);
    const named = await app.request('/fhir/Patient/metadata');
    expect(named.status).toBe(401);
    expect(await named.json()).toMatchObject({ resourceType: 'OperationOutcome' });
  });

  it('reads /v1 token parameters by the FHIR token rules: escaped bars and commas, no `|value`', async () => {
    const identifier = { system: MRN, value: 'APP|1,2' };
    const put = await call('/v1/patients', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ identifiers: [identifier], name: { family: 'Thử', given: 'Nghiệm' } }),
    });
    expect(put.status).toBe(201);
    const token = encodeURIComponent(formatTokenParam(identifier.system, identifier.value));
    const found = await call(`/v1/patients/by-identifier?identifier=${token}`);
    expect(found.status).toBe(200);
    expect(await found.json()).toMatchObject({ identifiers: [identifier] });

    const noSystem = await call(`/v1/patients?identifier=${encodeURIComponent('|APP')}`);
    expect(noSystem.status).toBe(400);
    expect(await noSystem.json()).toMatchObject({ code: 'HUB_PARAMETER_INVALID', path: 'query.identifier' });
  });
});
