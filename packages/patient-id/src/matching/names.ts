import { foldVietnamese } from '@lienthong/core';

/**
 * Vietnamese name comparison. Names are folded (diacritics, đ, case, spacing: `Nguyễn` ≡ `NGUYEN`)
 * and normalised for common variants before comparing:
 * - regional surname pairs: Hoàng ≡ Huỳnh, Vũ ≡ Võ (the southern forms of the same names);
 * - i/y spelling of a syllable made of consonants + i/y (`Vy`/`Vi`, `Ly`/`Li`, `Mỹ`/`Mĩ`, `Kỳ`/`Kì`).
 * The variant list is deliberately small and is data you can extend (`NAME_VARIANTS`).
 */
export const NAME_VARIANTS: Readonly<Record<string, string>> = { huynh: 'hoang', vo: 'vu' };

/** One folded, variant-normalised name word. */
export function normaliseNameWord(
  word: string,
  variants: Readonly<Record<string, string>> = NAME_VARIANTS,
): string {
  let w = foldVietnamese(word);
  if (/^[b-df-hj-np-tv-xz]+y$/.test(w)) w = `${w.slice(0, -1)}i`;
  return variants[w] ?? w;
}

/** Normalised words of a name part (may be several words, e.g. a middle name `Thị Thu`). */
export function nameWords(text: string | undefined): string[] {
  if (!text) return [];
  return foldVietnamese(text)
    .split(/[^a-z0-9]+/)
    .filter(Boolean)
    .map((w) => normaliseNameWord(w));
}

/** Jaro-Winkler similarity of two strings, 0..1 (typos such as `Nguyen`/`Nguen`). */
export function jaroWinkler(a: string, b: string): number {
  if (a === b) return 1;
  if (!a.length || !b.length) return 0;
  const range = Math.max(0, Math.floor(Math.max(a.length, b.length) / 2) - 1);
  const aMatch = new Array<boolean>(a.length).fill(false);
  const bMatch = new Array<boolean>(b.length).fill(false);
  let matches = 0;
  for (let i = 0; i < a.length; i++) {
    for (let j = Math.max(0, i - range); j < Math.min(b.length, i + range + 1); j++) {
      if (bMatch[j] || a[i] !== b[j]) continue;
      aMatch[i] = bMatch[j] = true;
      matches++;
      break;
    }
  }
  if (!matches) return 0;
  let t = 0;
  let k = 0;
  for (let i = 0; i < a.length; i++) {
    if (!aMatch[i]) continue;
    while (!bMatch[k]) k++;
    if (a[i] !== b[k]) t++;
    k++;
  }
  const jaro = (matches / a.length + matches / b.length + (matches - t / 2) / matches) / 3;
  let prefix = 0;
  while (prefix < 4 && a[prefix] === b[prefix]) prefix++;
  return jaro + prefix * 0.1 * (1 - jaro);
}

/** Similarity of two name parts (word lists): 1 equal, ~0.9 typo, 0 different. */
export function nameSimilarity(a: string[], b: string[]): number {
  if (!a.length || !b.length) return 0;
  const x = a.join(' ');
  const y = b.join(' ');
  if (x === y) return 1;
  const jw = jaroWinkler(x, y);
  return jw >= 0.9 ? jw * 0.9 : 0;
}
