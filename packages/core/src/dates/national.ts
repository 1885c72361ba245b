import { ValidationError } from '../errors/lienthong-error.js';
import { fail, ok, type Result } from '../result.js';

/**
 * The date formats of Vietnamese national health formats (insurance XML, QĐ 4750/QĐ 130):
 * dates `yyyymmdd`, date-times `yyyymmddHHMM`, in Vietnam time. Asia/Ho_Chi_Minh has been
 * UTC+07:00 without daylight saving since 1975, so conversion uses that fixed offset.
 */
export const VIETNAM_UTC_OFFSET = '+07:00';
const OFFSET_MS = 7 * 3600 * 1000;

function invalid(
  code: 'DATE_FORMAT_INVALID' | 'DATE_OUT_OF_RANGE',
  value: string,
  expected: string,
  path?: string,
) {
  const shown = JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return new ValidationError({
    code,
    message:
      code === 'DATE_FORMAT_INVALID'
        ? `${shown} is not a date in the ${expected} format.`
        : `${shown} is not a real calendar date/time (${expected}).`,
    messageVi:
      code === 'DATE_FORMAT_INVALID'
        ? `${shown} không phải ngày theo định dạng ${expected}.`
        : `${shown} không phải ngày/giờ có thật (${expected}).`,
    ...(path === undefined ? {} : { path }),
  });
}

/** Text of any input for messages, without calling a possibly hostile `toString`. */
function shown(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || ['number', 'boolean', 'bigint', 'undefined'].includes(typeof value))
    return String(value);
  return Array.isArray(value) ? '[array]' : `[${typeof value}]`;
}

function daysInMonth(year: number, month: number): number {
  return month === 2
    ? year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)
      ? 29
      : 28
    : [4, 6, 9, 11].includes(month)
      ? 30
      : 31;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

function checkParts(y: number, mo: number, d: number, h = 0, mi = 0): boolean {
  return (
    y >= 1 &&
    mo >= 1 &&
    mo <= 12 &&
    d >= 1 &&
    d <= daysInMonth(y, mo) &&
    h >= 0 &&
    h <= 23 &&
    mi >= 0 &&
    mi <= 59
  );
}

/**
 * Reads a national date `yyyymmdd` into ISO 8601 `YYYY-MM-DD`; a {@link Result} with the
 * `ValidationError` (`DATE_FORMAT_INVALID`, `DATE_OUT_OF_RANGE`) instead of throwing it.
 * @example safeParseNationalDate('20250131') // { ok: true, value: '2025-01-31' }
 */
export function safeParseNationalDate(value: unknown, path?: string): Result<string, ValidationError> {
  if (typeof value !== 'string' || !/^\d{8}$/.test(value))
    return fail(invalid('DATE_FORMAT_INVALID', shown(value), 'yyyymmdd', path));
  const y = Number(value.slice(0, 4));
  const mo = Number(value.slice(4, 6));
  const d = Number(value.slice(6, 8));
  if (!checkParts(y, mo, d)) return fail(invalid('DATE_OUT_OF_RANGE', value, 'yyyymmdd', path));
  return ok(`${value.slice(0, 4)}-${value.slice(4, 6)}-${value.slice(6, 8)}`);
}

/**
 * Reads a national date-time `yyyymmddHHMM` (Vietnam time) into ISO 8601 with its offset; a
 * {@link Result} instead of throwing.
 * @example safeParseNationalDateTime('202501311430') // { ok: true, value: '2025-01-31T14:30:00+07:00' }
 */
export function safeParseNationalDateTime(value: unknown, path?: string): Result<string, ValidationError> {
  if (typeof value !== 'string' || !/^\d{12}$/.test(value))
    return fail(invalid('DATE_FORMAT_INVALID', shown(value), 'yyyymmddHHMM', path));
  const [y, mo, d, h, mi] = [
    value.slice(0, 4),
    value.slice(4, 6),
    value.slice(6, 8),
    value.slice(8, 10),
    value.slice(10, 12),
  ];
  if (!checkParts(Number(y), Number(mo), Number(d), Number(h), Number(mi))) {
    return fail(invalid('DATE_OUT_OF_RANGE', value, 'yyyymmddHHMM', path));
  }
  return ok(`${y}-${mo}-${d}T${h}:${mi}:00${VIETNAM_UTC_OFFSET}`);
}

/**
 * Reads a national date `yyyymmdd` into ISO 8601 `YYYY-MM-DD`; throws a `ValidationError`
 * (`DATE_FORMAT_INVALID`, `DATE_OUT_OF_RANGE`) naming `path`.
 * @example parseNationalDate('20250131') // '2025-01-31'
 */
export function parseNationalDate(value: unknown, path?: string): string {
  const r = safeParseNationalDate(value, path);
  if (!r.ok) throw r.error;
  return r.value;
}

/**
 * Reads a national date-time `yyyymmddHHMM` (Vietnam time) into ISO 8601 with its offset; throws a
 * `ValidationError` as {@link parseNationalDate} does.
 * @example parseNationalDateTime('202501311430') // '2025-01-31T14:30:00+07:00'
 */
export function parseNationalDateTime(value: unknown, path?: string): string {
  const r = safeParseNationalDateTime(value, path);
  if (!r.ok) throw r.error;
  return r.value;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** Wall-clock parts of an instant in Vietnam time. */
function vietnamParts(instant: Date): [number, number, number, number, number] {
  const shifted = new Date(instant.getTime() + OFFSET_MS);
  return [
    shifted.getUTCFullYear(),
    shifted.getUTCMonth() + 1,
    shifted.getUTCDate(),
    shifted.getUTCHours(),
    shifted.getUTCMinutes(),
  ];
}

/**
 * Writes a national date `yyyymmdd` from an ISO date `YYYY-MM-DD`, or from an instant (a `Date` or
 * an ISO date-time with offset), taken in Vietnam time.
 * @example formatNationalDate('2025-01-31') // '20250131'
 */
export function formatNationalDate(value: string | Date, path?: string): string {
  if (typeof value === 'string') {
    const m = ISO_DATE.exec(value);
    if (m) {
      if (!checkParts(Number(m[1]), Number(m[2]), Number(m[3])))
        throw invalid('DATE_OUT_OF_RANGE', value, 'YYYY-MM-DD', path);
      return `${m[1]}${m[2]}${m[3]}`;
    }
  }
  return formatNationalDateTime(value, path).slice(0, 8);
}

/**
 * Writes a national date-time `yyyymmddHHMM` in Vietnam time from a `Date` or an ISO 8601
 * date-time with an offset (`Z` or `±hh:mm`). Seconds are dropped, as the format has none.
 * @example formatNationalDateTime('2025-01-31T07:30:00Z') // '202501311430'
 */
export function formatNationalDateTime(value: string | Date, path?: string): string {
  let instant: Date;
  if (value instanceof Date) {
    instant = value;
  } else {
    const m = typeof value === 'string' ? ISO_DATE_TIME.exec(value) : null;
    if (!m) throw invalid('DATE_FORMAT_INVALID', shown(value), 'ISO 8601 date-time with offset', path);
    const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? '0'].map(Number) as [
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    const offset = m[7]!;
    if (
      !checkParts(y, mo, d, h, mi) ||
      s > 59 ||
      (offset !== 'Z' && (Number(offset.slice(1, 3)) > 14 || Number(offset.slice(4, 6)) > 59))
    ) {
      throw invalid('DATE_OUT_OF_RANGE', value, 'ISO 8601 date-time', path);
    }
    instant = new Date(value);
  }
  if (Number.isNaN(instant.getTime())) throw invalid('DATE_OUT_OF_RANGE', shown(value), 'date-time', path);
  const [y, mo, d, h, mi] = vietnamParts(instant);
  if (y < 1 || y > 9999) throw invalid('DATE_OUT_OF_RANGE', shown(value), 'yyyymmddHHMM', path);
  return `${pad(y, 4)}${pad(mo)}${pad(d)}${pad(h)}${pad(mi)}`;
}
