/**
 * `@lienthong/result-exchange` — lab results between hospitals: the neutral `LabReport` model,
 * the `ResultExchange` contract (v1) with its in-memory provider, the reuse advisor and trends.
 * Codecs live in subpaths so a bundle pays only for the formats it uses:
 * `/fhir` (FHIR R4, plus the FHIR-server provider), `/xml4` (insurance XML4), `/hl7` (HL7 v2
 * ORU^R01), `/cv365` (CV 365 `HoSoBenhAn` export); `/formats` addresses them all by name (detect,
 * decode, encode, add your own). What provider authors share (publish rules, idempotency cache,
 * query matching and order) is in `/provider-kit`.
 * @packageDocumentation
 */
export type { LabReportQuery, ResultExchange, ResultExchangeCapabilities } from './contract.js';
export { createMemoryResultExchange, type MemoryResultExchangeOptions } from './memory.js';
export {
  type Facility,
  FacilitySchema,
  type LabCoding,
  LabCodingSchema,
  type LabObservation,
  LabObservationSchema,
  type Laboratory,
  type LabQuantity,
  type LabReport,
  type LabReportInput,
  LabReportSchema,
  type LabValue,
  LabValueSchema,
  labDateTime,
  OBSERVATION_STATUSES,
  type ObservationStatus,
  parseLabReport,
  REPORT_STATUSES,
  type ReferenceRange,
  type ReportStatus,
  type Signer,
  type Specimen,
  safeParseLabReport,
} from './model.js';
export {
  type AdviseOptions,
  adviseReuse,
  DRAFT_2026_REUSE_POLICY,
  type GroupAssignment,
  type IntendedOrder,
  type ReuseAdvice,
  type ReuseCandidate,
  type ReuseDecision,
  ReuseDecisionSchema,
  type ReuseGroup,
  type ReusePolicy,
  type ReuseReason,
  type ReuseReasonCode,
  recordReuseDecision,
  reuseGroupOf,
} from './reuse.js';
export {
  type CodeKind,
  codeKind,
  createLabSystems,
  DEFAULT_LAB_SYSTEMS,
  isRecognisedCode,
  type LabSystems,
} from './systems.js';
export { buildTrend, type Trend, type TrendOptions, type TrendPoint } from './trends.js';
export { COMMON_UNIT_SYNONYMS, createUnitNormaliser, normaliseUnit, type UnitNormaliser } from './units.js';
