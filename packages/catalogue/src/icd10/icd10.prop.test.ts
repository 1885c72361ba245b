import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createCatalogue } from '../catalogue.js';
import { type DiagnosisReasonCode, dotlessIcd10Code, loadIcd10 } from './index.js';

const icd10 = await loadIcd10();
const catalogue = createCatalogue([icd10.release]);
const codes = icd10.release.concepts
  .filter((c) => c.properties?.level === 'category' || c.properties?.level === 'subcategory')
  .map((c) => c.code);
const REASONS: readonly DiagnosisReasonCode[] = [
  'ICD10_CODE_MALFORMED',
  'ICD10_CODE_UNKNOWN',
  'ICD10_CODE_NOT_A_DIAGNOSIS',
  'ICD10_NOT_MAIN_DIAGNOSIS',
  'ICD10_ASTERISK_NOT_MAIN',
  'ICD10_SEX_MISMATCH',
  'ICD10_AGE_OUT_OF_RANGE',
  'ICD10_AGE_UNDETERMINED',
];
/** Text a user or a file may hand over: anything, code-like text, Vietnamese letters. */
const text = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: fc.constantFrom(...'AJMZjz0189.*†+- '.split('')), maxLength: 8 }),
  fc.string({ unit: fc.constantFrom(...'aăâđeêioôơuưyÁÀẢÃẠĐáàảãạ viêmphổ'.split('')), maxLength: 30 }),
);
const options = fc.record(
  {
    role: fc.constantFrom('main' as const, 'secondary' as const),
    sex: fc.constantFrom('male' as const, 'female' as const, 'unknown' as const),
    ageYears: fc.integer({ min: 0, max: 120 }),
  },
  { requiredKeys: ['role'] },
);

describe('ICD-10 (properties)', () => {
  it('every code of the list is found without its dot, and the hierarchy leads up to its chapter', () => {
    fc.assert(
      fc.property(fc.constantFrom(...codes), (code) => {
        expect(catalogue.lookup('icd10-vn', dotlessIcd10Code(code)!)?.code).toBe(code);
        const [chapter] = icd10.ancestors(code);
        expect(chapter?.properties?.level).toBe('chapter');
      }),
      { numRuns: 300 },
    );
  });

  it('search never throws on any text and keeps to its limit', () => {
    fc.assert(
      fc.property(text, fc.integer({ min: 0, max: 20 }), (q, limit) => {
        expect(catalogue.search(q, { systems: ['icd10-vn'], limit }).length).toBeLessThanOrEqual(limit);
      }),
      { numRuns: 300 },
    );
  });

  it('checkDiagnosis answers any string with typed reasons in both languages, never an exception', () => {
    fc.assert(
      fc.property(fc.oneof(text, fc.constantFrom(...codes)), options, (code, o) => {
        const check = icd10.checkDiagnosis(code, o);
        expect(check.input).toBe(code);
        expect(check.ok).toBe(!check.reasons.some((r) => r.severity === 'error'));
        for (const reason of check.reasons) {
          expect(REASONS).toContain(reason.code);
          expect(reason.message.length).toBeGreaterThan(0);
          expect(reason.messageVi.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('a code and its dotless spelling get the same answer', () => {
    fc.assert(
      fc.property(fc.constantFrom(...codes), options, (code, o) => {
        const { input: _a, ...dotted } = icd10.checkDiagnosis(code, o);
        const { input: _b, ...dotless } = icd10.checkDiagnosis(dotlessIcd10Code(code)!, o);
        expect(dotless).toEqual(dotted);
      }),
      { numRuns: 300 },
    );
  });
});
