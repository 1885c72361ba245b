import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from './open-database.js';

describe('openDatabase (SQLite): the page cache', () => {
  let dir = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lienthong-open-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const cacheSize = async (file: string, cacheMiB?: number) => {
    const hub = await openDatabase({ sqlite: file, ...(cacheMiB === undefined ? {} : { cacheMiB }) });
    try {
      const { rows } = await sql<{ cache_size: number }>`pragma cache_size`.execute(hub.db);
      return rows[0]?.cache_size;
    } finally {
      await hub.close();
    }
  };

  it('sets the cache asked for, in KiB, and leaves the default otherwise', async () => {
    expect(await cacheSize(join(dir, 'a.db'), 64)).toBe(-65536);
    expect(await cacheSize(join(dir, 'b.db'))).toBe(-16000);
  });

  it.each([0, -1, 1.5, 65537, Number.NaN])(
    'refuses cacheMiB %s before creating anything',
    async (cacheMiB) => {
      const file = join(dir, 'refused.db');
      await expect(openDatabase({ sqlite: file, cacheMiB })).rejects.toMatchObject({
        code: 'HUB_OPTION_INVALID',
        path: 'database.cacheMiB',
        messageVi: expect.stringContaining('cacheMiB'),
      });
      expect(existsSync(file)).toBe(false);
    },
  );
});
