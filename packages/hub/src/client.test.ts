import { isAuthError, isConflictError } from '@lienthong/core';
import { createHubClient } from '@lienthong/hub-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqliteDatabase, type TestDatabase } from '../test/databases.js';
import { startTestHub } from '../test/test-hub.js';
import type { RunningHub } from './server.js';

// The client generated from openapi.yaml, against a real hub on loopback.
describe('typed hub client ↔ hub', () => {
  let database: TestDatabase;
  let hub: RunningHub;
  beforeAll(async () => {
    database = sqliteDatabase();
    hub = await startTestHub(database, { adminKey: 'admin-key-for-tests' });
  });
  afterAll(async () => {
    await hub.close();
    await database.drop();
  });

  it('registers a facility, then acts as it', async () => {
    const admin = createHubClient({ baseUrl: hub.url, apiKey: 'admin-key-for-tests', retry: false });
    const { facility, credential } = await admin.POST('/v1/facilities', {
      body: { code: '01001', name: 'Bệnh viện A (synthetic)' },
    });
    expect(facility.code).toBe('01001');
    const a = createHubClient({
      baseUrl: hub.url,
      apiKey: credential.apiKey,
      user: 'bs.an',
      purpose: 'TREAT',
    });
    expect(await a.GET('/v1/me')).toEqual({ facilityCode: '01001', scopes: ['read', 'write'] });
    const { items } = await a.GET('/v1/facilities');
    expect(items.map((f) => f.code)).toEqual(['01001']);
    const extra = await admin.POST('/v1/facilities/{code}/credentials', {
      path: { code: '01001' },
      body: { scopes: ['read'] },
    });
    const extraClient = createHubClient({ baseUrl: hub.url, apiKey: extra.apiKey, retry: false });
    // Used before its revocation (so the hub holds it among recently found keys): refused at once after.
    expect(await extraClient.GET('/v1/me')).toEqual({ facilityCode: '01001', scopes: ['read'] });
    await admin.DELETE('/v1/credentials/{id}', { path: { id: extra.id } });
    const revoked = await extraClient.GET('/v1/me').catch((e: unknown) => e);
    expect(isAuthError(revoked)).toBe(true);
    const dup = await admin
      .POST('/v1/facilities', { body: { code: '01001', name: 'again' } })
      .catch((e: unknown) => e);
    expect(isConflictError(dup) && dup.code).toBe('HUB_FACILITY_EXISTS');
  });
});
