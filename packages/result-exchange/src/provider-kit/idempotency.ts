import { createIdempotencyCache as createCache, type IdempotencyCache } from '@lienthong/core/contract';
import { idempotencyConflict } from './publish.js';

export type { IdempotencyCache };

/** The contract kit's idempotency cache, refusing a reused key with `IDEMPOTENCY_KEY_REUSED` ("another report"). */
export function createIdempotencyCache(): IdempotencyCache {
  return createCache(idempotencyConflict);
}
