import { readFileSync } from 'node:fs';
import { isLienThongError } from '@lienthong/core';
import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDicomHeader } from './header-reader.js';
import { nodeInflateRaw } from './scan.js';

const fixture = (name: string) =>
  new Uint8Array(readFileSync(new URL(`../../../../fixtures/real-world/dicom/${name}`, import.meta.url)));

function outcome(bytes: Uint8Array, complete: boolean): 'ok' | 'typed' {
  try {
    parseDicomHeader(bytes, { complete, inflateRaw: nodeInflateRaw });
    return 'ok';
  } catch (error) {
    if (isLienThongError(error)) return 'typed';
    throw error;
  }
}

describe('header reader: any bytes → a header or a typed error, never another exception', () => {
  it('random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), fc.boolean(), (bytes, complete) => {
        expect(['ok', 'typed']).toContain(outcome(bytes, complete));
      }),
      { numRuns: 2000 },
    );
  });

  it('random bytes after a valid preamble and DICM', () => {
    const prefix = new Uint8Array(132);
    prefix.set([0x44, 0x49, 0x43, 0x4d], 128);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), fc.boolean(), (tail, complete) => {
        const bytes = new Uint8Array(132 + tail.length);
        bytes.set(prefix);
        bytes.set(tail, 132);
        expect(['ok', 'typed']).toContain(outcome(bytes, complete));
      }),
      { numRuns: 2000 },
    );
  });

  it('real files with mutated bytes and random truncation (incl. deflated and big endian)', () => {
    const files = [
      'CT_small.dcm',
      'MR_small_bigendian.dcm',
      'MR_small_implicit.dcm',
      'image_dfl.dcm',
      'rtplan.dcm',
    ].map(fixture);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: files.length - 1 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }),
        fc.nat(),
        fc.boolean(),
        (which, edits, cut, complete) => {
          const original = files[which]!;
          const bytes = original.slice(0, 132 + (cut % Math.max(1, original.length - 131)));
          for (const [at, value] of edits)
            if (bytes.length > 132) bytes[132 + (at % (bytes.length - 132))] = value;
          expect(['ok', 'typed']).toContain(outcome(bytes, complete));
        },
      ),
      { numRuns: 3000 },
    );
  });
});
