/**
 * A SYNTHETIC audit trail for a seeded benchmark database: a hub that has served reads for a while
 * holds one entry per audited read, and what an entry costs to write depends on how many are
 * there (an index of two million entries is no longer in any cache). Entries are made-up: a
 * synthetic credential, random 64-hex patient references standing in for the keyed hashes, times
 * spread over the seed's 700 days.
 *
 * Written in SQL, so it fills a file of any layout: before migration 015 (the index by patient)
 * as after it (sorted runs, filed here in one run as a bulk load would be). `bench:hub
 * --audit-entries N` adds them while seeding; on a file kept for `bench:hub-ab`'s older side,
 * `node --import tsx bench/hub-load/audit-trail.ts <file.db> <entries>`.
 */
import './typed-exit.ts';
import { randomBytes } from 'node:crypto';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { fileUnfiled } from '../../packages/hub/src/db/audit-patient-runs.ts';
import { newRowId } from '../../packages/hub/src/db/row-id.ts';
import type { HubDatabase } from '../../packages/hub/src/db/schema.ts';
import { optionInvalid } from './cli.ts';
import { SYNTHETIC_FACILITY } from './synthetic.ts';

/** Rows per INSERT: 11 columns each, under SQLite's 32,766 parameters. */
const ROWS_PER_INSERT = 2_000;
/** The seed's clinical times span 700 days before its start; the trail spans the same. */
const SPAN_MS = 700 * 24 * 3600 * 1000;

/**
 * Adds `entries` SYNTHETIC audit entries to `db`, oldest first; on a SQLite file of layout 015 or
 * later, files them in one run.
 */
export async function addSyntheticAuditTrail(
  db: Kysely<HubDatabase>,
  entries: number,
  dialect: 'sqlite' | 'postgres',
  now = Date.now(),
): Promise<void> {
  const start = now - SPAN_MS;
  for (let done = 0; done < entries; ) {
    await db.transaction().execute(async (trx) => {
      for (let inTransaction = 0; inTransaction < 50 && done < entries; inTransaction++) {
        const rows = [];
        for (let i = 0; i < ROWS_PER_INSERT && done < entries; i++, done++) {
          const at = start + Math.floor((done * SPAN_MS) / entries);
          rows.push({
            id: newRowId(at),
            at: new Date(at).toISOString(),
            facility_code: SYNTHETIC_FACILITY.code,
            credential_id: 'synthetic-audit-trail',
            user_ref: null,
            purpose: 'TREAT',
            action: 'search',
            resource_type: 'LabReport',
            resource_id: null,
            patient_ref: randomBytes(32).toString('hex'),
            withheld: null,
          });
        }
        await trx.insertInto('audit_events').values(rows).execute();
      }
    });
  }
  if (dialect === 'postgres') return;
  const { rows } = await sql<{ n: number }>`SELECT count(*) AS n FROM sqlite_master
    WHERE name = 'audit_patient_run_list'`.execute(db);
  if (Number(rows[0]?.n) > 0) await db.transaction().execute((trx) => fileUnfiled(trx));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [file, count] = process.argv.slice(2);
  const entries = Number(count);
  if (!file || !Number.isInteger(entries) || entries < 1)
    throw optionInvalid(
      'entries',
      'usage: node --import tsx bench/hub-load/audit-trail.ts <file.db> <entries ≥ 1>',
      'cách dùng: node --import tsx bench/hub-load/audit-trail.ts <tệp.db> <số mục ≥ 1>',
    );
  const db = new Kysely<HubDatabase>({
    dialect: new SqliteDialect({ database: new SQLite(file, { fileMustExist: true }) }),
  });
  await addSyntheticAuditTrail(db, entries, 'sqlite');
  await db.destroy();
  console.log(`${entries} SYNTHETIC audit entries added to ${file}`);
}
