import { createHash } from 'node:crypto';
import { ConflictError } from '@lienthong/core';
import type { Insertable, Kysely, Transaction } from 'kysely';
import type { HubDb } from './db/open-database.js';
import { shapedQuery } from './db/query-shapes.js';
import type { HubDatabase, IdempotencyKeyTable } from './db/schema.js';

/** A stored answer to replay. */
export interface IdempotentAnswer {
  status: number;
  body: unknown;
  /** True when this answer is a replay of an earlier request with the same key. */
  replayed: boolean;
}

/** SHA-256 over what makes two requests "the same": method, path and body. */
export function requestFingerprint(method: string, path: string, body: string): string {
  return createHash('sha256').update(`${method}\n${path}\n${body}`).digest('hex');
}

const reused = (key: string) =>
  new ConflictError({
    code: 'IDEMPOTENCY_KEY_REUSED',
    message: `Idempotency key ${JSON.stringify(key)} was already used for a different request.`,
    messageVi: `Khóa idempotency ${JSON.stringify(key)} đã được dùng cho một yêu cầu khác.`,
    path: 'Idempotency-Key',
  });

/** What makes a write idempotent: who, under which key, and the request it stands for. */
export interface IdempotencyScope {
  facilityCode: string;
  key: string | undefined;
  fingerprint: string;
}

type Write = (trx: Transaction<HubDatabase>) => Promise<{ status: number; body: unknown }>;

/**
 * Runs a write exactly once per (facility, key): the write and the stored answer commit in one
 * transaction, so an acknowledged publish is never lost and a retried one is never duplicated.
 * The same key with a different request is a conflict. Without a key, the write simply runs.
 */
export async function idempotent(
  store: Pick<HubDb, 'db' | 'transact'>,
  scope: IdempotencyScope,
  write: Write,
): Promise<IdempotentAnswer> {
  const { facilityCode, key, fingerprint } = scope;
  // A replay too goes through `transact`: the answer it repeats may have been committed by a
  // group whose flush is still running, and must not be given out before it is on disk.
  try {
    return await store.transact((trx) => writeOnce(trx, scope, write));
  } catch (error) {
    // A concurrent request with the same key committed first (unique violation): replay its answer.
    const winner = key ? await replayOf(store.db, facilityCode, key, fingerprint) : undefined;
    if (winner) return winner;
    throw error;
  }
}

async function replayOf(
  db: Kysely<HubDatabase>,
  facilityCode: string,
  key: string,
  fingerprint: string,
): Promise<IdempotentAnswer | undefined> {
  const [row] = await storedAnswer.execute(db, { facilityCode, key });
  if (!row) return undefined;
  if (row.request_hash !== fingerprint) throw reused(key);
  return { status: row.status, body: JSON.parse(row.response) as unknown, replayed: true };
}

/**
 * The write and its stored answer in one transaction, or the stored answer when the key is known
 * (with group commit, two requests with the same key can share a transaction: the second replays
 * the first).
 */
async function writeOnce(
  trx: Transaction<HubDatabase>,
  { facilityCode, key, fingerprint }: IdempotencyScope,
  write: Write,
): Promise<IdempotentAnswer> {
  if (!key) return { ...(await write(trx)), replayed: false };
  const earlier = await replayOf(trx, facilityCode, key, fingerprint);
  if (earlier) return earlier;
  const result = await write(trx);
  await storeAnswer.execute(trx, {
    facility_code: facilityCode,
    key,
    request_hash: fingerprint,
    status: result.status,
    response: JSON.stringify(result.body),
    created_at: new Date().toISOString(),
  });
  return { ...result, replayed: false };
}

// Run with every write: built once per shape (db/query-shapes.ts).
const storedAnswer = shapedQuery((db, p: { facilityCode: string; key: string }) =>
  db
    .selectFrom('idempotency_keys')
    .selectAll()
    .where('facility_code', '=', p.facilityCode)
    .where('key', '=', p.key),
);
const storeAnswer = shapedQuery((db, row: Insertable<IdempotencyKeyTable>) =>
  db.insertInto('idempotency_keys').values(row),
);
