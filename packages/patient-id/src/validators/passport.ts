import { fail, ok, type Result, type ValidationError } from '@lienthong/core';
import { idError, textOf } from './errors.js';

/**
 * A passport number, checked for format only: the document-number field of ICAO Doc 9303
 * machine-readable travel documents holds up to 9 letters and digits. Spaces are removed and
 * letters upper-cased. No issuing-country rule is assumed.
 */
export interface PassportParts {
  readonly value: string;
}

const WHAT: [string, string] = ['Passport number', 'Số hộ chiếu'];

/** Parses a passport number (format only). */
export function safeParsePassport(
  value: unknown,
  options: { path?: string } = {},
): Result<PassportParts, ValidationError> {
  const text = textOf(value, 'PASSPORT', options.path, WHAT);
  if (typeof text !== 'string') return fail(text);
  const v = text.replace(/ /g, '').toUpperCase();
  return /^[A-Z0-9]{1,9}$/.test(v)
    ? ok({ value: v })
    : fail(
        idError('PASSPORT', 'FORMAT', options.path, [], WHAT, [
          'needs 1-9 letters/digits (ICAO Doc 9303)',
          'cần 1-9 chữ cái/số (ICAO Doc 9303)',
        ]),
      );
}

export const isPassport = (value: unknown): boolean => safeParsePassport(value).ok;
export const formatPassport = (parts: PassportParts): string => parts.value;
