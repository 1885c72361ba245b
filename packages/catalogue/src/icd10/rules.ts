/**
 * The Ministry's ICD-10 restriction tables (appendices of QĐ 4469/QĐ-BYT) as data: codes not used as
 * the main diagnosis (A2), dagger–asterisk pairs (A1), age ranges (A3.1–A3.10) and sex (A4.1, A4.2).
 * Codes are kept as the appendices write them (without the dot). An age range or a sex is read from
 * the appendix's own title, never written into the code.
 */
import { foldVietnamese } from '@lienthong/core';

/** Format tag of the compact rules file. */
export const ICD10_RULES_FORMAT = 'lienthong-icd10-rules/1';

/** Where a rule comes from: the appendix id and its title as the source prints it. */
export interface RuleSource {
  appendix: string;
  title: string;
}

/** A list of codes (A2: codes not used as the main diagnosis). */
export interface CodeListRule extends RuleSource {
  codes: string[];
}

/** Dagger–asterisk pairs (A1), each `[dagger, asterisk]`. */
export interface DaggerAsteriskRule extends RuleSource {
  pairs: [dagger: string, asterisk: string][];
}

/** One end of an age range: `27 days, exclusive` reads "trên 27 ngày tuổi". */
export interface AgeBound {
  value: number;
  unit: 'days' | 'years';
  inclusive: boolean;
}

/** The age range of one appendix (A3.x) and the codes it applies to. */
export interface AgeRule extends RuleSource {
  min?: AgeBound;
  max?: AgeBound;
  codes: string[];
}

/** The one sex of one appendix (A4.1 female, A4.2 male) and the codes it applies to. */
export interface SexRule extends RuleSource {
  sex: 'female' | 'male';
  codes: string[];
}

/** Every restriction table of a release, as imported. */
export interface Icd10Rules {
  format: typeof ICD10_RULES_FORMAT;
  /** The release version the tables belong to. */
  version: string;
  notMainDiagnosis: CodeListRule;
  daggerAsterisk: DaggerAsteriskRule;
  age: AgeRule[];
  sex: SexRule[];
}

const UNITS: Record<string, AgeBound['unit']> = { ngay: 'days', tuoi: 'years' };

/**
 * The age range an appendix title states, or `undefined` when the title says none this reader
 * knows. Bounds without "trên" (over) are inclusive.
 * @example readAgeRange('Phụ lục A3.1 Bệnh trẻ sơ sinh ( phù hợp tuổi : 0 - 365 ngày )')
 * // { min: { value: 0, unit: 'days', inclusive: true }, max: { value: 365, unit: 'days', inclusive: true } }
 * @example readAgeRange('Phụ lục A3.9 Bệnh của người trưởng thành (tuổi hợp lệ: trên 15 tuổi)')
 * // { min: { value: 15, unit: 'years', inclusive: false } }
 */
export function readAgeRange(title: string): Pick<AgeRule, 'min' | 'max'> | undefined {
  // "(tuổi hợp lệ: …)" or "( phù hợp tuổi : … )": the range is what follows the colon.
  const range = /tuoi(?: hop le)?\s*:\s*([^)]*)\)?\s*$/.exec(foldVietnamese(title).replace(/[–—]/g, '-'));
  const text = range?.[1]?.trim();
  if (text === undefined) return undefined;
  const between = /^(\d+)\s*(ngay|tuoi)?\s*-\s*(\d+)\s*(ngay|tuoi)$/.exec(text);
  if (between) {
    const maxUnit = UNITS[between[4]!]!;
    return {
      min: { value: Number(between[1]), unit: between[2] ? UNITS[between[2]]! : maxUnit, inclusive: true },
      max: { value: Number(between[3]), unit: maxUnit, inclusive: true },
    };
  }
  const over = /^tren (\d+) (ngay|tuoi)(?: tuoi)?$/.exec(text);
  if (over) return { min: { value: Number(over[1]), unit: UNITS[over[2]!]!, inclusive: false } };
  const andOver = /^(\d+) (ngay|tuoi)(?: tuoi)? tro len$/.exec(text);
  if (andOver) return { min: { value: Number(andOver[1]), unit: UNITS[andOver[2]!]!, inclusive: true } };
  return undefined;
}

/**
 * The sex an appendix title restricts its codes to ("chỉ có ở giới Nữ" / "giới Nam"), if it says one.
 * @example readSex('Phụ lục A4.1 Bệnh chỉ có ở giới Nữ') // 'female'
 */
export function readSex(title: string): SexRule['sex'] | undefined {
  const m = /gioi (nu|nam)\b/.exec(foldVietnamese(title));
  return m === null ? undefined : m[1] === 'nu' ? 'female' : 'male';
}
