import { type Kysely, type Migration, sql } from 'kysely';
import { count, isPostgres } from './migrations-partitioned.js';

/**
 * Migration 013, SQLite only: each stored report version gets an integer key, `seq` (the table's
 * `INTEGER PRIMARY KEY`, SQLite's row id), and each patient key row carries it (`report_seq`).
 *
 * Why: SQLite stores a table in a B-tree keyed by its row id. A report found through its text key
 * (`row_id`) costs two searches — the key's own index gives the row id, then the table gives the
 * row — and at a million reports each of them reads pages no cache holds. A patient's query reads
 * ~15 reports, so that second search was ~15 random pages and B-tree descents per query: with the
 * integer carried in the key row, the table is searched directly (the patient query's SQL alone:
 * ~400 → ~250 µs of CPU on 1 M reports). The row id of a table without an `INTEGER PRIMARY KEY`
 * may change on `VACUUM`, hence a declared column.
 *
 * `row_id` stays the version's key everywhere else (foreign keys, the FHIR facade's version ids,
 * exports). PostgreSQL is untouched: it reaches every row through an index anyway (a heap
 * address is no stable key), so an integer there would save nothing.
 *
 * The migration rebuilds `lab_reports` and `lab_report_patients` (SQLite cannot add a primary key
 * or a NOT NULL column without a default), keeping every row — their row ids too, so `seq`
 * follows the order reports were stored in — in one transaction: interrupted, it leaves the
 * previous layout whole, and run again after a commit that was not recorded, it does nothing.
 */
export const sqliteReportSequence: Migration = {
  async up(db: Kysely<unknown>) {
    if ((await isPostgres(db)) || (await hasColumn(db, 'lab_reports', 'seq'))) return;
    // Dropping a table referenced by foreign keys deletes nothing and checks nothing only with the
    // checks off (SQLite's documented way to change a table's schema); they are checked below.
    // Migrations run outside a transaction on SQLite, where this pragma takes effect.
    await sql`PRAGMA foreign_keys = OFF`.execute(db);
    try {
      await db.transaction().execute(async (trx) => {
        for (const statement of COPY) await statement.execute(trx);
        for (const [table, copy] of COPIES) {
          const [before, after] = [await count(trx, table), await count(trx, copy)];
          if (before !== after)
            throw new Error(
              `migration 013: ${table} holds ${before} rows, its copy ${after}; nothing was changed`,
            );
        }
        for (const statement of SWAP) await statement.execute(trx);
        const { rows } = await sql`PRAGMA foreign_key_check`.execute(trx);
        if (rows.length > 0)
          throw new Error(
            `migration 013: ${rows.length} rows would break a foreign key; nothing was changed`,
          );
      });
    } finally {
      await sql`PRAGMA foreign_keys = ON`.execute(db);
    }
  },
};

async function hasColumn(db: Kysely<unknown>, table: string, column: string): Promise<boolean> {
  const { rows } = await sql<{ name: string }>`SELECT name FROM pragma_table_info(${table})`.execute(db);
  return rows.some((r) => r.name === column);
}

/** Each rebuilt table and its copy, counted before the swap. */
const COPIES = [
  ['lab_reports', 'lab_reports_next'],
  ['lab_report_patients', 'lab_report_patients_next'],
] as const;

/** The new tables, every row copied (row ids kept). */
const COPY = [
  sql`CREATE TABLE lab_reports_next (
    seq integer PRIMARY KEY,
    row_id text NOT NULL UNIQUE,
    id text NOT NULL,
    fhir_id text NOT NULL,
    version integer NOT NULL,
    current integer NOT NULL,
    facility_code text NOT NULL,
    status text NOT NULL,
    clinical_at text NOT NULL,
    document text NOT NULL,
    created_at text NOT NULL,
    CONSTRAINT lab_reports_id_version UNIQUE (id, version))`,
  sql`INSERT INTO lab_reports_next (seq, row_id, id, fhir_id, version, current, facility_code, status,
      clinical_at, document, created_at)
    SELECT rowid, row_id, id, fhir_id, version, current, facility_code, status, clinical_at, document, created_at
    FROM lab_reports ORDER BY rowid`,
  sql`CREATE TABLE lab_report_patients_next (
    record_id text NOT NULL REFERENCES lab_reports (row_id),
    system text NOT NULL,
    value text NOT NULL,
    clinical_at text NOT NULL DEFAULT '',
    report_seq integer NOT NULL)`,
  sql`INSERT INTO lab_report_patients_next (record_id, system, value, clinical_at, report_seq)
    SELECT k.record_id, k.system, k.value, k.clinical_at, r.seq
    FROM lab_report_patients AS k JOIN lab_reports_next AS r ON r.row_id = k.record_id ORDER BY k.rowid`,
];

/** The copies take the tables' places, with their indexes and the view as before. */
const SWAP = [
  sql`DROP VIEW lab_report_versions`,
  sql`DROP TABLE lab_report_patients`,
  sql`DROP TABLE lab_reports`,
  sql`ALTER TABLE lab_reports_next RENAME TO lab_reports`,
  sql`ALTER TABLE lab_report_patients_next RENAME TO lab_report_patients`,
  sql`CREATE INDEX lab_reports_current ON lab_reports (id, current)`,
  sql`CREATE INDEX lab_reports_fhir_id ON lab_reports (fhir_id, version)`,
  sql`CREATE INDEX lab_reports_facility_clinical_at ON lab_reports (facility_code, clinical_at)`,
  // Replaces (system, value, clinical_at, record_id): the patient query reads `report_seq` from it.
  sql`CREATE INDEX lab_report_patients_key_seq ON lab_report_patients (system, value, clinical_at, record_id, report_seq)`,
  sql`CREATE VIEW lab_report_versions AS
    SELECT id, version, row_id, fhir_id, clinical_at, current FROM lab_reports`,
];
