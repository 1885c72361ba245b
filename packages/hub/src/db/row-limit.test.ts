import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import SQLite from 'better-sqlite3';
import {
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  SqliteDialect,
} from 'kysely';
import { describe, expect, it } from 'vitest';
import { rowLimit } from './row-limit.js';

type Db = { probe: { n: number } };

describe('rowLimit', () => {
  it('limits the rows as a bound LIMIT does (SQLite)', async () => {
    const db = new Kysely<Db>({ dialect: new SqliteDialect({ database: new SQLite(':memory:') }) });
    try {
      await db.schema.createTable('probe').addColumn('n', 'integer').execute();
      await db
        .insertInto('probe')
        .values([1, 2, 3, 4, 5].map((n) => ({ n })))
        .execute();
      const query = db.selectFrom('probe').select('n').orderBy('n').limit(rowLimit(3));
      expect(query.compile().sql).toMatch(/limit cast\(\? as integer\)$/);
      expect((await query.execute()).map((r) => r.n)).toEqual([1, 2, 3]);
      expect(await query.offset(4).execute()).toEqual([{ n: 5 }]);
    } finally {
      await db.destroy();
    }
  });

  it('compiles to a cast PostgreSQL takes as written', () => {
    const db = new Kysely<Db>({
      dialect: {
        createAdapter: () => new PostgresAdapter(),
        createDriver: () => new DummyDriver(),
        createIntrospector: (k) => new PostgresIntrospector(k),
        createQueryCompiler: () => new PostgresQueryCompiler(),
      },
    });
    const { sql, parameters } = db.selectFrom('probe').select('n').limit(rowLimit(51)).compile();
    expect(sql).toBe('select "n" from "probe" limit cast($1 as integer)');
    expect(parameters).toEqual([51]);
  });

  // A bare `.limit(n)` would compile to `LIMIT ?`, prepared again on every run on SQLite.
  it('is how every hub query limits its rows', () => {
    const src = fileURLToPath(new URL('..', import.meta.url));
    const bare: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts'))
          for (const match of readFileSync(path, 'utf8').matchAll(/\.limit\((?!\s*rowLimit\()/g))
            bare.push(`${path.slice(src.length)}:${match.index}`);
      }
    };
    walk(src);
    expect(bare).toEqual([]);
  });
});
