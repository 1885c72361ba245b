/**
 * Token buckets by key (a credential, a client address): `capacity` requests at once, refilled at
 * `perSecond`. In memory, per hub instance — behind a load balancer each instance enforces its own
 * share.
 */
export interface RateLimiter {
  /** Takes one token; returns 0 if allowed, else the seconds to wait before retrying. */
  take(key: string): number;
  /** The seconds to wait before `key` has a token again (0: it has one now); takes nothing. */
  wait(key: string): number;
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
  const refilled = (key: string, t: number) => {
    const bucket = buckets.get(key);
    if (!bucket) return { tokens: options.capacity, at: t };
    const tokens = Math.min(options.capacity, bucket.tokens + ((t - bucket.at) / 1000) * options.perSecond);
    return { tokens, at: t };
  };
  const secondsFor = (tokens: number) => Math.ceil((1 - tokens) / options.perSecond);
  return {
    take(key) {
      const bucket = refilled(key, now());
      buckets.delete(key);
      buckets.set(key, bucket);
      if (buckets.size > maxKeys) buckets.delete(buckets.keys().next().value as string);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return 0;
      }
      return secondsFor(bucket.tokens);
    },
    wait(key) {
      const { tokens } = refilled(key, now());
      return tokens >= 1 ? 0 : secondsFor(tokens);
    },
  };
}
