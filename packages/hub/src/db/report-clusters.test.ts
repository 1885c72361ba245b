import { DEFAULT_IDENTIFIER_SYSTEMS } from '@lienthong/core';
import { afterEach, describe, expect, it } from 'vitest';
import { sqliteDatabase, type TestDatabase } from '../../test/databases.js';
import { syntheticLabReport } from '../../test/migration-fixtures.js';
import { bulkLoadReports } from '../records/bulk-load.js';
import { publishReport, queryReports } from '../records/lab-reports.js';
import { type DatabaseConfig, type HubDb, openDatabase } from './open-database.js';
import {
  CLUSTERED_BASE,
  ClusteredSeqs,
  clusterKey,
  clusterOf,
  clusterStart,
  type ReportOrder,
} from './report-clusters.js';

// SYNTHETIC data only: made-up identifiers (the systems are the real URIs, the values invented).
const CCCD = { system: DEFAULT_IDENTIFIER_SYSTEMS.cccd, value: '001203012345' };
const BHYT = { system: DEFAULT_IDENTIFIER_SYSTEMS.bhyt, value: 'DN4010123456789' };
const HOSPITAL = { system: 'urn:synthetic:hospital-number', value: 'BN-1' };
const OTHER_PATIENT = { system: DEFAULT_IDENTIFIER_SYSTEMS.cccd, value: '079090001234' };
const publisher = { facilityCode: 'SYN01', admin: false };

let databases: TestDatabase[] = [];
let open: HubDb[] = [];
afterEach(async () => {
  for (const hub of open) await hub.close();
  for (const d of databases) await d.drop();
  [open, databases] = [[], []];
});

async function openHub(database = sqliteDatabase(), reportOrder: ReportOrder = 'patient'): Promise<HubDb> {
  if (!databases.includes(database)) databases.push(database);
  const hub = await openDatabase({ ...database.config, reportOrder } as DatabaseConfig);
  open.push(hub);
  return hub;
}

const publish = (hub: HubDb, id: string, identifiers = [CCCD]) =>
  hub.db
    .transaction()
    .execute((trx) => publishReport(trx, publisher, syntheticLabReport(id, undefined, identifiers)));

const seqsOf = async (hub: HubDb) =>
  Object.fromEntries(
    (await hub.db.selectFrom('lab_reports').select(['id', 'seq']).execute()).map((r) => [
      r.id,
      Number(r.seq),
    ]),
  );

describe('clusterKey', () => {
  it('prefers the personal ID, then the insurance card, then the smallest other key', () => {
    expect(clusterKey([HOSPITAL, BHYT, CCCD])).toEqual(CCCD);
    expect(clusterKey([HOSPITAL, BHYT])).toEqual(BHYT);
    const second = { system: HOSPITAL.system, value: 'BN-0' };
    expect(clusterKey([HOSPITAL, second])).toEqual(second);
    expect(clusterKey([])).toBeUndefined();
  });
});

describe('clusterOf', () => {
  it('is stable and keeps every seq of its cluster below 2⁵³', () => {
    expect(clusterOf(CCCD)).toBe(clusterOf({ ...CCCD }));
    expect(clusterOf(CCCD)).not.toBe(clusterOf(OTHER_PATIENT));
    for (const key of [CCCD, BHYT, HOSPITAL, OTHER_PATIENT]) {
      const start = clusterStart(clusterOf(key));
      expect(start).toBeGreaterThanOrEqual(CLUSTERED_BASE);
      expect(start + 2 ** 21 - 1).toBeLessThanOrEqual(Number.MAX_SAFE_INTEGER);
    }
  });
});

describe('reportOrder', () => {
  it('appends by default, and a file may change order at any start: both are read alike', async () => {
    const database = sqliteDatabase();
    databases.push(database);
    let hub = await openDatabase(database.config);
    open.push(hub);
    await publish(hub, 'R-1');
    await hub.close();
    open = [];
    hub = await openHub(database, 'patient');
    await publish(hub, 'R-2');
    await hub.close();
    open = [];
    hub = await openHub(database, 'arrival');
    await publish(hub, 'R-3');
    const seq = await seqsOf(hub);
    expect(seq['R-1']).toBeLessThan(CLUSTERED_BASE);
    expect(seq['R-2']).toBe(clusterStart(clusterOf(CCCD)));
    // Appended after the last row in arrival order, below the clustered range.
    expect(seq['R-3']).toBe(seq['R-1']! + 1);
    const page = await queryReports(hub.db, { patient: CCCD }, { limit: 10 });
    expect(page.items.map((r) => r.id).sort()).toEqual(['R-1', 'R-2', 'R-3']);
  });

  it('refuses an order it does not know before opening anything', async () => {
    const database = sqliteDatabase();
    databases.push(database);
    await expect(
      openDatabase({ ...database.config, reportOrder: 'random' } as unknown as DatabaseConfig),
    ).rejects.toMatchObject({ code: 'HUB_OPTION_INVALID', path: 'database.reportOrder' });
  });
});

describe('clustered report numbers on SQLite', () => {
  it('files one patient’s versions side by side, whatever arrives in between', async () => {
    const hub = await openHub();
    await publish(hub, 'R-1');
    await publish(hub, 'X-1', [OTHER_PATIENT]);
    await publish(hub, 'R-2', [BHYT, CCCD]);
    await publish(hub, 'X-2', [OTHER_PATIENT]);
    await publish(hub, 'R-3', [HOSPITAL, CCCD]);
    const seq = await seqsOf(hub);
    const start = clusterStart(clusterOf(CCCD));
    expect([seq['R-1'], seq['R-2'], seq['R-3']]).toEqual([start, start + 1, start + 2]);
    expect(seq['X-2']).toBe(seq['X-1']! + 1);
    // Found by any of the patient's keys, each key row carrying the report's number.
    const byInsurance = await queryReports(hub.db, { patient: BHYT }, { limit: 10 });
    expect(byInsurance.items.map((r) => r.id)).toEqual(['R-2']);
    const byId = await queryReports(hub.db, { patient: CCCD }, { limit: 10 });
    expect(byId.items.map((r) => r.id).sort()).toEqual(['R-1', 'R-2', 'R-3']);
  });

  it('counts on from what the file holds: after a reopen, a bulk load, a new version', async () => {
    const database = sqliteDatabase();
    let hub = await openHub(database);
    await publish(hub, 'R-1');
    await hub.close();
    open = [];
    hub = await openHub(database);
    await bulkLoadReports(
      hub.db,
      [syntheticLabReport('R-2', undefined, [CCCD]), syntheticLabReport('R-3', undefined, [CCCD])],
      {
        publisher,
      },
    );
    await hub.db.transaction().execute((trx) =>
      publishReport(trx, publisher, {
        ...syntheticLabReport('R-1', undefined, [CCCD]),
        status: 'corrected',
      }),
    );
    const rows = await hub.db
      .selectFrom('lab_reports')
      .select(['id', 'version', 'seq'])
      .orderBy('seq')
      .execute();
    const start = clusterStart(clusterOf(CCCD));
    expect(rows.map((r) => [r.id, r.version, Number(r.seq) - start])).toEqual([
      ['R-1', 1, 0],
      ['R-2', 1, 1],
      ['R-3', 1, 2],
      ['R-1', 2, 3],
    ]);
  });

  it('moves to the next cluster when one is full, and keeps rows numbered before it', async () => {
    const hub = await openHub();
    const home = clusterOf(CCCD);
    // Fills the cluster's last slot directly: only what is read back matters to the allocator.
    await hub.db
      .insertInto('lab_reports')
      .values({
        seq: clusterStart(home + 1) - 1,
        row_id: 'synthetic-row',
        id: 'FULL',
        fhir_id: 'FULL',
        version: 1,
        current: 1,
        facility_code: 'SYN01',
        status: 'final',
        clinical_at: '',
        document: '{}',
        created_at: '2026-12-05T00:00:00.000Z',
      })
      .execute();
    const placed = await hub.db.transaction().execute(async (trx) => {
      const seqs = new ClusteredSeqs(trx);
      return [await seqs.next([CCCD]), await seqs.next([CCCD]), await seqs.next([])];
    });
    expect(placed).toEqual([clusterStart(home + 1), clusterStart(home + 1) + 1, undefined]);
  });
});
