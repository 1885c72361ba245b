/**
 * `@lienthong/imaging/fhir` — imaging references as FHIR R4 `ImagingStudy` + `Endpoint`
 * (+ `DiagnosticReport` for the signed report), and the `fhir` ImagingRegistry provider.
 * @packageDocumentation
 */
export {
  type FhirImagingResources,
  type FromFhirImagingInput,
  fromFhirImagingStudy,
  IMAGING_FHIR,
  type ToFhirImagingOptions,
  toFhirImagingStudy,
} from './convert.js';
export {
  createFhirImagingRegistry,
  type FhirImagingRegistryOptions,
  IMAGING_REPORT_IDENTIFIER_SYSTEM,
} from './registry.js';
