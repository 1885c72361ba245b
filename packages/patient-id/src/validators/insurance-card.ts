import { fail, ok, type Result, type ValidationError } from '@lienthong/core';
import { digits, idError, textOf } from './errors.js';
import { currentCodeOf } from './province-codes.js';

/**
 * Health-insurance (BHYT) card number (QĐ 1351/QĐ-BHXH): 15 characters = 2-letter beneficiary
 * group + benefit level 1-5 + 2-digit issuing province + 10-digit social-insurance number. Cards
 * since 01/04/2021 print only the 10-digit number (the `short` form); claims XML still carries 15
 * characters per card, several cards joined by `;`.
 */
export type InsuranceCardParts =
  | {
      readonly form: 'full';
      readonly value: string;
      /** Beneficiary group (DN, HX, CH, HT, TB, …). */
      readonly group: string;
      /** Benefit level 1-5. */
      readonly benefitLevel: number;
      /** 2-digit province code of the issuing office. */
      readonly provinceCode: string;
      /** For a province prefix, the 2025 province it merged into (undefined for 97/98). */
      readonly currentProvinceCode: string | undefined;
      /** 10-digit social-insurance number (mã số BHXH). */
      readonly socialInsuranceNumber: string;
    }
  | { readonly form: 'short'; readonly value: string; readonly socialInsuranceNumber: string };

/** Options of {@link safeParseInsuranceCard}. */
export interface InsuranceCardOptions {
  path?: string;
  /** Only the 15-character form (what claims XML carries). */
  fullOnly?: boolean;
  /** The beneficiary group codes to accept. The full list is not bundled (not in our sources): pass yours to check. */
  groups?: ReadonlySet<string>;
}

const K = 'INSURANCE_CARD';

/**
 * Parses one insurance card number, 15-character or 10-digit form.
 * @example safeParseInsuranceCard('DN4010123456789') // ok: group DN, level 4, province 01, BHXH 0123456789
 */
export function safeParseInsuranceCard(
  value: unknown,
  options: InsuranceCardOptions = {},
): Result<InsuranceCardParts, ValidationError> {
  const path = options.path;
  const text = textOf(value, K, path);
  if (typeof text !== 'string') return fail(text);
  const v = text.toUpperCase();
  if (v.length === 10 && !options.fullOnly)
    return digits(v)
      ? ok({ form: 'short', value: v, socialInsuranceNumber: v })
      : fail(idError(K, 'NUMBER_NOT_DIGITS', path));
  if (v.length !== 15) return fail(idError(K, 'LENGTH', path, [options.fullOnly ? 15 : '15/10', v.length]));
  const group = v.slice(0, 2);
  if (!/^[A-Z]{2}$/.test(group)) return fail(idError(K, 'GROUP_INVALID', path));
  if (options.groups && !options.groups.has(group)) return fail(idError(K, 'GROUP_UNKNOWN', path, [group]));
  const level = v.charCodeAt(2) - 48;
  if (level < 1 || level > 5) return fail(idError(K, 'BENEFIT_LEVEL_INVALID', path));
  const provinceCode = v.slice(3, 5);
  if (!digits(provinceCode)) return fail(idError(K, 'PROVINCE_INVALID', path));
  const special = provinceCode === '97' || provinceCode === '98';
  const currentProvinceCode = special ? undefined : currentCodeOf(provinceCode);
  if (!special && !currentProvinceCode) return fail(idError(K, 'PROVINCE_UNKNOWN', path, [provinceCode]));
  if (!digits(v, 5)) return fail(idError(K, 'NUMBER_NOT_DIGITS', path));
  return ok({
    form: 'full',
    value: v,
    group,
    benefitLevel: level,
    provinceCode,
    currentProvinceCode,
    socialInsuranceNumber: v.slice(5),
  });
}

/** True for a valid card number, either form. */
export const isInsuranceCard = (value: unknown): boolean => safeParseInsuranceCard(value).ok;

/** Writes a card number from its parts (the inverse of {@link safeParseInsuranceCard}). */
export function formatInsuranceCard(parts: InsuranceCardParts): string {
  return parts.form === 'short'
    ? parts.socialInsuranceNumber
    : `${parts.group}${parts.benefitLevel}${parts.provinceCode}${parts.socialInsuranceNumber}`;
}
