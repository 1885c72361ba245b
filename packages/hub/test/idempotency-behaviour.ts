import { isConflictError } from '@lienthong/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HubDb, openDatabase } from '../src/db/open-database.js';
import { idempotent, requestFingerprint } from '../src/idempotency.js';
import type { MakeDatabase, TestDatabase } from './databases.js';

/** Exactly-once writes, per dialect. The write used is a row in `settings` (a real table). */
export function describeIdempotency(dialect: string, makeDatabase: MakeDatabase): void {
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
      const first = await idempotent(store, scope, writeRow('a'));
      const second = await idempotent(store, scope, writeRow('a'));
      expect(first).toEqual({ status: 201, body: { id: 'a-0' }, replayed: false });
      expect(second).toEqual({ status: 201, body: { id: 'a-0' }, replayed: true });
      expect(await count('a')).toBe(1);
    });

    it('keys are per facility, and a reused key with another request is a conflict', async () => {
      const fp = requestFingerprint('POST', '/r', '{}');
      await idempotent(store, { facilityCode: '01001', key: 'k2', fingerprint: fp }, writeRow('b'));
      await idempotent(store, { facilityCode: '79001', key: 'k2', fingerprint: fp }, writeRow('b'));
      expect(await count('b')).toBe(2);
      const error = await idempotent(
        store,
        { facilityCode: '01001', key: 'k2', fingerprint: requestFingerprint('POST', '/r', '{"x":2}') },
        writeRow('b'),
      ).catch((e: unknown) => e);
      expect(isConflictError(error) && error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    });

    it('a failed write stores nothing, so the retry runs', async () => {
      const scope = { facilityCode: '01001', key: 'k3', fingerprint: 'f' };
      await expect(
        idempotent(store, scope, async (trx) => {
          await writeRow('c')(trx);
          throw new Error('disk full');
        }),
      ).rejects.toThrow('disk full');
      expect(await count('c')).toBe(0);
      expect((await idempotent(store, scope, writeRow('c'))).replayed).toBe(false);
      expect(await count('c')).toBe(1);
    });

    it('concurrent requests with one key write once', async () => {
      const scope = { facilityCode: '01001', key: 'k4', fingerprint: 'g' };
      const answers = await Promise.all(
        Array.from({ length: 10 }, () => idempotent(store, scope, writeRow('d'))),
      );
      expect(await count('d')).toBe(1);
      expect(new Set(answers.map((a) => JSON.stringify(a.body)))).toEqual(new Set(['{"id":"d-0"}']));
      expect(answers.filter((a) => !a.replayed)).toHaveLength(1);
    });

    it('writes arriving together commit together, and a failing one rolls back alone', async () => {
      const outcomes = await Promise.allSettled(
        Array.from({ length: 12 }, (_, i) =>
          idempotent(store, { facilityCode: '01001', key: `k5-${i}`, fingerprint: 'i' }, async (trx) => {
            await trx
              .insertInto('settings')
              .values({ key: `f-${i}`, value: 'x' })
              .execute();
            if (i % 4 === 1) throw new Error(`write ${i} failed`);
            return { status: 201, body: { i } };
          }),
        ),
      );
      const failed = outcomes.flatMap((o, i) => (o.status === 'rejected' ? [i] : []));
      expect(failed).toEqual([1, 5, 9]);
      expect(outcomes.map((o) => (o.status === 'rejected' ? String(o.reason) : ''))[5]).toBe(
        'Error: write 5 failed',
      );
      const kept = await store.db.selectFrom('settings').select('key').where('key', 'like', 'f-%').execute();
      expect(kept.map((r) => r.key).sort()).toEqual(
        ['f-0', 'f-2', 'f-3', 'f-4', 'f-6', 'f-7', 'f-8', 'f-10', 'f-11'].sort(),
      );
      // The failed ones stored no answer either: their retry runs.
      const retry = await idempotent(
        store,
        { facilityCode: '01001', key: 'k5-5', fingerprint: 'i' },
        async (trx) => {
          await trx.insertInto('settings').values({ key: 'f-5', value: 'x' }).execute();
          return { status: 201, body: { i: 5 } };
        },
      );
      expect(retry.replayed).toBe(false);
    });

    it('without a key every call writes', async () => {
      await idempotent(store, { facilityCode: '01001', key: undefined, fingerprint: 'h' }, writeRow('e'));
      await idempotent(store, { facilityCode: '01001', key: undefined, fingerprint: 'h' }, writeRow('e'));
      expect(await count('e')).toBe(2);
    });
  });
}
