import { formatTokenParam, type IdentifierValue, ValidationError } from '@lienthong/core';
import { checkDateRange, pagedAnswer, throwIfAborted, type WriteReceipt } from '@lienthong/core/contract';
import type { VisitHistory } from '@lienthong/visits';
import { clientOf, type HubProviderOptions, orUndefined, pageQuery, pages, signalOf } from './options.js';

/** The patient as the hub's path names them: `system|value`, URL-encoded by the client. */
const patientPath = (patient: IdentifierValue) => ({
  identifier: formatTokenParam(patient.system, patient.value),
});

/**
 * Every read names one patient: a query or summary without one fails here, before any request, with
 * the contract's `VISIT_QUERY_PATIENT_MISSING` (the provider kit's `checkVisitQuery` says the same;
 * importing it would bundle the kit's schemas into this client, three times its size budget).
 */
function checkPatient(patient: Partial<IdentifierValue> | undefined): void {
  if (typeof patient?.system !== 'string' || typeof patient.value !== 'string' || patient.value === '')
    throw new ValidationError({
      code: 'VISIT_QUERY_PATIENT_MISSING',
      path: 'patient',
      message: 'A visit query names one patient: { system, value }',
      messageVi: 'Truy vấn lượt khám phải nêu một người bệnh: { system, value }',
    });
}

/**
 * `VisitHistory` over a Liên Thông hub: idempotent publish (the idempotency key travels as the
 * `Idempotency-Key` header), get and history by visit key, a cursor-paged query of one patient's
 * visits, and the patient's summary. The hub applies its disclosure policy to what it answers: a
 * reader of another facility may see `withheld` diagnoses. A visit may be published only as the
 * caller's facility (403 `HUB_PUBLISH_AS_OTHER_FACILITY` otherwise; an administrator key may
 * publish any facility's visits).
 * @example const history = createHubVisitHistory({ baseUrl: 'https://hub.example.vn', apiKey });
 */
export function createHubVisitHistory(options: HubProviderOptions): VisitHistory {
  const hub = clientOf(options);
  const pageSize = options.pageSize ?? 50;
  return {
    contract: 'visit-history/v1',
    capabilities: { write: true, history: true },
    async publish(visit, o) {
      throwIfAborted(o?.signal);
      const answer = await hub.POST('/v1/visits', {
        body: visit,
        ...(o?.idempotencyKey ? { idempotencyKey: o.idempotencyKey } : {}),
        ...signalOf(o),
      });
      // One visit (JSON) is answered with its receipt; the list of receipts answers XML file sets.
      return 'receipts' in answer ? answer.receipts[0]! : answer;
    },
    async get(key, o) {
      throwIfAborted(o?.signal);
      return orUndefined(hub.GET('/v1/visits/{key}', { path: { key }, ...signalOf(o) }));
    },
    query(query, o) {
      const check = () => {
        checkPatient(query.patient);
        checkDateRange(query);
      };
      return pagedAnswer({ ...o, pageSize: o?.pageSize ?? pageSize }, check, (size) =>
        pages(
          (cursor) =>
            hub.GET('/v1/patients/{identifier}/visits', {
              path: patientPath(query.patient),
              query: pageQuery(
                {
                  facility: query.facility,
                  visitType:
                    query.visitType === undefined
                      ? undefined
                      : typeof query.visitType === 'string'
                        ? [query.visitType]
                        : [...query.visitType],
                  diagnosis: query.diagnosis,
                  since: query.since,
                  until: query.until,
                },
                size,
                cursor,
              ),
              ...signalOf(o),
            }),
          o?.signal,
        ),
      );
    },
    async history(key, o) {
      throwIfAborted(o?.signal);
      const answer = await orUndefined(
        hub.GET('/v1/visits/{key}/history', { path: { key }, ...signalOf(o) }),
      );
      return answer?.items ?? [];
    },
    async summary(patient, o) {
      throwIfAborted(o?.signal);
      // Refused before anything is sent, as every provider refuses it.
      checkPatient(patient);
      return hub.GET('/v1/patients/{identifier}/summary', {
        path: patientPath(patient),
        query: o?.asOf ? { asOf: o.asOf } : {},
        ...signalOf(o),
      });
    },
  };
}

/**
 * Publishes a whole XML 130 file set (`GIAMDINHHS`) to the hub, which decodes it strictly and stores
 * every visit in one transaction or none: one receipt per visit, in the file set's order. Errors
 * come back with their place (`XML130_INVALID` listing every problem, 403 at `visits[i].facility`).
 * @example const receipts = await publishVisitFileSet({ baseUrl, apiKey }, readFileSync('bo-ho-so.xml'));
 */
export async function publishVisitFileSet(
  options: HubProviderOptions,
  fileSet: string | Uint8Array,
  o: { idempotencyKey?: string; signal?: AbortSignal } = {},
): Promise<WriteReceipt[]> {
  throwIfAborted(o.signal);
  const answer = (await clientOf(options).transport.request('POST', '/v1/visits', {
    // Bytes go as they are (the hub reads the encoding and the BOM); a copy gives fetch a plain ArrayBuffer.
    body: typeof fileSet === 'string' ? fileSet : new Uint8Array(fileSet).buffer,
    headers: { 'content-type': 'application/xml' },
    ...(o.idempotencyKey ? { idempotencyKey: o.idempotencyKey } : {}),
    ...signalOf(o),
  })) as { receipts: WriteReceipt[] };
  return answer.receipts;
}
