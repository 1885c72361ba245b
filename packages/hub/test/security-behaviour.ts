import { isAuthError } from '@lienthong/core';
import { createHubClient, createHubResultExchange, type HubClient } from '@lienthong/hub-api';
import type { LabReport } from '@lienthong/result-exchange';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningHub } from '../src/server.js';
import type { MakeDatabase, TestDatabase } from './databases.js';
import { failure, startTestHub } from './test-hub.js';

const CCCD = 'http://fhir.ehealth.gov.vn/core/sid/national_id';

/** A SYNTHETIC report (made-up patient; glucose's published insurance service code from docs/en/guide/domain.md). */
function report(
  id: string,
  facility: string,
  value: number,
  status: LabReport['status'] = 'final',
): LabReport {
  return {
    id,
    patient: { identifiers: [{ system: CCCD, value: '001203012345' }] },
    codes: [{ system: 'urn:synthetic:service', code: '23.0075.1494' }],
    status,
    performingFacility: { code: facility },
    effectiveAt: '2026-11-20T08:00:00+07:00',
    observations: [
      {
        codes: [{ system: 'urn:synthetic:service', code: '23.0075.1494' }],
        status,
        value: { kind: 'quantity', value, unit: 'mmol/L' },
      },
    ],
  } as LabReport;
}

/** Facility isolation and the audit trail, against a real hub. */
export function describeHubSecurity(dialect: string, makeDatabase: MakeDatabase): void {
  describe(`hub security on ${dialect}`, () => {
    let database: TestDatabase;
    let hub: RunningHub;
    let admin: HubClient;
    let keyA: string;
    let keyB: string;
    beforeAll(async () => {
      database = await makeDatabase();
      hub = await startTestHub(database, { adminKey: 'security-admin-key', rateLimit: false });
      admin = createHubClient({ baseUrl: hub.url, apiKey: 'security-admin-key', retry: false });
      keyA = (await admin.POST('/v1/facilities', { body: { code: '01001', name: 'A (synthetic)' } }))
        .credential.apiKey;
      keyB = (await admin.POST('/v1/facilities', { body: { code: '79001', name: 'B (synthetic)' } }))
        .credential.apiKey;
    });
    afterAll(async () => {
      await hub?.close();
      await database?.drop();
    });

    it("facility A's key cannot publish as B", async () => {
      const a = createHubResultExchange({ baseUrl: hub.url, apiKey: keyA, retry: false });
      const error = await failure(a.publish(report('SYN-B-1', '79001', 5.1)));
      expect(isAuthError(error) && error.status).toBe(403);
      expect(isAuthError(error) && error.code).toBe('HUB_PUBLISH_AS_OTHER_FACILITY');
      expect(
        await createHubResultExchange({ baseUrl: hub.url, apiKey: keyB }).get('SYN-B-1'),
      ).toBeUndefined();
    });

    it("facility A cannot alter B's reports, even without naming a facility", async () => {
      const b = createHubResultExchange({ baseUrl: hub.url, apiKey: keyB, retry: false });
      expect((await b.publish(report('SYN-B-2', '79001', 5.2))).outcome).toBe('created');
      const a = createHubResultExchange({ baseUrl: hub.url, apiKey: keyA, retry: false });
      const { performingFacility: _, ...unnamed } = report('SYN-B-2', '79001', 9.9, 'corrected');
      const error = await failure(a.publish(unnamed as LabReport));
      expect(isAuthError(error) && error.code).toBe('HUB_RECORD_OF_OTHER_FACILITY');
      const stored = await b.get('SYN-B-2');
      expect(stored?.observations[0]?.value).toEqual({ kind: 'quantity', value: 5.2, unit: 'mmol/L' });
      expect(await b.history('SYN-B-2')).toHaveLength(1);
    });

    it('a read-only credential cannot publish (403) and no credential reads nothing (401)', async () => {
      const readOnly = await admin.POST('/v1/facilities/{code}/credentials', {
        path: { code: '01001' },
        body: { scopes: ['read'] },
      });
      const error = await failure(
        createHubResultExchange({ baseUrl: hub.url, apiKey: readOnly.apiKey, retry: false }).publish(
          report('SYN-A-9', '01001', 4),
        ),
      );
      expect(isAuthError(error) && error.status).toBe(403);
      const r = await fetch(`${hub.url}/v1/lab-reports/SYN-B-2`);
      expect(r.status).toBe(401);
      expect(JSON.stringify(await r.json())).not.toContain('5.2');
    });

    it('each read of patient data leaves exactly one audit entry, with user and purpose', async () => {
      const before = (await admin.GET('/v1/audit', { query: { limit: 1000 } })).items.length;
      const a = createHubClient({
        baseUrl: hub.url,
        apiKey: keyA,
        user: 'bs.an',
        purpose: 'TREAT',
        retry: false,
      });
      await a.GET('/v1/lab-reports/{id}', { path: { id: 'SYN-B-2' } });
      await a.GET('/v1/lab-reports', { query: { patient: `${CCCD}|001203012345` } });
      await a.GET('/v1/lab-reports/{id}/history', { path: { id: 'SYN-B-2' } });
      const after = await admin.GET('/v1/audit', { query: { limit: 1000 } });
      expect(after.items.length - before).toBe(3);
      const mine = await a.GET('/v1/audit', { query: { patient: `${CCCD}|001203012345` } });
      expect(mine.items.map((e) => e.action).sort()).toEqual(['history', 'read', 'search']);
      for (const e of mine.items) {
        expect(e).toMatchObject({
          facilityCode: '01001',
          userRef: 'bs.an',
          purpose: 'TREAT',
          resourceType: 'LabReport',
        });
        expect(e.patientRef).toMatch(/^[0-9a-f]{64}$/);
        expect(JSON.stringify(e)).not.toContain('001203012345');
      }
      // B sees none of A's reads in its own audit view.
      const b = createHubClient({ baseUrl: hub.url, apiKey: keyB });
      expect((await b.GET('/v1/audit', {})).items.every((e) => e.facilityCode === '79001')).toBe(true);
    });
  });
}
