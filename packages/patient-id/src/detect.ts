import type { Result, ValidationError } from '@lienthong/core';
import { type CitizenIdParts, type IdSex, parseCitizenId } from './validators/citizen-id.js';
import { idError } from './validators/errors.js';
import { type FacilityCodeParts, parseFacilityCode } from './validators/facility-code.js';
import { type InsuranceCardParts, parseInsuranceCard } from './validators/insurance-card.js';
import { type OldIdCardParts, parseOldIdCard } from './validators/old-id-card.js';
import { type PassportParts, parsePassport } from './validators/passport.js';

/** The identifier types {@link checkIdentifier} knows. */
export type IdentifierType = 'cccd' | 'cmnd' | 'bhyt' | 'facility' | 'passport';

/** The answer of {@link checkIdentifier}: the type and the parsed parts. */
export type IdentifierCheck =
  | { type: 'cccd'; parts: CitizenIdParts }
  | { type: 'cmnd'; parts: OldIdCardParts }
  | { type: 'bhyt'; parts: InsuranceCardParts }
  | { type: 'facility'; parts: FacilityCodeParts }
  | { type: 'passport'; parts: PassportParts };

/**
 * Recognises the type of an identifier by its shape: 12 digits → personal ID, 9 digits → old ID
 * card, 15 characters starting with 2 letters or 10 digits → insurance card, 5 digits → facility
 * code. Passports are never guessed (their format overlaps the others). Undefined when unknown.
 */
export function detectIdentifierType(value: string): IdentifierType | undefined {
  const v = value.trim();
  if (/^\d{12}$/.test(v)) return 'cccd';
  if (/^\d{9}$/.test(v)) return 'cmnd';
  if (/^\d{10}$/.test(v) || /^[A-Za-z]{2}\w{13}$/.test(v)) return 'bhyt';
  if (/^\d{5}$/.test(v)) return 'facility';
  return undefined;
}

/**
 * Parses an identifier of a given type, or of the type its shape suggests.
 * @example checkIdentifier('001203012345', { birthDate: '2003' }) // ok: { type: 'cccd', parts }
 */
export function checkIdentifier(
  value: unknown,
  options: { type?: IdentifierType; birthDate?: string; sex?: IdSex } = {},
): Result<IdentifierCheck, ValidationError> {
  const type = options.type ?? (typeof value === 'string' ? detectIdentifierType(value) : undefined);
  const tag = <T extends IdentifierCheck['type'], P>(t: T, r: Result<P, ValidationError>) =>
    (r.ok ? { ok: true, value: { type: t, parts: r.value } } : r) as Result<IdentifierCheck, ValidationError>;
  switch (type) {
    case 'cccd': {
      const { birthDate, sex } = options;
      return tag(
        'cccd',
        parseCitizenId(value, { ...(birthDate ? { birthDate } : {}), ...(sex ? { sex } : {}) }),
      );
    }
    case 'cmnd':
      return tag('cmnd', parseOldIdCard(value));
    case 'bhyt':
      return tag('bhyt', parseInsuranceCard(value));
    case 'facility':
      return tag('facility', parseFacilityCode(value));
    case 'passport':
      return tag('passport', parsePassport(value));
    default:
      return {
        ok: false,
        error: idError('IDENTIFIER', 'TYPE_UNKNOWN', undefined, [], {
          what: ['Identifier', 'Mã định danh'],
          why: [
            'has an unknown type: expected 12 digits (personal ID), 9 (old ID card), 15 or 10 (insurance card) or 5 (facility code)',
            'không rõ loại: cần 12 số (định danh), 9 (CMND), 15 hoặc 10 (thẻ BHYT) hoặc 5 (mã cơ sở KCB)',
          ],
        }),
      };
  }
}
