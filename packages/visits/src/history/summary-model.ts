import { IdentifierValueSchema } from '@lienthong/core';
import { LabReportSchema } from '@lienthong/result-exchange';
import { z } from 'zod';
import { CodingSchema } from '../model.js';

/** A diagnosis of the patient across visits (ICD-10), with where and when it was seen. */
export const SummaryProblemSchema = z.object({
  code: CodingSchema.extend({ display: z.string().optional() }),
  /** Main diagnosis (MA_BENH_CHINH) of at least one visit. */
  main: z.boolean(),
  firstSeen: z.string().optional(),
  lastSeen: z.string().optional(),
  /** Facility codes where it was recorded. */
  facilities: z.array(z.string()),
  /** Number of visits that recorded it. */
  visits: z.number().int(),
});

/** A medication of a recent visit (XML2 row), `current` or `recent` as of the summary. */
export const SummaryMedicationSchema = z.object({
  code: z.string().optional(),
  name: z.string().optional(),
  strength: z.string().optional(),
  route: z.string().optional(),
  dose: z.string().optional(),
  directions: z.string().optional(),
  /** When it was last given (NGAY_TH_YL), else ordered (NGAY_YL), else the visit's time. */
  at: z.string().optional(),
  facility: z.string().optional(),
  /** The visit key. */
  visit: z.string(),
  status: z.enum(['current', 'recent']),
});

/** A procedure (ICD-9-CM) of a visit, or of one of its services. */
export const SummaryProcedureSchema = z.object({
  code: CodingSchema,
  name: z.string().optional(),
  at: z.string().optional(),
  facility: z.string().optional(),
  visit: z.string(),
});

/** One visit as an encounter with its period. */
export const SummaryEncounterSchema = z.object({
  visit: z.string(),
  facility: z.string().optional(),
  visitType: z.string().optional(),
  admittedAt: z.string().optional(),
  inpatientAt: z.string().optional(),
  dischargedAt: z.string().optional(),
  mainDiagnosis: CodingSchema.extend({ display: z.string().optional() }).optional(),
});

/** An imaging study shared by reference (DICOMweb), as the summary lists it. */
export const SummaryImagingSchema = z.object({
  studyInstanceUid: z.string(),
  startedAt: z.string().optional(),
  modalities: z.array(z.string()),
  description: z.string().optional(),
  facility: z.string().optional(),
});

/** The patient summary of `VisitHistory.summary`: one typed object, newest first in every list. */
export const PatientSummarySchema = z.object({
  patient: z.object({
    identifiers: z.array(IdentifierValueSchema),
    name: z.string().optional(),
    birth: z.string().optional(),
    sex: z.enum(['male', 'female', 'unknown']).optional(),
  }),
  /** The instant the summary was made for. */
  asOf: z.string(),
  problems: z.array(SummaryProblemSchema),
  medications: z.array(SummaryMedicationSchema),
  procedures: z.array(SummaryProcedureSchema),
  encounters: z.array(SummaryEncounterSchema),
  labResults: z.array(LabReportSchema),
  imaging: z.array(SummaryImagingSchema),
  /** Diagnoses a sensitive-diagnosis policy kept from this reader: counted, never silently dropped. */
  withheld: z.number().int(),
});

export type SummaryProblem = z.infer<typeof SummaryProblemSchema>;
export type SummaryMedication = z.infer<typeof SummaryMedicationSchema>;
export type SummaryProcedure = z.infer<typeof SummaryProcedureSchema>;
export type SummaryEncounter = z.infer<typeof SummaryEncounterSchema>;
export type SummaryImaging = z.infer<typeof SummaryImagingSchema>;
export type PatientSummary = z.infer<typeof PatientSummarySchema>;
