/**
 * `@lienthong/result-exchange/fhir` — FHIR R4 DiagnosticReport + Observation + Specimen codec and
 * the `fhir` provider of the ResultExchange contract (any FHIR R4 server).
 * @packageDocumentation
 */
export { decodeFhirObservation, fromFhirObservation, parseFhirObservation } from './decode-observation.js';
export {
  type FhirDecodeResult,
  fromFhirBundle,
  fromFhirDiagnosticReport,
  parseFhirBundle,
} from './decode-report.js';
export {
  type FhirReportResources,
  type ToFhirBundleOptions,
  toFhirBundle,
  toFhirResources,
} from './encode-report.js';
export { DEFAULT_EXTENSION_URLS, type FhirCodecOptions, type LabExtensionUrls } from './options.js';
export { createFhirResultExchange, type FhirResultExchangeOptions } from './provider.js';
export { FHIR_IDEMPOTENCY_TAG_SYSTEM, FHIR_REPORT_VERSION_EXTENSION } from './server-conventions.js';
