import { IdentifierValueSchema, isoDate, nonEmptyText, partialDate, safeParseWith } from '@lienthong/core';
import * as z from 'zod';

/**
 * The neutral patient model every `PatientDirectory` speaks. zod is the source of truth; types are
 * inferred. Names follow Vietnamese order (family, middle, given: Nguyễn | Văn | An); birth dates
 * keep their precision (year-only is common); addresses carry both the pre-2025 and the current
 * province/commune codes, because records written before 01/07/2025 keep the old ones.
 */

/** An identifier with its system URI (`DEFAULT_IDENTIFIER_SYSTEMS` of core by default). */
export const PatientIdentifierSchema = IdentifierValueSchema.extend({
  /** What the identifier is, when known (drives validation and FHIR `Identifier.type`). */
  kind: z.enum(['cccd', 'cmnd', 'passport', 'bhyt', 'socialInsurance', 'mrn', 'other']).optional(),
  /** For `mrn`: the 5-digit facility code that assigned it. */
  facilityCode: z
    .string()
    .regex(/^\d{5}$/)
    .optional(),
});
export type PatientIdentifier = z.infer<typeof PatientIdentifierSchema>;

/** A Vietnamese personal name: family (họ), middle (tên đệm, may be several words), given (tên). */
export const PersonNameSchema = z.object({
  family: nonEmptyText.optional(),
  middle: nonEmptyText.optional(),
  given: nonEmptyText.optional(),
  /** The full name as written, when it could not be split. */
  text: nonEmptyText.optional(),
});
export type PersonName = z.infer<typeof PersonNameSchema>;

export const AddressSchema = z.object({
  use: z.enum(['home', 'work', 'temp', 'old']).optional(),
  /** Street, house number, hamlet (thôn/ấp). */
  line: z.array(nonEmptyText).optional(),
  /** Commune/ward (xã/phường) name and code (5 digits, current list). */
  commune: nonEmptyText.optional(),
  communeCode: z
    .string()
    .regex(/^\d{5}$/)
    .optional(),
  /** Pre-01/07/2025 commune code. */
  oldCommuneCode: z
    .string()
    .regex(/^\d{5}$/)
    .optional(),
  /** District (huyện) — abolished as a level on 01/07/2025, kept for old records. */
  district: nonEmptyText.optional(),
  province: nonEmptyText.optional(),
  /** Current (34-province) 2-digit code. */
  provinceCode: z
    .string()
    .regex(/^\d{2}$/)
    .optional(),
  /** Pre-2025 (63-province) 2-digit code. */
  oldProvinceCode: z
    .string()
    .regex(/^\d{2}$/)
    .optional(),
  text: nonEmptyText.optional(),
});
export type Address = z.infer<typeof AddressSchema>;

export const ContactPointSchema = z.object({
  system: z.enum(['phone', 'email', 'other']),
  value: nonEmptyText,
  use: z.enum(['home', 'work', 'mobile']).optional(),
});
export type ContactPoint = z.infer<typeof ContactPointSchema>;

/** Health-insurance coverage: the card, its validity and the registered primary-care facility. */
export const InsuranceCoverageSchema = z.object({
  /** Card number, 15-character or 10-digit form. */
  cardNumber: z.string().regex(/^([A-Z]{2}[1-5]\d{12}|\d{10})$/),
  validFrom: isoDate.optional(),
  validTo: isoDate.optional(),
  /** Registered facility for first contact (mã nơi ĐKBĐ), 5 digits. */
  registeredFacility: z
    .string()
    .regex(/^\d{5}$/)
    .optional(),
  /** The card that replaced this one (mã thẻ mới), if any. */
  replacedBy: z.string().optional(),
});
export type InsuranceCoverage = z.infer<typeof InsuranceCoverageSchema>;

export const PatientRecordSchema = z.object({
  /** The directory's own id (server id), when it has one. */
  id: z.string().min(1).optional(),
  identifiers: z.array(PatientIdentifierSchema).min(1),
  name: PersonNameSchema,
  /** `YYYY`, `YYYY-MM` or `YYYY-MM-DD`. */
  birthDate: partialDate.optional(),
  sex: z.enum(['male', 'female', 'other', 'unknown']).optional(),
  addresses: z.array(AddressSchema).optional(),
  contacts: z.array(ContactPointSchema).optional(),
  insurance: z.array(InsuranceCoverageSchema).optional(),
  deceased: z.boolean().optional(),
});
export type PatientRecord = z.infer<typeof PatientRecordSchema>;
export type PatientRecordInput = z.input<typeof PatientRecordSchema>;

/** Validates a patient record; failures list every issue with its path. */
export const safeParsePatientRecord = (value: unknown) => safeParseWith(PatientRecordSchema, value);

/** The precision of a partial birth date. */
export function birthDatePrecision(date: string): 'year' | 'month' | 'day' {
  return date.length === 4 ? 'year' : date.length === 7 ? 'month' : 'day';
}

/** The full name in Vietnamese order: `Nguyễn Văn An`. */
export function fullName(name: PersonName): string {
  return name.text ?? [name.family, name.middle, name.given].filter(Boolean).join(' ');
}

/**
 * Splits a full Vietnamese name written family-first (`Nguyễn Văn An`): first word family, last
 * word given, the rest middle. Names written given-first need the caller's knowledge.
 */
export function splitVietnameseName(text: string): PersonName {
  const words = text.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return {};
  if (words.length === 1) return { given: words[0]! };
  return {
    family: words[0]!,
    ...(words.length > 2 ? { middle: words.slice(1, -1).join(' ') } : {}),
    given: words[words.length - 1]!,
  };
}
