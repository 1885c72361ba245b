import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkJsonBytes, isJsonMediaType } from './body.js';

const bytes = (text: string) => new TextEncoder().encode(text);

/** Nesting depth of a JSON value, recursively (the reference the linear scan must agree with). */
function depthOf(value: unknown): number {
  if (Array.isArray(value)) return 1 + Math.max(0, ...value.map(depthOf));
  if (value !== null && typeof value === 'object')
    return 1 + Math.max(0, ...Object.values(value).map(depthOf));
  return 0;
}

/** The code `checkJsonBytes` throws, or undefined. */
function scan(text: string, maxDepth: number): string | undefined {
  try {
    checkJsonBytes(bytes(text), maxDepth);
    return undefined;
  } catch (error) {
    return (error as { code: string }).code;
  }
}

describe('checkJsonBytes', () => {
  it('refuses exactly the documents nested deeper than the limit (any JSON, any limit)', () => {
    const text = fc.string({ unit: 'binary' }).filter((s) => !s.includes('\u0000') && !/\p{Cs}/u.test(s));
    fc.assert(
      fc.property(
        fc
          .jsonValue({ maxDepth: 8, stringUnit: 'binary' })
          .filter((v) => !JSON.stringify(v).includes('\\u0000')),
        fc.integer({ min: 0, max: 8 }),
        text,
        (value, maxDepth, padding) => {
          // Wrapped in a string member too, so brackets inside strings are exercised.
          const json = JSON.stringify([padding, value]);
          expect(scan(json, maxDepth)).toBe(
            depthOf([padding, value]) > maxDepth ? 'HUB_BODY_TOO_DEEP' : undefined,
          );
        },
      ),
      { numRuns: 500 },
    );
  });

  it('refuses NUL and unpaired surrogates written as escapes, accepts pairs and other escapes', () => {
    expect(scan('"\\u0000"', 64)).toBe('HUB_BODY_TEXT_INVALID');
    expect(scan('{"a":"x\\ud800"}', 64)).toBe('HUB_BODY_TEXT_INVALID');
    expect(scan('"\\uDC00"', 64)).toBe('HUB_BODY_TEXT_INVALID');
    expect(scan('"\\ud800\\ud800"', 64)).toBe('HUB_BODY_TEXT_INVALID');
    expect(scan('"\\ud800\\n"', 64)).toBe('HUB_BODY_TEXT_INVALID');
    expect(scan('"\\ud800', 64)).toBe('HUB_BODY_TEXT_INVALID');
    expect(scan('"\\ud83d\\ude00 \\u0001 \\\\u0000 \\" [[[["', 1)).toBeUndefined();
    expect(scan(JSON.stringify('a\ud83d\ude00b'), 64)).toBeUndefined();
    // An escaped backslash before a quote ends the string: the bracket after it counts.
    expect(scan('["\\\\",[]]', 1)).toBe('HUB_BODY_TOO_DEEP');
  });
});

describe('isJsonMediaType', () => {
  it('accepts application/json and +json types in UTF-8, nothing else', () => {
    for (const type of [
      'application/json',
      'APPLICATION/JSON',
      'application/json;charset=utf-8',
      'application/json; charset="UTF-8"',
      'application/fhir+json',
      'application/merge-patch+json; charset=utf-8',
      'application/json ; foo=bar',
    ])
      expect(isJsonMediaType(type), type).toBe(true);
    for (const type of [
      '',
      'text/plain',
      'text/json',
      'application/jsonp',
      'application/json-seq',
      'application/xml',
      'application/+json',
      'application/json; charset=iso-8859-1',
      'application/json; charset=utf-16',
      'multipart/form-data; boundary=x',
    ])
      expect(isJsonMediaType(type), type).toBe(false);
  });
});
