import { fail, ok, type Result, type ValidationError } from '@lienthong/core';
import { digits, idError, textOf } from './errors.js';
import { currentCodeOf } from './province-codes.js';

/**
 * Facility code (mã cơ sở KCB): 5 digits = 2-digit province + 3-digit sequence (Bạch Mai `01001`);
 * prefix 97 = defence, 98 = public security. Not the 13-digit health-data-platform facility ID.
 */
export interface FacilityCodeParts {
  readonly value: string;
  readonly provinceCode: string;
  /** For a province prefix, the 2025 province it merged into (undefined for 97/98). */
  readonly currentProvinceCode: string | undefined;
  readonly sector: 'civil' | 'defence' | 'public-security';
  readonly sequence: string;
}

const K = 'FACILITY_CODE';

/** Parses a 5-digit facility code. */
export function safeParseFacilityCode(
  value: unknown,
  options: { path?: string } = {},
): Result<FacilityCodeParts, ValidationError> {
  const path = options.path;
  const text = textOf(value, K, path);
  if (typeof text !== 'string') return fail(text);
  if (!digits(text)) return fail(idError(K, 'NOT_DIGITS', path));
  if (text.length !== 5) return fail(idError(K, 'LENGTH', path, [5, text.length]));
  const p = text.slice(0, 2);
  const sector = p === '97' ? 'defence' : p === '98' ? 'public-security' : 'civil';
  const currentProvinceCode = sector === 'civil' ? currentCodeOf(p) : undefined;
  if (sector === 'civil' && !currentProvinceCode) return fail(idError(K, 'PROVINCE_UNKNOWN', path, [p]));
  return ok({ value: text, provinceCode: p, currentProvinceCode, sector, sequence: text.slice(2) });
}

export const isFacilityCode = (value: unknown): boolean => safeParseFacilityCode(value).ok;
export const formatFacilityCode = (parts: Pick<FacilityCodeParts, 'provinceCode' | 'sequence'>): string =>
  `${parts.provinceCode}${parts.sequence}`;
