import type { WriteReceipt } from '@lienthong/core/contract';
import type { Context, Handler } from 'hono';
import { routePath } from 'hono/route';
import type { Kysely } from 'kysely';
import type { HubDb } from '../../db/open-database.js';
import type { HubDatabase } from '../../db/schema.js';
import { idempotent, requestFingerprint } from '../../idempotency.js';
import { checkIdempotencyKey } from '../../limits.js';
import type { Publisher } from '../../records/access.js';
import { publisherOf } from '../auth.js';
import { readJsonBody } from '../body.js';
import type { Caller, HubEnv } from '../env.js';

/** What a write did: whether it created something (201) or not (200), and its answer. */
export interface WriteOutcome<T> {
  created: boolean;
  answer: T;
}

/** A request body as a write reads it: its value, and the text that stands for it in the fingerprint. */
export type ReadBody<B> = (c: Context<HubEnv>) => Promise<{ value: B; text: string }>;

/** A JSON body ({@link readJsonBody}); its fingerprint is its canonical JSON text. */
export const jsonBody: ReadBody<unknown> = async (c) => {
  const value = await readJsonBody(c);
  return { value, text: JSON.stringify(value) };
};

/**
 * The one handler of every write route, placed behind `needs('write')`: a body (JSON unless `read`
 * says otherwise), written exactly once under the caller's `Idempotency-Key` (1–200 printable
 * ASCII characters; the same key with another request — method, route, body — is 409), answered
 * 201 when something was created, 200 otherwise.
 */
export function idempotentWrite<T, B = unknown>(
  store: HubDb,
  write: (trx: Kysely<HubDatabase>, caller: Caller, body: B) => Promise<WriteOutcome<T>>,
  read: ReadBody<B> = jsonBody as ReadBody<B>,
): Handler<HubEnv> {
  return async (c) => {
    const caller = c.get('caller');
    const key = c.req.header('idempotency-key');
    checkIdempotencyKey(key);
    const body = await read(c);
    const result = await idempotent(
      store,
      {
        facilityCode: caller.facilityCode,
        key,
        fingerprint: requestFingerprint(c.req.method, routePath(c), body.text),
      },
      async (trx) => {
        const { created, answer } = await write(trx, caller, body.value);
        return { status: created ? 201 : 200, body: answer };
      },
    );
    return c.json(result.body as object, result.status as 200 | 201);
  };
}

/**
 * {@link idempotentWrite} of a record: `publish` writes the body as the caller's facility
 * ({@link publisherOf}) and answers the contracts' receipt, 201 when it says `created`.
 */
export const publishWrite = (
  store: HubDb,
  publish: (trx: Kysely<HubDatabase>, publisher: Publisher, body: unknown) => Promise<WriteReceipt>,
): Handler<HubEnv> =>
  idempotentWrite(store, async (trx, caller, body) => {
    const receipt = await publish(trx, publisherOf(caller), body);
    return { created: receipt.outcome === 'created', answer: receipt };
  });
