import { describe, expect, it } from 'vitest';
import { createRateLimiter } from './rate-limit.js';

describe('createRateLimiter', () => {
  const clock = () => {
    let t = 1_000_000;
    return { now: () => t, advance: (ms: number) => (t += ms) };
  };

  it('allows `capacity` at once, then answers the seconds until the next token, refilling at `perSecond`', () => {
    const time = clock();
    const limiter = createRateLimiter({ perSecond: 0.5, capacity: 2, now: time.now });
    expect([limiter.take('a'), limiter.take('a')]).toEqual([0, 0]);
    expect(limiter.take('a')).toBe(2);
    expect(limiter.take('b')).toBe(0); // keys are independent
    time.advance(1_000);
    expect(limiter.take('a')).toBe(1); // half a token back
    time.advance(1_000);
    expect(limiter.take('a')).toBe(0);
  });

  it('takes a refunded token back, never beyond capacity', () => {
    const time = clock();
    const limiter = createRateLimiter({ perSecond: 0.001, capacity: 2, now: time.now });
    limiter.refund('a'); // unknown key: nothing to give back
    expect([limiter.take('a'), limiter.take('a')]).toEqual([0, 0]);
    expect(limiter.take('a')).toBeGreaterThan(0);
    limiter.refund('a');
    expect(limiter.take('a')).toBe(0);
    limiter.refund('a');
    limiter.refund('a');
    limiter.refund('a');
    expect([limiter.take('a'), limiter.take('a')]).toEqual([0, 0]);
    expect(limiter.take('a')).toBeGreaterThan(0);
  });

  it('keeps at most `maxKeys` buckets, dropping the one used longest ago (it starts full again)', () => {
    const time = clock();
    const limiter = createRateLimiter({ perSecond: 0.001, capacity: 1, maxKeys: 2, now: time.now });
    limiter.take('a');
    limiter.take('b');
    limiter.take('a'); // refused, and now the most recently used
    limiter.take('c'); // a third key: b goes
    expect(limiter.take('a')).toBeGreaterThan(0);
    expect(limiter.take('c')).toBeGreaterThan(0);
    expect(limiter.take('b')).toBe(0); // starts full again
  });
});
