import {
  facilityRecordSystem,
  fail,
  maskIdentifier,
  ok,
  type Result,
  ValidationError,
} from '@lienthong/core';
import { textOf } from './validators/errors.js';
import { safeParseFacilityCode } from './validators/facility-code.js';
import {
  formatInsuranceCard,
  type InsuranceCardOptions,
  type InsuranceCardParts,
  safeParseInsuranceCard,
} from './validators/insurance-card.js';

const K = 'INSURANCE_CARD';

/**
 * Parses several card numbers joined by `;` (as claims XML carries them). Fails with the first
 * bad card; every issue is listed in the error's `issues` with its index (`[1]`).
 */
export function safeParseInsuranceCards(
  value: unknown,
  options: InsuranceCardOptions = {},
): Result<InsuranceCardParts[], ValidationError> {
  const text = textOf(value, K, options.path);
  if (typeof text !== 'string') return fail(text);
  const cards: InsuranceCardParts[] = [];
  const errors: ValidationError[] = [];
  text.split(';').forEach((part, i) => {
    const r = safeParseInsuranceCard(part, { ...options, path: `${options.path ?? ''}[${i}]` });
    if (r.ok) cards.push(r.value);
    else errors.push(r.error);
  });
  if (errors.length === 0) return ok(cards);
  const first = errors[0]!;
  return fail(
    new ValidationError({
      code: first.code,
      message: first.message,
      messageVi: first.messageVi,
      ...(first.path ? { path: first.path } : {}),
      issues: errors.flatMap((e) => e.issues),
    }),
  );
}

/** Joins card numbers with `;` as claims XML does. */
export const formatInsuranceCards = (cards: readonly InsuranceCardParts[]): string =>
  cards.map(formatInsuranceCard).join(';');

/** Masks a personal ID number for logs: `001*******45`. */
export const maskCitizenId = (value: string): string => maskIdentifier(value);
/** Masks an insurance card number for logs: `DN4**********89`. */
export const maskInsuranceCard = (value: string): string => maskIdentifier(value);
/** Masks an old ID card number for logs. */
export const maskOldIdCard = (value: string): string => maskIdentifier(value);
/** Masks a passport number for logs. */
export const maskPassport = (value: string): string => maskIdentifier(value);

/**
 * A hospital record number (mã bệnh nhân / số hồ sơ): opaque, meaningful only inside its
 * facility, so its system is the facility's own (`facilityRecordSystem(code)` of core). Throws a
 * `ValidationError` for a bad facility code (path `facilityCode`) or an empty number (path `value`).
 * @example hospitalRecordIdentifier('01001', 'BN-2025-000123') // { system: 'urn:lienthong:sid:mrn:01001', value: 'BN-2025-000123' }
 */
export function hospitalRecordIdentifier(
  facilityCode: string,
  value: string,
): { system: string; value: string } {
  const facility = safeParseFacilityCode(facilityCode, { path: 'facilityCode' });
  if (!facility.ok) throw facility.error;
  const text = textOf(value, 'RECORD_NUMBER', 'value', ['Hospital record number', 'Số hồ sơ bệnh viện']);
  if (typeof text !== 'string') throw text;
  return { system: facilityRecordSystem(facility.value.value), value: text };
}
