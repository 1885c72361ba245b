import { type Kysely, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { serviceUrl } from '../../../../scripts/services/service-env.js';
import { postgresDatabase, sqliteDatabase, type TestDatabase } from '../../test/databases.js';
import { partitionsOf } from '../../test/partition-behaviour.js';
import { type DatabaseConfig, type HubDb, openDatabase } from './open-database.js';

const pgUrl = serviceUrl('LIENTHONG_PG_URL');

/** An audit row (SYNTHETIC values) written at `at`. */
const entry = (id: string, at: string) => ({
  id,
  at,
  facility_code: 'SYN01',
  credential_id: 'c1',
  user_ref: null,
  purpose: 'TREAT',
  action: 'read',
  resource_type: 'LabReport',
  resource_id: null,
  patient_ref: null,
  withheld: null,
});

const cases: [string, (() => Promise<TestDatabase>) | undefined][] = [
  ['SQLite', async () => sqliteDatabase()],
  ['PostgreSQL', pgUrl ? () => postgresDatabase(pgUrl, 'hub_write_one') : undefined],
];

describe.each(cases)('HubDb.writeOne on %s', (name, make) => {
  let database: TestDatabase | undefined;
  let store: HubDb | undefined;
  const open = async (config?: Partial<DatabaseConfig>) => {
    database = await make!();
    store = await openDatabase({ ...database.config, ...config } as DatabaseConfig);
    return store;
  };
  afterEach(async () => {
    await store?.close();
    await database?.drop();
    store = database = undefined;
  });

  it.skipIf(!make)(
    'keeps the write that succeeded and refuses only the one that failed, in the same moment',
    async () => {
      const hub = await open();
      await hub.writeOne((db) =>
        db.insertInto('audit_events').values(entry('a1', '2026-12-04T00:00:00.000Z')).execute(),
      );
      const results = await Promise.allSettled([
        hub.writeOne((db) =>
          db.insertInto('audit_events').values(entry('a2', '2026-12-04T00:00:01.000Z')).execute(),
        ),
        // The same id again: the primary key refuses it.
        hub.writeOne((db) =>
          db.insertInto('audit_events').values(entry('a1', '2026-12-04T00:00:00.000Z')).execute(),
        ),
      ]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected']);
      const ids = await hub.db.selectFrom('audit_events').select('id').orderBy('id').execute();
      expect(ids.map((r) => r.id)).toEqual(['a1', 'a2']);
    },
  );

  it.skipIf(name !== 'PostgreSQL' || !make)(
    'runs its statement alone on PostgreSQL (no transaction block: one round trip), where transact opens one',
    async () => {
      const hub = await open();
      // In a transaction block now() is the transaction's start, before the statement's own time.
      const alone = (db: typeof hub.db) =>
        sql<{ alone: boolean }>`select now() = statement_timestamp() as alone`.execute(db);
      expect((await hub.writeOne(alone)).rows[0]?.alone).toBe(true);
      expect((await hub.transact(alone)).rows[0]?.alone).toBe(false);
    },
  );

  it.skipIf(name !== 'PostgreSQL' || !make)(
    'creates the month of an entry dated where no partition is yet (partitioned PostgreSQL)',
    async () => {
      const hub = await open({ layout: 'partitioned' });
      await hub.writeOne((db) =>
        db.insertInto('audit_events').values(entry('old', '2003-05-06T07:08:09.000Z')).execute(),
      );
      expect(await partitionsOf(hub.db as Kysely<unknown>, 'audit_events')).toContain(
        'audit_events_m2003_05',
      );
      expect(await hub.db.selectFrom('audit_events').select('id').execute()).toEqual([{ id: 'old' }]);
    },
  );
});
