/**
 * `@lienthong/visits/fhir` — visits as FHIR R4 (VN Core profiles declared), both ways: Encounter,
 * Patient, Condition, Procedure, ChargeItem, MedicationStatement, ClinicalImpression and the lab
 * reports (result-exchange) in one Bundle, with whatever FHIR has no element for in the `xml130-row`
 * and `xml130-table` extensions so that XML 130 → FHIR → XML 130 keeps every field. The mapping,
 * field by field, is in docs/en/packages/visits.md. `createFhirVisitHistory` is the visit history
 * (`visit-history/v1`) over any FHIR R4 server, built on that mapping.
 * @packageDocumentation
 */
export { decodeFhirVisitBundle, type FhirVisitDecodeResult, safeDecodeFhirVisitBundle } from './decode.js';
export { type EncodeFhirVisitBundleOptions, encodeFhirVisitBundle } from './encode.js';
export {
  DEFAULT_VISIT_IDENTIFIER_SYSTEMS,
  type VisitFhirOptions,
  type VisitIdentifierSystems,
  type Xml130CodedField,
} from './options.js';
export {
  encodePatientSummaryDocument,
  type PatientSummaryDocumentOptions,
  SUMMARY_SECTIONS,
  WITHHELD_EXTENSION,
} from './patient-summary.js';
export { createFhirVisitHistory, type FhirVisitHistoryOptions } from './provider.js';
export { servedVisitExtension } from './served-visit.js';
export {
  FHIR_PATIENT_RECORD_SYSTEM,
  FHIR_VISIT_KEY_SYSTEM,
  FHIR_VISIT_MODEL_EXTENSION,
  FHIR_VISIT_VERSION_EXTENSION,
} from './server-conventions.js';
export { XML130_EXTENSIONS } from './source-extensions.js';
