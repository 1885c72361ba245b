/**
 * `@lienthong/visits` — the visit model: one visit of the insurance XML 130 file set (QĐ 130/QĐ-BYT
 * as amended by QĐ 4750/QĐ-BYT) with its diagnoses, medications, services, clinical-course notes and
 * lab reports; the `VisitHistory` contract (visits shared across hospitals, the patient summary) and
 * its memory provider. The codecs are `@lienthong/visits/xml130` and `@lienthong/visits/fhir`.
 * @packageDocumentation
 */

export type {
  SummaryOptions,
  VisitHistory,
  VisitHistoryCapabilities,
  VisitQuery,
} from './history/contract.js';
export { createMemoryVisitHistory, type MemoryVisitHistoryOptions } from './history/memory.js';
export {
  type PatientSummary,
  PatientSummarySchema,
  type SummaryEncounter,
  SummaryEncounterSchema,
  type SummaryImaging,
  SummaryImagingSchema,
  type SummaryMedication,
  SummaryMedicationSchema,
  type SummaryProblem,
  SummaryProblemSchema,
  type SummaryProcedure,
  SummaryProcedureSchema,
} from './history/summary-model.js';
export type { VisitSummaryOptions } from './history/summary-options.js';
export {
  type Coding,
  CodingSchema,
  type CourseNote,
  CourseNoteSchema,
  ICD9CM_SYSTEM,
  ICD10_SYSTEM,
  type Medication,
  MedicationSchema,
  newVisit,
  parseVisit,
  parseVisitFileSet,
  type RawTable,
  RawTableSchema,
  type Service,
  ServiceSchema,
  SourceFieldsSchema,
  safeParseVisit,
  safeParseVisitFileSet,
  type Visit,
  type VisitFileSet,
  VisitFileSetSchema,
  VisitSchema,
} from './model.js';
