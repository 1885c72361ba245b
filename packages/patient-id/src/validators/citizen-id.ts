import { fail, ok, type Result, type ValidationError } from '@lienthong/core';
import { birthYearOf, currentYear } from './dates.js';
import { digits, idError, textOf } from './errors.js';
import { currentOfOld } from './province-codes.js';

/**
 * Personal identification number (số định danh cá nhân / CCCD): 12 digits `PPP G YY NNNNNN`, no
 * check digit. PPP = province of birth registration (the pre-2025 2-digit code with a leading 0),
 * G = century and sex (1900s 0/1, 2000s 2/3, 2100s 4/5, 2200s 6/7, 1800s 8/9; even = male),
 * YY = last two digits of the birth year, NNNNNN = random (Decree 137/2015 Art. 13; Law 26/2023).
 */

/** Sex as encoded in the ID number. */
export type IdSex = 'male' | 'female';

/** The parts of a valid personal ID number. */
export interface CitizenIdParts {
  /** The 12 digits. */
  readonly value: string;
  /** The 3-digit prefix `0NN`. */
  readonly provinceCode: string;
  /** Pre-2025 2-digit code of the province of birth registration (names: `oldProvince(code)` of the main entry). */
  readonly oldProvinceCode: string;
  /** 2-digit code of the province it merged into on 01/07/2025. */
  readonly currentProvinceCode: string;
  /** First year of the century: 1800, 1900, 2000, 2100 or 2200. */
  readonly century: number;
  readonly sex: IdSex;
  readonly birthYear: number;
  /** The 6 random digits. */
  readonly serial: string;
}

/** Options of {@link safeParseCitizenId}. */
export interface CitizenIdOptions {
  /** Check against this birth date: `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (year-only is common). */
  birthDate?: string;
  /** Check against this sex. */
  sex?: IdSex;
  /** Field path reported in errors (e.g. `identifiers[0].value`). */
  path?: string;
  /** "Now" in ms, to reject birth years in the future (default `Date.now()`). */
  now?: number;
}

const CENTURIES = [1900, 1900, 2000, 2000, 2100, 2100, 2200, 2200, 1800, 1800];
const K = 'CITIZEN_ID';

/**
 * Parses and validates a 12-digit personal ID number, optionally against a birth date and sex.
 * @example safeParseCitizenId('001203012345') // ok: Hà Nội, 2000s, male, 2003
 * @example safeParseCitizenId('001203012345', { sex: 'female' }).error.code // 'CITIZEN_ID_SEX_MISMATCH'
 */
export function safeParseCitizenId(
  value: unknown,
  options: CitizenIdOptions = {},
): Result<CitizenIdParts, ValidationError> {
  const path = options.path;
  const text = textOf(value, K, path);
  if (typeof text !== 'string') return fail(text);
  if (!digits(text)) return fail(idError(K, 'NOT_DIGITS', path));
  if (text.length !== 12) return fail(idError(K, 'LENGTH', path, [12, text.length]));
  const current = text[0] === '0' ? currentOfOld(Number(text.slice(1, 3))) : 0;
  if (current === 0) return fail(idError(K, 'PROVINCE_UNKNOWN', path, [text.slice(0, 3)]));
  const g = text.charCodeAt(3) - 48;
  const century = CENTURIES[g]!;
  const birthYear = century + Number(text.slice(4, 6));
  const sex: IdSex = g % 2 === 0 ? 'male' : 'female';
  if (birthYear > currentYear(options.now)) return fail(idError(K, 'BIRTH_YEAR_FUTURE', path, [birthYear]));
  if (options.birthDate !== undefined) {
    const year = typeof options.birthDate === 'string' ? birthYearOf(options.birthDate) : undefined;
    if (year === undefined) return fail(idError(K, 'BIRTH_DATE_INVALID', 'birthDate'));
    if (year !== birthYear)
      return fail(
        year % 100 === birthYear % 100
          ? idError(K, 'CENTURY_MISMATCH', path, [century, year])
          : idError(K, 'BIRTH_YEAR_MISMATCH', path, [birthYear, year]),
      );
  }
  if (options.sex !== undefined) {
    if (options.sex !== 'male' && options.sex !== 'female') return fail(idError(K, 'SEX_INVALID', 'sex'));
    if (options.sex !== sex) return fail(idError(K, 'SEX_MISMATCH', path, [sex, options.sex]));
  }
  return ok({
    value: text,
    provinceCode: text.slice(0, 3),
    oldProvinceCode: text.slice(1, 3),
    currentProvinceCode: String(current).padStart(2, '0'),
    century,
    sex,
    birthYear,
    serial: text.slice(6),
  });
}

/**
 * True for a structurally valid personal ID number (12 digits, known province prefix, birth year
 * not in the future). Allocation-free; the same verdict as `safeParseCitizenId(value).ok`.
 */
export function isCitizenId(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  let s = value;
  if (s.length !== 12) {
    s = s.trim();
    if (s.length !== 12) return false;
  }
  if (s.charCodeAt(0) !== 48 || !digits(s)) return false;
  if (currentOfOld((s.charCodeAt(1) - 48) * 10 + s.charCodeAt(2) - 48) === 0) return false;
  const year = CENTURIES[s.charCodeAt(3) - 48]! + (s.charCodeAt(4) - 48) * 10 + s.charCodeAt(5) - 48;
  return year <= thisYear();
}

// The current year, re-read at most once a minute (the hot path of isCitizenId).
let cachedYear = 0;
let cachedUntil = 0;
function thisYear(): number {
  const t = Date.now();
  if (t > cachedUntil) {
    cachedYear = currentYear(t);
    cachedUntil = t + 60_000;
  }
  return cachedYear;
}

/**
 * Writes a personal ID number from parts as {@link safeParseCitizenId} returns them (its inverse;
 * parts are not re-validated).
 * @example formatCitizenId({ provinceCode: '001', sex: 'male', birthYear: 2003, serial: '012345' }) // '001203012345'
 */
export function formatCitizenId(
  parts: Pick<CitizenIdParts, 'provinceCode' | 'sex' | 'birthYear' | 'serial'>,
): string {
  const g = CENTURIES.indexOf(Math.floor(parts.birthYear / 100) * 100) + (parts.sex === 'female' ? 1 : 0);
  return `${parts.provinceCode}${g}${String(parts.birthYear % 100).padStart(2, '0')}${parts.serial}`;
}
