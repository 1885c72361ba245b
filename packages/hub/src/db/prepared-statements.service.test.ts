import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceUrl } from '../../../../scripts/services/service-env.js';
import { postgresDatabase, type TestDatabase } from '../../test/databases.js';
import { prepareStatements } from './prepared-statements.js';

const pgUrl = serviceUrl('LIENTHONG_PG_URL');

describe.skipIf(!pgUrl)('prepareStatements (PostgreSQL)', () => {
  let database: TestDatabase & { config: { postgres: string } };
  let pool: pg.Pool;
  let client: pg.PoolClient;
  let enabled = true;
  // As Kysely's driver calls it: a checked-out client, query(text, values) → Promise.
  const run = (text: string, values: unknown[] = []) => client.query(text, values);
  beforeAll(async () => {
    database = await postgresDatabase(pgUrl!, 'hub_prepared');
    // One connection: the session whose prepared statements the test reads.
    pool = new pg.Pool({ connectionString: database.config.postgres, max: 1 });
    prepareStatements(pool, () => enabled);
    client = await pool.connect();
    await run('create table t (n integer primary key, a text)');
    await run(`insert into t values (1, 'one'), (2, 'two')`);
  });
  afterAll(async () => {
    client?.release();
    await pool?.end();
    await database?.drop();
  });

  const prepared = async () =>
    (await client.query<{ statement: string }>('select statement from pg_prepared_statements', [])).rows.map(
      (r) => r.statement,
    );

  it('prepares a parameterised statement once and reuses it, with the right answers', async () => {
    const text = 'select a from t where n = $1';
    expect((await run(text, [1])).rows).toEqual([{ a: 'one' }]);
    expect((await run(text, [2])).rows).toEqual([{ a: 'two' }]);
    expect((await prepared()).filter((s) => s === text)).toHaveLength(1);
  });

  it('leaves statements without parameters, and every statement while disabled, unprepared', async () => {
    await run('select count(*) from t');
    enabled = false;
    await run('select n from t where a = $1', ['one']);
    enabled = true;
    const statements = await prepared();
    expect(statements).not.toContain('select count(*) from t');
    expect(statements).not.toContain('select n from t where a = $1');
  });

  it('answers a select * whose columns another migration changed, by running it unnamed', async () => {
    const text = 'select * from t where n = $1';
    expect((await run(text, [1])).rows).toEqual([{ n: 1, a: 'one' }]);
    await run(`alter table t add column b text not null default 'b'`);
    expect((await run(text, [1])).rows).toEqual([{ n: 1, a: 'one', b: 'b' }]);
    expect((await run(text, [2])).rows).toEqual([{ n: 2, a: 'two', b: 'b' }]);
  });
});
