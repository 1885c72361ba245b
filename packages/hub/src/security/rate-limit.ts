/**
 * Per-credential token buckets: `capacity` requests at once, refilled at `perSecond`. In memory,
 * per hub instance — behind a load balancer each instance enforces its own share.
 */
export interface RateLimiter {
  /** Takes one token; returns 0 if allowed, else the seconds to wait before retrying. */
  take(key: string): number;
}

export function createRateLimiter(options: {
  perSecond: number;
  capacity: number;
  now?: () => number;
}): RateLimiter {
  const now = options.now ?? Date.now;
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
      buckets.set(key, bucket);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return 0;
      }
      return Math.ceil((1 - bucket.tokens) / options.perSecond);
    },
  };
}
