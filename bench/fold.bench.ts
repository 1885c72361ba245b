import { readFileSync } from 'node:fs';
import { foldVietnamese } from '@lienthong/core';
import removeAccents from 'remove-accents';
import { defineBench } from './harness.ts';

// Real input: the 19,438 technique names of TT 23/2024 PL01 (data/tt23), as precomposed
// text (NFC, how most systems store it) and decomposed (NFD, as pasted from PDFs and macOS).
let names: string[] = [];
let decomposed: string[] = [];

const nfdRegex = (s: string) =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
const removeAccentsFold = (s: string) => removeAccents(s).toLowerCase().replace(/\s+/g, ' ').trim();

export default defineBench({
  name: 'Vietnamese folding',
  description: 'fold all 19,438 TT 23 PL01 technique names (ours vs NFD+regex by hand vs remove-accents 0.5)',
  setup() {
    const csv = readFileSync(
      new URL('../data/tt23/tt23_2024_pl01_danh_muc_ky_thuat_den_30-6-2026.csv', import.meta.url),
      'utf8',
    );
    names = csv
      .split('\n')
      .slice(1)
      .filter(Boolean)
      .map((line) => line.slice(line.lastIndexOf(',') + 1));
    decomposed = names.map((n) => n.normalize('NFD'));
  },
  cases: () => [
    {
      group: 'fold 19,438 NFC names',
      library: '@lienthong/core foldVietnamese',
      ours: true,
      fn: () => names.map(foldVietnamese),
    },
    { group: 'fold 19,438 NFC names', library: 'hand-written NFD + regex', fn: () => names.map(nfdRegex) },
    { group: 'fold 19,438 NFC names', library: 'remove-accents 0.5', fn: () => names.map(removeAccentsFold) },
    {
      group: 'fold 19,438 NFD names',
      library: '@lienthong/core foldVietnamese',
      ours: true,
      fn: () => decomposed.map(foldVietnamese),
    },
    {
      group: 'fold 19,438 NFD names',
      library: 'hand-written NFD + regex',
      fn: () => decomposed.map(nfdRegex),
    },
    {
      group: 'fold 19,438 NFD names',
      library: 'remove-accents 0.5',
      fn: () => decomposed.map(removeAccentsFold),
    },
  ],
  facts() {
    const agree = names.filter((n) => foldVietnamese(n) === nfdRegex(n)).length;
    const agreeRa = names.filter((n) => foldVietnamese(n) === removeAccentsFold(n)).length;
    return {
      'names folded identically to NFD+regex': `${agree} / ${names.length}`,
      'names folded identically to remove-accents': `${agreeRa} / ${names.length}`,
    };
  },
});
