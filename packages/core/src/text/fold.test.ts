import { describe, expect, it } from 'vitest';
import { foldedWords, foldVietnamese } from './fold.js';

describe('foldVietnamese', () => {
  it.each([
    ['Đường huyết', 'duong huyet'],
    ['ĐỊNH LƯỢNG GLUCOSE [MÁU]', 'dinh luong glucose [mau]'],
    ['  Định   lượng\tGlucose\n', 'dinh luong glucose'],
    ['Nguyễn Thị Ánh Tuyết', 'nguyen thi anh tuyet'],
    ['Phạm Ngọc Ẩn Ỷ Ỹ ỵ', 'pham ngoc an y y y'],
    ['Xét nghiệm HbA1c', 'xet nghiem hba1c'],
    ['', ''],
    ['   ', ''],
    ['Ünïcödé Ça', 'unicode ca'],
  ])('folds %j to %j', (input, expected) => {
    expect(foldVietnamese(input)).toBe(expected);
  });

  it('folds decomposed (NFD) and precomposed (NFC) text the same way', () => {
    const text = 'Định lượng Creatinin máu — Đợt 1';
    expect(foldVietnamese(text.normalize('NFD'))).toBe(foldVietnamese(text.normalize('NFC')));
  });

  it('handles characters outside the table (other scripts, emoji, non-breaking spaces)', () => {
    expect(foldVietnamese('Đo 血糖 😀 Máu')).toBe('do 血糖 😀 mau');
    expect(foldVietnamese('a\u00a0\u2003b')).toBe('a b');
  });

  it('folds very long text', () => {
    const long = 'Định lượng '.repeat(2000);
    expect(foldVietnamese(long)).toBe('dinh luong '.repeat(2000).trim());
  });

  it('splits folded words on punctuation', () => {
    expect(foldedWords('Định lượng Glucose [Máu], HbA1c/PT-INR')).toEqual([
      'dinh',
      'luong',
      'glucose',
      'mau',
      'hba1c',
      'pt',
      'inr',
    ]);
  });
});
