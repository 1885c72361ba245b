import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { startCheckpointer } from './checkpointer.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A WAL database whose own connection never checkpoints, with a table to write to. */
function walDatabase() {
  const dir = mkdtempSync(join(tmpdir(), 'lienthong-checkpointer-'));
  dirs.push(dir);
  const db = new SQLite(join(dir, 'hub.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('wal_autocheckpoint = 0');
  db.exec('create table t (n integer primary key, text text)');
  return db;
}

const insertRows = (db: SQLite.Database, from: number, count: number) => {
  const insert = db.prepare('insert into t (n, text) values (?, ?)');
  db.transaction(() => {
    for (let n = from; n < from + count; n++) insert.run(n, 'x'.repeat(500));
  })();
};

const until = async (check: () => boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

describe('startCheckpointer', () => {
  it('copies the WAL into the database file after a nudge, off the writing connection', async () => {
    const db = walDatabase();
    const checkpointer = startCheckpointer(db.name, { delayMs: 5 });
    try {
      insertRows(db, 0, 200);
      const sizeBefore = statSync(db.name).size;
      checkpointer.nudge();
      expect(sizeBefore).toBeLessThan(100 * 500);
      // Only a checkpoint grows the database file (the writer never checkpoints here): the other
      // thread copies the pages back, the file growing as it writes them (200 rows of 500 bytes) —
      // so wait for the size the rows need, not for the first growth.
      await until(() => statSync(db.name).size > 100 * 500);
    } finally {
      await checkpointer.stop();
      db.close();
    }
  });

  it('leaves the WAL alone until nudged, and keeps every row', async () => {
    const db = walDatabase();
    const checkpointer = startCheckpointer(db.name, { delayMs: 5 });
    try {
      insertRows(db, 0, 100);
      const sizeBefore = statSync(db.name).size;
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(statSync(db.name).size).toBe(sizeBefore);
      checkpointer.nudge();
      await until(() => statSync(db.name).size > sizeBefore);
      const sizeAfterFirst = statSync(db.name).size;
      insertRows(db, 100, 100);
      checkpointer.nudge();
      await until(() => statSync(db.name).size > sizeAfterFirst);
      expect(db.prepare('select count(*) as n from t').get()).toEqual({ n: 200 });
    } finally {
      await checkpointer.stop();
      db.close();
    }
  });

  it('stops once, and a nudge after stopping does nothing', async () => {
    const db = walDatabase();
    const checkpointer = startCheckpointer(db.name);
    await Promise.all([checkpointer.stop(), checkpointer.stop()]);
    expect(() => checkpointer.nudge()).not.toThrow();
    db.close();
  });
});
