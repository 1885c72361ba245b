import type { LabReport } from '@lienthong/result-exchange';
import { afterEach, describe, expect, it } from 'vitest';
import { sqliteDatabase, type TestDatabase } from '../../test/databases.js';
import { type HubDb, openDatabase } from '../db/open-database.js';
import { bulkLoadReports } from './bulk-load.js';
import { getReport, keysWithSeq, publishReport, queryReports } from './lab-reports.js';

// SYNTHETIC data only: made-up identifiers in urn:synthetic: systems.
const report = (n: number, patient = `P${n % 3}`): LabReport => ({
  id: `R-${n}`,
  patient: { identifiers: [{ system: 'urn:synthetic:patient-id', value: patient }] },
  codes: [{ system: 'urn:synthetic:lab-panel', code: 'P-CHEM' }],
  status: 'final',
  performingFacility: { code: 'SYN01' },
  effectiveAt: `2026-01-${String((n % 28) + 1).padStart(2, '0')}T08:00:00+07:00`,
  observations: [
    { codes: [{ system: 'urn:synthetic:lab-test', code: 'T-GLU' }], status: 'final' },
    { codes: [{ system: 'urn:synthetic:lab-test', code: 'T-GLU' }], status: 'final' },
    { codes: [{ system: 'urn:synthetic:lab-test', code: 'T-URE' }], status: 'final' },
  ],
});
const publisher = { facilityCode: 'SYN01', admin: false };

let open: { db: TestDatabase; store: HubDb }[] = [];
async function fresh(): Promise<HubDb> {
  const db = sqliteDatabase();
  // Arrival order: publishes and bulk loads then number rows alike, so every row, `seq` included,
  // can be compared (in patient order bulk loads place by patient at once, publishes later).
  const store = await openDatabase({ ...db.config, reportOrder: 'arrival' });
  open.push({ db, store });
  return store;
}
afterEach(async () => {
  for (const { db, store } of open) {
    await store.close();
    await db.drop();
  }
  open = [];
});

/** Every stored row of the lab-report tables, without the generated row ids and times. */
async function snapshot(store: HubDb) {
  const reports = await store.db.selectFrom('lab_reports').selectAll().orderBy('id').execute();
  const ids = new Map(reports.map((r) => [r.row_id, r.id]));
  const patients = await store.db.selectFrom('lab_report_patients').selectAll().execute();
  const codes = await store.db.selectFrom('lab_report_codes').selectAll().execute();
  const byReport = <T extends { record_id: string }>(rows: T[]) =>
    rows
      .map(({ record_id, ...rest }) => ({ report: ids.get(record_id), ...rest }))
      .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  return {
    reports: reports.map(({ row_id: _r, created_at: _c, ...rest }) => rest),
    patients: byReport(patients),
    codes: byReport(codes),
  };
}

describe('bulkLoadReports', () => {
  it('writes exactly the rows publishReport writes, in batches', async () => {
    const reports = Array.from({ length: 25 }, (_, n) => report(n));
    const published = await fresh();
    for (const r of reports)
      await published.db.transaction().execute((trx) => publishReport(trx, publisher, r));
    const bulk = await fresh();
    const batches: number[] = [];
    const loaded = await bulkLoadReports(bulk.db, reports, {
      publisher,
      batchSize: 10,
      onBatch: (n) => batches.push(n),
    });
    expect(loaded).toBe(25);
    expect(batches).toEqual([10, 20, 25]);
    expect(await snapshot(bulk)).toEqual(await snapshot(published));
    expect(await getReport(bulk.db, 'R-4')).toEqual({ ...reports[4], version: 1 });
    const page = await queryReports(
      bulk.db,
      { patient: { system: 'urn:synthetic:patient-id', value: 'P1' } },
      { limit: 50 },
    );
    expect(page.items.map((r) => r.id)).toEqual(
      (
        await queryReports(
          published.db,
          { patient: { system: 'urn:synthetic:patient-id', value: 'P1' } },
          { limit: 50 },
        )
      ).items.map((r) => r.id),
    );
    // A loaded report is published over like any other: a changed version supersedes it.
    const receipt = await bulk.db
      .transaction()
      .execute((trx) => publishReport(trx, publisher, { ...reports[4], status: 'corrected' }));
    expect(receipt).toEqual({ id: 'R-4', version: 2, outcome: 'updated' });
  });

  it('accepts an async iterable', async () => {
    const store = await fresh();
    async function* gen() {
      for (let n = 0; n < 3; n++) yield report(n);
    }
    expect(await bulkLoadReports(store.db, gen(), { publisher })).toBe(3);
  });

  it('validates with the publish contract and keeps a facility to its own reports', async () => {
    const store = await fresh();
    await expect(
      bulkLoadReports(store.db, [{ ...report(1), status: 'bogus' } as unknown as LabReport], { publisher }),
    ).rejects.toMatchObject({ code: 'LAB_REPORT_INVALID' });
    await expect(
      bulkLoadReports(store.db, [{ ...report(1), performingFacility: { code: 'OTHER' } }], { publisher }),
    ).rejects.toMatchObject({ code: 'HUB_PUBLISH_AS_OTHER_FACILITY' });
    expect(
      await bulkLoadReports(store.db, [{ ...report(1), performingFacility: { code: 'OTHER' } }], {
        publisher: { facilityCode: 'ADMIN', admin: true },
      }),
    ).toBe(1);
    const row = await store.db.selectFrom('lab_reports').select('facility_code').executeTakeFirstOrThrow();
    expect(row.facility_code).toBe('OTHER');
  });

  it('loads only new reports: a batch with a stored id rolls back whole', async () => {
    const store = await fresh();
    await bulkLoadReports(store.db, [report(1)], { publisher });
    await expect(bulkLoadReports(store.db, [report(2), report(1)], { publisher })).rejects.toThrow();
    const ids = await store.db.selectFrom('lab_reports').select('id').execute();
    expect(ids.map((r) => r.id)).toEqual(['R-1']);
    expect(await store.db.selectFrom('lab_report_patients').select('record_id').execute()).toHaveLength(1);
  });
});

describe('keysWithSeq', () => {
  it('gives each key row its version’s seq, and refuses with a typed error a version without one', () => {
    const key = { record_id: 'row-1', system: 'urn:synthetic:patient-id', value: 'P1', clinical_at: '' };
    expect(keysWithSeq([key], () => 7)).toEqual([{ ...key, report_seq: 7 }]);
    expect(() => keysWithSeq([key], () => undefined)).toThrow(
      expect.objectContaining({
        code: 'HUB_REPORT_SEQ_MISSING',
        messageVi: expect.stringContaining('row-1'),
      }),
    );
  });
});
