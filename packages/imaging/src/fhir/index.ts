/**
 * `@lienthong/imaging/fhir` — imaging references as FHIR R4 `ImagingStudy` + `Endpoint`
 * (+ `DiagnosticReport` for the signed report), and the `fhir` ImagingRegistry provider.
 * @packageDocumentation
 */
export {
  DEFAULT_IMAGING_EXTENSION_URLS,
  type FhirImagingResources,
  type FromFhirImagingInput,
  type FromFhirImagingOptions,
  fromFhirImagingStudy,
  IMAGING_FHIR,
  type ImagingExtensionUrls,
  type ToFhirImagingOptions,
  toFhirImagingStudy,
} from './convert.js';
export {
  createFhirImagingRegistry,
  type FhirImagingRegistryOptions,
  IMAGING_REFERENCE_VERSION_EXTENSION,
  IMAGING_REPORT_IDENTIFIER_SYSTEM,
} from './registry.js';
