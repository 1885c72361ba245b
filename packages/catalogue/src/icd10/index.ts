/**
 * `@lienthong/catalogue/icd10` — ICD-10 as the Ministry of Health publishes it (QĐ 4469/QĐ-BYT):
 * codes with or without the dot (`J18.9` = `J189`, as the insurance XML files write them), the
 * chapter → group → category → subcategory hierarchy, and `checkDiagnosis`, which applies the
 * Ministry's restriction tables (not the main diagnosis, sex, age) with typed reasons. The bundled
 * release and its tables load lazily (`loadIcd10()`); search goes through `createCatalogue`.
 * @packageDocumentation
 */
import { generatedRelease } from '../generated-release.js';
import { createHierarchy, type Hierarchy } from '../hierarchy.js';
import type { Release } from '../model.js';
import { type CheckDiagnosisOptions, createDiagnosisChecker, type DiagnosisCheck } from './check.js';
import type { Icd10Rules } from './rules.js';

export type { AgeSpan } from './age.js';
export type {
  CheckDiagnosisOptions,
  DiagnosisCheck,
  DiagnosisReason,
  DiagnosisReasonCode,
  DiagnosisRole,
} from './check.js';
export { dotlessIcd10Code, type Icd10Marker, icd10Marker, normalizeIcd10Code } from './code.js';
export {
  type AgeBound,
  type AgeRule,
  type CodeListRule,
  type DaggerAsteriskRule,
  ICD10_RULES_FORMAT,
  type Icd10Rules,
  type RuleSource,
  readAgeRange,
  readSex,
  type SexRule,
} from './rules.js';

/** One ICD-10 release with its hierarchy and restriction tables. */
export interface Icd10 extends Hierarchy {
  release: Release;
  rules: Icd10Rules;
  /**
   * Checks one diagnosis code against the list and the restriction tables. Any string is answered
   * with reasons (an unknown or malformed code is a reason); a call it cannot read (no string, a
   * role other than `main`/`secondary`, an impossible date) throws a `ValidationError`
   * `ICD10_CHECK_INPUT_INVALID`.
   * @example
   * icd10.checkDiagnosis('O80.0', { role: 'main', sex: 'male' }).reasons.map((r) => r.code); // ['ICD10_SEX_MISMATCH']
   * icd10.checkDiagnosis('J189', { role: 'main', ageYears: 70 }).ok; // true
   */
  checkDiagnosis(code: string, options: CheckDiagnosisOptions): DiagnosisCheck;
}

/**
 * ICD-10 over a release and its tables (an `importIcd10Vn` result, or the bundled ones).
 * @example const icd10 = createIcd10(imported.release, imported.rules);
 */
export function createIcd10(release: Release, rules: Icd10Rules): Icd10 {
  const hierarchy = createHierarchy(release);
  return { ...hierarchy, release, rules, checkDiagnosis: createDiagnosisChecker(hierarchy.lookup, rules) };
}

let bundledRules: Promise<Icd10Rules> | undefined;
let bundled: Promise<Icd10> | undefined;

/**
 * The restriction tables of the bundled release (appendices A1, A2, A3.1–A4.2 of QĐ 4469/QĐ-BYT).
 * @example (await loadBundledIcd10Rules()).sex.map((r) => r.appendix) // ['A4.1', 'A4.2']
 */
export function loadBundledIcd10Rules(): Promise<Icd10Rules> {
  bundledRules ??= import('../generated/icd10-vn.rules.js').then((m) => JSON.parse(m.default) as Icd10Rules);
  return bundledRules;
}

/**
 * The bundled ICD-10 release of QĐ 4469/QĐ-BYT with its hierarchy and restriction tables, loaded on
 * first call (a separate chunk), then shared.
 * @example
 * const icd10 = await loadIcd10();
 * icd10.lookup('J189')?.code; // 'J18.9'
 * icd10.ancestors('J18.9').map((c) => c.code); // ['J00-J99', 'J09-J18', 'J18']
 */
export function loadIcd10(): Promise<Icd10> {
  // The release `loadBundledRelease('icd10-vn')` answers (one cache), without the other releases' loaders.
  const release = () => generatedRelease('icd10-vn', () => import('../generated/icd10-vn.js'));
  bundled ??= Promise.all([release(), loadBundledIcd10Rules()]).then(([r, rules]) => createIcd10(r, rules));
  return bundled;
}
