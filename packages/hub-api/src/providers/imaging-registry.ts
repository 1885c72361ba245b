import type { ImagingReference, ImagingRegistry, PublishReceipt } from '@lienthong/imaging';
import { clientOf, type HubProviderOptions, orUndefined, pages, token } from './options.js';

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
      return (await hub.POST('/v1/imaging-references', {
        body: reference as never,
        ...(o?.signal ? { signal: o.signal } : {}),
      })) as PublishReceipt;
    },
    get: (uid, o) =>
      orUndefined(
        hub.GET('/v1/imaging-references/{uid}', {
          path: { uid },
          ...(o?.signal ? { signal: o.signal } : {}),
        }),
      ) as Promise<ImagingReference | undefined>,
    query(query, o) {
      return pages(
        (cursor) =>
          hub.GET('/v1/imaging-references', {
            query: {
              ...(query.patientIdentifier
                ? { patient: token(query.patientIdentifier.system, query.patientIdentifier.value) }
                : {}),
              ...(query.modality ? { modality: query.modality } : {}),
              ...(query.dateFrom ? { dateFrom: query.dateFrom } : {}),
              ...(query.dateTo ? { dateTo: query.dateTo } : {}),
              ...(query.facility ? { facility: query.facility } : {}),
              limit: o?.pageSize ?? pageSize,
              ...(cursor ? { cursor } : {}),
            },
            ...(o?.signal ? { signal: o.signal } : {}),
          }) as Promise<{ items: ImagingReference[]; nextCursor: string | null }>,
      );
    },
  };
}
