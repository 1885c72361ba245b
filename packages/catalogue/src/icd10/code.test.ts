import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  dotlessIcd10Code,
  icd10CodeParent,
  icd10Marker,
  icd10RangeContains,
  normalizeIcd10Code,
} from './code.js';

const letter = fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'.split(''));
const digits = (n: number) =>
  fc.string({ unit: fc.constantFrom(...'0123456789'.split('')), minLength: n, maxLength: n });
/** ICD-10 shaped codes as the list writes them: `A00`, `A00.0`, `M01.00`. */
const dotted = fc
  .tuple(letter, digits(2), fc.option(fc.integer({ min: 1, max: 2 }).chain(digits), { nil: undefined }))
  .map(([l, d, sub]) => (sub === undefined ? `${l}${d}` : `${l}${d}.${sub}`));

describe('ICD-10 code spellings', () => {
  it('reads the dotted, dotless, marked and lower-case forms as one code', () => {
    expect(normalizeIcd10Code('A000')).toBe('A00.0');
    expect(normalizeIcd10Code('A00.0')).toBe('A00.0');
    expect(normalizeIcd10Code(' j189 ')).toBe('J18.9');
    expect(normalizeIcd10Code('A17.0†')).toBe('A17.0');
    expect(normalizeIcd10Code('A17.0+')).toBe('A17.0');
    expect(normalizeIcd10Code('G01*')).toBe('G01');
    expect(normalizeIcd10Code('M0100')).toBe('M01.00');
    expect(dotlessIcd10Code('J18.9')).toBe('J189');
    expect(dotlessIcd10Code('M01.00*')).toBe('M0100');
  });

  it('refuses what is no code', () => {
    for (const text of [
      '',
      'J1',
      'J18.',
      'J18.999',
      '18.9',
      'viêm phổi',
      'J09-J18',
      'J18..9',
      'x'.repeat(100),
    ])
      expect(normalizeIcd10Code(text)).toBeUndefined();
    expect(normalizeIcd10Code(42 as unknown as string)).toBeUndefined();
  });

  it('knows the mark, the parent by code and whether a range holds a code', () => {
    expect(icd10Marker('A17.0†')).toBe('†');
    expect(icd10Marker('G01*')).toBe('*');
    expect(icd10Marker('J18.9')).toBeUndefined();
    expect(icd10CodeParent('J18.9')).toBe('J18');
    expect(icd10CodeParent('M01.00')).toBe('M01.0');
    expect(icd10CodeParent('J18')).toBeUndefined();
    expect(icd10RangeContains('J09-J18', 'J18.9')).toBe(true);
    expect(icd10RangeContains('X50-X57', 'X58')).toBe(false);
  });
});

describe('ICD-10 code spellings (properties)', () => {
  it('dotted → dotless → dotted is the identity, and both name the same code', () => {
    fc.assert(
      fc.property(dotted, (code) => {
        const dotless = dotlessIcd10Code(code)!;
        expect(dotless).toBe(code.replace('.', ''));
        expect(normalizeIcd10Code(dotless)).toBe(code);
        expect(normalizeIcd10Code(code.toLowerCase())).toBe(code);
      }),
    );
  });

  it('a mark never changes the code, and any text either normalizes to a fixed point or to nothing', () => {
    fc.assert(
      fc.property(dotted, fc.constantFrom('*', '†', '+'), (code, mark) => {
        expect(normalizeIcd10Code(`${code}${mark}`)).toBe(code);
      }),
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), (text) => {
        const once = normalizeIcd10Code(text);
        if (once !== undefined) expect(normalizeIcd10Code(once)).toBe(once);
      }),
    );
  });
});
