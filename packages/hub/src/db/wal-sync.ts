import { open } from 'node:fs/promises';

/** Makes every commit made so far durable; resolves when it is on disk. */
export type WalSync = () => Promise<void>;

/**
 * Durability for SQLite's write-ahead log without blocking the event loop.
 *
 * With `synchronous=FULL`, SQLite fsyncs the WAL inside COMMIT — a synchronous call that stops
 * the whole hub for the length of a disk flush (0.3–2 ms measured here, far more on cloud disks).
 * With `synchronous=NORMAL` the commit only writes the WAL; this function then fsyncs that file
 * on libuv's thread pool, and the hub acknowledges a write only after it resolves. The guarantee
 * is FULL's — an acknowledged write survives a power loss — while the event loop keeps serving.
 *
 * Calls made while a flush is running share the next one: a flush that started before a commit
 * may not cover it, so at most one more is queued and every caller waiting for it shares it.
 * Checkpoints are unaffected: SQLite still syncs the WAL and the database file around each one.
 */
export async function openWalSync(walPath: string): Promise<{ sync: WalSync; close(): Promise<void> }> {
  // Read-write: Windows needs write access to flush a file; nothing is ever written through it.
  const handle = await open(walPath, 'r+');
  return coalescedSync(handle);
}

/** The flush-sharing logic of {@link openWalSync} over any file handle. */
export function coalescedSync(handle: { sync(): Promise<void>; close(): Promise<void> }): {
  sync: WalSync;
  close(): Promise<void>;
} {
  let running: Promise<void> | undefined;
  let queued: Promise<void> | undefined;
  const flush = (): Promise<void> => {
    running = handle.sync().finally(() => {
      running = undefined;
    });
    return running;
  };
  const sync: WalSync = () => {
    if (!running) return flush();
    queued ??= running
      .catch(() => undefined)
      .then(() => {
        queued = undefined;
        return flush();
      });
    return queued;
  };
  return {
    sync,
    async close() {
      await Promise.allSettled([running, queued]);
      await handle.close();
    },
  };
}
