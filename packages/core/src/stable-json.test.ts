import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { contentDigest, stableJson } from './stable-json.js';

describe('stableJson', () => {
  it('sorts keys, drops undefined members, keeps arrays in order', () => {
    expect(stableJson({ b: 1, a: [2, { d: 3, c: undefined }] })).toBe('{"a":[2,{"d":3}],"b":1}');
    expect(stableJson([undefined, null, 'x'])).toBe('[null,null,"x"]');
    expect(stableJson(undefined)).toBe('null');
  });

  it('is the same for any key order and parses back to an equal value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const shuffled = JSON.parse(
          JSON.stringify(value, (_k, v) =>
            v && typeof v === 'object' && !Array.isArray(v)
              ? Object.fromEntries(Object.entries(v).reverse())
              : v,
          ),
        );
        expect(stableJson(shuffled)).toBe(stableJson(value));
        expect(JSON.parse(stableJson(value))).toEqual(JSON.parse(JSON.stringify(value)));
      }),
    );
  });
});

describe('contentDigest', () => {
  it('is 16 hex digits, the same for the same content in any key order, different for other content', () => {
    expect(contentDigest({ a: 1, b: [2, 3] })).toMatch(/^[0-9a-f]{16}$/);
    expect(contentDigest({ b: [2, 3], a: 1 })).toBe(contentDigest({ a: 1, b: [2, 3] }));
    expect(contentDigest({ a: 1, b: [3, 2] })).not.toBe(contentDigest({ a: 1, b: [2, 3] }));
    expect(contentDigest('Hồng cầu')).not.toBe(contentDigest('Hông cầu'));
  });

  it('tells apart the distinct values of a sample (no collision among 2,000 generated values)', () => {
    const values = fc.sample(fc.jsonValue(), { numRuns: 2000, seed: 42 });
    const distinct = new Set(values.map((v) => stableJson(v)));
    const digests = new Set(values.map((v) => contentDigest(v)));
    expect(digests.size).toBe(distinct.size);
  });
});
