import { DEFAULT_IDENTIFIER_SYSTEMS } from '@lienthong/core';
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { sqliteDatabase, type TestDatabase } from '../../test/databases.js';
import { syntheticLabReport } from '../../test/migration-fixtures.js';
import { bulkLoadReports } from '../records/bulk-load.js';
import { publishReport, queryReports } from '../records/lab-reports.js';
import { type DatabaseConfig, type HubDb, openDatabase } from './open-database.js';
import { CLUSTERED_BASE, clusterOf, clusterStart, type ReportOrder } from './report-clusters.js';
import { fileStep, startReportFiling } from './report-filing.js';

// SYNTHETIC data only: made-up identifiers (the systems are the real URIs, the values invented).
const CCCD = { system: DEFAULT_IDENTIFIER_SYSTEMS.cccd, value: '001203012345' };
const BHYT = { system: DEFAULT_IDENTIFIER_SYSTEMS.bhyt, value: 'DN4010123456789' };
const OTHER = { system: DEFAULT_IDENTIFIER_SYSTEMS.cccd, value: '079090001234' };
const THIRD = { system: DEFAULT_IDENTIFIER_SYSTEMS.cccd, value: '031095004321' };
const publisher = { facilityCode: 'SYN01', admin: false };

let databases: TestDatabase[] = [];
let open: HubDb[] = [];
afterEach(async () => {
  for (const hub of open) await hub.close();
  for (const d of databases) await d.drop();
  [open, databases] = [[], []];
});

async function openHub(reportOrder: ReportOrder, database = sqliteDatabase()): Promise<HubDb> {
  if (!databases.includes(database)) databases.push(database);
  const hub = await openDatabase({ ...database.config, reportOrder } as DatabaseConfig);
  open.push(hub);
  return hub;
}

const publish = (hub: HubDb, id: string, identifiers = [CCCD], status: 'final' | 'corrected' = 'final') =>
  hub.db
    .transaction()
    .execute((trx) =>
      publishReport(trx, publisher, { ...syntheticLabReport(id, undefined, identifiers), status }),
    );

/** Every version's seq by `id@version`. */
const seqsOf = async (hub: HubDb) =>
  Object.fromEntries(
    (await hub.db.selectFrom('lab_reports').select(['id', 'version', 'seq']).execute()).map((r) => [
      `${r.id}@${r.version}`,
      Number(r.seq),
    ]),
  );

/** Key rows whose `report_seq` names no stored version, or another version than their own. */
const strayKeyRows = async (hub: HubDb) =>
  (
    await sql<{ n: number }>`SELECT count(*) AS n FROM lab_report_patients k
      LEFT JOIN lab_reports r ON r.seq = k.report_seq WHERE r.row_id IS NULL OR r.row_id != k.record_id`.execute(
      hub.db,
    )
  ).rows[0]!.n;

const idsOf = async (hub: HubDb, patient: typeof CCCD) =>
  (await queryReports(hub.db, { patient }, { limit: 100 })).items.map((r) => r.id).sort();

describe("reportOrder 'patient-deferred'", () => {
  it('appends each publish, then files every version beside its patient’s others', async () => {
    const hub = await openHub('patient-deferred');
    await publish(hub, 'R-1');
    await publish(hub, 'X-1', [OTHER]);
    await publish(hub, 'R-2', [BHYT, CCCD]);
    await publish(hub, 'X-2', [OTHER]);
    await publish(hub, 'R-1', [CCCD], 'corrected');
    const before = await seqsOf(hub);
    for (const seq of Object.values(before)) expect(seq).toBeLessThan(CLUSTERED_BASE);
    const answers = [await idsOf(hub, CCCD), await idsOf(hub, BHYT), await idsOf(hub, OTHER)];

    // The hub may have filed some itself (after a second of quiet): the file's state is what counts.
    expect(await hub.fileReports()).toBeLessThanOrEqual(5);
    const seq = await seqsOf(hub);
    const home = clusterStart(clusterOf(CCCD));
    // In the order they were written, each patient's versions side by side.
    expect([seq['R-1@1'], seq['R-2@1'], seq['R-1@2']]).toEqual([home, home + 1, home + 2]);
    const other = clusterStart(clusterOf(OTHER));
    expect([seq['X-1@1'], seq['X-2@1']]).toEqual([other, other + 1]);
    expect(await strayKeyRows(hub)).toBe(0);
    expect([await idsOf(hub, CCCD), await idsOf(hub, BHYT), await idsOf(hub, OTHER)]).toEqual(answers);

    // Later publishes are appended below the clustered range, then filed after the others.
    await publish(hub, 'R-3');
    expect((await seqsOf(hub))['R-3@1']).toBeLessThan(CLUSTERED_BASE);
    await hub.fileReports();
    expect((await seqsOf(hub))['R-3@1']).toBe(home + 3);
    expect(await hub.fileReports()).toBe(0);
    expect(await idsOf(hub, CCCD)).toEqual(['R-1', 'R-2', 'R-3']);
  });

  it('places bulk loads by patient at once', async () => {
    const hub = await openHub('patient-deferred');
    await bulkLoadReports(
      hub.db,
      [syntheticLabReport('R-1', undefined, [CCCD]), syntheticLabReport('X-1', undefined, [OTHER])],
      { publisher },
    );
    const seq = await seqsOf(hub);
    expect(seq['R-1@1']).toBe(clusterStart(clusterOf(CCCD)));
    expect(seq['X-1@1']).toBe(clusterStart(clusterOf(OTHER)));
    expect(await hub.fileReports()).toBe(0);
  });

  it('files when the hub has been quiet, not while it writes', async () => {
    const hub = await openHub('arrival');
    await publish(hub, 'R-1');
    await publish(hub, 'X-1', [OTHER]);
    const filing = startReportFiling(hub.transact, { idle: true, quietMs: 40, busyStepMs: 60_000 });
    try {
      // Writes every 10 ms for 200 ms: never 40 ms of quiet.
      for (let i = 0; i < 20; i++) {
        filing.active();
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect(Object.values(await seqsOf(hub)).every((s) => s < CLUSTERED_BASE)).toBe(true);
      const deadline = Date.now() + 5_000;
      while (Object.values(await seqsOf(hub)).some((s) => s < CLUSTERED_BASE) && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 20));
      expect(Object.values(await seqsOf(hub)).every((s) => s >= CLUSTERED_BASE)).toBe(true);
      expect(await strayKeyRows(hub)).toBe(0);
    } finally {
      await filing.stop();
    }
  });

  it('files a step at a time while the hub is never quiet', async () => {
    const hub = await openHub('arrival');
    for (let i = 0; i < 3; i++) await publish(hub, `X-${i}`, [OTHER]);
    await publish(hub, 'R-1');
    // One key row a step, one step per 50 ms of writes every 5 ms: filed within the writes.
    const filing = startReportFiling(hub.transact, {
      idle: true,
      quietMs: 60_000,
      busyStepMs: 50,
      keyRowsPerStep: 1,
    });
    try {
      const deadline = Date.now() + 5_000;
      let unfiled = 4;
      while (unfiled > 0 && Date.now() < deadline) {
        filing.active();
        await new Promise((resolve) => setTimeout(resolve, 5));
        unfiled = Object.values(await seqsOf(hub)).filter((seq) => seq < CLUSTERED_BASE).length;
      }
      expect(unfiled).toBe(0);
      expect(await strayKeyRows(hub)).toBe(0);
      expect(await idsOf(hub, OTHER)).toEqual(['X-0', 'X-1', 'X-2']);
    } finally {
      await filing.stop();
    }
  });

  it('never cuts a version’s key rows between two steps, and starts each step where the last ended', async () => {
    const hub = await openHub('arrival');
    await publish(hub, 'R-1', [BHYT, CCCD]);
    await publish(hub, 'X-1', [OTHER]);
    await publish(hub, 'X-2', [OTHER]);
    // One key row asked per step: R-1's two are read together all the same, and the read goes on
    // until the next version's first key row shows where R-1's end (X-1, read whole, is filed too).
    expect(await hub.transact((trx) => fileStep(trx, 1))).toEqual({ filed: 2, done: false });
    expect(await strayKeyRows(hub)).toBe(0);
    expect(await idsOf(hub, CCCD)).toEqual(['R-1']);
    expect(await idsOf(hub, BHYT)).toEqual(['R-1']);
    const seq = await seqsOf(hub);
    expect([seq['R-1@1'], seq['X-1@1']].every((s) => s! >= CLUSTERED_BASE)).toBe(true);
    expect(seq['X-2@1']).toBeLessThan(CLUSTERED_BASE);
    expect(await hub.transact((trx) => fileStep(trx, 1))).toEqual({ filed: 1, done: true });
    expect(await hub.transact((trx) => fileStep(trx, 1))).toEqual({ filed: 0, done: true });
    expect(await idsOf(hub, OTHER)).toEqual(['X-1', 'X-2']);
  });

  it('passes over versions already in patient order a window at a time', async () => {
    // Loaded in patient order, then served in arrival order: no filing when idle to race the steps.
    const database = sqliteDatabase();
    const loading = await openHub('patient', database);
    const loaded = Array.from({ length: 150 }, (_, i) => syntheticLabReport(`B-${i}`, undefined, [OTHER]));
    await bulkLoadReports(loading.db, loaded, { publisher });
    await loading.close();
    open = [];
    const hub = await openHub('arrival', database);
    await publish(hub, 'R-1');
    // One key row a step may file, 64 it may pass over: three steps to reach R-1, none filing.
    const outcomes = [];
    for (let i = 0; i < 3; i++) outcomes.push(await hub.transact((trx) => fileStep(trx, 1)));
    expect(outcomes).toEqual([
      { filed: 0, done: false },
      { filed: 0, done: false },
      { filed: 1, done: true },
    ]);
    expect((await seqsOf(hub))['R-1@1']).toBe(clusterStart(clusterOf(CCCD)));
    expect(await hub.transact((trx) => fileStep(trx, 1))).toEqual({ filed: 0, done: true });
  });

  it('keeps every query’s answer whatever the publishes and steps in between (property)', async () => {
    const patients = [CCCD, OTHER, THIRD];
    const action = fc.oneof(
      fc.record({
        publish: fc.integer({ min: 0, max: 5 }),
        patient: fc.integer({ min: 0, max: 2 }),
        withCard: fc.boolean(),
      }),
      fc.record({ step: fc.integer({ min: 1, max: 4 }) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 1, maxLength: 25 }), async (actions) => {
        const database = sqliteDatabase();
        const hub = await openHub('arrival', database);
        // What each key must find: the ids whose current version names it.
        const current = new Map<string, string[]>();
        const owner = new Map<string, number>();
        const expected = (key: typeof CCCD) =>
          [...current]
            .filter(([, values]) => values.includes(key.value))
            .map(([id]) => id)
            .sort();
        for (const a of actions) {
          if ('publish' in a) {
            // An id keeps its patient (a new version of R-n is the same patient's).
            const patient = owner.get(`R-${a.publish}`) ?? a.patient;
            owner.set(`R-${a.publish}`, patient);
            const keys = a.withCard ? [patients[patient]!, BHYT] : [patients[patient]!];
            await publish(hub, `R-${a.publish}`, keys, 'corrected');
            current.set(
              `R-${a.publish}`,
              keys.map((k) => k.value),
            );
          } else await hub.transact((trx) => fileStep(trx, a.step));
          for (const key of [...patients, BHYT]) expect(await idsOf(hub, key)).toEqual(expected(key));
          expect(await strayKeyRows(hub)).toBe(0);
        }
        await hub.fileReports();
        const unfiled = await sql<{ n: number }>`SELECT count(*) AS n FROM lab_reports
          WHERE seq < ${CLUSTERED_BASE}`.execute(hub.db);
        expect(unfiled.rows[0]!.n).toBe(0);
        for (const key of [...patients, BHYT]) expect(await idsOf(hub, key)).toEqual(expected(key));
        await hub.close();
        open = open.filter((h) => h !== hub);
        await database.drop();
        databases = databases.filter((d) => d !== database);
      }),
      { numRuns: 25 },
    );
  });
});

describe('arrival order on a file that holds clustered versions', () => {
  it('numbers new versions below the clustered range, not after its last row', async () => {
    const database = sqliteDatabase();
    let hub = await openHub('patient', database);
    await publish(hub, 'R-1');
    await hub.close();
    open = [];
    hub = await openHub('arrival', database);
    await publish(hub, 'R-2', [OTHER]);
    await bulkLoadReports(hub.db, [syntheticLabReport('R-3', undefined, [THIRD])], { publisher });
    const seq = await seqsOf(hub);
    expect(seq['R-1@1']).toBe(clusterStart(clusterOf(CCCD)));
    expect(seq['R-2@1']).toBe(1);
    expect(seq['R-3@1']).toBe(2);
    expect(await idsOf(hub, OTHER)).toEqual(['R-2']);
  });
});

describe('fileReports', () => {
  it('files nothing in an empty file', async () => {
    const hub = await openHub('arrival');
    expect(await hub.fileReports()).toBe(0);
  });
});
