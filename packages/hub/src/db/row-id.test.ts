import { describe, expect, it } from 'vitest';
import { newRowId } from './row-id.js';

const V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('newRowId', () => {
  it('is an RFC 9562 version 7 UUID whose first 48 bits are the time in milliseconds', () => {
    const at = Date.UTC(2026, 11, 4, 3, 7, 5, 123);
    const id = newRowId(at);
    expect(id).toMatch(V7);
    expect(Number.parseInt(id.replaceAll('-', '').slice(0, 12), 16)).toBe(at);
  });

  it('sorts the ids of a later millisecond after, and never repeats itself', () => {
    const ids = Array.from({ length: 2000 }, (_, i) => newRowId(1_700_000_000_000 + Math.floor(i / 100)));
    for (let i = 100; i < ids.length; i += 100) expect(ids[i - 1]! < ids[i]!).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect(newRowId()).toMatch(V7);
  });
});
