import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** A background checkpointer: told when the WAL grew, stopped with the database. */
export interface Checkpointer {
  /** Says a commit added to the WAL; the next checkpoint runs at most `delayMs` later. */
  nudge(): void;
  /** Stops the thread after closing its connection. */
  stop(): Promise<void>;
}

/** Options of {@link startCheckpointer}. */
export interface CheckpointerOptions {
  /**
   * Longest wait between a nudge and the checkpoint it asks for (default 100 ms). Each checkpoint
   * flushes the database file and the WAL: at 20 ms a query's CPU rose (more flushes), at 250 ms
   * publishes' p99 did (larger flushes).
   */
  delayMs?: number;
}

// The thread's whole program, as CommonJS evaluated by the worker: a path to a module file would
// differ between the TypeScript sources (tests) and the built package.
const PROGRAM = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
// The checkpoint flushes the database file and the WAL before the WAL may be reused.
db.pragma('synchronous = FULL');
parentPort.on('message', (m) => {
  if (m === 'stop') {
    db.close();
    parentPort.close();
    return;
  }
  try {
    // PASSIVE: copies what no reader still needs, never waits for a lock nor blocks a writer.
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // Busy or failing now: the next nudge tries again, and the hub's own fallback still runs.
  }
});
`;

/**
 * Copies the SQLite write-ahead log back into the database file on a thread of its own.
 *
 * SQLite checkpoints inside the commit that crosses `wal_autocheckpoint` pages: that commit then
 * copies the pages and flushes the database file twice, on the event loop, while every other
 * request waits. Here a second connection on a worker thread does that work a moment after the
 * commits that asked for it, so the hub's commits only append to the log. In the load benchmark
 * (1 M reports, SQLite, 10 clients, the same run) publishes went from 486–521 to 674–680 req/s and
 * from 1,878–2,061 to 1,675–1,687 µs of CPU each; queries stayed as they were.
 * The hub keeps a higher `wal_autocheckpoint` as a fallback should this thread fall behind.
 *
 * @example
 * const checkpointer = startCheckpointer('/var/lib/lienthong/hub.db');
 * // after each commit:
 * checkpointer.nudge();
 * // at shutdown, before closing the hub's own connection:
 * await checkpointer.stop();
 */
export function startCheckpointer(file: string, options: CheckpointerOptions = {}): Checkpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(PROGRAM, {
    eval: true,
    workerData: { driver, file },
  });
  const delayMs = options.delayMs ?? 100;
  // A crashed checkpointer costs speed, not data: the hub's own checkpoints go on.
  worker.on('error', () => {});
  // Never what keeps a process alive: one that forgets to close the hub still exits.
  worker.unref();
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  let stopped = false;
  // The wait is timed here, not in the thread: the commits of one wait cost one message, not one
  // each (a message per commit was 4 % of a query's CPU in the load benchmark's profile).
  let timer: NodeJS.Timeout | undefined;
  return {
    nudge() {
      if (stopped || timer) return;
      timer = setTimeout(() => {
        timer = undefined;
        if (!stopped) worker.postMessage('checkpoint');
      }, delayMs).unref();
    },
    async stop() {
      if (stopped) return exited;
      stopped = true;
      clearTimeout(timer);
      // Held while it closes: otherwise a process with nothing else to do would exit mid-wait.
      worker.ref();
      worker.postMessage('stop');
      return exited;
    },
  };
}
