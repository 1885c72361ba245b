/**
 * What the tests of one migration share: a SYNTHETIC lab report to store as an older layout stored
 * it, a database brought up to the migration before, and SQLite's plan of a query.
 */

import type { LabReport } from '@lienthong/result-exchange';
import SQLite from 'better-sqlite3';
import { type CompiledQuery, Kysely, type LogConfig, Migrator, SqliteDialect } from 'kysely';
import { migrations } from '../src/db/migrations.js';
import type { HubDatabase } from '../src/db/schema.js';
import { sqliteDatabase, type TestDatabase } from './databases.js';

/** The SYNTHETIC patient key of {@link syntheticLabReport}: a made-up identifier under `urn:synthetic:`. */
export const SYNTHETIC_PATIENT = { system: 'urn:synthetic:patient-id', value: 'P1' } as const;

/**
 * A SYNTHETIC lab report `id` of the patient keys `identifiers`: a made-up panel and test code under
 * `urn:synthetic:`, one final observation without a value; undated unless `effectiveAt` is given.
 * @example syntheticLabReport('R-2', '2026-05-01T08:00:00+07:00', [SYNTHETIC_PATIENT, { system: 'urn:synthetic:insurance', value: 'BH-1' }])
 */
export function syntheticLabReport(
  id: string,
  effectiveAt?: string,
  identifiers: LabReport['patient']['identifiers'] = [SYNTHETIC_PATIENT],
): LabReport {
  return {
    id,
    patient: { identifiers },
    codes: [{ system: 'urn:synthetic:lab-panel', code: 'P-CHEM' }],
    status: 'final',
    ...(effectiveAt ? { effectiveAt } : {}),
    observations: [{ codes: [{ system: 'urn:synthetic:lab-test', code: 'T-GLU' }], status: 'final' }],
  };
}

/** Runs the hub's migrations on `db` up to and including `migration` (its name); throws what failed. */
export async function migrateTo<DB>(db: Kysely<DB>, migration: string): Promise<void> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const { error } = await migrator.migrateTo(migration);
  if (error) throw error;
}

/** The SQLite `database` opened without the hub, so no migration runs; `log` as Kysely takes it. */
export function openSqlite(database: TestDatabase, log?: LogConfig): Kysely<HubDatabase> {
  if (!('sqlite' in database.config)) throw new Error('not a SQLite test database');
  return new Kysely<HubDatabase>({
    dialect: new SqliteDialect({ database: new SQLite(database.config.sqlite) }),
    log,
  });
}

/**
 * A throw-away SQLite database migrated up to `migration`, and `raw`, open on it without the hub:
 * the caller destroys `raw` and drops `database`. A failed migration closes and drops both.
 */
export async function sqliteMigratedTo(
  migration: string,
): Promise<{ database: TestDatabase; raw: Kysely<HubDatabase> }> {
  const database = sqliteDatabase();
  const raw = openSqlite(database);
  try {
    await migrateTo(raw, migration);
  } catch (error) {
    await raw.destroy();
    await database.drop();
    throw error;
  }
  return { database, raw };
}

/** The SQLite plan of `query`, one step a line. */
export async function plan<DB>(db: Kysely<DB>, query: CompiledQuery): Promise<string[]> {
  const { rows } = await db.executeQuery<{ detail: string }>({
    ...query,
    sql: `EXPLAIN QUERY PLAN ${query.sql}`,
  });
  return rows.map((r) => r.detail);
}
