import type pg from 'pg';

/** pg's callback for a query's outcome. */
type Outcome = (error: Error | null, result: unknown) => void;

/**
 * Makes every client of `pool` run the promise form of `client.query(text | config, values?)` —
 * the one call Kysely's PostgreSQL driver makes — through pg's callback form, in a promise of its
 * own: the same results and the same errors, reaching the caller the same way.
 *
 * Why: under concurrent reads, pg's promise form kept the rows of finished queries alive through
 * V8's minor collections. Measured on the hub's summary read (1 M visits, ~110 KB of rows a read,
 * 10 at once): each scavenge copied and promoted ~6 MB and paused the event loop 11–18 ms, and a read
 * cost ~1.05 ms of CPU; in the callback form ~0.2 MB, ~1.4 ms and ~0.64 ms. V8's allocation-site
 * pretenuring is part of the cause (with it off, the promise form still left 1.6 MB and 3–4 ms
 * pauses). Docs: hub performance, `#pg-callback-form`.
 *
 * Calls in any other shape — a callback already given, a cursor or another submittable, more
 * arguments — go to pg unchanged (pg-pool's own `pool.query` passes a callback).
 *
 * @example
 * const pool = new pg.Pool({ connectionString });
 * queryThroughCallbacks(pool); // before wrappers that call client.query in the promise form
 */
export function queryThroughCallbacks(pool: pg.Pool): void {
  pool.on('connect', (client) => {
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as { query: unknown }).query = (...args: unknown[]) => {
      const [config, values] = args;
      const submittable = typeof (config as { submit?: unknown } | null)?.submit === 'function';
      if (args.length === 0 || args.length > 2 || typeof values === 'function' || submittable)
        return query(...args);
      return new Promise((resolve, reject) => {
        const outcome: Outcome = (error, result) => (error ? reject(error) : resolve(result));
        query(config, values, outcome);
      });
    };
  });
}
