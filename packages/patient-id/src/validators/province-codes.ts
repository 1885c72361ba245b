import { OLD_TO_NEW_CODES } from '../generated/provinces.js';

/**
 * Province codes only (names live in the main entry, `oldProvince(code)`), generated from
 * `data/provinces/province_old63_to_new34.csv`: the 63 pre-2025 2-digit codes
 * (TT 07/2016; a personal ID's prefix is this code with a leading 0) and the post-01/07/2025
 * province each merged into (QĐ 19/2025/QĐ-TTg).
 */
let table: Uint8Array | undefined;

/** The current (2025) province number an old province number (0-99) merged into, or 0 when unknown. */
export function currentOfOld(n: number): number {
  if (!table) {
    table = new Uint8Array(100);
    for (let i = 0; i < OLD_TO_NEW_CODES.length; i += 4)
      table[Number(OLD_TO_NEW_CODES.slice(i, i + 2))] = Number(OLD_TO_NEW_CODES.slice(i + 2, i + 4));
  }
  return table[n] ?? 0;
}

/** The 2-digit current province code an old 2-digit code merged into, or undefined. */
export function currentCodeOf(oldCode: string): string | undefined {
  const n = oldCode.length === 2 ? currentOfOld(+oldCode) : 0;
  return n ? String(n).padStart(2, '0') : undefined;
}
