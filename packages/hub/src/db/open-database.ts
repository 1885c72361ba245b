import { LienThongError, ValidationError } from '@lienthong/core';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { queryThroughCallbacks } from './callback-queries.js';
import { type Checkpointer, startCheckpointer } from './checkpointer.js';
import { groupCommit, type Transact, transactionPerUnit } from './group-commit.js';
import { migrateToLatest } from './migrations.js';
import { partitionLabReports } from './migrations-partitioned.js';
import { ensurePartitionsAhead, retryOnMissingPartition } from './partitions.js';
import { prepareStatements } from './prepared-statements.js';
import {
  DEFAULT_REPORT_ORDER,
  holdsClusteredReports,
  REPORT_ORDERS,
  type ReportOrder,
  setReportOrder,
} from './report-clusters.js';
import { type ReportFiling, startReportFiling } from './report-filing.js';
import type { HubDatabase } from './schema.js';
import { dropValueStatistics } from './value-statistics.js';
import { openWalSync, type WalSync } from './wal-sync.js';

/**
 * Where the hub keeps its data: an embedded SQLite file (default) or a PostgreSQL URL. With
 * `layout: 'partitioned'` PostgreSQL holds lab reports and audit entries in monthly partitions
 * (a province's hub with years of reports: `partitionLabReports`, docs/en/guide/partitioning.md);
 * the default, `'plain'`, leaves them in one table each — it does not undo a partitioning done.
 */
export type DatabaseConfig =
  | {
      sqlite: string;
      /**
       * SQLite's page cache for the hub's connection, in MiB (default 16, better-sqlite3's). At a
       * million reports the interior pages of the report table and its indexes (~22 MB) outgrow
       * the default, and a query reads some of them again: 64 MiB cut a query's reads from ~45 to
       * ~32 (docs/en/guide/hub-performance.md#journal-in-memory). The cache fills during an export
       * too, and counts in the hub's memory.
       */
      cacheMiB?: number;
      /**
       * Where new report versions are stored in the file (default `'patient-deferred'`):
       * `'patient-deferred'` appends each publish, and files it beside the patient's other reports
       * once the hub has written nothing for a second, or a step every 10 s while it never is
       * (db/report-filing.ts): queries read a few neighbouring pages instead of one page per report
       * for all but the latest reports, publishes cost what they cost in arrival order, and the
       * filing (~270–320 µs of CPU per report) is paid when the hub is idle
       * (docs/en/guide/hub-performance.md#deferred-filing, #default-order). `'arrival'` appends
       * each one after the last and never moves it (no filing: for a hub that is written far more
       * than read). `'patient'` files each publish beside the patient's others at once: ~100 µs
       * less CPU per query, ~120–220 µs more per publish at a million reports
       * (docs/en/guide/hub-performance.md#patient-order). Any may be chosen at any start: rows
       * already stored stay where they are, except that `'patient-deferred'` files the reports
       * still in arrival order too (see {@link HubDb.fileReports}), and all are read the same way.
       */
      reportOrder?: ReportOrder;
    }
  | { postgres: string; layout?: 'partitioned' | 'plain' };

/** The largest page cache `cacheMiB` may ask for (64 GiB): beyond it, a typo. */
const MAX_CACHE_MIB = 65536;

/** An open database with its dialect and a way to close it. */
export interface HubDb {
  readonly db: Kysely<HubDatabase>;
  readonly dialect: 'sqlite' | 'postgres';
  /**
   * Runs a unit of work in a transaction and resolves once it is durable. On SQLite the units of
   * one event-loop turn share one commit (see {@link groupCommit}); use it for every write.
   */
  readonly transact: Transact;
  /**
   * Runs a write of ONE statement and resolves once it is durable: on SQLite as a unit of the
   * group commit ({@link HubDb.transact}); on PostgreSQL alone, without BEGIN and COMMIT — one
   * statement is atomic, and durable once answered (`synchronous_commit` on) — so it costs one
   * round trip instead of three (the audit entry of every read). A unit of several statements
   * needs {@link HubDb.transact}.
   * @example await store.writeOne((db) => db.insertInto('audit_events').values(rows).execute());
   */
  readonly writeOne: <T>(write: (db: Kysely<HubDatabase>) => Promise<T>) => Promise<T>;
  /**
   * Files every report version still stored in arrival order beside its patient's others, now,
   * step after step (SQLite; on PostgreSQL, where no order is kept, nothing): the one-off for a
   * file filled in arrival order, which `reportOrder: 'patient-deferred'` does by itself when idle.
   * Resolves with the number of versions filed. The hub keeps serving meanwhile.
   * @example const filed = await store.fileReports();
   */
  fileReports(): Promise<number>;
  close(): Promise<void>;
}

/**
 * Opens (and migrates) the hub database.
 *
 * SQLite runs in WAL mode, and a write the hub has acknowledged survives a process crash and a
 * power loss: {@link HubDb.transact} answers only after the log is flushed to disk. The flush runs
 * off the event loop and is shared by the writes of one moment (group commit). PostgreSQL gets
 * a connection pool; several stateless hub instances can share it.
 */
export async function openDatabase(config: DatabaseConfig): Promise<HubDb> {
  // Checked before anything is opened: a bad configuration leaves no file behind.
  const cacheMiB = 'sqlite' in config ? config.cacheMiB : undefined;
  if (cacheMiB !== undefined && !(Number.isInteger(cacheMiB) && cacheMiB >= 1 && cacheMiB <= MAX_CACHE_MIB))
    throw new ValidationError({
      code: 'HUB_OPTION_INVALID',
      message: `database.cacheMiB must be a whole number of MiB from 1 to ${MAX_CACHE_MIB}.`,
      messageVi: `database.cacheMiB phải là số MiB nguyên từ 1 đến ${MAX_CACHE_MIB}.`,
      path: 'database.cacheMiB',
    });
  const reportOrder = 'sqlite' in config ? (config.reportOrder ?? DEFAULT_REPORT_ORDER) : undefined;
  if (reportOrder !== undefined && !REPORT_ORDERS.includes(reportOrder))
    throw new ValidationError({
      code: 'HUB_OPTION_INVALID',
      message: `database.reportOrder must be one of ${REPORT_ORDERS.join(', ')}.`,
      messageVi: `database.reportOrder phải là một trong ${REPORT_ORDERS.join(', ')}.`,
      path: 'database.reportOrder',
    });
  let db: Kysely<HubDatabase>;
  let dialect: HubDb['dialect'];
  let walSync: Awaited<ReturnType<typeof openWalSync>> | undefined;
  let checkpointer: Checkpointer | undefined;
  try {
    if ('sqlite' in config) {
      const sqlite = new SQLite(config.sqlite);
      const wal = sqlite.pragma('journal_mode = WAL', { simple: true }) === 'wal';
      // FULL: SQLite flushes the log inside each commit. Group commits do better in WAL mode: they
      // flush it off the event loop before answering (groupCommit, openWalSync).
      sqlite.pragma('synchronous = FULL');
      sqlite.pragma('busy_timeout = 5000');
      // Negative: a size in KiB, not a number of pages.
      if (cacheMiB !== undefined) sqlite.pragma(`cache_size = -${cacheMiB * 1024}`);
      sqlite.pragma('foreign_keys = ON');
      // Checkpoints run on a thread of their own (startCheckpointer); this connection checkpoints
      // only should that thread fall behind this far (pages, 8 MiB), pausing the event loop.
      sqlite.pragma(`wal_autocheckpoint = ${FALLBACK_CHECKPOINT_PAGES}`);
      // An ANALYZE run on the file would have every read prepared again before it runs.
      dropValueStatistics(sqlite);
      db = new Kysely<HubDatabase>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
      dialect = 'sqlite';
      await migrateToLatest(db as Kysely<unknown>);
      setReportOrder(db, reportOrder ?? DEFAULT_REPORT_ORDER, await holdsClusteredReports(db));
      if (wal) {
        walSync = await openWalSync(`${sqlite.name}-wal`);
        checkpointer = startCheckpointer(sqlite.name);
      }
    } else {
      const pool = new pg.Pool({ connectionString: config.postgres, max: 10 });
      // An idle pooled connection can die (server restart, an administrator terminating it). pg then
      // emits 'error' on the pool, which would crash the process if unheard; the pool replaces the
      // connection on the next checkout, and a query on a dead one fails to its caller as usual.
      pool.on('error', () => {});
      let migrated = false;
      // First: the statement names below then reach pg in its callback form (callback-queries.ts).
      queryThroughCallbacks(pool);
      prepareStatements(pool, () => migrated);
      db = new Kysely<HubDatabase>({ dialect: new PostgresDialect({ pool }) });
      dialect = 'postgres';
      await migrateToLatest(db as Kysely<unknown>);
      if (config.layout === 'partitioned') await partitionLabReports(db as Kysely<unknown>);
      migrated = true;
      await ensurePartitionsAhead(db as Kysely<unknown>);
    }
  } catch (cause) {
    throw new LienThongError({
      code: 'HUB_DATABASE_UNAVAILABLE',
      message: 'The hub database could not be opened or migrated.',
      messageVi: 'Không mở hoặc không cập nhật được cơ sở dữ liệu của sàn liên thông.',
      cause,
    });
  }
  let transact: Transact;
  let writeOne: HubDb['writeOne'];
  let partitionTimer: NodeJS.Timeout | undefined;
  let filing: ReportFiling | undefined;
  if (dialect === 'sqlite') {
    const commit = groupCommit(db, sqliteFlush(walSync, checkpointer));
    // Filing steps go through the group commit too, but are not writes that postpone filing.
    filing = startReportFiling(commit, { idle: reportOrder === 'patient-deferred' });
    const deferred = reportOrder === 'patient-deferred' ? filing : undefined;
    transact = deferred
      ? (work) => {
          deferred.active();
          return commit(work);
        }
      : commit;
    writeOne = transact;
  } else {
    // A row for a month without a partition (a back-filled report) creates it and runs again.
    const perUnit = transactionPerUnit(db);
    transact = (work) => retryOnMissingPartition(db as Kysely<unknown>, () => perUnit(work));
    writeOne = (write) => retryOnMissingPartition(db as Kysely<unknown>, () => write(db));
    // Partitions ahead: checked daily, so a hub running for months never writes into a missing one.
    // A failed check waits for the next day: a write reaching a missing month creates it anyway.
    partitionTimer = setInterval(
      () => void ensurePartitionsAhead(db as Kysely<unknown>).catch(() => {}),
      PARTITION_CHECK_MS,
    ).unref();
  }
  return {
    db,
    dialect,
    transact,
    writeOne,
    fileReports: async () => (filing ? filing.fileAll() : 0),
    async close() {
      clearInterval(partitionTimer);
      await filing?.stop();
      await checkpointer?.stop();
      await walSync?.close();
      await db.destroy();
    },
  };
}

/** How often an open PostgreSQL hub makes sure the next months' partitions exist. */
const PARTITION_CHECK_MS = 24 * 60 * 60 * 1000;

/** WAL size (pages) at which the hub's connection checkpoints itself (the checkpointer runs far sooner). */
const FALLBACK_CHECKPOINT_PAGES = 2000;

/**
 * What a group commit does once committed: flush the WAL to disk (when it can) and tell the
 * checkpointer the log grew.
 */
function sqliteFlush(
  walSync: { sync: WalSync } | undefined,
  checkpointer: Checkpointer | undefined,
): { flush?: WalSync } {
  if (!walSync) return {};
  return {
    flush: () => {
      checkpointer?.nudge();
      return walSync.sync();
    },
  };
}

/** Most prepared statements kept per SQLite connection. */
const STATEMENT_CACHE_SIZE = 256;

/**
 * better-sqlite3 behind Kysely, preparing each distinct SQL text once. Kysely prepares every query
 * anew, which costs more than running it for the hub's short indexed queries; the hub repeats a few
 * dozen texts. Reuse is safe because Kysely runs one statement at a time on the connection.
 */
function withStatementCache(sqlite: SQLite.Database) {
  const statements = new Map<string, SQLite.Statement>();
  return {
    prepare(source: string) {
      let statement = statements.get(source);
      if (!statement) {
        statement = sqlite.prepare(source);
        if (statements.size >= STATEMENT_CACHE_SIZE)
          statements.delete(statements.keys().next().value as string);
        statements.set(source, statement);
      }
      return statement;
    },
    close: () => sqlite.close(),
  };
}
