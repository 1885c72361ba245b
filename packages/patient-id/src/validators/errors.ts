import { ValidationError } from '@lienthong/core';

// One table of messages keeps the validators entry small (≤ 3 kB min+gzip): an error's code is
// `${KIND}_${REASON}`, its message "<what> <reason>." in English and Vietnamese. Messages never
// contain the identifier itself.
const WHAT: Record<string, [string, string]> = {
  CITIZEN_ID: ['Personal ID', 'Số định danh'],
  INSURANCE_CARD: ['Insurance card', 'Mã thẻ BHYT'],
  FACILITY_CODE: ['Facility code', 'Mã cơ sở KCB'],
};

const REASON: Record<string, [string, string]> = {
  NOT_TEXT: ['is not text', 'không phải chuỗi'],
  EMPTY: ['is empty', 'trống'],
  NOT_DIGITS: ['has non-digits', 'có ký tự ngoài chữ số'],
  LENGTH: ['needs {0} characters, has {1}', 'cần {0} ký tự, có {1}'],
  PROVINCE_UNKNOWN: ['has unknown province {0}', 'có mã tỉnh lạ {0}'],
  BIRTH_YEAR_FUTURE: ['has future birth year {0}', 'có năm sinh tương lai {0}'],
  BIRTH_DATE_INVALID: ['not checked: bad birth date', 'chưa đối chiếu: ngày sinh sai'],
  CENTURY_MISMATCH: ['has century {0}, birth year {1}', 'có thế kỷ {0}, năm sinh {1}'],
  BIRTH_YEAR_MISMATCH: ['has birth year {0}, not {1}', 'có năm sinh {0}, không phải {1}'],
  SEX_INVALID: ['not checked: sex must be male/female', 'chưa đối chiếu: giới tính phải là nam/nữ'],
  SEX_MISMATCH: ['encodes the other sex', 'mang giới tính khác'],
  GROUP_INVALID: ['needs a 2-letter group', 'cần mã đối tượng 2 chữ cái'],
  GROUP_UNKNOWN: ['has unknown group {0}', 'có mã đối tượng lạ {0}'],
  BENEFIT_LEVEL_INVALID: ['has benefit level not 1-5', 'có mức hưởng ngoài 1-5'],
  PROVINCE_INVALID: ['has no province code', 'thiếu mã tỉnh'],
  NUMBER_NOT_DIGITS: ['needs a 10-digit insurance number', 'cần mã số BHXH 10 số'],
};

const fill = (text: string, args: readonly (string | number)[]) =>
  text.replace(/\{(\d)\}/g, (_, i: string) => String(args[+i]));

/**
 * The validation error `${kind}_${reason}` with its English and Vietnamese messages: what is wrong
 * (`named`, else the table's) and why (`reason` text given, else the table's).
 */
export function idError(
  kind: string,
  reason: string,
  path?: string,
  args: readonly (string | number)[] = [],
  named?: [string, string],
  because?: [string, string],
): ValidationError {
  const [what, whatVi] = named ?? WHAT[kind]!;
  const [why, whyVi] = because ?? REASON[reason]!;
  return new ValidationError({
    code: `${kind}_${reason}`,
    message: `${what} ${fill(why, args)}.`,
    messageVi: `${whatVi} ${fill(whyVi, args)}.`,
    path,
  });
}

/** The trimmed text, or the NOT_TEXT / EMPTY error of `kind`. */
export function textOf(
  value: unknown,
  kind: string,
  path?: string,
  what?: [string, string],
): string | ValidationError {
  if (typeof value !== 'string') return idError(kind, 'NOT_TEXT', path, [], what);
  const text = value.trim();
  return text === '' ? idError(kind, 'EMPTY', path, [], what) : text;
}

/** True when every character of `s` from `from` to `to` (exclusive) is an ASCII digit. */
export function digits(s: string, from = 0, to = s.length): boolean {
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}
