import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Delimiters, field, piece, pieces, segmentPath, splitSegments } from './v2.js';

/**
 * The lazy tokenizer (one indexOf scan per segment, fields sliced on demand) against the plain
 * definition it replaces: split the message on CR and LF, each segment on the field separator.
 */
const naiveSegments = (text: string, d: Delimiters) =>
  (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text)
    .split(/[\r\n]/)
    .filter((line) => line !== '' && !(/^[ \t]/.test(line) && line.trim() === ''))
    .map((line) => {
      const sep = line.indexOf(d.field);
      let name = sep < 0 ? line : line.slice(0, sep);
      if (/^[ \t]/.test(line) || name.length !== 3) name = name.trim();
      return { name, line, fields: line.split(d.field) };
    });

const DELIMITER_SETS: Delimiters[] = [
  { field: '|', component: '^', repetition: '~', escape: '\\', subcomponent: '&' },
  { field: '#', component: '!', repetition: '*', escape: '$', subcomponent: '%' },
];
const arbDelimiters = fc.constantFrom(...DELIMITER_SETS);

/** Up to 8 segments of up to 16 fields (delimiters, blanks, a BOM, letters) joined by CR, LF or CRLF. */
const arbMessage = (d: Delimiters) => {
  const text = fc
    .array(
      fc.constantFrom(
        d.component,
        d.repetition,
        d.escape,
        d.subcomponent,
        d.field,
        ' ',
        '\t',
        '\uFEFF',
        'a',
        'á',
        '0',
      ),
      { maxLength: 6 },
    )
    .map((parts) => parts.join(''));
  const name = fc.oneof(
    fc.constantFrom(
      'MSH',
      'OBX',
      'OBR',
      'PID',
      'NTE',
      'SPM',
      'ORC',
      'PV1',
      'ZZZ',
      ' OBX',
      'OBX ',
      '\uFEFFOBX',
    ),
    text,
  );
  const segment = fc.tuple(name, fc.array(text, { maxLength: 16 })).map(([n, f]) => [n, ...f].join(d.field));
  return fc
    .tuple(
      fc.constantFrom('', '\uFEFF', '\r\n'),
      fc.array(fc.tuple(segment, fc.constantFrom('\r', '\n', '\r\n', '\n\n', '\r \t\r')), { maxLength: 8 }),
    )
    .map(([start, segs]) => start + segs.map(([seg, sep]) => seg + sep).join(''));
};

describe('HL7 v2 tokenizer', () => {
  it('segments, names, occurrences and every field match split on CR/LF and on the field separator', () => {
    fc.assert(
      fc.property(
        arbDelimiters.chain((d) =>
          fc.tuple(fc.constant(d), arbMessage(d), fc.array(fc.nat(20), { maxLength: 30 })),
        ),
        ([d, text, reads]) => {
          const segments = splitSegments(text, d);
          const expected = naiveSegments(text, d);
          expect(segments.map((s) => [s.name, s.text])).toEqual(expected.map((s) => [s.name, s.line]));
          const seen = new Map<string, number>();
          segments.forEach((seg, i) => {
            const n = (seen.get(seg.name) ?? 0) + 1;
            seen.set(seg.name, n);
            expect(seg.occurrence).toBe(n);
            expect(segmentPath(seg)).toBe(`${seg.name}[${n}]`);
            const fields = expected[i]!.fields;
            // Fields read in any order (the scan stops at the last field asked for so far).
            for (const k of [...reads, ...fields.keys(), fields.length + 1]) {
              const want =
                seg.name === 'MSH' && k >= 1
                  ? k === 1
                    ? d.field
                    : (fields[k - 1] ?? '')
                  : (fields[k] ?? '');
              expect(field(seg, k, d)).toBe(want);
            }
          });
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('piece and pieces are split on one delimiter', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('^', '&', 'a', 'b', ' ', '\\'), maxLength: 20 }),
        fc.constantFrom('^', '&'),
        fc.nat(10),
        (raw, sep, k) => {
          expect(piece(raw, k, sep)).toBe(raw.split(sep)[k] ?? '');
          expect(pieces(raw, sep, k + 1)).toEqual(raw.split(sep).slice(0, k + 1));
        },
      ),
      { numRuns: 1000 },
    );
  });
});
