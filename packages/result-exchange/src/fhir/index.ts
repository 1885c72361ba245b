/**
 * `@lienthong/result-exchange/fhir` — FHIR R4 DiagnosticReport + Observation + Specimen codec and
 * the `fhir` provider of the ResultExchange contract (any FHIR R4 server). The decoders and the
 * encoder answer `{ value, warnings }`; `safeDecodeFhirBundle` a `Result`.
 * @packageDocumentation
 */

export { LAB_CONTENT_KEY_SYSTEM } from './content-key.js';
export { decodeFhirObservation } from './decode-observation.js';
export { decodeFhirBundle, type FhirDecodeResult, safeDecodeFhirBundle } from './decode-report.js';
export {
  type EncodeFhirBundleOptions,
  encodeFhirBundle,
  type FhirReportResources,
  toFhirResources,
} from './encode-report.js';
export { DEFAULT_EXTENSION_URLS, type FhirCodecOptions, type LabExtensionUrls } from './options.js';
export { createFhirResultExchange, type FhirResultExchangeOptions } from './provider.js';
export { FHIR_IDEMPOTENCY_TAG_SYSTEM, FHIR_REPORT_VERSION_EXTENSION } from './server-conventions.js';
