import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ageBetween, ageOfYears, ageVerdict, calendarDate, describeRange } from './age.js';
import { readAgeRange, readSex } from './rules.js';

describe('appendix titles', () => {
  it('reads the ranges the QĐ 4469 titles state, days and years, "trên" as exclusive', () => {
    expect(readAgeRange('Phụ lục A3.2 Bệnh trẻ nhỏ (tuổi hợp lệ: 0 ngày - 2 tuổi)')).toEqual({
      min: { value: 0, unit: 'days', inclusive: true },
      max: { value: 2, unit: 'years', inclusive: true },
    });
    expect(readAgeRange('Phụ lục A3.5 Bệnh ở trẻ mới đẻ ( tuổi hợp lệ: trên 27 ngày tuổi )')).toEqual({
      min: { value: 27, unit: 'days', inclusive: false },
    });
    expect(readAgeRange('Phụ lục A3.6 Bệnh trẻ em ( tuổi hợp lệ: 1 tuổi trở lên )')).toEqual({
      min: { value: 1, unit: 'years', inclusive: true },
    });
    expect(readAgeRange('Phụ lục A3.8 Bệnh sản phụ khoa (tuổi hợp lệ : 9 – 60 tuổi)')?.max?.value).toBe(60);
    expect(readAgeRange('Phụ lục A4.1 Bệnh chỉ có ở giới Nữ')).toBeUndefined();
    expect(readSex('Phụ lục A4.1 Bệnh chỉ có ở giới Nữ')).toBe('female');
    expect(readSex('Phụ lục A4.2 Bệnh chỉ có ở giới Nam')).toBe('male');
    expect(readSex('Phụ lục A3.1 Bệnh trẻ sơ sinh')).toBeUndefined();
  });
});

describe('ages', () => {
  it('counts days and completed years by the calendar', () => {
    expect(ageBetween([2020, 2, 29], [2021, 2, 28])).toEqual({ days: [365, 365], years: [0, 0] });
    expect(ageBetween([2020, 2, 29], [2021, 3, 1])).toEqual({ days: [366, 366], years: [1, 1] });
    expect(calendarDate('2024-02-29')).toEqual([2024, 2, 29]);
    expect(calendarDate('2025-02-29')).toBeUndefined();
    expect(calendarDate('2025-03-01T08:30:00+07:00')).toEqual([2025, 3, 1]);
    expect(calendarDate('20250301')).toBeUndefined();
  });

  it('is inside, outside or undetermined against a range', () => {
    const infant = { max: { value: 365, unit: 'days', inclusive: true } } as const;
    expect(ageVerdict(infant, ageOfYears(0))).toBe('inside');
    expect(ageVerdict(infant, ageOfYears(1))).toBe('undetermined');
    expect(ageVerdict(infant, ageOfYears(2))).toBe('outside');
    const over15 = { min: { value: 15, unit: 'years', inclusive: false } } as const;
    expect(ageVerdict(over15, ageOfYears(15))).toBe('outside');
    expect(ageVerdict(over15, ageOfYears(16))).toBe('inside');
    expect(describeRange(over15)).toEqual(['over 15 years', 'trên 15 tuổi']);
  });

  it('an exact age is never undetermined, and agrees with the interval of its completed years', () => {
    const day = fc.integer({ min: Date.UTC(1930, 0, 1), max: Date.UTC(2026, 0, 1) }).map((t) => new Date(t));
    const parts = (d: Date): [number, number, number] => [
      d.getUTCFullYear(),
      d.getUTCMonth() + 1,
      d.getUTCDate(),
    ];
    const bound = fc.record({
      value: fc.integer({ min: 0, max: 400 }),
      unit: fc.constantFrom('days' as const, 'years' as const),
      inclusive: fc.boolean(),
    });
    fc.assert(
      fc.property(day, day, bound, (a, b, min) => {
        const [birth, on] = a <= b ? [a, b] : [b, a];
        const exact = ageBetween(parts(birth), parts(on));
        const verdict = ageVerdict({ min }, exact);
        expect(verdict).not.toBe('undetermined');
        const coarse = ageVerdict({ min }, ageOfYears(exact.years[0]));
        if (coarse !== 'undetermined') expect(coarse).toBe(verdict);
      }),
    );
  });
});
