/**
 * The plan of the hub's own patient query, as the database would run it: the query is captured as
 * the hub sends it (`queryReports`, one patient, a page of 50) and explained — never a copy of its
 * SQL written here, which would go stale as the hub's query changes.
 */
import SQLite from 'better-sqlite3';
import { type CompiledQuery, Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import type { DatabaseConfig, HubDatabase } from '../../packages/hub/src/index.ts';
import { queryReports } from '../../packages/hub/src/records/lab-reports.ts';

/** The lines of the database's plan for the hub's query of `patient`'s 50 newest reports. */
export async function patientQueryPlan(
  config: DatabaseConfig,
  patient: { system: string; value: string },
): Promise<string[]> {
  const sent: CompiledQuery[] = [];
  const log = (event: { level: string; query: CompiledQuery }) => {
    if (event.level === 'query') sent.push(event.query);
  };
  const sqlite = 'sqlite' in config;
  const db = new Kysely<HubDatabase>({
    dialect: sqlite
      ? new SqliteDialect({ database: new SQLite(config.sqlite, { readonly: true }) })
      : new PostgresDialect({ pool: new pg.Pool({ connectionString: config.postgres, max: 1 }) }),
    log,
  });
  try {
    await queryReports(db, { patient }, { limit: 50 });
    const query = sent[sent.length - 1]!;
    const { rows } = await db.executeQuery<Record<string, unknown>>({
      ...query,
      sql: `${sqlite ? 'explain query plan' : 'explain'} ${query.sql}`,
    });
    return rows.map((r) => String(r.detail ?? r['QUERY PLAN'] ?? JSON.stringify(r)));
  } finally {
    await db.destroy();
  }
}
