import type { WriteReceipt } from '@lienthong/core/contract';
import { idempotencyConflict } from './publish.js';

/**
 * The receipts of publishes made with an idempotency key, as a provider keeps them: the same key
 * with the same content answers the first receipt again, with other content it is refused.
 */
export interface IdempotencyCache {
  /** A copy of the receipt given for `key`, if any; throws `IDEMPOTENCY_KEY_REUSED` when it was for other `content`. */
  replay(key: string | undefined, content: string): WriteReceipt | undefined;
  /** Keeps the receipt of a publish made with `key` (nothing without a key). */
  remember(key: string | undefined, content: string, receipt: WriteReceipt): void;
}

/** An in-memory {@link IdempotencyCache} (per provider instance, kept for its lifetime). */
export function createIdempotencyCache(): IdempotencyCache {
  const keys = new Map<string, { content: string; receipt: WriteReceipt }>();
  return {
    replay(key, content) {
      const seen = key === undefined ? undefined : keys.get(key);
      if (seen && seen.content !== content) throw idempotencyConflict();
      return seen && { ...seen.receipt };
    },
    remember(key, content, receipt) {
      if (key !== undefined) keys.set(key, { content, receipt });
    },
  };
}
