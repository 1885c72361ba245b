import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { DatabaseConfig } from '../src/db/open-database.js';

/** A throw-away database of one dialect: a SQLite file in a temp dir, or a fresh PostgreSQL database. */
export interface TestDatabase {
  config: DatabaseConfig;
  drop(): Promise<void>;
}

/** How a behaviour suite gets a fresh database of the dialect it runs on. */
export type MakeDatabase = () => Promise<TestDatabase> | TestDatabase;

export function sqliteDatabase(): TestDatabase {
  const dir = mkdtempSync(join(tmpdir(), 'lienthong-hub-'));
  return {
    config: { sqlite: join(dir, 'hub.db') },
    drop: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Creates `<prefix>_<random>` on the server of `adminUrl` (from LIENTHONG_PG_URL) and drops it afterwards. */
export async function postgresDatabase(
  adminUrl: string,
  prefix = 'hub_test',
): Promise<TestDatabase & { config: { postgres: string } }> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    config: { postgres: url.href },
    async drop() {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}
