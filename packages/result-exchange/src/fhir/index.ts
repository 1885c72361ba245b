/**
 * `@lienthong/result-exchange/fhir` — FHIR R4 DiagnosticReport + Observation + Specimen codec and
 * the `fhir` provider of the ResultExchange contract (any FHIR R4 server).
 * @packageDocumentation
 */
export {
  DEFAULT_EXTENSION_URLS,
  decodeFhirObservation,
  type FhirCodecOptions,
  type FhirDecodeResult,
  type FhirReportResources,
  fromFhirBundle,
  fromFhirDiagnosticReport,
  fromFhirObservation,
  type LabExtensionUrls,
  parseFhirBundle,
  parseFhirObservation,
  type ToFhirBundleOptions,
  toFhirBundle,
  toFhirResources,
} from './codec.js';
export { createFhirResultExchange, type FhirResultExchangeOptions } from './provider.js';
export { FHIR_IDEMPOTENCY_TAG_SYSTEM, FHIR_REPORT_VERSION_EXTENSION } from './server-conventions.js';
