import { isConflictError } from '@lienthong/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HubDb, openDatabase } from '../src/db/open-database.js';
import { idempotent, requestFingerprint } from '../src/idempotency.js';
import type { TestDatabase } from './databases.js';

/** Exactly-once writes, per dialect. The write used is a row in `settings` (a real table). */
export function describeIdempotency(
  dialect: string,
  makeDatabase: () => Promise<TestDatabase> | TestDatabase,
): void {
  describe(`idempotent writes on ${dialect}`, () => {
    let database: TestDatabase;
    let store: HubDb;
    beforeAll(async () => {
      database = await makeDatabase();
      store = await openDatabase(database.config);
    });
    afterAll(async () => {
      await store?.close();
      await database?.drop();
    });
    const count = async (prefix: string) =>
      (await store.db.selectFrom('settings').select('key').where('key', 'like', `${prefix}%`).execute())
        .length;
    const writeRow = (name: string) => async (trx: Parameters<Parameters<typeof idempotent>[2]>[0]) => {
      const n = await trx.selectFrom('settings').select('key').where('key', 'like', `${name}%`).execute();
      await trx
        .insertInto('settings')
        .values({ key: `${name}-${n.length}`, value: 'x' })
        .execute();
      return { status: 201, body: { id: `${name}-${n.length}` } };
    };

    it('replays the first answer for the same key and request', async () => {
      const scope = {
        facilityCode: '01001',
        key: 'k1',
        fingerprint: requestFingerprint('POST', '/r', '{"a":1}'),
      };
      const first = await idempotent(store.db, scope, writeRow('a'));
      const second = await idempotent(store.db, scope, writeRow('a'));
      expect(first).toEqual({ status: 201, body: { id: 'a-0' }, replayed: false });
      expect(second).toEqual({ status: 201, body: { id: 'a-0' }, replayed: true });
      expect(await count('a')).toBe(1);
    });

    it('keys are per facility, and a reused key with another request is a conflict', async () => {
      const fp = requestFingerprint('POST', '/r', '{}');
      await idempotent(store.db, { facilityCode: '01001', key: 'k2', fingerprint: fp }, writeRow('b'));
      await idempotent(store.db, { facilityCode: '79001', key: 'k2', fingerprint: fp }, writeRow('b'));
      expect(await count('b')).toBe(2);
      const error = await idempotent(
        store.db,
        { facilityCode: '01001', key: 'k2', fingerprint: requestFingerprint('POST', '/r', '{"x":2}') },
        writeRow('b'),
      ).catch((e: unknown) => e);
      expect(isConflictError(error) && error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    });

    it('a failed write stores nothing, so the retry runs', async () => {
      const scope = { facilityCode: '01001', key: 'k3', fingerprint: 'f' };
      await expect(
        idempotent(store.db, scope, async (trx) => {
          await writeRow('c')(trx);
          throw new Error('disk full');
        }),
      ).rejects.toThrow('disk full');
      expect(await count('c')).toBe(0);
      expect((await idempotent(store.db, scope, writeRow('c'))).replayed).toBe(false);
      expect(await count('c')).toBe(1);
    });

    it('concurrent requests with one key write once', async () => {
      const scope = { facilityCode: '01001', key: 'k4', fingerprint: 'g' };
      const answers = await Promise.all(
        Array.from({ length: 10 }, () => idempotent(store.db, scope, writeRow('d'))),
      );
      expect(await count('d')).toBe(1);
      expect(new Set(answers.map((a) => JSON.stringify(a.body)))).toEqual(new Set(['{"id":"d-0"}']));
      expect(answers.filter((a) => !a.replayed)).toHaveLength(1);
    });

    it('without a key every call writes', async () => {
      await idempotent(store.db, { facilityCode: '01001', key: undefined, fingerprint: 'h' }, writeRow('e'));
      await idempotent(store.db, { facilityCode: '01001', key: undefined, fingerprint: 'h' }, writeRow('e'));
      expect(await count('e')).toBe(2);
    });
  });
}
