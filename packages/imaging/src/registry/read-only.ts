import { checkAborted, type ImagingRegistry, readOnlyError } from './contract.js';

/**
 * A read-only view of a registry: the same reads, `capabilities.write` declared `false`, and
 * `publish` rejecting with `IMAGING_REGISTRY_READ_ONLY` before anything is sent. For backends that
 * serve reads only — e.g. the exchange hub's FHIR facade, whose CapabilityStatement declares no
 * write interaction:
 *
 * ```ts
 * const registry = readOnlyImagingRegistry(createFhirImagingRegistry({ baseUrl: `${hub}/fhir` }), 'hub FHIR facade');
 * ```
 */
export function readOnlyImagingRegistry(registry: ImagingRegistry, name = 'this'): ImagingRegistry {
  return {
    contract: registry.contract,
    capabilities: { ...registry.capabilities, write: false },
    async publish(_reference, options = {}) {
      checkAborted(options.signal);
      throw readOnlyError(name);
    },
    get: (uid, options) => registry.get(uid, options),
    query: (query, options) => registry.query(query, options),
  };
}
