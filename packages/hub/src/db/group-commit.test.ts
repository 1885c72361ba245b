import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { groupCommit } from './group-commit.js';
import type { HubDatabase } from './schema.js';

describe('groupCommit (SQLite)', () => {
  let db: Kysely<HubDatabase> | undefined;
  afterEach(async () => db?.destroy());

  const open = () => {
    const commits: string[] = [];
    const sqlite = new SQLite(':memory:');
    sqlite.exec('create table settings (key text primary key, value text not null)');
    db = new Kysely<HubDatabase>({
      dialect: new SqliteDialect({ database: sqlite }),
      log: (event) => {
        if (/^commit/i.test(event.query.sql)) commits.push(event.query.sql);
      },
    });
    return { db, sqlite, transact: groupCommit(db), commits };
  };
  const insert = (key: string) => (trx: Kysely<HubDatabase>) =>
    trx.insertInto('settings').values({ key, value: 'x' }).execute();

  it('commits the units of one event-loop turn once, and the next turn separately', async () => {
    const { db, transact, commits } = open();
    await Promise.all(Array.from({ length: 20 }, (_, i) => transact(insert(`a${i}`))));
    expect(commits).toHaveLength(1);
    await transact(insert('b'));
    expect(commits).toHaveLength(2);
    expect(await db.selectFrom('settings').select('key').execute()).toHaveLength(21);
  });

  it('gives each unit its own result, and a failing unit its own error without undoing the others', async () => {
    const { db, transact } = open();
    const results = await Promise.allSettled([
      transact(async (trx) => {
        await insert('x1')(trx);
        return 'one';
      }),
      transact(async (trx) => {
        await insert('x2')(trx);
        await insert('x1')(trx); // duplicate key: this unit fails after writing x2
        return 'two';
      }),
      transact(async (trx) => {
        await insert('x3')(trx);
        return 'three';
      }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(results[0]).toEqual({ status: 'fulfilled', value: 'one' });
    expect(String((results[1] as PromiseRejectedResult).reason)).toMatch(/UNIQUE constraint failed/);
    const keys = (await db.selectFrom('settings').select('key').orderBy('key').execute()).map((r) => r.key);
    expect(keys).toEqual(['x1', 'x3']);
  });

  it('keeps the savepoints’ journal in memory during a group only, also when a unit fails', async () => {
    const { sqlite, transact } = open();
    const tempStore = async (trx: Kysely<HubDatabase>) =>
      (await sql<{ temp_store: number }>`pragma temp_store`.execute(trx)).rows[0]?.temp_store;
    const results = await Promise.allSettled([
      transact(tempStore),
      transact(async (trx) => {
        await insert('t1')(trx);
        await insert('t1')(trx); // duplicate key: this unit fails
      }),
      transact(tempStore),
    ]);
    // 2: MEMORY, while the group's transaction is open (its savepoints journal there).
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : 'failed'))).toEqual([2, 'failed', 2]);
    // 0: DEFAULT again (a file past SQLite's cache) for every other statement's temporary tables.
    expect(sqlite.pragma('temp_store', { simple: true })).toBe(0);
  });

  it('splits a large burst into bounded groups, all committed', async () => {
    const { db, transact, commits } = open();
    await Promise.all(Array.from({ length: 600 }, (_, i) => transact(insert(`k${i}`))));
    expect(commits).toHaveLength(3);
    expect(await db.selectFrom('settings').select('key').execute()).toHaveLength(600);
  });
});

describe('groupCommit with an asynchronous flush (SQLite, WAL)', () => {
  it('answers only after the flush, which runs once the group is committed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lienthong-gc-'));
    const file = join(dir, 'hub.db');
    const sqlite = new SQLite(file);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = FULL');
    sqlite.exec('create table settings (key text primary key, value text not null)');
    const db = new Kysely<HubDatabase>({ dialect: new SqliteDialect({ database: sqlite }) });
    const other = new SQLite(file, { readonly: true });
    try {
      let release: () => void = () => {};
      const seenAtFlush: number[] = [];
      const transact = groupCommit(db, {
        flush: () => {
          // Committed (visible to another connection) before the flush starts.
          seenAtFlush.push((other.prepare('select count(*) as n from settings').get() as { n: number }).n);
          return new Promise<void>((resolve) => {
            release = resolve;
          });
        },
      });
      let answered = 0;
      const writes = [1, 2, 3].map((i) =>
        transact((trx) =>
          trx
            .insertInto('settings')
            .values({ key: `k${i}`, value: 'x' })
            .execute(),
        ).then(() => {
          answered++;
        }),
      );
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(seenAtFlush).toEqual([3]);
      expect(answered).toBe(0);
      release();
      await Promise.all(writes);
      expect(answered).toBe(3);
      // Only the group commit skipped SQLite's own fsync: the connection is back to FULL (2).
      expect(sqlite.pragma('synchronous', { simple: true })).toBe(2);
    } finally {
      other.close();
      await db.destroy();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
