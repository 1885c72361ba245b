import type { LabReport } from '@lienthong/result-exchange';
import { type CompiledQuery, Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuditLog } from '../src/audit.js';
import { partitionLabReports } from '../src/db/migrations-partitioned.js';
import { type HubDb, openDatabase } from '../src/db/open-database.js';
import { detachPartitionsBefore, ensurePartitionsAhead, isPartitioned } from '../src/db/partitions.js';
import type { HubDatabase } from '../src/db/schema.js';
import { bulkLoadReports } from '../src/records/bulk-load.js';
import {
  getReport,
  getReportVersion,
  publishReport,
  queryReports,
  reportHistory,
} from '../src/records/lab-reports.js';
import type { TestDatabase } from './databases.js';

// SYNTHETIC data only: made-up patients and codes under urn:synthetic: systems.
const PATIENT_SYSTEM = 'urn:synthetic:patient-id';
const MONTHS = ['2025-09', '2025-10', '2025-11', '2025-12', '2026-01', '2026-02'];
const REPORTS = 3_000;
const UNDATED = 40;
const publisher = { facilityCode: 'SYN01', admin: false };

function report(n: number, month: string | undefined, status: LabReport['status'] = 'final'): LabReport {
  return {
    id: `R-${n}`,
    patient: { identifiers: [{ system: PATIENT_SYSTEM, value: `P${n % 50}` }] },
    codes: [{ system: 'urn:synthetic:lab-panel', code: `PANEL-${n % 4}` }],
    status,
    performingFacility: { code: 'SYN01' },
    ...(month ? { effectiveAt: `${month}-${String((n % 28) + 1).padStart(2, '0')}T08:00:00+07:00` } : {}),
    observations: [
      { codes: [{ system: 'urn:synthetic:lab-test', code: `T-${n % 7}` }], status: 'final' },
      { codes: [{ system: 'urn:synthetic:lab-test', code: 'T-URE' }], status: 'final' },
    ],
  };
}

const TABLES = ['lab_reports', 'lab_report_patients', 'lab_report_codes', 'audit_events'] as const;

async function counts(db: Kysely<unknown>): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of TABLES)
    out[t] = Number(
      (await sql<{ n: string }>`SELECT count(*) AS n FROM ${sql.table(t)}`.execute(db)).rows[0]!.n,
    );
  return out;
}

/** The partitions of `table`, by name. */
export async function partitionsOf(db: Kysely<unknown>, table: string): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`SELECT c.relname AS name FROM pg_inherits i
    JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
    WHERE p.relname = ${table} ORDER BY c.relname`.execute(db);
  return rows.map((r) => r.name);
}

/**
 * Partitioned PostgreSQL (`layout: 'partitioned'`): the conversion from the unpartitioned layout keeps every
 * row (counted), partitions are made ahead and on demand, old ones detach, reads open one
 * partition, and the (id, version) race still fails one publisher.
 */
export function describePartitionedPostgres(label: string, makeDatabase: () => Promise<TestDatabase>) {
  describe(`partitioned lab reports and audit on ${label}`, () => {
    let database: TestDatabase & { config: { postgres: string } };
    let hub: HubDb;
    let before: Record<string, number>;
    let patientPageBefore: LabReport[];

    beforeAll(async () => {
      database = (await makeDatabase()) as typeof database;
      // Today's layout, filled: several months, undated reports, several versions, audit entries.
      const plain = await openDatabase(database.config);
      expect(await isPartitioned(plain.db as Kysely<unknown>)).toBe(false);
      const reports = Array.from({ length: REPORTS }, (_, n) =>
        report(n, n < UNDATED ? undefined : MONTHS[n % MONTHS.length]),
      );
      await bulkLoadReports(plain.db, reports, { publisher, batchSize: 1_000 });
      for (let n = 0; n < 60; n++) {
        // Second and third versions; a new clinical month for some (the versions then span partitions).
        const month = MONTHS[(n + 1) % MONTHS.length];
        await plain.transact((trx) => publishReport(trx, publisher, report(n, month, 'amended')));
        if (n % 3 === 0)
          await plain.transact((trx) => publishReport(trx, publisher, report(n, month, 'corrected')));
      }
      const audit = await createAuditLog(plain);
      await Promise.all(
        Array.from({ length: 500 }, (_, n) =>
          audit.record({
            facilityCode: 'SYN01',
            credentialId: 'c-1',
            purpose: 'TREAT',
            action: 'read',
            resourceType: 'LabReport',
            resourceId: `R-${n}`,
          }),
        ),
      );
      await sql`UPDATE audit_events SET at = ${'2025-10-'}
        || lpad((1 + (abs(hashtext(id)) % 28))::text, 2, '0') || 'T00:00:00.000Z'
        WHERE resource_id LIKE 'R-1%'`.execute(plain.db);
      before = await counts(plain.db as Kysely<unknown>);
      patientPageBefore = (
        await queryReports(plain.db, { patient: { system: PATIENT_SYSTEM, value: 'P7' } }, { limit: 100 })
      ).items;
      await plain.close();
      hub = await openDatabase({ ...database.config, layout: 'partitioned' });
    }, 180_000);
    afterAll(async () => {
      await hub?.close();
      await database?.drop();
    });

    it('partitioning keeps every row of every table (counted) and partitions them by month', async () => {
      const db = hub.db as Kysely<unknown>;
      expect(await isPartitioned(db)).toBe(true);
      expect(before.lab_reports).toBe(REPORTS + 60 + 20);
      expect(before.audit_events).toBe(500);
      expect(await counts(db)).toEqual(before);
      const versions = await sql<{ n: string }>`SELECT count(*) AS n FROM lab_report_versions`.execute(db);
      expect(Number(versions.rows[0]!.n)).toBe(before.lab_reports);
      const reportPartitions = await partitionsOf(db, 'lab_reports');
      for (const m of MONTHS) expect(reportPartitions).toContain(`lab_reports_m${m.replace('-', '_')}`);
      expect(reportPartitions).toContain('lab_reports_undated');
      expect(await partitionsOf(db, 'audit_events')).toContain('audit_events_m2025_10');
      const undated = await sql<{ n: string }>`SELECT count(*) AS n FROM lab_reports_undated`.execute(db);
      expect(Number(undated.rows[0]!.n)).toBe(UNDATED);
      // A patient's reports read the same as before, in the same order.
      const after = await queryReports(
        hub.db,
        { patient: { system: PATIENT_SYSTEM, value: 'P7' } },
        { limit: 100 },
      );
      expect(after.items).toEqual(patientPageBefore);
    });

    it('reads by id, history and row id find their versions across partitions', async () => {
      const current = await getReport(hub.db, 'R-3');
      expect(current?.status).toBe('corrected');
      expect(current?.version).toBe(3);
      expect((await reportHistory(hub.db, 'R-3')).map((r) => r.version)).toEqual([1, 2, 3]);
      const row = await sql<{ row_id: string }>`SELECT row_id FROM lab_report_versions
        WHERE id = 'R-3' AND version = 1`.execute(hub.db);
      expect((await getReportVersion(hub.db, row.rows[0]!.row_id))?.report.version).toBe(1);
    });

    it('a read by id opens one partition; a patient query with a window opens only its months', async () => {
      // The hub's own queries, as it sends them, explained and run.
      const sent: CompiledQuery[] = [];
      const logged = new Kysely<HubDatabase>({
        dialect: new PostgresDialect({
          pool: new pg.Pool({ connectionString: database.config.postgres, max: 1 }),
        }),
        log: (event) => void (event.level === 'query' && sent.push(event.query)),
      });
      const explain = async (run: () => Promise<unknown>) => {
        sent.length = 0;
        await run();
        const { rows } = await logged.executeQuery<{ 'QUERY PLAN': string }>({
          ...sent[sent.length - 1]!,
          sql: `EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) ${sent[sent.length - 1]!.sql}`,
        });
        return rows.map((r) => r['QUERY PLAN']).join('\n');
      };
      try {
        const byId = await explain(() => getReport(logged, 'R-10'));
        // The other partitions are pruned once the executor has the subquery's value (never executed).
        const opened = byId.split('\n').filter((l) => /on lab_reports_/.test(l) && !/never executed/.test(l));
        expect(opened).toHaveLength(1);
        const patient = { system: PATIENT_SYSTEM, value: 'P7' };
        const inWindow = await explain(() =>
          queryReports(logged, { patient, since: '2025-11-05', until: '2025-11-25' }, { limit: 10 }),
        );
        if (process.env.SHOW_PLANS) console.log(inWindow);
        const months = new Set(inWindow.match(/lab_report(s|_patients)_(m\d{4}_\d{2}|undated)\b/g));
        expect([...months].sort()).toEqual(['lab_report_patients_m2025_11', 'lab_reports_m2025_11']);
        // Without a window, at scale (here too few rows for the planner to prefer it, so scans and
        // hash joins are turned off for the session): the keys come from the key index, and each
        // key row opens only its month's report partition, by (row id, clinical time).
        await sql`SET enable_seqscan = off`.execute(logged);
        await sql`SET enable_hashjoin = off`.execute(logged);
        await sql`SET enable_mergejoin = off`.execute(logged);
        const all = await explain(() => queryReports(logged, { patient }, { limit: 10 }));
        if (process.env.SHOW_PLANS) console.log(all);
        expect(all).not.toMatch(/Seq Scan on lab_report/);
        const keyIndexes = new Set(
          all.match(/lab_report_patients_m\d{4}_\d{2}_system_value_clinical_at_\w+/g),
        );
        expect(keyIndexes.size).toBeGreaterThanOrEqual(MONTHS.length);
        expect(all).toMatch(
          /Index Cond: \(\(row_id = lab_report_patients\w*\.record_id\) AND \(clinical_at = lab_report_patients\w*\.clinical_at\)\)/,
        );
      } finally {
        await logged.destroy();
      }
    });

    it('creates a missing month on demand (a back-filled report) and the months ahead', async () => {
      const receipt = await hub.transact((trx) => publishReport(trx, publisher, report(90_001, '2003-04')));
      expect(receipt.outcome).toBe('created');
      expect((await getReport(hub.db, 'R-90001'))?.effectiveAt).toMatch(/^2003-04/);
      const db = hub.db as Kysely<unknown>;
      for (const t of ['lab_reports', 'lab_report_patients', 'lab_report_codes'])
        expect(await partitionsOf(db, t)).toContain(`${t}_m2003_04`);
      // A bulk load spanning months without partitions creates each.
      const loaded = await bulkLoadReports(
        hub.db,
        [report(90_002, '2002-01'), report(90_003, '2002-02'), report(90_004, '2002-01')],
        { publisher },
      );
      expect(loaded).toBe(3);
      expect(await partitionsOf(db, 'lab_reports')).toEqual(
        expect.arrayContaining(['lab_reports_m2002_01', 'lab_reports_m2002_02']),
      );
      const created = await ensurePartitionsAhead(db, new Date('2031-05-20T00:00:00Z'));
      expect(created).toEqual(
        expect.arrayContaining([
          'lab_reports_m2031_05',
          'audit_events_m2031_08',
          'lab_report_codes_m2031_08',
        ]),
      );
      expect(created).not.toContain('lab_reports_m2031_09');
      expect(await ensurePartitionsAhead(db, new Date('2031-05-20T00:00:00Z'))).toEqual([]);
    });

    it('two publishers of the same next version: one commits, the other fails on (id, version)', async () => {
      const results = await Promise.allSettled(
        ['amended', 'corrected'].map((status) =>
          hub.transact((trx) =>
            publishReport(trx, publisher, report(200, MONTHS[0], status as LabReport['status'])),
          ),
        ),
      );
      const versions = await sql<{ version: number; current: number }>`SELECT version, current
        FROM lab_report_versions WHERE id = 'R-200' ORDER BY version`.execute(hub.db);
      const committed = results.filter((r) => r.status === 'fulfilled').length;
      expect(versions.rows).toHaveLength(1 + committed);
      expect(versions.rows.filter((v) => v.current === 1)).toHaveLength(1);
      if (committed === 1) {
        const failed = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
        expect((failed.reason as { code?: string }).code).toBe('23505');
      }
    });

    it('detachPartitionsBefore detaches whole old months and forgets their reports', async () => {
      const db = hub.db as Kysely<unknown>;
      const detached = await detachPartitionsBefore(db, '2025-01');
      // Each month of each table, renamed `<partition>_archived_<stamp>`.
      expect(detached.map((n) => n.replace(/_archived_t[0-9a-z]+$/, '')).sort()).toEqual(
        ['2002_01', '2002_02', '2003_04']
          .flatMap((m) => ['lab_reports', 'lab_report_patients', 'lab_report_codes'].map((t) => `${t}_m${m}`))
          .sort(),
      );
      expect(detached.some((n) => n.includes('2025_09') || n.includes('undated'))).toBe(false);
      expect(await partitionsOf(db, 'lab_reports')).not.toContain('lab_reports_m2003_04');
      // Kept as a standalone table for the archive.
      const archive = detached.find((n) => n.startsWith('lab_reports_m2003_04_archived_'))!;
      const kept = await sql<{ n: string }>`SELECT count(*) AS n FROM ${sql.table(archive)}`.execute(db);
      expect(Number(kept.rows[0]!.n)).toBe(1);
      expect(await getReport(hub.db, 'R-90001')).toBeUndefined();
      expect(await getReport(hub.db, 'R-100')).toBeDefined();
      // Its id may be published again (a new partition for its month is made on demand).
      const again = await hub.transact((trx) => publishReport(trx, publisher, report(90_001, '2003-04')));
      expect(again).toMatchObject({ outcome: 'created', version: 1 });
    });
  });
}

/**
 * Migration 011 when a copy loses rows: a trigger planted on one new partition drops some of the
 * rows copied into it; the counts differ, the migration fails and its transaction rolls back
 * whole (the tables stay unpartitioned with every row). The trigger is the test's sabotage, made
 * by an event trigger at the partition's creation.
 */
export function describePartitionMigrationRollback(label: string, makeDatabase: () => Promise<TestDatabase>) {
  describe(`partitioning rollback on ${label}`, () => {
    let database: TestDatabase & { config: { postgres: string } };
    afterAll(async () => database?.drop());

    it('fails and rolls back when a table would hold fewer rows after the copy', async () => {
      database = (await makeDatabase()) as typeof database;
      const plain = await openDatabase(database.config);
      const reports = Array.from({ length: 120 }, (_, n) => report(n, MONTHS[n % MONTHS.length]));
      await bulkLoadReports(plain.db, reports, { publisher });
      const db = plain.db as Kysely<unknown>;
      const before = await counts(db);
      await sql`CREATE FUNCTION lose_rows() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN IF NEW.code = 'T-3' THEN RETURN NULL; END IF; RETURN NEW; END $$`.execute(db);
      await sql`CREATE FUNCTION plant_loss() RETURNS event_trigger LANGUAGE plpgsql AS $$
        DECLARE r record;
        BEGIN
          FOR r IN SELECT * FROM pg_event_trigger_ddl_commands() LOOP
            IF r.object_type = 'table' AND r.object_identity = 'public.lab_report_codes_m2025_10' THEN
              EXECUTE 'CREATE OR REPLACE TRIGGER lose BEFORE INSERT ON public.lab_report_codes_m2025_10
                FOR EACH ROW EXECUTE FUNCTION lose_rows()';
            END IF;
          END LOOP;
        END $$`.execute(db);
      await sql`CREATE EVENT TRIGGER plant_loss ON ddl_command_end WHEN TAG IN ('CREATE TABLE')
        EXECUTE FUNCTION plant_loss()`.execute(db);
      await plain.close();

      const failure = await openDatabase({ ...database.config, layout: 'partitioned' }).then(
        () => undefined,
        (error: { cause?: Error }) => error,
      );
      expect(failure?.cause?.message).toMatch(
        /partitioning: lab_report_codes_unpartitioned held \d+ rows, lab_report_codes holds \d+/,
      );
      const again = await openDatabase(database.config);
      try {
        expect(await isPartitioned(again.db as Kysely<unknown>)).toBe(false);
        expect(await counts(again.db as Kysely<unknown>)).toEqual(before);
        expect((await getReport(again.db, 'R-7'))?.id).toBe('R-7');
        await sql`DROP EVENT TRIGGER plant_loss`.execute(again.db);
        await sql`DROP FUNCTION plant_loss()`.execute(again.db);
      } finally {
        await again.close();
      }
    });

    it('two hubs opening partitioned together convert the tables once, keeping every row', async () => {
      const before = await (async () => {
        const plain = await openDatabase(database.config);
        try {
          return await counts(plain.db as Kysely<unknown>);
        } finally {
          await plain.close();
        }
      })();
      const partitioned = { ...database.config, layout: 'partitioned' as const };
      const hubs = await Promise.all([openDatabase(partitioned), openDatabase(partitioned)]);
      try {
        const db = hubs[0]!.db as Kysely<unknown>;
        expect(await isPartitioned(db)).toBe(true);
        expect(await counts(db)).toEqual(before);
        // The lock's loser found the work done: converting again is a no-op.
        expect(await partitionLabReports(db)).toBe(false);
      } finally {
        await Promise.all(hubs.map((h) => h.close()));
      }
    });
  });
}
