import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors/lienthong-error.js';
import {
  formatNationalDate,
  formatNationalDateTime,
  parseNationalDate,
  parseNationalDateTime,
  safeParseNationalDate,
  safeParseNationalDateTime,
} from './national.js';

describe('national dates', () => {
  it('reads yyyymmdd and yyyymmddHHMM', () => {
    expect(safeParseNationalDate('20250131')).toEqual({ ok: true, value: '2025-01-31' });
    expect(safeParseNationalDate('20240229')).toEqual({ ok: true, value: '2024-02-29' });
    expect(safeParseNationalDate('20000229').ok).toBe(true);
    expect(safeParseNationalDateTime('202501311430')).toEqual({
      ok: true,
      value: '2025-01-31T14:30:00+07:00',
    });
    expect(safeParseNationalDateTime('202412312359')).toEqual({
      ok: true,
      value: '2024-12-31T23:59:00+07:00',
    });
  });

  it.each([
    ['2025013', 'DATE_FORMAT_INVALID'],
    ['2025-01-31', 'DATE_FORMAT_INVALID'],
    ['20250132', 'DATE_OUT_OF_RANGE'],
    ['20250229', 'DATE_OUT_OF_RANGE'],
    ['19000229', 'DATE_OUT_OF_RANGE'],
    ['20251301', 'DATE_OUT_OF_RANGE'],
    ['20250001', 'DATE_OUT_OF_RANGE'],
    ['00000101', 'DATE_OUT_OF_RANGE'],
    ['20250431', 'DATE_OUT_OF_RANGE'],
  ])('rejects the date %j with %s', (value, code) => {
    const r = safeParseNationalDate(value, 'NGAY_KQ');
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe(code);
      expect(r.error.path).toBe('NGAY_KQ');
      expect(r.error.messageVi).toMatch(/ngày/);
    }
  });

  it.each([
    ['20250131', 'DATE_FORMAT_INVALID'],
    ['202501312400', 'DATE_OUT_OF_RANGE'],
    ['202501311260', 'DATE_OUT_OF_RANGE'],
    ['202502301200', 'DATE_OUT_OF_RANGE'],
  ])('rejects the date-time %j with %s', (value, code) => {
    const r = safeParseNationalDateTime(value);
    expect(r.ok ? undefined : r.error.code).toBe(code);
  });

  it('parseX gives the value, or throws the error safeParseX answers', () => {
    expect(parseNationalDate('20250131')).toBe('2025-01-31');
    expect(parseNationalDateTime('202501311430')).toBe('2025-01-31T14:30:00+07:00');
    const cases = [
      [parseNationalDate, safeParseNationalDate, '20250229'],
      [parseNationalDateTime, safeParseNationalDateTime, '2025013114'],
    ] as const;
    for (const [parse, safeParse, value] of cases) {
      const r = safeParse(value, 'NGAY_KQ');
      if (r.ok) throw new Error(`${value} should fail`);
      let thrown: unknown;
      try {
        parse(value, 'NGAY_KQ');
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(ValidationError);
      expect(thrown).toMatchObject({ code: r.error.code, path: 'NGAY_KQ', messageVi: r.error.messageVi });
    }
  });

  it('rejects non-strings without throwing', () => {
    for (const v of [null, undefined, 20250131, {}, []]) {
      expect(safeParseNationalDate(v).ok).toBe(false);
      expect(safeParseNationalDateTime(v).ok).toBe(false);
    }
  });

  it('writes national formats in Vietnam time from instants and ISO strings', () => {
    expect(formatNationalDateTime('2025-01-31T07:30:00Z')).toBe('202501311430');
    expect(formatNationalDateTime('2025-01-31T14:30:59+07:00')).toBe('202501311430');
    expect(formatNationalDateTime('2025-01-31T20:00:00.123-05:00')).toBe('202502010800');
    expect(formatNationalDateTime(new Date(Date.UTC(2024, 11, 31, 17, 0)))).toBe('202501010000');
    expect(formatNationalDate('2025-01-31')).toBe('20250131');
    expect(formatNationalDate('2024-12-31T17:00:00Z')).toBe('20250101');
    expect(formatNationalDate(new Date(Date.UTC(2025, 0, 31, 16, 59)))).toBe('20250131');
  });

  it.each([
    '2025-02-30',
    '2025-01-31T25:00:00Z',
    '2025-01-31T10:00:61Z',
    '2025-01-31T10:00:00+15:00',
    'not a date',
    '2025-01-31T10:00:00',
  ])('refuses to format %j', (value) => {
    expect(() => formatNationalDate(value)).toThrow(/date/i);
  });

  it('refuses invalid Date objects and years outside 1..9999', () => {
    expect(() => formatNationalDateTime(new Date(Number.NaN))).toThrow(
      expect.objectContaining({ code: 'DATE_OUT_OF_RANGE' }),
    );
    expect(() => formatNationalDateTime(new Date(Date.UTC(10000, 0, 1)))).toThrow(
      expect.objectContaining({ code: 'DATE_OUT_OF_RANGE' }),
    );
  });
});
