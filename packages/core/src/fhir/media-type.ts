/**
 * The FHIR JSON media type. FHIR servers are asked for it (`Accept`) and sent it (`Content-Type`):
 * some answer plain `application/json` requests with XML or refuse them (HTTP 415).
 */
export const FHIR_JSON = 'application/fhir+json';
