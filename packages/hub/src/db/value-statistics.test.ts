import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from './open-database.js';
import { dropValueStatistics } from './value-statistics.js';

/** A file whose indexed table ANALYZE has sampled: SYNTHETIC rows, not the hub's. */
function analyzedFile(file: string): { stat1: number; stat4: number } {
  const sqlite = new SQLite(file);
  try {
    sqlite.exec(
      'CREATE TABLE probe (k TEXT NOT NULL, v INTEGER NOT NULL); CREATE INDEX probe_k ON probe (k)',
    );
    const insert = sqlite.prepare('INSERT INTO probe (k, v) VALUES (?, ?)');
    sqlite.transaction(() => {
      for (let i = 0; i < 500; i++) insert.run(`k${i % 50}`, i);
    })();
    sqlite.exec('ANALYZE');
    return counts(sqlite);
  } finally {
    sqlite.close();
  }
}

const counts = (sqlite: SQLite.Database) => ({
  stat1: (sqlite.prepare('SELECT count(*) AS n FROM sqlite_stat1').get() as { n: number }).n,
  stat4: (sqlite.prepare('SELECT count(*) AS n FROM sqlite_stat4').get() as { n: number }).n,
});

describe('dropValueStatistics', () => {
  let dir = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lienthong-stat4-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('empties sqlite_stat4 and keeps sqlite_stat1', () => {
    const file = join(dir, 'analyzed.db');
    const before = analyzedFile(file);
    expect(before.stat4).toBeGreaterThan(0);
    const sqlite = new SQLite(file);
    try {
      expect(dropValueStatistics(sqlite)).toBe(before.stat4);
      expect(counts(sqlite)).toEqual({ stat1: before.stat1, stat4: 0 });
      // The plan still reads the kept row counts: the index, not a scan.
      const plan = sqlite.prepare('EXPLAIN QUERY PLAN SELECT v FROM probe WHERE k = ?').all('k1') as {
        detail: string;
      }[];
      expect(plan.map((p) => p.detail).join(' ')).toContain('USING INDEX probe_k');
      expect(dropValueStatistics(sqlite)).toBe(0);
    } finally {
      sqlite.close();
    }
  });

  it('creates nothing in a file ANALYZE never ran on', () => {
    const sqlite = new SQLite(':memory:');
    try {
      expect(dropValueStatistics(sqlite)).toBe(0);
      expect(sqlite.prepare("SELECT name FROM sqlite_schema WHERE name LIKE 'sqlite_stat%'").all()).toEqual(
        [],
      );
    } finally {
      sqlite.close();
    }
  });

  it('runs when the hub opens an analyzed file, and the hub still answers', async () => {
    const file = join(dir, 'hub.db');
    const before = analyzedFile(file);
    const hub = await openDatabase({ sqlite: file });
    try {
      const { rows } = await sql<{ n: number }>`SELECT count(*) AS n FROM sqlite_stat4`.execute(hub.db);
      expect(rows[0]?.n).toBe(0);
      const kept = await sql<{ n: number }>`SELECT count(*) AS n FROM sqlite_stat1`.execute(hub.db);
      expect(kept.rows[0]?.n).toBe(before.stat1);
      const probe = await sql<{
        v: number;
      }>`SELECT v FROM probe WHERE k = ${'k3'} ORDER BY v LIMIT 2`.execute(hub.db);
      expect(probe.rows).toEqual([{ v: 3 }, { v: 53 }]);
    } finally {
      await hub.close();
    }
  });
});
