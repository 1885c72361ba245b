import { type Kysely, type Migration, sql } from 'kysely';
import {
  addMonthPartitions,
  addMonths,
  isPartitioned,
  MONTHS_AHEAD,
  PARTITIONED_TABLES,
  type PartitionedTable,
  REPORT_TABLES,
  undatedPartitionName,
} from './partitions.js';

/**
 * Migration 010, every dialect: a lab report's patient keys and codes carry its clinical time, so
 * a patient's reports are read from the (system, value, clinical_at, record) index in
 * clinical-time order, and so PostgreSQL can partition the key rows by the report's month
 * ({@link partitionLabReports}). `lab_report_versions` starts as a view over `lab_reports`: the hub's reads by
 * id, FHIR id or row id take the clinical time from it, which on partitioned PostgreSQL is a
 * small table routing each read to one partition.
 */
export const labReportKeyTimes: Migration = {
  async up(db: Kysely<unknown>) {
    for (const table of ['lab_report_patients', 'lab_report_codes']) {
      await db.schema
        .alterTable(table)
        .addColumn('clinical_at', 'text', (c) => c.notNull().defaultTo(''))
        .execute();
      await sql`UPDATE ${sql.table(table)} SET clinical_at = r.clinical_at FROM lab_reports AS r
        WHERE r.row_id = ${sql.ref(`${table}.record_id`)}`.execute(db);
    }
    // Replaces (system, value, record_id): every lookup by key still has its prefix.
    await db.schema
      .createIndex('lab_report_patients_key_time')
      .on('lab_report_patients')
      .columns(['system', 'value', 'clinical_at', 'record_id'])
      .execute();
    await db.schema.dropIndex('lab_report_patients_key').execute();
    await sql`CREATE VIEW lab_report_versions AS
      SELECT id, version, row_id, fhir_id, clinical_at, current FROM lab_reports`.execute(db);
  },
};

/** The columns of each partitioned table, in order, with their PostgreSQL types. */
const COLUMNS: Record<PartitionedTable, readonly (readonly [name: string, type: string])[]> = {
  lab_reports: [
    ['row_id', 'text NOT NULL'],
    ['id', 'text NOT NULL'],
    ['fhir_id', 'text NOT NULL'],
    ['version', 'integer NOT NULL'],
    ['current', 'integer NOT NULL'],
    ['facility_code', 'text NOT NULL'],
    ['status', 'text NOT NULL'],
    ['clinical_at', 'text COLLATE "C" NOT NULL'],
    ['document', 'text NOT NULL'],
    ['created_at', 'text NOT NULL'],
  ],
  lab_report_patients: [
    ['record_id', 'text NOT NULL'],
    ['system', 'text NOT NULL'],
    ['value', 'text NOT NULL'],
    ['clinical_at', `text COLLATE "C" NOT NULL DEFAULT ''`],
  ],
  lab_report_codes: [
    ['record_id', 'text NOT NULL'],
    ['system', 'text NOT NULL'],
    ['code', 'text NOT NULL'],
    ['clinical_at', `text COLLATE "C" NOT NULL DEFAULT ''`],
  ],
  audit_events: [
    ['id', 'text NOT NULL'],
    ['at', 'text COLLATE "C" NOT NULL'],
    ['facility_code', 'text NOT NULL'],
    ['credential_id', 'text NOT NULL'],
    ['user_ref', 'text'],
    ['purpose', 'text NOT NULL'],
    ['action', 'text NOT NULL'],
    ['resource_type', 'text NOT NULL'],
    ['resource_id', 'text'],
    ['patient_ref', 'text'],
    ['withheld', 'integer'],
  ],
};

/** Indexes of the partitioned tables (each partition gets its own copy). */
const INDEXES = [
  sql`ALTER TABLE lab_reports ADD CONSTRAINT lab_reports_pkey PRIMARY KEY (row_id, clinical_at)`,
  sql`CREATE INDEX lab_reports_current ON lab_reports (id, current)`,
  sql`CREATE INDEX lab_reports_fhir_id ON lab_reports (fhir_id, version)`,
  sql`CREATE INDEX lab_reports_facility_clinical_at ON lab_reports (facility_code, clinical_at)`,
  sql`CREATE INDEX lab_report_patients_key_time ON lab_report_patients (system, value, clinical_at, record_id)`,
  sql`CREATE INDEX lab_report_codes_record ON lab_report_codes (record_id, system, code)`,
  sql`ALTER TABLE audit_events ADD CONSTRAINT audit_events_pkey PRIMARY KEY (id, at)`,
  sql`CREATE INDEX audit_events_facility_at ON audit_events (facility_code, at)`,
  sql`CREATE INDEX audit_events_patient_at ON audit_events (patient_ref, at)`,
];

/**
 * `lab_report_versions` as a table, written by triggers in the transaction that writes
 * `lab_reports`: its primary key is the global UNIQUE (id, version) on which two concurrent
 * publishers of one report's next version collide (one fails and rolls back, as before), and it
 * routes reads by id, FHIR id and row id to their partition. Statement triggers with transition
 * tables: one INSERT per statement, however many rows a bulk load inserts.
 */
const VERSIONS = [
  sql`CREATE TABLE lab_report_versions (id text NOT NULL, version integer NOT NULL, row_id text NOT NULL,
    fhir_id text NOT NULL, clinical_at text COLLATE "C" NOT NULL, current integer NOT NULL,
    CONSTRAINT lab_report_versions_pkey PRIMARY KEY (id, version))`,
  sql`INSERT INTO lab_report_versions (id, version, row_id, fhir_id, clinical_at, current)
    SELECT id, version, row_id, fhir_id, clinical_at, current FROM lab_reports_unpartitioned`,
  sql`CREATE UNIQUE INDEX lab_report_versions_row ON lab_report_versions (row_id)`,
  sql`CREATE INDEX lab_report_versions_fhir_id ON lab_report_versions (fhir_id, version)`,
  sql`CREATE FUNCTION lab_report_versions_added() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO lab_report_versions (id, version, row_id, fhir_id, clinical_at, current)
        SELECT id, version, row_id, fhir_id, clinical_at, current FROM added;
      RETURN NULL;
    END $$`,
  sql`CREATE TRIGGER lab_report_versions_added AFTER INSERT ON lab_reports
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION lab_report_versions_added()`,
  sql`CREATE FUNCTION lab_report_versions_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE lab_report_versions v SET id = n.id, version = n.version, fhir_id = n.fhir_id,
          clinical_at = n.clinical_at, current = n.current
        FROM changed n WHERE v.row_id = n.row_id;
      RETURN NULL;
    END $$`,
  sql`CREATE TRIGGER lab_report_versions_changed AFTER UPDATE ON lab_reports
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION lab_report_versions_changed()`,
  sql`CREATE FUNCTION lab_report_versions_removed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      DELETE FROM lab_report_versions v USING removed o WHERE v.row_id = o.row_id;
      RETURN NULL;
    END $$`,
  sql`CREATE TRIGGER lab_report_versions_removed AFTER DELETE ON lab_reports
    REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION lab_report_versions_removed()`,
];

/** The dialect a migration runs on: `version()` exists only on PostgreSQL (SQLite migrations run outside a transaction, so the failed probe costs nothing). */
export async function isPostgres(db: Kysely<unknown>): Promise<boolean> {
  try {
    const { rows } = await sql<{ v: string }>`SELECT version() AS v`.execute(db);
    return /PostgreSQL/i.test(rows[0]?.v ?? '');
  } catch {
    return false;
  }
}

/** How many rows `table` holds. */
export const count = async (db: Kysely<unknown>, table: string) =>
  Number((await sql<{ n: string }>`SELECT count(*) AS n FROM ${sql.table(table)}`.execute(db)).rows[0]?.n);

/** The distinct months (`YYYY-MM`) of `column` in `table`, '' (undated) left out. */
async function monthsOf(db: Kysely<unknown>, table: string, column: string): Promise<string[]> {
  const { rows } = await sql<{ m: string }>`SELECT DISTINCT substr(${sql.ref(column)}, 1, 7) AS m
    FROM ${sql.table(table)} WHERE ${sql.ref(column)} <> ''`.execute(db);
  return rows.map((r) => r.m);
}

/**
 * Partitions a PostgreSQL hub (`openDatabase({ postgres, layout: 'partitioned' })`; nothing on
 * SQLite, nothing when done already): lab reports, their patient keys and codes, and the audit
 * trail become declaratively partitioned tables, by month of the clinical time (undated reports in
 * their own partition) and of the audit entry's time (see `partitions.ts`). One transaction: the
 * tables of the unpartitioned layout are renamed, their rows copied into the partitioned ones,
 * counted on both sides, and dropped; a count that differs throws and everything is rolled back.
 * Hubs starting together take turns (an advisory lock); the second finds the work done. The
 * patient key stays a column of every key row (a possible Citus distribution key:
 * docs/en/guide/partitioning.md).
 *
 * Not a migration: a migration runs on every hub, and a partitioned layout is a choice, slower for
 * a small hub (patient queries plan every monthly partition; docs/en/guide/partitioning.md). The
 * migrations that follow keep to DDL both layouts accept.
 *
 * @returns whether this call partitioned the tables.
 */
export async function partitionLabReports(db: Kysely<unknown>): Promise<boolean> {
  if (!(await isPostgres(db))) return false;
  return db.transaction().execute(async (trx) => {
    await sql`SELECT pg_advisory_xact_lock(${PARTITIONING_LOCK})`.execute(trx);
    if (await isPartitioned(trx)) return false;
    await convertToPartitions(trx);
    return true;
  });
}

/** The advisory lock hubs take to partition one database (any constant of this deployment's own). */
const PARTITIONING_LOCK = 1_700_017_011;

async function convertToPartitions(db: Kysely<unknown>): Promise<void> {
  await sql`DROP VIEW lab_report_versions`.execute(db);
  const tables = Object.keys(PARTITIONED_TABLES) as PartitionedTable[];
  for (const table of tables)
    await sql`ALTER TABLE ${sql.table(table)} RENAME TO ${sql.table(`${table}_unpartitioned`)}`.execute(db);
  for (const table of tables) {
    const columns = COLUMNS[table].map(([name, type]) => sql.raw(`${name} ${type}`));
    await sql`CREATE TABLE ${sql.table(table)} (${sql.join(columns)})
      PARTITION BY RANGE (${sql.ref(PARTITIONED_TABLES[table])})`.execute(db);
  }
  for (const table of REPORT_TABLES)
    await sql`CREATE TABLE ${sql.table(undatedPartitionName(table))} PARTITION OF ${sql.table(table)}
      FOR VALUES FROM (MINVALUE) TO ('0')`.execute(db);
  const now = new Date().toISOString().slice(0, 7);
  const ahead = Array.from({ length: MONTHS_AHEAD + 1 }, (_, i) => addMonths(now, i));
  const reportMonths = new Set([
    ...(await monthsOf(db, 'lab_reports_unpartitioned', 'clinical_at')),
    ...ahead,
  ]);
  const auditMonths = new Set([...(await monthsOf(db, 'audit_events_unpartitioned', 'at')), ...ahead]);
  for (const month of reportMonths) await addMonthPartitions(db, checkedMonth(month), REPORT_TABLES);
  for (const month of auditMonths) await addMonthPartitions(db, checkedMonth(month), ['audit_events']);

  for (const table of tables) {
    const names = sql.join(COLUMNS[table].map(([name]) => sql.ref(name)));
    await sql`INSERT INTO ${sql.table(table)} (${names})
      SELECT ${names} FROM ${sql.table(`${table}_unpartitioned`)}`.execute(db);
  }
  for (const statement of VERSIONS) await statement.execute(db);
  const counted = [
    ...tables.map((t) => [t, `${t}_unpartitioned`] as const),
    ['lab_report_versions', 'lab_reports_unpartitioned'] as const,
  ];
  for (const [after, before] of counted) {
    const [was, is] = [await count(db, before), await count(db, after)];
    if (was !== is)
      throw new Error(`partitioning: ${before} held ${was} rows, ${after} holds ${is}; rolled back`);
  }
  for (const table of ['lab_report_codes', 'lab_report_patients', 'lab_reports', 'audit_events'])
    await sql`DROP TABLE ${sql.table(`${table}_unpartitioned`)}`.execute(db);
  for (const statement of INDEXES) await statement.execute(db);
  // Autovacuum analyses partitions, never a partitioned parent: without these statistics the
  // planner would guess the parents' sizes.
  await sql`ANALYZE lab_reports, lab_report_patients, lab_report_codes, audit_events, lab_report_versions`.execute(
    db,
  );
}

function checkedMonth(month: string): string {
  // A clinical time the hub wrote is an ISO instant of years 0000–9999; anything else would have
  // no partition to go to.
  if (!/^\d{4}-\d{2}$/.test(month))
    throw new Error(`partitioning: a stored time begins with ${month}, not a month`);
  return month;
}
