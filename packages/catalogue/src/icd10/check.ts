/**
 * `checkDiagnosis`: one ICD-10 code, its role (main or secondary) and what is known of the patient,
 * against the list and the Ministry's restriction tables. Every finding is a typed reason with a
 * stable code, both languages and the appendix it comes from; a call the checker cannot read (no
 * string, an unknown role, an impossible date) throws a `ValidationError`.
 */
import { redactText, ValidationError } from '@lienthong/core';
import type { Concept } from '../model.js';
import { type AgeSpan, ageBetween, ageOfYears, ageVerdict, calendarDate, describeRange } from './age.js';
import { dotlessIcd10Code, normalizeIcd10Code } from './code.js';
import type { AgeRule, Icd10Rules, RuleSource, SexRule } from './rules.js';

/** Whether the code is the main diagnosis (`MA_BENH_CHINH`) or a secondary one (`MA_BENH_KT`). */
export type DiagnosisRole = 'main' | 'secondary';

/** What the check knows about the diagnosis and the patient. */
export interface CheckDiagnosisOptions {
  role: DiagnosisRole;
  /** `unknown` (XML 130 `GIOI_TINH` 3) skips the sex tables. */
  sex?: 'male' | 'female' | 'unknown';
  /** Completed years. A range in days may stay undecided: prefer `birthDate` + `onDate`. */
  ageYears?: number;
  /** `yyyy-mm-dd`; with `onDate` the age is exact (and wins over `ageYears`). */
  birthDate?: string;
  /** `yyyy-mm-dd`, the day of care (admission). */
  onDate?: string;
}

/** Stable codes of the reasons. */
export type DiagnosisReasonCode =
  | 'ICD10_CODE_MALFORMED'
  | 'ICD10_CODE_UNKNOWN'
  | 'ICD10_CODE_NOT_A_DIAGNOSIS'
  | 'ICD10_NOT_MAIN_DIAGNOSIS'
  | 'ICD10_ASTERISK_NOT_MAIN'
  | 'ICD10_SEX_MISMATCH'
  | 'ICD10_AGE_OUT_OF_RANGE'
  | 'ICD10_AGE_UNDETERMINED';

/** One finding. `error`: the Ministry's tables forbid it; `warning`: worth a look, not forbidden. */
export interface DiagnosisReason {
  code: DiagnosisReasonCode;
  severity: 'error' | 'warning';
  message: string;
  messageVi: string;
  /** The appendix of QĐ 4469/QĐ-BYT the rule comes from. */
  rule?: RuleSource;
  /** Codes to consider instead (the dagger codes an asterisk code is paired with in appendix A1). */
  suggestions?: string[];
}

/** The answer of `checkDiagnosis`. */
export interface DiagnosisCheck {
  /** The code as given. */
  input: string;
  /** The concept found (its code as the list writes it: `J18.9`). */
  concept?: Concept;
  /** No reason of severity `error`. */
  ok: boolean;
  reasons: DiagnosisReason[];
}

function invalid(path: string, message: string, messageVi: string): ValidationError {
  return new ValidationError({ code: 'ICD10_CHECK_INPUT_INVALID', path, message, messageVi });
}

function ageOf(options: CheckDiagnosisOptions): AgeSpan | undefined {
  const { birthDate, onDate, ageYears } = options;
  if (birthDate !== undefined || onDate !== undefined) {
    const birth = calendarDate(birthDate);
    const on = calendarDate(onDate);
    if (birth === undefined)
      throw invalid('birthDate', 'birthDate must be a yyyy-mm-dd date', 'birthDate phải là ngày yyyy-mm-dd');
    if (on === undefined)
      throw invalid('onDate', 'onDate must be a yyyy-mm-dd date', 'onDate phải là ngày yyyy-mm-dd');
    const age = ageBetween(birth, on);
    if (age.days[0] < 0) throw invalid('onDate', 'onDate is before birthDate', 'onDate trước birthDate');
    return age;
  }
  if (ageYears === undefined) return undefined;
  if (!Number.isInteger(ageYears) || ageYears < 0 || ageYears > 150)
    throw invalid(
      'ageYears',
      'ageYears must be an integer from 0 to 150',
      'ageYears phải là số nguyên từ 0 đến 150',
    );
  return ageOfYears(ageYears);
}

function readOptions(code: unknown, options: unknown): CheckDiagnosisOptions {
  if (typeof code !== 'string')
    throw invalid('code', 'The code must be a string', 'Mã bệnh phải là chuỗi ký tự');
  if (typeof options !== 'object' || options === null)
    throw invalid('options', 'Options with a role are required', 'Cần tham số có role');
  const o = options as CheckDiagnosisOptions;
  if (o.role !== 'main' && o.role !== 'secondary')
    throw invalid('role', 'role must be "main" or "secondary"', 'role phải là "main" hoặc "secondary"');
  if (o.sex !== undefined && o.sex !== 'male' && o.sex !== 'female' && o.sex !== 'unknown')
    throw invalid(
      'sex',
      'sex must be "male", "female" or "unknown"',
      'sex phải là "male", "female" hoặc "unknown"',
    );
  return o;
}

const LEVEL_VI: Record<string, string> = { chapter: 'chương', group: 'nhóm' };

function indexBy<R extends { codes: string[] }>(rules: readonly R[]): Map<string, R[]> {
  const map = new Map<string, R[]>();
  for (const rule of rules)
    for (const code of rule.codes) {
      const list = map.get(code);
      if (list === undefined) map.set(code, [rule]);
      else if (!list.includes(rule)) list.push(rule);
    }
  return map;
}

/**
 * A checker over one release (through its concept lookup) and its restriction tables: the
 * `checkDiagnosis` of `loadIcd10()`.
 * @example
 * const check = createDiagnosisChecker(hierarchy.lookup, rules);
 * check('O80.0', { role: 'main', sex: 'male' }).reasons[0]?.code // 'ICD10_SEX_MISMATCH'
 */
export function createDiagnosisChecker(
  conceptOf: (code: string) => Concept | undefined,
  rules: Icd10Rules,
): (code: string, options: CheckDiagnosisOptions) => DiagnosisCheck {
  const notMain = new Set(rules.notMainDiagnosis.codes);
  const daggersOf = new Map<string, string[]>();
  for (const [dagger, asterisk] of rules.daggerAsterisk.pairs) {
    const shown = normalizeIcd10Code(dagger) ?? dagger;
    const list = daggersOf.get(asterisk);
    if (list === undefined) daggersOf.set(asterisk, [shown]);
    else if (!list.includes(shown)) list.push(shown);
  }
  const ageRulesOf = indexBy<AgeRule>(rules.age);
  const sexRulesOf = indexBy<SexRule>(rules.sex);
  const source = ({ appendix, title }: RuleSource): RuleSource => ({ appendix, title });

  return (input, options) => {
    const o = readOptions(input, options);
    const age = ageOf(o);
    const reasons: DiagnosisReason[] = [];
    const answer = (concept?: Concept): DiagnosisCheck => ({
      input,
      ...(concept ? { concept } : {}),
      ok: !reasons.some((r) => r.severity === 'error'),
      reasons,
    });
    const concept = conceptOf(input.trim());
    if (concept === undefined) {
      const normalized = normalizeIcd10Code(input);
      const shown = normalized ?? redactText(input.trim().slice(0, 24));
      reasons.push(
        normalized === undefined
          ? {
              code: 'ICD10_CODE_MALFORMED',
              severity: 'error',
              message: `"${shown}" is not an ICD-10 code`,
              messageVi: `"${shown}" không phải mã ICD-10`,
            }
          : {
              code: 'ICD10_CODE_UNKNOWN',
              severity: 'error',
              message: `${shown} is not in the ICD-10 list`,
              messageVi: `${shown} không có trong danh mục ICD-10`,
            },
      );
      return answer();
    }
    const { code } = concept;
    const level = concept.properties?.level;
    if (level === 'chapter' || level === 'group') {
      reasons.push({
        code: 'ICD10_CODE_NOT_A_DIAGNOSIS',
        severity: 'error',
        message: `${code} is a ${level} of ICD-10, not a diagnosis code`,
        messageVi: `${code} là một ${LEVEL_VI[level]} của ICD-10, không phải mã bệnh`,
      });
      return answer(concept);
    }
    const key = dotlessIcd10Code(code) ?? code;
    const daggers = daggersOf.get(key);
    const suggestions = daggers ? { suggestions: [...daggers] } : {};
    if (o.role === 'main' && notMain.has(key)) {
      const rule = source(rules.notMainDiagnosis);
      reasons.push({
        code: 'ICD10_NOT_MAIN_DIAGNOSIS',
        severity: 'error',
        message: `${code} may not be the main diagnosis (${rule.appendix})`,
        messageVi: `${code} không được dùng làm bệnh chính (${rule.appendix})`,
        rule,
        ...suggestions,
      });
    } else if (o.role === 'main' && concept.properties?.marker === '*') {
      reasons.push({
        code: 'ICD10_ASTERISK_NOT_MAIN',
        severity: 'warning',
        message: `${code} is an asterisk (*) code, a manifestation: the underlying disease, its dagger (†) code, is the main diagnosis`,
        messageVi: `${code} là mã có dấu (*), mã biểu hiện: bệnh chính là bệnh nguyên, mã có dấu (†) đi kèm`,
        ...suggestions,
      });
    }
    if (o.sex === 'male' || o.sex === 'female')
      for (const rule of sexRulesOf.get(key) ?? []) {
        if (rule.sex === o.sex) continue;
        const [en, vi] = rule.sex === 'female' ? ['female', 'nữ'] : ['male', 'nam'];
        reasons.push({
          code: 'ICD10_SEX_MISMATCH',
          severity: 'error',
          message: `${code} applies to ${en} patients only (${rule.appendix})`,
          messageVi: `${code} chỉ dùng cho người bệnh ${vi} (${rule.appendix})`,
          rule: source(rule),
        });
      }
    if (age !== undefined)
      for (const rule of ageRulesOf.get(key) ?? []) {
        const verdict = ageVerdict(rule, age);
        if (verdict === 'inside') continue;
        const [en, vi] = describeRange(rule);
        reasons.push(
          verdict === 'outside'
            ? {
                code: 'ICD10_AGE_OUT_OF_RANGE',
                severity: 'error',
                message: `${code} applies to ages ${en} (${rule.appendix})`,
                messageVi: `${code} chỉ dùng cho tuổi ${vi} (${rule.appendix})`,
                rule: source(rule),
              }
            : {
                code: 'ICD10_AGE_UNDETERMINED',
                severity: 'warning',
                message: `Age in completed years cannot tell whether ${code} fits ages ${en} (${rule.appendix}): give birthDate and onDate`,
                messageVi: `Tuổi tính theo năm không đủ để biết ${code} có hợp tuổi ${vi} (${rule.appendix}): hãy cho birthDate và onDate`,
                rule: source(rule),
              },
        );
      }
    return answer(concept);
  };
}
