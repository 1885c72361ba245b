import {
  code,
  FacilitySchema,
  IdentifierValueSchema,
  isoDate,
  isoDateTime,
  nonEmptyText,
  parseWith,
  type Result,
  safeParseWith,
  uri,
  type ValidationError,
} from '@lienthong/core';
import * as z from 'zod';

/** The one facility model of the SDK, from `@lienthong/core`. */
export { type Facility, FacilitySchema } from '@lienthong/core';

/**
 * The neutral lab-result model every codec reads and writes. A report is one order's results
 * (one OBR group in HL7 v2, one DiagnosticReport in FHIR, rows sharing a service code in XML4).
 */

/** When something happened: a full date-time with offset, or a date when only the day is known. */
export const labDateTime = z.union([isoDateTime, isoDate]);

/** Status of a report (FHIR DiagnosticReport.status subset used for labs). */
export const REPORT_STATUSES = [
  'registered',
  'preliminary',
  'final',
  'amended',
  'corrected',
  'cancelled',
] as const;
export const ReportStatusSchema = z.enum(REPORT_STATUSES);
export type ReportStatus = z.infer<typeof ReportStatusSchema>;

/** Status of one observation; adds `entered-in-error` (HL7 OBX-11 `D`/`W`). */
export const OBSERVATION_STATUSES = [...REPORT_STATUSES, 'entered-in-error'] as const;
export const ObservationStatusSchema = z.enum(OBSERVATION_STATUSES);
export type ObservationStatus = z.infer<typeof ObservationStatusSchema>;

/** A code of a code system; `unrecognised` flags a code kept although its system or shape is unknown. */
export const LabCodingSchema = z.object({
  system: uri,
  code,
  display: z.string().min(1).optional(),
  version: z.string().min(1).optional(),
  unrecognised: z.literal(true).optional(),
});
export type LabCoding = z.infer<typeof LabCodingSchema>;

const finite = z.number().refine(Number.isFinite, 'Expected a finite number');

/** A number with a unit: `unit` is UCUM when known, `originalUnit` what the source wrote. */
export const LabQuantitySchema = z.object({
  value: finite,
  unit: z.string().min(1).optional(),
  originalUnit: z.string().min(1).optional(),
});
export type LabQuantity = z.infer<typeof LabQuantitySchema>;

/** The value of an observation. */
export const LabValueSchema = z.discriminatedUnion('kind', [
  LabQuantitySchema.extend({
    kind: z.literal('quantity'),
    comparator: z.enum(['<', '<=', '>=', '>']).optional(),
  }),
  z.object({
    kind: z.literal('coded'),
    codings: z.array(LabCodingSchema).min(1),
    text: z.string().min(1).optional(),
  }),
  z.object({ kind: z.literal('text'), text: z.string().min(1) }),
  z.object({ kind: z.literal('ratio'), numerator: LabQuantitySchema, denominator: LabQuantitySchema }),
  z.object({
    kind: z.literal('range'),
    low: LabQuantitySchema.optional(),
    high: LabQuantitySchema.optional(),
  }),
]);
export type LabValue = z.infer<typeof LabValueSchema>;

/** A reference range; `text` keeps the source's wording (`70-80`, `< 5`, `Âm tính`). */
export const ReferenceRangeSchema = z.object({
  low: finite.optional(),
  high: finite.optional(),
  unit: z.string().min(1).optional(),
  text: z.string().min(1).optional(),
});
export type ReferenceRange = z.infer<typeof ReferenceRangeSchema>;

/** One measured or observed result. */
export const LabObservationSchema = z.object({
  /** Codes side by side: QĐ 1227 national, LOINC, insurance service code, local. May be empty. */
  codes: z.array(LabCodingSchema),
  /** Name as printed by the lab (TEN_CHI_SO). */
  name: z.string().min(1).optional(),
  status: ObservationStatusSchema,
  value: LabValueSchema.optional(),
  referenceRange: z.array(ReferenceRangeSchema).optional(),
  /** HL7 table 0078 / FHIR ObservationInterpretation codes: `N`, `H`, `L`, `A`, `HH`, `POS`, `NEG`, … */
  interpretation: z.array(z.string().min(1)).optional(),
  method: z.string().min(1).optional(),
  performedAt: labDateTime.optional(),
  /** Free-text notes (HL7 NTE, XML4 MO_TA). */
  note: z.string().min(1).optional(),
});
export type LabObservation = z.infer<typeof LabObservationSchema>;

/**
 * The laboratory that produced the results: a {@link FacilitySchema facility} with its quality level
 * 1-5 (QĐ 2429/2017) and accreditations.
 */
export const LaboratorySchema = FacilitySchema.extend({
  qualityLevel: z.number().int().min(1).max(5).optional(),
  /** e.g. `ISO 15189:2022`. */
  accreditation: z.array(z.string().min(1)).optional(),
});
export type Laboratory = z.infer<typeof LaboratorySchema>;

/** The specimen the results were measured on. */
export const SpecimenSchema = z.object({
  id: z.string().min(1).optional(),
  type: LabCodingSchema.optional(),
  typeText: z.string().min(1).optional(),
  collectedAt: labDateTime.optional(),
  receivedAt: labDateTime.optional(),
});
export type Specimen = z.infer<typeof SpecimenSchema>;

/** The person who signed (validated) the report. */
export const SignerSchema = z.object({
  id: z.string().min(1).optional(),
  name: z.string().min(1).optional(),
});
export type Signer = z.infer<typeof SignerSchema>;

/** One lab report (one order's results). */
export const LabReportSchema = z.object({
  /** Business identifier of the report (stable across corrections). */
  id: nonEmptyText,
  /** System of `id` (default configured per codec/provider). */
  idSystem: uri.optional(),
  /** Version number assigned by a provider; corrections get a higher version, older ones stay in history. */
  version: z.number().int().positive().optional(),
  /** The id of another report this one replaces (a correction issued under a new id). */
  supersedes: nonEmptyText.optional(),
  patient: z.object({ identifiers: z.array(IdentifierValueSchema) }),
  /** Encounter key (XML4 MA_LK). */
  encounterId: z.string().min(1).optional(),
  /** Placer order number. */
  orderId: z.string().min(1).optional(),
  /** Codes of the ordered test or panel (OBR-4, MA_DICH_VU). */
  codes: z.array(LabCodingSchema),
  name: z.string().min(1).optional(),
  status: ReportStatusSchema,
  /** The facility that ordered the test (`@lienthong/core`'s `Facility`, as everywhere). */
  orderingFacility: FacilitySchema.optional(),
  performingFacility: FacilitySchema.optional(),
  lab: LaboratorySchema.optional(),
  specimen: SpecimenSchema.optional(),
  /** Clinically relevant time (collection or observation time). */
  effectiveAt: labDateTime.optional(),
  issuedAt: labDateTime.optional(),
  signer: SignerSchema.optional(),
  conclusion: z.string().min(1).optional(),
  note: z.string().min(1).optional(),
  observations: z.array(LabObservationSchema),
});
export type LabReport = z.infer<typeof LabReportSchema>;
/** Input form (same as output here: the schema has no transforms besides trimming `id`). */
export type LabReportInput = z.input<typeof LabReportSchema>;

/** Validates a report: `{ ok: true, value } | { ok: false, error }` with every issue's path. */
export const safeParseLabReport = (value: unknown): Result<LabReport, ValidationError> =>
  safeParseWith(LabReportSchema, value, REPORT_PARSE);

/** Validates a report and throws a `ValidationError` (code `LAB_REPORT_INVALID`) when it is not one. */
export const parseLabReport = (value: unknown): LabReport => parseWith(LabReportSchema, value, REPORT_PARSE);

const REPORT_PARSE = {
  code: 'LAB_REPORT_INVALID',
  subject: { en: 'lab report', vi: 'phiếu kết quả xét nghiệm' },
};
