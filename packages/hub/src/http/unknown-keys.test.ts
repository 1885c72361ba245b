import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqliteDatabase, type TestDatabase } from '../../test/databases.js';
import { startTestHub } from '../../test/test-hub.js';
import { newApiKey } from '../security/api-keys.js';
import type { RunningHub } from '../server.js';

const ADMIN_KEY = 'unknown-keys-admin-key';

/**
 * Unknown API keys are limited per client address, over real HTTP (the TCP peer, or the entry a
 * trusted proxy appended to X-Forwarded-For). Addresses are from TEST-NET-3 (RFC 5737).
 */
describe('lookups of unknown API keys, per client address', () => {
  let database: TestDatabase;
  let directDatabase: TestDatabase;
  let behindProxy: RunningHub;
  let direct: RunningHub;
  let validKey: string;

  beforeAll(async () => {
    database = sqliteDatabase();
    const limits = { rateLimit: false as const, unknownKeyRate: { perSecond: 0.001, capacity: 3 } };
    behindProxy = await startTestHub(database, { adminKey: ADMIN_KEY, trustedProxyHops: 1, ...limits });
    const created = await fetch(`${behindProxy.url}/v1/facilities`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ code: '01001', name: 'A (synthetic)' }),
    });
    validKey = ((await created.json()) as { credential: { apiKey: string } }).credential.apiKey;
    directDatabase = sqliteDatabase();
    direct = await startTestHub(directDatabase, { adminKey: ADMIN_KEY, ...limits });
  });

  afterAll(async () => {
    await behindProxy?.close();
    await direct?.close();
    await database?.drop();
    await directDatabase?.drop();
  });

  const me = (hub: RunningHub, key: string, forwardedFor?: string) =>
    fetch(`${hub.url}/v1/me`, {
      headers: {
        authorization: `Bearer ${key}`,
        ...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}),
      },
    });
  const statuses = async (n: number, call: () => Promise<Response>) => {
    const out: number[] = [];
    for (let i = 0; i < n; i++) out.push((await call()).status);
    return out;
  };

  it('refuses an address past its budget with 429 before any lookup; other addresses and known keys go on', async () => {
    const unknown = () => newApiKey().key;
    // The entries left of the proxy's are the client's own writing: changing them changes nothing.
    expect(
      await statuses(3, () => me(behindProxy, unknown(), `10.1.1.${Math.random()}, 203.0.113.7`)),
    ).toEqual([401, 401, 401]);
    const refused = await me(behindProxy, unknown(), '192.0.2.1, 203.0.113.7');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await refused.json()).toMatchObject({ code: 'HUB_RATE_LIMITED', status: 429 });
    // A key not found recently is not looked up from there either, even a valid one …
    expect((await me(behindProxy, validKey, '203.0.113.7')).status).toBe(429);
    // … while another address has its own budget, and a key found once is served everywhere.
    expect((await me(behindProxy, unknown(), '203.0.113.8')).status).toBe(401);
    expect((await me(behindProxy, validKey, '203.0.113.8')).status).toBe(200);
    expect((await me(behindProxy, validKey, '203.0.113.7')).status).toBe(200);
    // The FHIR facade shares the limit.
    const fhir = await fetch(`${behindProxy.url}/fhir/Patient?identifier=x%7Cy`, {
      headers: { authorization: `Bearer ${unknown()}`, 'x-forwarded-for': '203.0.113.7' },
    });
    expect(fhir.status).toBe(429);
    expect(await fhir.json()).toMatchObject({ resourceType: 'OperationOutcome' });
  });

  it('counts lookups running at once: a burst in parallel gets no more than the budget', async () => {
    const from = '203.0.113.10';
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => me(behindProxy, newApiKey().key, from)),
    );
    const counted = answers.map((a) => a.status).sort();
    expect(counted).toEqual([401, 401, 401, 429, 429, 429, 429, 429, 429, 429]);
  });

  it('never counts keys refused without a lookup (missing, malformed) or the administrator key', async () => {
    const from = '203.0.113.9';
    expect(await statuses(5, () => me(behindProxy, 'not-a-key', from))).toEqual([401, 401, 401, 401, 401]);
    expect(await statuses(5, () => me(behindProxy, ADMIN_KEY, from))).toEqual([200, 200, 200, 200, 200]);
    expect((await me(behindProxy, newApiKey().key, from)).status).toBe(401);
  });

  it('without trusted proxies, takes the TCP peer and ignores X-Forwarded-For', async () => {
    const calls = await statuses(4, () =>
      me(direct, newApiKey().key, `203.0.113.${Math.floor(Math.random() * 250)}`),
    );
    expect(calls).toEqual([401, 401, 401, 429]);
  });
});
