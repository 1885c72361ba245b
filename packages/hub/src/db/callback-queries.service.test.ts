import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceUrl } from '../../../../scripts/services/service-env.js';
import { postgresDatabase, type TestDatabase } from '../../test/databases.js';
import { queryThroughCallbacks } from './callback-queries.js';

const pgUrl = serviceUrl('LIENTHONG_PG_URL');

describe.skipIf(!pgUrl)('queryThroughCallbacks (PostgreSQL)', () => {
  let database: TestDatabase & { config: { postgres: string } };
  let pool: pg.Pool;
  let client: pg.PoolClient;
  /** The arguments each call reached pg's own client.query with (recorded beneath the wrapper). */
  const reached: unknown[][] = [];
  beforeAll(async () => {
    database = await postgresDatabase(pgUrl!, 'hub_callback_queries');
    pool = new pg.Pool({ connectionString: database.config.postgres, max: 1 });
    // Registered first, so it sees what the wrapper passes on to pg.
    pool.on('connect', (c) => {
      const query = c.query.bind(c) as (...args: unknown[]) => unknown;
      (c as { query: unknown }).query = (...args: unknown[]) => {
        reached.push(args);
        return query(...args);
      };
    });
    queryThroughCallbacks(pool);
    client = await pool.connect();
    await client.query('create table t (n integer primary key, a text)');
    await client.query(`insert into t values (1, 'one'), (2, 'two')`);
  });
  afterAll(async () => {
    client?.release();
    await pool?.end();
    await database?.drop();
  });

  it('answers the promise form (as Kysely calls it) through pg’s callback form, with the same result', async () => {
    reached.length = 0;
    const result = await client.query('select a from t where n = $1', [2]);
    expect(result.rows).toEqual([{ a: 'two' }]);
    expect(result.rowCount).toBe(1);
    expect(reached).toHaveLength(1);
    expect(reached[0]![0]).toBe('select a from t where n = $1');
    expect(reached[0]![1]).toEqual([2]);
    expect(typeof reached[0]![2]).toBe('function');
    // A named statement (prepared-statements.ts passes a config object) goes the same way.
    reached.length = 0;
    const named = await client.query({ name: 'by_n', text: 'select a from t where n = $1', values: [1] });
    expect(named.rows).toEqual([{ a: 'one' }]);
    expect(typeof reached[0]![2]).toBe('function');
  });

  it('rejects with pg’s own error, and the connection keeps answering', async () => {
    const error = await client.query('select missing from t', []).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as { code?: string }).code).toBe('42703');
    expect((await client.query('select count(*)::int as c from t', [])).rows).toEqual([{ c: 2 }]);
  });

  it('passes a call that brings its own callback, or a submittable, to pg unchanged', async () => {
    reached.length = 0;
    const rows = await new Promise((resolve, reject) =>
      client.query('select n from t order by n', (error, result) =>
        error ? reject(error) : resolve(result.rows),
      ),
    );
    expect(rows).toEqual([{ n: 1 }, { n: 2 }]);
    expect(reached[0]).toHaveLength(2);
    reached.length = 0;
    const submitted = new pg.Query('select 1 as one');
    const done = new Promise((resolve) => submitted.on('end', resolve));
    client.query(submitted);
    await done;
    expect(reached[0]).toEqual([submitted]);
  });
});
