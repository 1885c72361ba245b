import { createCatalogue } from '@lienthong/catalogue';
import { createHubCatalogueReleases, createHubClient, createHubResultExchange } from '@lienthong/hub-api';
import { DEFAULT_LAB_SYSTEMS, type LabReport } from '@lienthong/result-exchange';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqliteDatabase, type TestDatabase } from '../test/databases.js';
import { startTestHub } from '../test/test-hub.js';
import type { RunningHub } from './server.js';

const CCCD = 'http://fhir.ehealth.gov.vn/core/sid/national_id';
const GLUCOSE = { system: DEFAULT_LAB_SYSTEMS.serviceCode, code: '23.0075.1494' }; // published example code (docs/en/guide/domain.md)
const patient = { system: CCCD, value: '001203012345' }; // SYNTHETIC
const daysAgo = (n: number, from: Date) => new Date(from.getTime() - n * 86_400_000).toISOString();

/** A SYNTHETIC glucose report collected `age` days before `now`, by a lab of quality level 3. */
const glucose = (id: string, age: number, now: Date, status: LabReport['status'] = 'final'): LabReport =>
  ({
    id,
    patient: { identifiers: [patient] },
    codes: [GLUCOSE],
    status,
    lab: { code: '01001', qualityLevel: 3 },
    specimen: { collectedAt: daysAgo(age, now) },
    observations: [{ codes: [GLUCOSE], status, value: { kind: 'quantity', value: 5.4, unit: 'mmol/L' } }],
  }) as LabReport;

describe('hub catalogue releases and reuse check', () => {
  let database: TestDatabase;
  let hub: RunningHub;
  let key: string;
  beforeAll(async () => {
    database = sqliteDatabase();
    hub = await startTestHub(database, { adminKey: 'cr-admin', rateLimit: false });
    key = (
      await createHubClient({ baseUrl: hub.url, apiKey: 'cr-admin' }).POST('/v1/facilities', {
        body: { code: '01001', name: 'Lab (synthetic)' },
      })
    ).credential.apiKey;
  });
  afterAll(async () => {
    await hub.close();
    await database.drop();
  });

  it('lists the bundled TT 23 and ICD-10 releases and serves them for createCatalogue', async () => {
    const releases = createHubCatalogueReleases({ baseUrl: hub.url, apiKey: key });
    const list = await releases.list();
    expect(Object.fromEntries(list.map((r) => [r.id, r.conceptCount]))).toEqual({
      'tt23-pl01': 19_438,
      'tt23-pl02': 9_128,
      'icd10-vn': 12_433,
    });
    const catalogue = createCatalogue([await releases.fetch('tt23-pl01')]);
    const [first] = catalogue.search('dinh luong glucose mau', { limit: 3 });
    expect(first?.concept.code).toBe('23.75');
  });

  it('answers If-None-Match with 304 and refuses unknown releases', async () => {
    const r = await fetch(`${hub.url}/v1/catalogue/releases/tt23-pl02`, {
      headers: { authorization: `Bearer ${key}` },
    });
    const etag = r.headers.get('etag')!;
    await r.arrayBuffer();
    const again = await fetch(`${hub.url}/v1/catalogue/releases/tt23-pl02`, {
      headers: { authorization: `Bearer ${key}`, 'if-none-match': etag },
    });
    expect(again.status).toBe(304);
    const missing = await fetch(`${hub.url}/v1/catalogue/releases/icd10`, {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(missing.status).toBe(404);
  });

  it('says a recent glucose is reusable and why, and rejects an expired one', async () => {
    const now = new Date();
    const exchange = createHubResultExchange({ baseUrl: hub.url, apiKey: key });
    await exchange.publish(glucose('SYN-GLU-RECENT', 2, now));
    await exchange.publish(glucose('SYN-GLU-OLD', 75, now));
    await exchange.publish(glucose('SYN-GLU-PRELIM', 1, now, 'preliminary'));
    const advice = await createHubClient({ baseUrl: hub.url, apiKey: key }).POST('/v1/reuse-check', {
      body: { code: GLUCOSE, patient: [patient], at: now.toISOString(), requesterLabLevel: 3 },
    });
    expect(advice.reusable.map((c) => c.reportId)).toEqual(['SYN-GLU-RECENT']);
    expect(advice.reusable[0]!.reasons.map((r) => r.code)).toContain('WITHIN_WINDOW');
    const rejected = Object.fromEntries(
      advice.rejected.map((c) => [c.reportId, c.reasons.map((r) => r.code)]),
    );
    expect(rejected['SYN-GLU-PRELIM']).toContain('NOT_FINAL');
    expect(advice.rejected.map((c) => c.reportId)).not.toContain('SYN-GLU-RECENT');
    expect(rejected['SYN-GLU-OLD']).toContain('EXPIRED');
  });
});
