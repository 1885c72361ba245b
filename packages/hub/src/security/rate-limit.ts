/**
 * Token buckets by key (a credential, a client address): `capacity` requests at once, refilled at
 * `perSecond`. In memory, per hub instance — behind a load balancer each instance enforces its own
 * share.
 */
export interface RateLimiter {
  /** Takes one token; returns 0 if allowed, else the seconds to wait before retrying. */
  take(key: string): number;
  /** Gives back a token taken for something that turned out not to count (never beyond `capacity`). */
  refund(key: string): void;
}

/** Options of {@link createRateLimiter}. */
export interface RateLimiterOptions {
  perSecond: number;
  capacity: number;
  /**
   * Most keys kept (default 100,000): past it, the bucket used longest ago is dropped — a key
   * seen again starts full. Keeps memory bounded however many keys come and go (revoked
   * credentials, client addresses).
   */
  maxKeys?: number;
  now?: () => number;
}

/**
 * A {@link RateLimiter}.
 * @example const perCredential = createRateLimiter({ perSecond: 200, capacity: 400 });
 */
export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const now = options.now ?? Date.now;
  const maxKeys = options.maxKeys ?? 100_000;
  // Insertion order is use order (a bucket is moved to the end when used): the first is the oldest.
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    take(key) {
      const t = now();
      const bucket = buckets.get(key) ?? { tokens: options.capacity, at: t };
      bucket.tokens = Math.min(
        options.capacity,
        bucket.tokens + ((t - bucket.at) / 1000) * options.perSecond,
      );
      bucket.at = t;
      buckets.delete(key);
      buckets.set(key, bucket);
      if (buckets.size > maxKeys) buckets.delete(buckets.keys().next().value as string);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return 0;
      }
      return Math.ceil((1 - bucket.tokens) / options.perSecond);
    },
    refund(key) {
      const bucket = buckets.get(key);
      if (bucket) bucket.tokens = Math.min(options.capacity, bucket.tokens + 1);
    },
  };
}
