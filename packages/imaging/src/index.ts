/**
 * `@lienthong/imaging` — imaging references that let one hospital reuse another's study: DICOM UIDs,
 * the `ImagingReference` model, DICOM JSON conversions, the reuse policy and the `ImagingRegistry`
 * contract with its in-memory provider. Browser-safe. Heavier or Node-only parts live in subpaths:
 * `@lienthong/imaging/dicomweb` (DICOMweb client, `dicomweb` provider), `…/fhir` (FHIR ImagingStudy
 * + Endpoint, `fhir` provider) and `…/scanner` (Node: Part-10 folder scanner); the matching rule
 * provider authors share is in `…/provider-kit`.
 * @packageDocumentation
 */
export {
  DICOM_JSON_TAGS,
  type DicomJsonDataset,
  DicomJsonDatasetSchema,
  type DicomJsonKeyword,
  dicomJsonValue,
  dicomJsonValues,
  type FromDicomJsonOptions,
  fromDicomJsonInstances,
  fromDicomJsonSeries,
  fromDicomJsonStudies,
  instanceFactsFromDicomJson,
} from './dicom-json.js';
export { type GroupOptions, type InstanceFacts, ReferenceGrouper } from './grouping.js';
export {
  type BodyPart,
  BodyPartSchema,
  type Completeness,
  CompletenessSchema,
  type DicomUid,
  DicomUidSchema,
  type DicomwebEndpoints,
  DicomwebEndpointsSchema,
  type Facility,
  FacilitySchema,
  ImagingPatientSchema,
  type ImagingReference,
  type ImagingReferenceInput,
  ImagingReferenceSchema,
  type ImagingReport,
  ImagingReportSchema,
  type ImagingSeries,
  ImagingSeriesSchema,
  ModalitySchema,
  type ReportSigner,
  ReportSignerSchema,
  StudyTimeSchema,
  UtcOffsetSchema,
} from './model.js';
export {
  dicomDateToIso,
  dicomOffsetToIso,
  dicomTimeToIso,
  parseImagingReference,
  safeParseImagingReference,
  summariseSeries,
} from './reference.js';
export {
  IMAGING_REGISTRY_CONTRACT,
  type ImagingQuery,
  ImagingQuerySchema,
  type ImagingRegistry,
  parseImagingQuery,
} from './registry/contract.js';
export { createMemoryImagingRegistry, type MemoryImagingRegistryOptions } from './registry/memory.js';
export {
  defineReusePolicy,
  evaluateReuse,
  type ReuseCheck,
  type ReuseContext,
  type ReuseDecision,
  type ReusePolicy,
  type ReusePolicyInput,
  ReusePolicySchema,
} from './reuse-policy.js';
export {
  dicomUidFromUrn,
  dicomUidToUrn,
  generateDicomUid,
  isDicomUid,
  parseDicomUid,
  safeParseDicomUid,
} from './uid.js';
