import {
  code,
  FacilitySchema,
  httpUrl,
  IdentifierValueSchema,
  isoDate,
  isoDateTime,
  nonEmptyText,
  uri,
} from '@lienthong/core';
import * as z from 'zod';
import { isDicomUid } from './uid.js';

/**
 * The imaging reference: what travels between hospitals instead of the pixels — which study,
 * where to fetch it over DICOMweb, what it contains, and its signed report.
 */

/** A DICOM UID (PS3.5 §9.1). */
export const DicomUidSchema = z.string().refine(isDicomUid, {
  message: 'Expected a DICOM UID: ≤ 64 characters, digit components separated by dots, no leading zeros',
  params: {
    code: 'DICOM_UID_INVALID',
    messageVi:
      'Cần một UID DICOM: tối đa 64 ký tự, các thành phần là chữ số ngăn bởi dấu chấm, không có số 0 đứng đầu',
  },
});

/** A DICOM modality code (`CT`, `MR`, `US`, `CR`, `DX`, `RTPLAN`, …; PS3.3 C.7.3.1.1.1). */
export const ModalitySchema = z
  .string()
  .regex(/^[A-Z0-9_]{1,16}$/, 'Expected a DICOM modality code such as CT');

/** Time of day as `HH:MM`, `HH:MM:SS` or `HH:MM:SS.ffffff` (local time of the performing facility). */
export const StudyTimeSchema = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,6})?)?$/, 'Expected HH:MM[:SS[.ffffff]]');

/** A UTC offset `±HH:MM`. */
export const UtcOffsetSchema = z.string().regex(/^[+-]([01]\d|2[0-3]):[0-5]\d$/, 'Expected ±HH:MM');

/** A body part: DICOM Body Part Examined (`CHEST`, no system) or a coded concept (SNOMED CT). */
export const BodyPartSchema = z.object({
  code: code.optional(),
  system: uri.optional(),
  display: nonEmptyText.optional(),
});

/** The one facility model of the SDK, from `@lienthong/core`. */
export { type Facility, FacilitySchema } from '@lienthong/core';

/**
 * The facility that performed the study: a `Facility` whose `code` is required (5-digit facility
 * code, mã cơ sở KCB, or a local code with its `system`).
 */
const PerformingFacilitySchema = FacilitySchema.extend({ code });

/** One series of the study. */
export const ImagingSeriesSchema = z.object({
  uid: DicomUidSchema,
  modality: ModalitySchema,
  number: z.number().int().nonnegative().optional(),
  description: nonEmptyText.optional(),
  instanceCount: z.number().int().nonnegative(),
  bodyPart: BodyPartSchema.optional(),
});

/** DICOMweb base URLs where the study can be searched (QIDO-RS) and retrieved (WADO-RS). */
export const DicomwebEndpointsSchema = z.object({
  qidoRs: httpUrl.optional(),
  wadoRs: httpUrl.optional(),
});

/** Someone who signed the report: the performer (kỹ thuật viên / người thực hiện) or the reader (bác sĩ đọc). */
export const ReportSignerSchema = z
  .object({
    role: z.enum(['performer', 'reader']),
    name: nonEmptyText.optional(),
    identifier: IdentifierValueSchema.optional(),
  })
  .refine((s) => s.name !== undefined || s.identifier !== undefined, {
    message: 'A signer needs a name or an identifier',
    params: { code: 'IMAGING_SIGNER_ANONYMOUS', messageVi: 'Người ký cần có tên hoặc định danh' },
  });

/** The study's report. */
export const ImagingReportSchema = z.object({
  text: nonEmptyText.optional(),
  conclusion: nonEmptyText.optional(),
  signers: z.array(ReportSignerSchema).default([]),
  signedAt: isoDateTime.optional(),
});

/**
 * Whether every instance of the study is available: `complete` (the sender asserts it), `partial`
 * (some series or instances missing) or `unknown` (e.g. a folder scan cannot know).
 */
export const CompletenessSchema = z.enum(['complete', 'partial', 'unknown']);

/** The patient the study belongs to: identifiers (system + value) and/or a FHIR reference. */
export const ImagingPatientSchema = z.object({
  identifiers: z.array(IdentifierValueSchema).default([]),
  reference: nonEmptyText.optional(),
});

/** An imaging reference (the neutral model). */
export const ImagingReferenceSchema = z
  .object({
    studyInstanceUid: DicomUidSchema,
    accessionNumber: nonEmptyText.optional(),
    patient: ImagingPatientSchema,
    performingFacility: PerformingFacilitySchema.optional(),
    studyDate: isoDate.optional(),
    studyTime: StudyTimeSchema.optional(),
    /** UTC offset of `studyDate`/`studyTime` when known (DICOM Timezone Offset From UTC, FHIR `started`). */
    utcOffset: UtcOffsetSchema.optional(),
    modalities: z.array(ModalitySchema).default([]),
    bodyPart: BodyPartSchema.optional(),
    description: nonEmptyText.optional(),
    series: z.array(ImagingSeriesSchema).default([]),
    instanceCount: z.number().int().nonnegative(),
    endpoints: DicomwebEndpointsSchema.default({}),
    report: ImagingReportSchema.optional(),
    completeness: CompletenessSchema.default('unknown'),
  })
  .superRefine((value, ctx) => {
    const seen = new Set<string>();
    value.series.forEach((series, i) => {
      if (seen.has(series.uid)) {
        ctx.addIssue({ code: 'custom', path: ['series', i, 'uid'], message: 'Series UID appears twice' });
      }
      seen.add(series.uid);
    });
  });

export type DicomUid = z.infer<typeof DicomUidSchema>;
export type BodyPart = z.infer<typeof BodyPartSchema>;
export type ImagingSeries = z.infer<typeof ImagingSeriesSchema>;
export type DicomwebEndpoints = z.infer<typeof DicomwebEndpointsSchema>;
export type ReportSigner = z.infer<typeof ReportSignerSchema>;
export type ImagingReport = z.infer<typeof ImagingReportSchema>;
export type Completeness = z.infer<typeof CompletenessSchema>;
/** An imaging reference as stored and returned (defaults filled in). */
export type ImagingReference = z.output<typeof ImagingReferenceSchema>;
/** What callers may pass in (defaults optional). */
export type ImagingReferenceInput = z.input<typeof ImagingReferenceSchema>;
