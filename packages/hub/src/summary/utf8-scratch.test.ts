import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createUtf8Scratch } from './utf8-scratch.js';

const utf8 = (pieces: readonly string[]) => new Uint8Array(Buffer.from(pieces.join(''), 'utf8'));

describe('createUtf8Scratch', () => {
  it('encodes any pieces as their joined text would be (Vietnamese, astral and lone surrogates too)', () => {
    const scratch = createUtf8Scratch({ keptBytes: 64 });
    const piece = fc.oneof(
      fc.string({ unit: 'binary' }),
      fc.string({ unit: fc.constantFrom('ễ', 'Đ', '𝔸', '\ud800', 'a', '"') }),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), (pieces) => {
        expect(scratch.encode(pieces)).toEqual(utf8(pieces));
      }),
    );
  });

  it('writes into the buffer it is given when that is large enough, else into a new one with room to spare', () => {
    const scratch = createUtf8Scratch();
    const pieces = ['{"name":', JSON.stringify('Xét nghiệm máu (TỔNG HỢP)'), '}'];
    const length = utf8(pieces).length;
    const given = new ArrayBuffer(length);
    const into = scratch.encode(pieces, given);
    expect(into.buffer).toBe(given);
    expect(into).toEqual(utf8(pieces));
    const small = new ArrayBuffer(length - 1);
    const fresh = scratch.encode(pieces, small);
    expect(fresh.buffer).not.toBe(small);
    expect(fresh.buffer.byteLength).toBe(Math.ceil(length * 1.25));
    expect(fresh).toEqual(utf8(pieces));
  });

  it('keeps its scratch for the next text, and gives back one grown past keptBytes', () => {
    const scratch = createUtf8Scratch({ keptBytes: 3000 });
    scratch.encode(['ệ'.repeat(900)]);
    expect(scratch.keptBytes).toBe(2700);
    const long = scratch.encode(['ệ'.repeat(1100)]);
    expect(long).toEqual(utf8(['ệ'.repeat(1100)]));
    expect(scratch.keptBytes).toBe(0);
    expect(scratch.encode(['ok'])).toEqual(utf8(['ok']));
  });
});
