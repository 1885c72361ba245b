import SQLite from 'better-sqlite3';
import { type CompiledQuery, Kysely, Migrator, SqliteDialect, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { sqliteDatabase, type TestDatabase } from '../../test/databases.js';
import { bulkLoadReports } from '../records/bulk-load.js';
import { labReportRows, publishReport, queryReports } from '../records/lab-reports.js';
import { migrations } from './migrations.js';
import { openDatabase } from './open-database.js';
import { sqliteReportSequence } from './report-sequence.js';
import type { HubDatabase } from './schema.js';

// SYNTHETIC data only: made-up identifiers and codes under urn:synthetic: systems.
const BEFORE_013 = '2026-12-31-012-visit-summary-views';
const PATIENT = { system: 'urn:synthetic:patient-id', value: 'P1' };
const OTHER = { system: 'urn:synthetic:insurance', value: 'BH-1' };
const publisher = { facilityCode: 'SYN01', admin: false };
const report = (id: string, effectiveAt?: string, identifiers = [PATIENT]) => ({
  id,
  patient: { identifiers },
  codes: [{ system: 'urn:synthetic:lab-panel', code: 'P-CHEM' }],
  status: 'final' as const,
  ...(effectiveAt ? { effectiveAt } : {}),
  observations: [{ codes: [{ system: 'urn:synthetic:lab-test', code: 'T-GLU' }], status: 'final' as const }],
});

let databases: TestDatabase[] = [];
afterEach(async () => {
  for (const d of databases) await d.drop();
  databases = [];
});

/**
 * A SQLite hub database in the layout before 013, holding four report versions as that layout
 * stored them: R-1 in two versions (the second current), R-2 under two patient keys, R-3 undated.
 */
async function filledBefore013() {
  const database = sqliteDatabase();
  databases.push(database);
  const file = (database.config as { sqlite: string }).sqlite;
  const raw = new Kysely<HubDatabase>({ dialect: new SqliteDialect({ database: new SQLite(file) }) });
  const { error } = await new Migrator({
    db: raw,
    provider: { getMigrations: async () => migrations },
  }).migrateTo(BEFORE_013);
  if (error) throw error;
  const versions = [
    { input: report('R-1', '2026-03-04T08:00:00+07:00'), rowId: 'row-a', version: 1, current: 0 },
    {
      input: report('R-2', '2026-05-01T08:00:00+07:00', [PATIENT, OTHER]),
      rowId: 'row-b',
      version: 1,
      current: 1,
    },
    { input: report('R-1', '2026-03-04T08:00:00+07:00'), rowId: 'row-c', version: 2, current: 1 },
    { input: report('R-3'), rowId: 'row-d', version: 1, current: 1 },
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
  return { database, raw };
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

/** The SQLite plan of `query`, one step a line. */
async function plan(db: Kysely<HubDatabase>, query: CompiledQuery): Promise<string[]> {
  const { rows } = await db.executeQuery<{ detail: string }>({
    ...query,
    sql: `EXPLAIN QUERY PLAN ${query.sql}`,
  });
  return rows.map((r) => r.detail);
}

describe('migration 013 (report sequence) on SQLite', () => {
  it('keeps every row, numbers the versions in the order they were stored, and gives each key its report’s number', async () => {
    const { database, raw } = await filledBefore013();
    const before = await snapshot(raw);
    await raw.destroy();
    const hub = await openDatabase(database.config);
    try {
      expect(await snapshot(hub.db)).toEqual(before);
      const reports = await hub.db
        .selectFrom('lab_reports')
        .select(['row_id', 'seq'])
        .orderBy('seq')
        .execute();
      expect(reports.map((r) => r.row_id)).toEqual(['row-a', 'row-b', 'row-c', 'row-d']);
      const keys = await hub.db
        .selectFrom('lab_report_patients as k')
        .innerJoin('lab_reports as r', 'r.row_id', 'k.record_id')
        .select(['k.record_id', 'k.report_seq', 'r.seq'])
        .execute();
      expect(keys).toHaveLength(5);
      for (const k of keys) expect(k.report_seq).toBe(k.seq);
      expect((await sql`PRAGMA foreign_key_check`.execute(hub.db)).rows).toEqual([]);
      expect(
        (await sql<{ foreign_keys: number }>`PRAGMA foreign_keys`.execute(hub.db)).rows[0]?.foreign_keys,
      ).toBe(1);
      // The view the FHIR facade reads versions from is back.
      expect(
        await hub.db.selectFrom('lab_report_versions').select('row_id').orderBy('row_id').execute(),
      ).toHaveLength(4);

      const page = await queryReports(hub.db, { patient: PATIENT }, { limit: 10 });
      expect(page.items.map((r) => [r.id, r.version])).toEqual([
        ['R-2', 1],
        ['R-1', 2],
        ['R-3', 1],
      ]);
      expect((await queryReports(hub.db, { patient: OTHER }, { limit: 10 })).items.map((r) => r.id)).toEqual([
        'R-2',
      ]);
    } finally {
      await hub.close();
    }
  });

  it('reads a patient’s reports by the integer key, from the covering key index', async () => {
    const { database, raw } = await filledBefore013();
    await raw.destroy();
    const sent: CompiledQuery[] = [];
    const hub = await openDatabase(database.config);
    await hub.close();
    const logged = new Kysely<HubDatabase>({
      dialect: new SqliteDialect({ database: new SQLite((database.config as { sqlite: string }).sqlite) }),
      log: (event) => void (event.level === 'query' && sent.push(event.query)),
    });
    try {
      await queryReports(logged, { patient: PATIENT }, { limit: 10 });
      const steps = (await plan(logged, sent[sent.length - 1]!)).join('\n');
      expect(steps).toMatch(/SEARCH r USING INTEGER PRIMARY KEY \(rowid=\?\)/);
      expect(steps).toMatch(/USING COVERING INDEX lab_report_patients_key_seq \(system=\? AND value=\?\)/);
      expect(steps).not.toMatch(/sqlite_autoindex_lab_reports/);
    } finally {
      await logged.destroy();
    }
  });

  it('numbers what is written after it: a publish, a new version, a bulk load', async () => {
    const { database, raw } = await filledBefore013();
    await raw.destroy();
    const hub = await openDatabase(database.config);
    try {
      await hub.db.transaction().execute((trx) => publishReport(trx, publisher, report('R-4', '2026-06-01')));
      await hub.db
        .transaction()
        .execute((trx) => publishReport(trx, publisher, { ...report('R-3'), status: 'corrected' as const }));
      await bulkLoadReports(hub.db, [report('R-5', '2026-07-01', [PATIENT, OTHER]), report('R-6')], {
        publisher,
      });
      const keys = await hub.db
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
      const page = await queryReports(hub.db, { patient: PATIENT }, { limit: 10 });
      expect(page.items.map((r) => [r.id, r.version])).toEqual([
        ['R-5', 1],
        ['R-4', 1],
        ['R-2', 1],
        ['R-1', 2],
        ['R-3', 2],
        ['R-6', 1],
      ]);
    } finally {
      await hub.close();
    }
  });

  it('does nothing when run again (a commit that was not recorded)', async () => {
    const { database, raw } = await filledBefore013();
    await raw.destroy();
    const hub = await openDatabase(database.config);
    try {
      const before = await snapshot(hub.db);
      const seqs = await hub.db
        .selectFrom('lab_report_patients')
        .select('report_seq')
        .orderBy('record_id')
        .execute();
      await sqliteReportSequence.up(hub.db as Kysely<unknown>);
      expect(await snapshot(hub.db)).toEqual(before);
      expect(
        await hub.db.selectFrom('lab_report_patients').select('report_seq').orderBy('record_id').execute(),
      ).toEqual(seqs);
    } finally {
      await hub.close();
    }
  });

  it('changes nothing when a row could not be carried over, and says why', async () => {
    const { database, raw } = await filledBefore013();
    // A key row whose report is gone: only with the foreign-key checks off (a damaged file).
    await sql`PRAGMA foreign_keys = OFF`.execute(raw);
    await raw
      .insertInto('lab_report_patients')
      .values({ record_id: 'row-gone', system: PATIENT.system, value: PATIENT.value, clinical_at: '' })
      .execute();
    const before = await snapshot(raw);
    await raw.destroy();
    const failed = await openDatabase(database.config).then(
      () => undefined,
      (error: unknown) => error as { code: string; cause: Error },
    );
    expect(failed?.code).toBe('HUB_DATABASE_UNAVAILABLE');
    expect(failed?.cause.message).toMatch(
      /lab_report_patients holds 6 rows, its copy 5; nothing was changed/,
    );
    const again = new Kysely<HubDatabase>({
      dialect: new SqliteDialect({ database: new SQLite((database.config as { sqlite: string }).sqlite) }),
    });
    try {
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
    } finally {
      await again.destroy();
    }
  });
});
