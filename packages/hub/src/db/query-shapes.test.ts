import { DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqliteDatabase, type TestDatabase } from '../../test/databases.js';
import { type HubDb, openDatabase } from './open-database.js';
import { shapedQuery } from './query-shapes.js';
import type { HubDatabase } from './schema.js';

// SYNTHETIC settings rows: the table is the hub's simplest (key, value).
const byKeys = shapedQuery((db, p: { keys: string[]; prefix: string | undefined; limit: number }) =>
  db
    .selectFrom('settings')
    .select(['key', 'value'])
    .where('key', 'in', p.keys)
    .$if(p.prefix !== undefined, (q) => q.where('value', 'like', p.prefix!))
    .orderBy('key')
    .limit(p.limit),
);

describe('shapedQuery', () => {
  let database: TestDatabase;
  let store: HubDb;
  beforeAll(async () => {
    database = sqliteDatabase();
    store = await openDatabase(database.config);
    await store.db
      .insertInto('settings')
      .values(['a', 'b', 'c', 'd'].map((key, i) => ({ key: `t-${key}`, value: `v${i}` })))
      .execute();
  });
  afterAll(async () => {
    await store.close();
    await database.drop();
  });

  it('answers each call with its own values, as the query built anew would', async () => {
    const direct = (keys: string[], limit: number) =>
      store.db
        .selectFrom('settings')
        .select(['key', 'value'])
        .where('key', 'in', keys)
        .orderBy('key')
        .limit(limit)
        .execute();
    for (const [keys, limit] of [
      [['t-a', 't-c'], 5],
      [['t-b', 't-d'], 5],
      [['t-d', 't-a'], 1],
    ] as const) {
      const shaped = await byKeys.execute(store.db, { keys: [...keys], prefix: undefined, limit });
      expect(shaped).toEqual(await direct([...keys], limit));
      expect(shaped.length).toBe(Math.min(keys.length, limit));
    }
  });

  it('compiles another shape for another list length or a filter present', async () => {
    const keys = ['t-a', 't-b', 't-c', 't-d'];
    expect(
      (await byKeys.execute(store.db, { keys, prefix: undefined, limit: 10 })).map((r) => r.key),
    ).toEqual(keys);
    expect(await byKeys.execute(store.db, { keys: ['t-c'], prefix: undefined, limit: 10 })).toEqual([
      { key: 't-c', value: 'v2' },
    ]);
    expect(await byKeys.execute(store.db, { keys, prefix: 'v3', limit: 10 })).toEqual([
      { key: 't-d', value: 'v3' },
    ]);
    // The same list length again, without the filter: the filter's shape is not reused.
    expect(
      await byKeys.execute(store.db, { keys: ['t-c', 't-a', 't-b', 't-d'], prefix: undefined, limit: 2 }),
    ).toEqual([
      { key: 't-a', value: 'v0' },
      { key: 't-b', value: 'v1' },
    ]);
  });

  it('passes null as a value, not as a shape', async () => {
    const insert = shapedQuery((db, row: { key: string; value: string | null }) =>
      db.insertInto('settings').values(row as { key: string; value: string }),
    );
    await insert.execute(store.db, { key: 't-null', value: 'x' });
    await expect(insert.execute(store.db, { key: 't-null2', value: null })).rejects.toThrow(/NOT NULL/);
    expect(
      await byKeys.execute(store.db, { keys: ['t-null', 't-null2'], prefix: undefined, limit: 5 }),
    ).toEqual([{ key: 't-null', value: 'x' }]);
  });

  it('keeps the constants the builder wrote', async () => {
    const constant = shapedQuery((db, p: { key: string }) =>
      db.selectFrom('settings').select('value').where('key', '=', p.key).where('value', '!=', 'v0'),
    );
    expect(await constant.execute(store.db, { key: 't-a' })).toEqual([]);
    expect(await constant.execute(store.db, { key: 't-b' })).toEqual([{ value: 'v1' }]);
  });

  it('refuses a builder that derives a parameter from a value', async () => {
    const derived = shapedQuery((db, p: { key: string }) =>
      db.selectFrom('settings').select('value').where('key', '=', `t-${p.key}`),
    );
    await expect(derived.execute(store.db, { key: 'a' })).rejects.toThrow(/derived from a leaf/);
  });

  it('compiles once per dialect: PostgreSQL gets its own placeholders', async () => {
    const seen: string[] = [];
    const postgres = new Kysely<HubDatabase>({
      dialect: {
        createAdapter: () => new PostgresAdapter(),
        createDriver: () => new DummyDriver(),
        createIntrospector: (db) => new PostgresIntrospector(db),
        createQueryCompiler: () => new PostgresQueryCompiler(),
      },
      log: (event) => {
        seen.push(event.query.sql);
      },
    });
    await byKeys.execute(postgres, { keys: ['t-a', 't-b'], prefix: 'v%', limit: 3 });
    await byKeys.execute(store.db, { keys: ['t-a', 't-b'], prefix: 'v%', limit: 3 });
    expect(seen).toEqual([
      'select "key", "value" from "settings" where "key" in ($1, $2) and "value" like $3 order by "key" limit $4',
    ]);
    expect(await byKeys.execute(store.db, { keys: ['t-a', 't-b'], prefix: 'v%', limit: 3 })).toHaveLength(2);
  });
});
