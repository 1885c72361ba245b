import { formatTokenParam } from '@lienthong/core';
import { throwIfAborted } from '@lienthong/core/contract';
import type { ImagingRegistry } from '@lienthong/imaging';
import { clientOf, type HubProviderOptions, orUndefined, pageQuery, pages, signalOf } from './options.js';

/**
 * `ImagingRegistry` over a Liên Thông hub: publish (idempotent on the study UID), get, query. The
 * hub answers a query of one `patientIdentifier`, or of the references the caller published itself
 * (`facility` = its own code, no patient); any other query fails when iterated, with the hub's
 * `ValidationError` `HUB_SEARCH_PATIENT_REQUIRED` (`AuthError` `HUB_SEARCH_OTHER_FACILITY` for
 * another facility's code).
 * @example const registry = createHubImagingRegistry({ baseUrl: 'https://hub.example.vn', apiKey });
 */
export function createHubImagingRegistry(options: HubProviderOptions): ImagingRegistry {
  const hub = clientOf(options);
  const pageSize = options.pageSize ?? 50;
  return {
    contract: 'imaging-registry/v1',
    capabilities: { write: true },
    async publish(reference, o) {
      throwIfAborted(o?.signal);
      return hub.POST('/v1/imaging-references', {
        body: reference,
        ...signalOf(o),
      });
    },
    async get(uid, o) {
      throwIfAborted(o?.signal);
      return orUndefined(
        hub.GET('/v1/imaging-references/{uid}', {
          path: { uid },
          ...signalOf(o),
        }),
      );
    },
    query(query, o) {
      return pages(
        (cursor) =>
          hub.GET('/v1/imaging-references', {
            query: {
              ...(query.patientIdentifier
                ? { patient: formatTokenParam(query.patientIdentifier.system, query.patientIdentifier.value) }
                : {}),
              ...pageQuery(
                {
                  modality: query.modality,
                  since: query.since,
                  until: query.until,
                  facility: query.facility,
                },
                o?.pageSize ?? pageSize,
                cursor,
              ),
            },
            ...signalOf(o),
          }),
        o?.signal,
      );
    },
  };
}
