/**
 * `@lienthong/visits` — the visit model: one visit of the insurance XML 130 file set (QĐ 130/QĐ-BYT
 * as amended by QĐ 4750/QĐ-BYT) with its diagnoses, medications, services, clinical-course notes and
 * lab reports. The codec is `@lienthong/visits/xml130`.
 * @packageDocumentation
 */
export {
  type Coding,
  CodingSchema,
  type CourseNote,
  CourseNoteSchema,
  ICD9CM_SYSTEM,
  ICD10_SYSTEM,
  type Medication,
  MedicationSchema,
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
