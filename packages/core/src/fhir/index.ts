/**
 * `@lienthong/core/fhir` — the FHIR R4 client every `fhir` provider is built on: typed reads,
 * searches (one page, one match, every page), writes, transactions and operations over the core
 * transport. The FHIR builders, `serverCapabilities` and the resource types are in the main entry.
 * @packageDocumentation
 */
export {
  createFhirClient,
  type FhirClient,
  type FhirCreateOptions,
  type FhirOperationOptions,
  type FhirPagesOptions,
  type FhirRequestOptions,
  type FhirTransactionOptions,
  type FhirUpdateOptions,
} from './client/fhir-client.js';
export { FHIR_JSON } from './media-type.js';
export { bundleMatches, isBundle, isResource } from './resources.js';
export { createdResources, discard, entryStatus, lostRace } from './write-outcome.js';
