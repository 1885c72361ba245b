import { fail, ok, type Result, type ValidationError } from '@lienthong/core';
import { digits, idError, textOf } from './errors.js';

/** An old 9-digit identity card number (CMND), still found in records. */
export interface OldIdCardParts {
  readonly value: string;
}

const K = 'OLD_ID_CARD';
const WHAT: [string, string] = ['Old ID card', 'Số CMND'];

/** Parses an old 9-digit ID card number (CMND). */
export function safeParseOldIdCard(
  value: unknown,
  options: { path?: string } = {},
): Result<OldIdCardParts, ValidationError> {
  const text = textOf(value, K, options.path, WHAT);
  if (typeof text !== 'string') return fail(text);
  if (!digits(text)) return fail(idError(K, 'NOT_DIGITS', options.path, [], WHAT));
  if (text.length !== 9) return fail(idError(K, 'LENGTH', options.path, [9, text.length], WHAT));
  return ok({ value: text });
}

/** True for a 9-digit old ID card number. */
export const isOldIdCard = (value: unknown): boolean => safeParseOldIdCard(value).ok;
/** The canonical form (trimmed digits). */
export const formatOldIdCard = (parts: OldIdCardParts): string => parts.value;
