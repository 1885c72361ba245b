import type { LabReport, PublishReceipt, ResultExchange } from '@lienthong/result-exchange';
import { clientOf, type HubProviderOptions, orUndefined, pages } from './options.js';

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
      return (await hub.POST('/v1/lab-reports', {
        body: report,
        ...(o?.idempotencyKey ? { idempotencyKey: o.idempotencyKey } : {}),
        ...(o?.signal ? { signal: o.signal } : {}),
      })) as PublishReceipt;
    },
    get: (id, o) =>
      orUndefined(
        hub.GET('/v1/lab-reports/{id}', { path: { id }, ...(o?.signal ? { signal: o.signal } : {}) }),
      ) as Promise<LabReport | undefined>,
    query(query, o) {
      const statuses =
        query.status === undefined
          ? undefined
          : typeof query.status === 'string'
            ? [query.status]
            : [...query.status];
      return pages(
        (cursor) =>
          hub.GET('/v1/lab-reports', {
            query: {
              ...(query.patient ? { patient: `${query.patient.system}|${query.patient.value}` } : {}),
              ...(query.codes?.length ? { code: query.codes.map((c) => `${c.system}|${c.code}`) } : {}),
              ...(query.since ? { since: query.since } : {}),
              ...(query.until ? { until: query.until } : {}),
              ...(query.facility ? { facility: query.facility } : {}),
              ...(statuses ? { status: statuses } : {}),
              limit: o?.pageSize ?? pageSize,
              ...(cursor ? { cursor } : {}),
            },
            ...(o?.signal ? { signal: o.signal } : {}),
          }) as Promise<{ items: LabReport[]; nextCursor: string | null }>,
      );
    },
    async history(id) {
      const answer = await orUndefined(hub.GET('/v1/lab-reports/{id}/history', { path: { id } }));
      return (answer?.items ?? []) as LabReport[];
    },
  };
}
