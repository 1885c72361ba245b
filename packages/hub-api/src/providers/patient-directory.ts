import { formatTokenParam, ValidationError } from '@lienthong/core';
import { throwIfAborted } from '@lienthong/core/contract';
import type { PatientDirectory } from '@lienthong/patient-id';
import { clientOf, type HubProviderOptions, orUndefined, pageQuery, pages, signalOf } from './options.js';

/**
 * The hub answers about the patient an identifier names, never about demographics alone: a search or
 * match without one fails here, before any request, with the code the hub itself would answer.
 */
function identifierRequired(path: string): ValidationError {
  return new ValidationError({
    code: 'HUB_SEARCH_PATIENT_REQUIRED',
    message: `The hub searches and matches the patient an identifier names: give ${path} (demographics alone are not served).`,
    messageVi: `Sàn chỉ tìm và so khớp người bệnh theo mã định danh: hãy truyền ${path} (không phục vụ tìm chỉ theo nhân khẩu học).`,
    path,
  });
}

/**
 * `PatientDirectory` over a Liên Thông hub: lookups, PDQm search and `$match` of the patient an
 * identifier names (`capabilities.demographicSearch` is false: without an identifier they fail with
 * a `ValidationError` `HUB_SEARCH_PATIENT_REQUIRED`), PIXm cross-reference and upsert, each a call
 * of the hub API (and each read audited by the hub).
 * @example const directory = createHubPatientDirectory({ baseUrl: 'https://hub.example.vn', apiKey });
 */
export function createHubPatientDirectory(options: HubProviderOptions): PatientDirectory {
  const hub = clientOf(options);
  const pageSize = options.pageSize ?? 50;
  return {
    contract: 'patient-directory/v1',
    capabilities: { write: true, demographicSearch: false, anyIdentifier: true },
    async findByIdentifier(identifier, o) {
      throwIfAborted(o?.signal);
      return orUndefined(
        hub.GET('/v1/patients/by-identifier', {
          query: { identifier: formatTokenParam(identifier.system, identifier.value) },
          ...signalOf(o),
        }),
      );
    },
    search(query, o) {
      const { identifier } = query;
      return pages((cursor) => {
        if (!identifier) throw identifierRequired('identifier');
        return hub.GET('/v1/patients', {
          query: {
            identifier: formatTokenParam(identifier.system, identifier.value),
            ...pageQuery(
              {
                family: query.family,
                given: query.given,
                name: query.name,
                birthDate: query.birthDate,
                sex: query.sex,
              },
              o?.pageSize ?? pageSize,
              cursor,
            ),
          },
          ...signalOf(o),
        });
      }, o?.signal);
    },
    async match(input, o) {
      throwIfAborted(o?.signal);
      const { identifiers } = input;
      if (!identifiers?.length) throw identifierRequired('identifiers');
      const { candidates } = await hub.POST('/v1/patients/match', {
        body: {
          input: { ...input, identifiers },
          ...(o?.limit ? { limit: o.limit } : {}),
          ...(o?.minGrade ? { minGrade: o.minGrade } : {}),
        },
        ...signalOf(o),
      });
      return candidates;
    },
    async crossReference(identifier, o) {
      throwIfAborted(o?.signal);
      const answer = await orUndefined(
        hub.GET('/v1/patients/cross-reference', {
          query: {
            identifier: formatTokenParam(identifier.system, identifier.value),
            ...(o?.targetSystems ? { targetSystem: [...o.targetSystems] } : {}),
          },
          ...signalOf(o),
        }),
      );
      return answer?.identifiers;
    },
    async upsert(record, o) {
      throwIfAborted(o?.signal);
      const receipt = await hub.PUT('/v1/patients', {
        body: record,
        ...signalOf(o),
      });
      return receipt;
    },
  };
}
