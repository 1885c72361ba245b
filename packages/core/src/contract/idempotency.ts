import type { WriteReceipt } from './contract.js';

/** Longest idempotency key a write takes (the hub's `Idempotency-Key` header, its contract's limit). */
export const MAX_IDEMPOTENCY_KEY_LENGTH = 200;
const IDEMPOTENCY_KEY = new RegExp(`^[\\x20-\\x7e]{1,${MAX_IDEMPOTENCY_KEY_LENGTH}}$`);

/**
 * True when `key` is an idempotency key every provider takes: 1–200 printable ASCII characters
 * (an HTTP header value the hub's contract accepts as it is).
 * @example isIdempotencyKey('lt-XN-2026-0001-9f2c') // true
 */
export function isIdempotencyKey(key: string): boolean {
  return IDEMPOTENCY_KEY.test(key);
}

/**
 * The receipts of writes made with an idempotency key, as a provider keeps them: the same key with
 * the same content answers the first receipt again, with other content it is refused.
 */
export interface IdempotencyCache {
  /** A copy of the receipt given for `key`, if any; throws the cache's conflict error when it was for other `content`. */
  replay(key: string | undefined, content: string): WriteReceipt | undefined;
  /** Keeps the receipt of a write made with `key` (nothing without a key). */
  remember(key: string | undefined, content: string, receipt: WriteReceipt): void;
}

/**
 * An in-memory {@link IdempotencyCache} (per provider instance, kept for its lifetime); `conflict`
 * makes the error of a key reused for other content (each contract names its record in it).
 * @example const keys = createIdempotencyCache(() => new ConflictError({ code: 'IDEMPOTENCY_KEY_REUSED', … }));
 */
export function createIdempotencyCache(conflict: () => Error): IdempotencyCache {
  const keys = new Map<string, { content: string; receipt: WriteReceipt }>();
  return {
    replay(key, content) {
      const seen = key === undefined ? undefined : keys.get(key);
      if (seen && seen.content !== content) throw conflict();
      return seen && { ...seen.receipt };
    },
    remember(key, content, receipt) {
      if (key !== undefined) keys.set(key, { content, receipt });
    },
  };
}
