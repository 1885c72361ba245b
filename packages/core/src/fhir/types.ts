/**
 * FHIR R4 resource and datatype types, from the maintained `@medplum/fhirtypes` package (generated
 * from the official StructureDefinitions) — re-exported so SDK users need one import.
 */
export type {
  Bundle,
  BundleEntry,
  BundleLink,
  CapabilityStatement,
  CodeableConcept,
  Coding,
  DiagnosticReport,
  Endpoint,
  Identifier,
  ImagingStudy,
  Observation,
  OperationOutcome,
  OperationOutcomeIssue,
  Patient,
  Reference,
  Resource,
  ResourceType,
  Specimen,
} from '@medplum/fhirtypes';
