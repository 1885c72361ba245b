import { type Kysely, sql, type Transaction } from 'kysely';
import type { HubDatabase } from './schema.js';
import type { WalSync } from './wal-sync.js';

/** Runs a unit of work in a transaction and resolves once it is durable. */
export type Transact = <T>(work: (trx: Transaction<HubDatabase>) => Promise<T>) => Promise<T>;

/** Most units of work one commit carries (bounds the time a group holds the writer). */
const MAX_GROUP = 256;

interface Job {
  work: (trx: Transaction<HubDatabase>) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit for SQLite. SQLite has one writer, and better-sqlite3 runs each statement — COMMIT
 * included — synchronously on the event loop; committing each request alone caps the hub at a few
 * hundred writes per second whatever the CPU.
 *
 * Here the units of work that arrive in the same turn of the event loop run in ONE transaction,
 * each inside its own savepoint: a unit that throws rolls back alone and its caller gets the
 * error; the others commit together. With `flush` (the WAL flush of {@link openWalSync}), the
 * commit skips SQLite's own fsync, the callers are answered once that flush has put the commit
 * on disk, and the event loop serves other requests while the disk works.
 *
 * PostgreSQL does not need this (a pool of connections commits in parallel); there `transact`
 * is a plain transaction.
 */
export function groupCommit(db: Kysely<HubDatabase>, options: { flush?: WalSync } = {}): Transact {
  const queue: Job[] = [];
  let leader: Promise<void> | undefined;
  // One group at a time: while a group's flush is on its way to disk, the units arriving meanwhile
  // wait and form the next group. The slower the disk, the larger the groups.
  const lead = async () => {
    // setImmediate runs after the I/O callbacks of this turn: the requests parsed in it all join.
    await new Promise((resolve) => setImmediate(resolve));
    while (queue.length > 0) await runGroup(db, queue.splice(0, MAX_GROUP), options.flush);
  };
  const start = () => {
    leader = lead().finally(() => {
      leader = undefined;
      if (queue.length > 0) start();
    });
  };
  return <T>(work: (trx: Transaction<HubDatabase>) => Promise<T>) =>
    new Promise<T>((resolve, reject) => {
      queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (!leader) start();
    });
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

async function runGroup(db: Kysely<HubDatabase>, jobs: Job[], flush: WalSync | undefined): Promise<void> {
  const outcomes: Outcome[] = [];
  const units = async (trx: Transaction<HubDatabase>) => {
    // A group of one needs no savepoint: its unit failing rolls the whole transaction back.
    if (jobs.length === 1) {
      outcomes.push({ ok: true, value: await jobs[0]!.work(trx) });
      return;
    }
    for (const job of jobs) {
      await sql`savepoint unit`.execute(trx);
      try {
        outcomes.push({ ok: true, value: await job.work(trx) });
      } catch (error) {
        await sql`rollback to savepoint unit`.execute(trx);
        outcomes.push({ ok: false, error });
      }
      await sql`release savepoint unit`.execute(trx);
    }
  };
  try {
    await db.connection().execute(async (conn) => {
      // The savepoints journal each page a unit changes, and SQLite keeps that journal in a temp
      // file past 64 KiB: a publish wrote ~25 of its ~47 write system calls there. In memory for
      // the group's transaction only (a group's units are small; other statements' temporary
      // tables stay in files and so out of the process's memory).
      await sql`pragma temp_store = MEMORY`.execute(conn);
      // With a flush, only this commit skips SQLite's own fsync: every other write
      // (administration, migrations) keeps synchronous=FULL.
      if (flush) await sql`pragma synchronous = NORMAL`.execute(conn);
      try {
        await conn.transaction().execute(units);
      } finally {
        if (flush) await sql`pragma synchronous = FULL`.execute(conn);
        await sql`pragma temp_store = DEFAULT`.execute(conn);
      }
    });
    await flush?.();
  } catch (error) {
    // The commit or the flush failed (disk full, I/O error): nothing of the group is known durable.
    for (const job of jobs) job.reject(error);
    return;
  }
  jobs.forEach((job, i) => {
    const outcome = outcomes[i] as Outcome;
    if (outcome.ok) job.resolve(outcome.value);
    else job.reject(outcome.error);
  });
}

/** A plain transaction per unit of work (PostgreSQL). */
export function transactionPerUnit(db: Kysely<HubDatabase>): Transact {
  return (work) => db.transaction().execute(work);
}
