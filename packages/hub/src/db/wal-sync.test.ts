import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { coalescedSync, openWalSync } from './wal-sync.js';

/** A file handle whose flushes finish when the test says so. */
function manualHandle() {
  const pending: (() => void)[] = [];
  let closed = false;
  return {
    pending,
    get closed() {
      return closed;
    },
    sync: () => new Promise<void>((resolve) => pending.push(resolve)),
    close: async () => {
      closed = true;
    },
  };
}
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('coalescedSync', () => {
  it('starts a flush at once when none is running', async () => {
    const handle = manualHandle();
    const { sync } = coalescedSync(handle);
    let done = false;
    void sync().then(() => (done = true));
    expect(handle.pending).toHaveLength(1);
    handle.pending[0]!();
    await settle();
    expect(done).toBe(true);
  });

  it('callers arriving during a flush share exactly one more, started after it', async () => {
    const handle = manualHandle();
    const { sync } = coalescedSync(handle);
    const order: string[] = [];
    void sync().then(() => order.push('first'));
    const late = [sync(), sync(), sync()].map((p, i) => p.then(() => order.push(`late${i}`)));
    await settle();
    // The running flush may have started before the late callers' commits: it does not cover them.
    expect(handle.pending).toHaveLength(1);
    handle.pending[0]!();
    await settle();
    expect(order).toEqual(['first']);
    expect(handle.pending).toHaveLength(2);
    handle.pending[1]!();
    await Promise.all(late);
    expect(order).toEqual(['first', 'late0', 'late1', 'late2']);
    expect(handle.pending).toHaveLength(2);
  });

  it('a failed flush fails its callers, and the next call flushes again', async () => {
    let fail = true;
    let flushes = 0;
    const { sync } = coalescedSync({
      sync: async () => {
        flushes++;
        if (fail) throw new Error('EIO');
      },
      close: async () => {},
    });
    await expect(sync()).rejects.toThrow('EIO');
    fail = false;
    await expect(sync()).resolves.toBeUndefined();
    expect(flushes).toBe(2);
  });

  it('close waits for the running flush before closing the file', async () => {
    const handle = manualHandle();
    const wal = coalescedSync(handle);
    void wal.sync();
    const closing = wal.close();
    await settle();
    expect(handle.closed).toBe(false);
    handle.pending[0]!();
    await closing;
    expect(handle.closed).toBe(true);
  });
});

describe('openWalSync', () => {
  it('flushes a real file and closes it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lienthong-wal-'));
    try {
      writeFileSync(join(dir, 'hub.db-wal'), 'frames');
      const wal = await openWalSync(join(dir, 'hub.db-wal'));
      await expect(Promise.all([wal.sync(), wal.sync()])).resolves.toEqual([undefined, undefined]);
      await wal.close();
      await expect(openWalSync(join(dir, 'missing-wal'))).rejects.toMatchObject({ code: 'ENOENT' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
