import { type Kysely, type Migration, sql } from 'kysely';
import { isPostgres } from './migrations-partitioned.js';

/**
 * Migration 014, SQLite only: a report version is filed at most once under each patient key, and
 * the key index says so (`lab_report_patients_key_seq` becomes UNIQUE, same columns).
 *
 * Why: a patient's query can then walk that index in clinical-time order and join each key row to
 * its report (`r.seq = k.report_seq`), stopping once the page is full, instead of reading every
 * report the patient has and sorting them all. Joined that way, a report filed twice under the same
 * key (a report naming the same identifier twice, or under an older alias of its system, which the
 * hub stores under the current one) would be listed twice; the unique index rules that out.
 *
 * Key rows repeated before this migration are deleted, the first of each kept (they are equal in
 * every column). Writes file each key once (`labReportRows`), so the index never refuses one.
 * A UNIQUE index over the same columns costs a write no more than the plain one did.
 * PostgreSQL keeps its query form (matched by row id and clinical time, duplicates harmless).
 */
export const sqliteUniqueReportKeys: Migration = {
  async up(db: Kysely<unknown>) {
    if (await isPostgres(db)) return;
    await db.transaction().execute(async (trx) => {
      await sql`DELETE FROM lab_report_patients WHERE rowid NOT IN (
        SELECT min(rowid) FROM lab_report_patients GROUP BY report_seq, system, value)`.execute(trx);
      await sql`DROP INDEX IF EXISTS lab_report_patients_key_seq`.execute(trx);
      await sql`CREATE UNIQUE INDEX lab_report_patients_key_seq
        ON lab_report_patients (system, value, clinical_at, record_id, report_seq)`.execute(trx);
    });
  },
};
