/**
 * What the `fhir` provider writes on a FHIR server beside the codec's resources (its defaults):
 * servers that serve reports to it — such as the exchange hub's FHIR facade — use the same URLs.
 */

/** Extension on each DiagnosticReport version carrying the report's version number (`valueInteger`). */
export const FHIR_REPORT_VERSION_EXTENSION = 'urn:lienthong:fhir:ext:report-version';

/** Tag system marking the DiagnosticReport version an idempotency key created. */
export const FHIR_IDEMPOTENCY_TAG_SYSTEM = 'urn:lienthong:idempotency-key';
