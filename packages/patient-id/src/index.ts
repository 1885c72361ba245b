/**
 * `@lienthong/patient-id` — Vietnamese patient identifiers (personal ID / CCCD, old ID card,
 * passport, insurance card, facility code, hospital record number), province tables, and
 * (as they land) the patient model and the `PatientDirectory` contract with its providers.
 * The identifier parsers alone, without zod: `@lienthong/patient-id/validators`; the matching rule
 * provider authors share: `@lienthong/patient-id/provider-kit`.
 * @packageDocumentation
 */
export {
  detectIdentifierType,
  type IdentifierCheck,
  type IdentifierType,
  safeParseIdentifier,
} from './detect.js';
export type {
  CrossReferenceOptions,
  IdentifierRef,
  LookupOptions,
  MatchCandidate,
  MatchOptions,
  PatientDirectory,
  PatientDirectoryCapabilities,
  PatientQuery,
  SearchOptions,
  UpsertReceipt,
} from './directory/contract.js';
export { createMemoryPatientDirectory, type MemoryPatientDirectoryOptions } from './directory/memory.js';
export {
  formatInsuranceCards,
  hospitalRecordIdentifier,
  maskCitizenId,
  maskInsuranceCard,
  maskOldIdCard,
  maskPassport,
  safeParseInsuranceCards,
} from './identifiers.js';
export {
  gradeOf,
  MATCH_THRESHOLDS,
  MATCH_WEIGHTS,
  type MatchGrade,
  type MatchInput,
  type MatchResult,
  rankCandidates,
  scoreMatch,
} from './matching/match.js';
export { jaroWinkler, NAME_VARIANTS, nameWords, normaliseNameWord } from './matching/names.js';
export {
  type FhirPatientOptions,
  fromFhirPatient,
  identifierKind,
  PATIENT_EXTENSIONS,
  toFhirPatient,
} from './model/fhir-patient.js';
export {
  type Address,
  AddressSchema,
  birthDatePrecision,
  type ContactPoint,
  ContactPointSchema,
  fullName,
  type InsuranceCoverage,
  InsuranceCoverageSchema,
  type PatientIdentifier,
  PatientIdentifierSchema,
  type PatientRecord,
  type PatientRecordInput,
  PatientRecordSchema,
  type PersonName,
  PersonNameSchema,
  safeParsePatientRecord,
  splitVietnameseName,
} from './model/patient-record.js';
export {
  type CurrentProvince,
  currentProvince,
  currentProvinces,
  type OldProvince,
  oldProvince,
  oldProvinces,
} from './provinces.js';
export {
  type CitizenIdOptions,
  type CitizenIdParts,
  formatCitizenId,
  type IdSex,
  isCitizenId,
  safeParseCitizenId,
} from './validators/citizen-id.js';
export {
  type FacilityCodeParts,
  formatFacilityCode,
  isFacilityCode,
  safeParseFacilityCode,
} from './validators/facility-code.js';
export {
  formatInsuranceCard,
  type InsuranceCardOptions,
  type InsuranceCardParts,
  isInsuranceCard,
  safeParseInsuranceCard,
} from './validators/insurance-card.js';
export {
  formatOldIdCard,
  isOldIdCard,
  type OldIdCardParts,
  safeParseOldIdCard,
} from './validators/old-id-card.js';
export { formatPassport, isPassport, type PassportParts, safeParsePassport } from './validators/passport.js';
export { currentCodeOf } from './validators/province-codes.js';
