import { type Kysely, type Migration, sql } from 'kysely';
import { fileUnfiled } from './audit-patient-runs.js';
import { count, isPostgres } from './migrations-partitioned.js';

/**
 * Migration 015, SQLite only: each audit entry gets an integer key, `seq` (the table's
 * `INTEGER PRIMARY KEY`, in the order entries were written), and the index of entries by patient
 * (`audit_events_patient_at`) gives way to sorted runs (`audit_patient_runs`, see
 * `audit-patient-runs.ts`).
 *
 * Why: every audited read writes an entry, and its patient reference is a keyed hash, so the
 * index by patient took each entry on a random page — read, written to the WAL and copied back by
 * the checkpoint: ~40–60 µs of a query's CPU at a million reports
 * (docs/en/guide/hub-performance.md#audit-runs). Runs are written in sorted batches, a page per
 * ~35 entries. The runs point at entries by `seq`; the row id of a table without an
 * `INTEGER PRIMARY KEY` may change on `VACUUM`, hence a declared column, never reused.
 *
 * The migration rebuilds `audit_events` keeping every row (its row ids too, so `seq` follows the
 * order entries were written in) and files every entry naming a patient in a first run, in one
 * transaction: interrupted, it leaves the previous layout whole. PostgreSQL keeps its index (its
 * partitioned layout has one per month).
 */
export const sqliteAuditSequence: Migration = {
  async up(db: Kysely<unknown>) {
    if (await isPostgres(db)) return;
    await db.transaction().execute(async (trx) => {
      for (const statement of COPY) await statement.execute(trx);
      const [before, after] = [await count(trx, 'audit_events'), await count(trx, 'audit_events_next')];
      if (before !== after)
        throw new Error(
          `migration 015: audit_events holds ${before} rows, its copy ${after}; nothing was changed`,
        );
      for (const statement of SWAP) await statement.execute(trx);
      await fileUnfiled(trx);
    });
  },
};

/** The new table, every row copied (row ids kept). */
const COPY = [
  // AUTOINCREMENT: a number is never used again, even after the newest entries are deleted (a
  // retention job); one used again below the runs' last_seq would count as filed and be missed.
  sql`CREATE TABLE audit_events_next (
    seq integer PRIMARY KEY AUTOINCREMENT,
    id text NOT NULL UNIQUE,
    at text NOT NULL,
    facility_code text NOT NULL,
    credential_id text NOT NULL,
    user_ref text,
    purpose text NOT NULL,
    action text NOT NULL,
    resource_type text NOT NULL,
    resource_id text,
    patient_ref text,
    withheld integer)`,
  sql`INSERT INTO audit_events_next (seq, id, at, facility_code, credential_id, user_ref, purpose, action,
      resource_type, resource_id, patient_ref, withheld)
    SELECT rowid, id, at, facility_code, credential_id, user_ref, purpose, action, resource_type, resource_id,
      patient_ref, withheld
    FROM audit_events ORDER BY rowid`,
];

/** The copy takes the table's place; the runs replace the index by patient. */
const SWAP = [
  sql`DROP TABLE audit_events`,
  sql`ALTER TABLE audit_events_next RENAME TO audit_events`,
  sql`CREATE INDEX audit_events_facility_at ON audit_events (facility_code, at)`,
  // WITHOUT ROWID: the key is the row; a run's rows, written in key order, fill pages one after another.
  sql`CREATE TABLE audit_patient_runs (
    run integer NOT NULL,
    patient_ref text NOT NULL,
    at text NOT NULL,
    event_seq integer NOT NULL,
    PRIMARY KEY (run, patient_ref, at, event_seq)) WITHOUT ROWID`,
  sql`CREATE TABLE audit_patient_run_list (
    run integer PRIMARY KEY,
    level integer NOT NULL,
    last_seq integer NOT NULL,
    entries integer NOT NULL,
    merging_into integer,
    merge_next text,
    merge_width integer)`,
];
