import type { Result, ValidationError } from '@lienthong/core';
import { type CitizenIdParts, type IdSex, safeParseCitizenId } from './validators/citizen-id.js';
import { idError } from './validators/errors.js';
import { type FacilityCodeParts, safeParseFacilityCode } from './validators/facility-code.js';
import { type InsuranceCardParts, safeParseInsuranceCard } from './validators/insurance-card.js';
import { type OldIdCardParts, safeParseOldIdCard } from './validators/old-id-card.js';
import { type PassportParts, safeParsePassport } from './validators/passport.js';

/** The identifier types {@link safeParseIdentifier} knows. */
export type IdentifierType = 'cccd' | 'cmnd' | 'bhyt' | 'facility' | 'passport';

/** The answer of {@link safeParseIdentifier}: the type and the parsed parts. */
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
 * @example safeParseIdentifier('001203012345', { birthDate: '2003' }) // ok: { type: 'cccd', parts }
 */
export function safeParseIdentifier(
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
        safeParseCitizenId(value, { ...(birthDate ? { birthDate } : {}), ...(sex ? { sex } : {}) }),
      );
    }
    case 'cmnd':
      return tag('cmnd', safeParseOldIdCard(value));
    case 'bhyt':
      return tag('bhyt', safeParseInsuranceCard(value));
    case 'facility':
      return tag('facility', safeParseFacilityCode(value));
    case 'passport':
      return tag('passport', safeParsePassport(value));
    default:
      return {
        ok: false,
        error: idError(
          'IDENTIFIER',
          'TYPE_UNKNOWN',
          undefined,
          [],
          ['Identifier', 'Mã định danh'],
          [
            'has an unknown type: expected 12 digits (personal ID), 9 (old ID card), 15 or 10 (insurance card) or 5 (facility code)',
            'không rõ loại: cần 12 số (định danh), 9 (CMND), 15 hoặc 10 (thẻ BHYT) hoặc 5 (mã cơ sở KCB)',
          ],
        ),
      };
  }
}
