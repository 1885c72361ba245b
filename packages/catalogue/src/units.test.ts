import { describe, expect, it } from 'vitest';
import { convertUnit, isUcumUnit, MOLAR_MASS, safeConvertUnit, safeParseUcumUnit } from './units.js';

describe('UCUM units (@lhncbc/ucum-lhc)', () => {
  it('validates units', () => {
    expect(safeParseUcumUnit('mmol/L')).toEqual({
      ok: true,
      value: { code: 'mmol/L', name: 'millimole per liter' },
    });
    expect(isUcumUnit('mg/dL')).toBe(true);
    expect(isUcumUnit('10*9/L')).toBe(true);
    expect(isUcumUnit('đơn vị lạ')).toBe(false);
    const bad = safeParseUcumUnit('');
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.code).toBe('UNIT_UNKNOWN');
  });

  it('converts glucose mg/dL ↔ mmol/L with the molar mass', () => {
    const toMmol = safeConvertUnit(100, 'mg/dL', 'mmol/L', { molarMass: MOLAR_MASS.glucose });
    expect(toMmol.ok && toMmol.value).toBeCloseTo(5.551, 3);
    const back = safeConvertUnit(5.551, 'mmol/L', 'mg/dL', { molarMass: MOLAR_MASS.glucose });
    expect(back.ok && back.value).toBeCloseTo(100, 1);
    expect(safeConvertUnit(1, 'g/L', 'mg/dL')).toEqual({ ok: true, value: 100 });
  });

  it('refuses impossible conversions with a LienThongError', () => {
    const r = safeConvertUnit(1, 'mg/dL', 'mmol/L');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('UNIT_CONVERSION_FAILED');
    expect(safeConvertUnit(Number.NaN, 'g/L', 'mg/dL').ok).toBe(false);
    expect(safeConvertUnit(1, 'm', 'g').ok).toBe(false);
  });

  it('convertUnit gives the number, or throws the error safeConvertUnit answers', () => {
    expect(convertUnit(100, 'mg/dL', 'mmol/L', { molarMass: MOLAR_MASS.glucose })).toBeCloseTo(5.551, 3);
    expect(convertUnit(1, 'g/L', 'mg/dL')).toBe(100);
    const r = safeConvertUnit(1, 'mg/dL', 'mmol/L');
    expect(() => convertUnit(1, 'mg/dL', 'mmol/L')).toThrow(
      expect.objectContaining({
        code: 'UNIT_CONVERSION_FAILED',
        path: 'unit',
        message: r.ok ? '' : r.error.message,
        messageVi: 'Không đổi được mg/dL sang mmol/L',
      }),
    );
  });
});

describe('ucum-lhc stays quiet', () => {
  it('writes nothing to stdout for invalid units', () => {
    const log = console.log;
    const lines: unknown[] = [];
    console.log = (...args: unknown[]) => void lines.push(args);
    try {
      expect(isUcumUnit('đơn vị lạ')).toBe(false);
      expect(isUcumUnit('mg//dL')).toBe(false);
      expect(safeConvertUnit(1, 'mg dL', 'g/L').ok).toBe(false);
    } finally {
      console.log = log;
    }
    expect(lines).toEqual([]);
  });
});
