import { formatTokenParam } from '@lienthong/core';
import { throwIfAborted } from '@lienthong/core/contract';
import type { ResultExchange } from '@lienthong/result-exchange';
import { statusesOf } from '@lienthong/result-exchange/provider-kit';
import { clientOf, type HubProviderOptions, orUndefined, pageQuery, pages, signalOf } from './options.js';

/**
 * `ResultExchange` over a Liên Thông hub: idempotent publish (the idempotency key travels as the
 * `Idempotency-Key` header, so a retried publish is safe), get, history, and cursor-paged query.
 * The hub answers a query of one `patient`, or of the reports the caller published itself
 * (`facility` = its own code, no patient); any other query fails when iterated, with the hub's
 * `ValidationError` `HUB_SEARCH_PATIENT_REQUIRED` (`AuthError` `HUB_SEARCH_OTHER_FACILITY` for
 * another facility's code).
 * @example const exchange = createHubResultExchange({ baseUrl: 'https://hub.example.vn', apiKey });
 */
export function createHubResultExchange(options: HubProviderOptions): ResultExchange {
  const hub = clientOf(options);
  const pageSize = options.pageSize ?? 50;
  return {
    contract: 'result-exchange/v1',
    capabilities: { write: true, history: true },
    async publish(report, o) {
      throwIfAborted(o?.signal);
      return hub.POST('/v1/lab-reports', {
        body: report,
        ...(o?.idempotencyKey ? { idempotencyKey: o.idempotencyKey } : {}),
        ...signalOf(o),
      });
    },
    async get(id, o) {
      throwIfAborted(o?.signal);
      return orUndefined(hub.GET('/v1/lab-reports/{id}', { path: { id }, ...signalOf(o) }));
    },
    query(query, o) {
      const statuses = statusesOf(query);
      return pages(
        (cursor) =>
          hub.GET('/v1/lab-reports', {
            query: pageQuery(
              {
                patient: query.patient && formatTokenParam(query.patient.system, query.patient.value),
                code: query.codes?.length
                  ? query.codes.map((c) => formatTokenParam(c.system, c.code))
                  : undefined,
                since: query.since,
                until: query.until,
                facility: query.facility,
                status: statuses,
              },
              o?.pageSize ?? pageSize,
              cursor,
            ),
            ...signalOf(o),
          }),
        o?.signal,
      );
    },
    async history(id, o) {
      throwIfAborted(o?.signal);
      const answer = await orUndefined(
        hub.GET('/v1/lab-reports/{id}/history', { path: { id }, ...signalOf(o) }),
      );
      return answer?.items ?? [];
    },
  };
}
