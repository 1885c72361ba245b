import { type CompiledQuery, type Kysely, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import type { TestDatabase } from '../../test/databases.js';
import {
  openSqlite,
  plan,
  SYNTHETIC_PATIENT,
  sqliteMigratedTo,
  syntheticLabReport,
} from '../../test/migration-fixtures.js';
import { bulkLoadReports } from '../records/bulk-load.js';
import { labReportRows, publishReport, queryReports } from '../records/lab-reports.js';
import { type HubDb, openDatabase } from './open-database.js';
import { sqliteReportSequence } from './report-sequence.js';
import type { HubDatabase } from './schema.js';

// SYNTHETIC data only: made-up identifiers and codes under urn:synthetic: systems.
const BEFORE_013 = '2026-12-31-012-visit-summary-views';
const OTHER = { system: 'urn:synthetic:insurance', value: 'BH-1' };
const publisher = { facilityCode: 'SYN01', admin: false };

let toClose: Array<() => Promise<void>> = [];
let databases: TestDatabase[] = [];
afterEach(async () => {
  const closing = toClose.reverse();
  const dropping = databases;
  toClose = [];
  databases = [];
  try {
    for (const close of closing) await close();
  } finally {
    for (const d of dropping) await d.drop();
  }
});

/** Has `close` run after the test, before its databases are dropped (the last opened, first closed). */
function closeAfterTest(close: () => Promise<void>): void {
  toClose.push(close);
}

type Filled = Awaited<ReturnType<typeof filledBefore013>>;

/**
 * A SQLite hub database in the layout before 013, holding four report versions as that layout
 * stored them: R-1 in two versions (the second current), R-2 under two patient keys, R-3 undated.
 * `raw` is open on it without the hub.
 */
async function filledBefore013() {
  const filled = await sqliteMigratedTo(BEFORE_013);
  databases.push(filled.database);
  const { raw } = filled;
  closeAfterTest(() => raw.destroy());
  const versions = [
    { input: syntheticLabReport('R-1', '2026-03-04T08:00:00+07:00'), rowId: 'row-a', version: 1, current: 0 },
    {
      input: syntheticLabReport('R-2', '2026-05-01T08:00:00+07:00', [SYNTHETIC_PATIENT, OTHER]),
      rowId: 'row-b',
      version: 1,
      current: 1,
    },
    { input: syntheticLabReport('R-1', '2026-03-04T08:00:00+07:00'), rowId: 'row-c', version: 2, current: 1 },
    { input: syntheticLabReport('R-3'), rowId: 'row-d', version: 1, current: 1 },
  ];
  for (const v of versions) {
    const rows = labReportRows(v.input, {
      rowId: v.rowId,
      version: v.version,
      facilityCode: 'SYN01',
      createdAt: 'x',
    });
    await raw
      .insertInto('lab_reports')
      .values({ ...rows.report, current: v.current })
      .execute();
    await raw.insertInto('lab_report_patients').values(rows.patients).execute();
    await raw.insertInto('lab_report_codes').values(rows.codes).execute();
  }
  return filled;
}

/**
 * Closes `raw` and opens the hub on the filled database, which runs 013 (and the migrations after
 * it); the hub is closed after the test.
 */
async function openHub({ database, raw }: Filled): Promise<HubDb> {
  await raw.destroy();
  const hub = await openDatabase(database.config);
  closeAfterTest(() => hub.close());
  return hub;
}

type Snapshot = Record<'reports' | 'keys' | 'codes', unknown[]>;

/** Every stored row of the three report tables, `seq` and `report_seq` left out. */
async function snapshot(db: Kysely<HubDatabase>): Promise<Snapshot> {
  const all = async (table: string, order: string) =>
    (
      await sql<
        Record<string, unknown>
      >`SELECT * FROM ${sql.table(table)} ORDER BY ${sql.raw(order)}`.execute(db)
    ).rows.map(({ seq: _, report_seq: __, ...row }) => row);
  return {
    reports: await all('lab_reports', 'row_id'),
    keys: await all('lab_report_patients', 'record_id, system'),
    codes: await all('lab_report_codes', 'record_id, system, code'),
  };
}

describe('migration 013 (report sequence) on SQLite', () => {
  it('keeps every row, numbers the versions in the order they were stored, and gives each key its report’s number', async () => {
    const filled = await filledBefore013();
    const before = await snapshot(filled.raw);
    const { db } = await openHub(filled);
    expect(await snapshot(db)).toEqual(before);
    const reports = await db.selectFrom('lab_reports').select(['row_id', 'seq']).orderBy('seq').execute();
    expect(reports.map((r) => r.row_id)).toEqual(['row-a', 'row-b', 'row-c', 'row-d']);
    const keys = await db
      .selectFrom('lab_report_patients as k')
      .innerJoin('lab_reports as r', 'r.row_id', 'k.record_id')
      .select(['k.record_id', 'k.report_seq', 'r.seq'])
      .execute();
    expect(keys).toHaveLength(5);
    for (const k of keys) expect(k.report_seq).toBe(k.seq);
    expect((await sql`PRAGMA foreign_key_check`.execute(db)).rows).toEqual([]);
    expect((await sql<{ foreign_keys: number }>`PRAGMA foreign_keys`.execute(db)).rows[0]?.foreign_keys).toBe(
      1,
    );
    // The view the FHIR facade reads versions from is back.
    expect(
      await db.selectFrom('lab_report_versions').select('row_id').orderBy('row_id').execute(),
    ).toHaveLength(4);

    const page = await queryReports(db, { patient: SYNTHETIC_PATIENT }, { limit: 10 });
    expect(page.items.map((r) => [r.id, r.version])).toEqual([
      ['R-2', 1],
      ['R-1', 2],
      ['R-3', 1],
    ]);
    expect((await queryReports(db, { patient: OTHER }, { limit: 10 })).items.map((r) => r.id)).toEqual([
      'R-2',
    ]);
  });

  it('reads a patient’s reports by the integer key, from the covering key index', async () => {
    const { database, raw } = await filledBefore013();
    await raw.destroy();
    // 013 runs as the hub opens; the hub is closed again before the plan is read.
    await (await openDatabase(database.config)).close();
    const sent: CompiledQuery[] = [];
    const logged = openSqlite(database, (event) => void (event.level === 'query' && sent.push(event.query)));
    closeAfterTest(() => logged.destroy());
    await queryReports(logged, { patient: SYNTHETIC_PATIENT }, { limit: 10 });
    const steps = (await plan(logged, sent[sent.length - 1]!)).join('\n');
    expect(steps).toMatch(/SEARCH r USING INTEGER PRIMARY KEY \(rowid=\?\)/);
    expect(steps).toMatch(/USING COVERING INDEX lab_report_patients_key_seq \(system=\? AND value=\?\)/);
    expect(steps).not.toMatch(/sqlite_autoindex_lab_reports/);
  });

  it('numbers what is written after it: a publish, a new version, a bulk load', async () => {
    const { db } = await openHub(await filledBefore013());
    await db
      .transaction()
      .execute((trx) => publishReport(trx, publisher, syntheticLabReport('R-4', '2026-06-01')));
    await db
      .transaction()
      .execute((trx) =>
        publishReport(trx, publisher, { ...syntheticLabReport('R-3'), status: 'corrected' as const }),
      );
    await bulkLoadReports(
      db,
      [syntheticLabReport('R-5', '2026-07-01', [SYNTHETIC_PATIENT, OTHER]), syntheticLabReport('R-6')],
      { publisher },
    );
    const keys = await db
      .selectFrom('lab_report_patients as k')
      .innerJoin('lab_reports as r', 'r.row_id', 'k.record_id')
      .select(['r.id', 'r.version', 'k.report_seq', 'r.seq'])
      .orderBy('r.seq')
      .execute();
    expect(keys.filter((k) => k.report_seq !== k.seq)).toEqual([]);
    expect(keys.slice(-5).map((k) => [k.id, k.version])).toEqual([
      ['R-4', 1],
      ['R-3', 2],
      ['R-5', 1],
      ['R-5', 1],
      ['R-6', 1],
    ]);
    expect(keys[keys.length - 5]!.seq).toBeGreaterThan(4);
    const page = await queryReports(db, { patient: SYNTHETIC_PATIENT }, { limit: 10 });
    expect(page.items.map((r) => [r.id, r.version])).toEqual([
      ['R-5', 1],
      ['R-4', 1],
      ['R-2', 1],
      ['R-1', 2],
      ['R-3', 2],
      ['R-6', 1],
    ]);
  });

  it('does nothing when run again (a commit that was not recorded)', async () => {
    const { db } = await openHub(await filledBefore013());
    const before = await snapshot(db);
    const seqs = await db
      .selectFrom('lab_report_patients')
      .select('report_seq')
      .orderBy('record_id')
      .execute();
    await sqliteReportSequence.up(db as Kysely<unknown>);
    expect(await snapshot(db)).toEqual(before);
    expect(
      await db.selectFrom('lab_report_patients').select('report_seq').orderBy('record_id').execute(),
    ).toEqual(seqs);
  });

  it('changes nothing when a row could not be carried over, and says why', async () => {
    const { database, raw } = await filledBefore013();
    // A key row whose report is gone: only with the foreign-key checks off (a damaged file).
    await sql`PRAGMA foreign_keys = OFF`.execute(raw);
    await raw
      .insertInto('lab_report_patients')
      .values({
        record_id: 'row-gone',
        system: SYNTHETIC_PATIENT.system,
        value: SYNTHETIC_PATIENT.value,
        clinical_at: '',
      })
      .execute();
    const before = await snapshot(raw);
    await raw.destroy();
    const failed = await openDatabase(database.config).then(
      // Opened after all: closed, and the expectations below fail.
      (hub) => hub.close().then(() => undefined),
      (error: unknown) => error as { code: string; cause: Error },
    );
    expect(failed?.code).toBe('HUB_DATABASE_UNAVAILABLE');
    expect(failed?.cause.message).toMatch(
      /lab_report_patients holds 6 rows, its copy 5; nothing was changed/,
    );
    const again = openSqlite(database);
    closeAfterTest(() => again.destroy());
    expect(await snapshot(again)).toEqual(before);
    const columns = await sql<{ name: string }>`SELECT name FROM pragma_table_info('lab_reports')`.execute(
      again,
    );
    expect(columns.rows.map((c) => c.name)).not.toContain('seq');
    const tables = await sql<{
      name: string;
    }>`SELECT name FROM sqlite_master WHERE name LIKE '%_next'`.execute(again);
    expect(tables.rows).toEqual([]);
    expect(await again.selectFrom('lab_report_versions').select('row_id').execute()).toHaveLength(4);
  });
});
