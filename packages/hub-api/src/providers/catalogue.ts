import { decodeRelease, type Release } from '@lienthong/catalogue';
import { clientOf, type HubProviderOptions, signalOf } from './options.js';

/** Catalogue releases served by a hub: list them, fetch one as a decoded `Release`. */
export interface HubCatalogueReleases {
  list(options?: {
    signal?: AbortSignal;
  }): Promise<
    { id: string; system: { id: string; uri: string; name: string; version: string }; conceptCount: number }[]
  >;
  fetch(id: string, options?: { signal?: AbortSignal }): Promise<Release>;
}

/**
 * Catalogue releases from a hub, ready for `createCatalogue` — so every facility of a province
 * searches the same release the hub validates against.
 * @example
 * const releases = createHubCatalogueReleases({ baseUrl, apiKey });
 * const catalogue = createCatalogue([await releases.fetch('tt23-pl01')]);
 */
export function createHubCatalogueReleases(options: HubProviderOptions): HubCatalogueReleases {
  const hub = clientOf(options);
  return {
    async list(o) {
      return (await hub.GET('/v1/catalogue/releases', signalOf(o))).items;
    },
    async fetch(id, o) {
      const compact = await hub.GET('/v1/catalogue/releases/{id}', {
        path: { id },
        ...signalOf(o),
      });
      return decodeRelease(compact);
    },
  };
}
