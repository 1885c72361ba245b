/**
 * `@lienthong/hub-api` — the hub's OpenAPI contract (`@lienthong/hub-api/openapi.yaml`), types
 * generated from it, a typed client, and hub providers for the SDK's contracts.
 * @packageDocumentation
 */
export {
  type CallOptions,
  createHubClient,
  type HubClient,
  type HubClientOptions,
  type PathsWith,
  type SuccessBody,
} from './client.js';
export type { components, operations, paths } from './generated/openapi.js';
export { createHubCatalogueReleases, type HubCatalogueReleases } from './providers/catalogue.js';
export { createHubImagingRegistry } from './providers/imaging-registry.js';
export type { HubProviderOptions } from './providers/options.js';
export { createHubPatientDirectory } from './providers/patient-directory.js';
export { createHubResultExchange } from './providers/result-exchange.js';
export { createHubVisitHistory, publishVisitFileSet } from './providers/visit-history.js';
