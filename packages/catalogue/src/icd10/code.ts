/**
 * The shape of an ICD-10 code: the list of QĐ 4469/QĐ-BYT writes codes with their dot (`A00.0`,
 * `M01.00`) and marks dagger (†) and asterisk (*) codes after the code; the insurance XML files
 * write the same codes without the dot (`A000`, `J189`). Both forms name one concept.
 */

/** The dagger (†) and asterisk (*) marks of the dual-classification convention. */
export type Icd10Marker = '†' | '*';

// A letter, two digits, then one or two digits of subdivision with or without the dot; a trailing
// mark (`*`, `†`, or `+`, which some systems type for the dagger) is not part of the code.
const CODE = /^([A-Z]\d{2})(?:\.?(\d{1,2}))?([*†+])?$/;

/**
 * The code as the list writes it — upper case, with its dot, without a dagger or asterisk mark —
 * or `undefined` when the text does not have the shape of an ICD-10 code.
 * @example normalizeIcd10Code('j189') // 'J18.9'
 * @example normalizeIcd10Code('A17.0†') // 'A17.0'
 * @example normalizeIcd10Code('M0100') // 'M01.00'
 * @example normalizeIcd10Code('viêm phổi') // undefined
 */
export function normalizeIcd10Code(text: string): string | undefined {
  if (typeof text !== 'string' || text.length > 16) return undefined;
  const m = CODE.exec(text.trim().toUpperCase());
  if (m === null) return undefined;
  return m[2] === undefined ? m[1]! : `${m[1]}.${m[2]}`;
}

/**
 * The code as the insurance XML files write it (`MA_BENH_CHINH`, `MA_BENH_KT`): without the dot
 * and the mark, or `undefined` when the text is not an ICD-10 code.
 * @example dotlessIcd10Code('J18.9') // 'J189'
 * @example dotlessIcd10Code('G01*') // 'G01'
 */
export function dotlessIcd10Code(text: string): string | undefined {
  return normalizeIcd10Code(text)?.replace('.', '');
}

/**
 * The dagger or asterisk mark a code is written with, if any (`+` is read as the dagger).
 * @example icd10Marker('A17.0†') // '†'
 * @example icd10Marker('G01*') // '*'
 * @example icd10Marker('J18.9') // undefined
 */
export function icd10Marker(text: string): Icd10Marker | undefined {
  const last = typeof text === 'string' ? text.trim().slice(-1) : '';
  return last === '*' ? '*' : last === '†' || last === '+' ? '†' : undefined;
}

/**
 * The code one level up by the code itself: `J18.9` → `J18`, `M01.00` → `M01.0`; a
 * three-character category has no code parent (its parent is a group, which only the list knows).
 * @example icd10CodeParent('M01.00') // 'M01.0'
 * @example icd10CodeParent('J18') // undefined
 */
export function icd10CodeParent(code: string): string | undefined {
  const normalized = normalizeIcd10Code(code);
  if (normalized === undefined || normalized.length === 3) return undefined;
  const parent = normalized.slice(0, -1);
  return parent.endsWith('.') ? parent.slice(0, -1) : parent;
}

/**
 * Whether a group (block) or chapter range such as `J09-J18` contains the three-character
 * category of `code`.
 * @example icd10RangeContains('J09-J18', 'J18.9') // true
 * @example icd10RangeContains('X50-X57', 'X58') // false
 */
export function icd10RangeContains(range: string, code: string): boolean {
  const m = /^([A-Z]\d{2})-([A-Z]\d{2})$/.exec(range);
  const category = normalizeIcd10Code(code)?.slice(0, 3);
  return m !== null && category !== undefined && m[1]! <= category && category <= m[2]!;
}
