import { ValidationError } from '@lienthong/core';
import type {
  MatchCandidate,
  PatientDirectory,
  PatientIdentifier,
  PatientRecord,
} from '@lienthong/patient-id';
import { clientOf, type HubProviderOptions, orUndefined, pages, token } from './options.js';

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
    findByIdentifier: (identifier, o) =>
      orUndefined(
        hub.GET('/v1/patients/by-identifier', {
          query: { identifier: token(identifier.system, identifier.value) },
          ...(o?.signal ? { signal: o.signal } : {}),
        }),
      ) as Promise<PatientRecord | undefined>,
    search(query, o) {
      const { identifier } = query;
      return pages((cursor) => {
        if (!identifier) throw identifierRequired('identifier');
        return hub.GET('/v1/patients', {
          query: {
            identifier: token(identifier.system, identifier.value),
            ...(query.family ? { family: query.family } : {}),
            ...(query.given ? { given: query.given } : {}),
            ...((query as { name?: string }).name ? { name: (query as { name?: string }).name } : {}),
            ...(query.birthDate ? { birthDate: query.birthDate } : {}),
            ...(query.sex ? { sex: query.sex } : {}),
            limit: o?.pageSize ?? pageSize,
            ...(cursor ? { cursor } : {}),
          },
          ...(o?.signal ? { signal: o.signal } : {}),
        }) as Promise<{ items: PatientRecord[]; nextCursor: string | null }>;
      });
    },
    async match(input, o) {
      const { identifiers } = input;
      if (!identifiers?.length) throw identifierRequired('identifiers');
      const { candidates } = await hub.POST('/v1/patients/match', {
        body: {
          input: { ...input, identifiers },
          ...(o?.limit ? { limit: o.limit } : {}),
          ...(o?.minGrade ? { minGrade: o.minGrade } : {}),
        },
        ...(o?.signal ? { signal: o.signal } : {}),
      });
      return candidates as MatchCandidate[];
    },
    async crossReference(identifier, o) {
      const answer = await orUndefined(
        hub.GET('/v1/patients/cross-reference', {
          query: {
            identifier: token(identifier.system, identifier.value),
            ...(o?.targetSystems ? { targetSystem: [...o.targetSystems] } : {}),
          },
          ...(o?.signal ? { signal: o.signal } : {}),
        }),
      );
      return answer?.identifiers as PatientIdentifier[] | undefined;
    },
    async upsert(record, o) {
      const answer = await hub.PUT('/v1/patients', {
        body: record,
        ...(o?.signal ? { signal: o.signal } : {}),
      });
      return answer as { record: PatientRecord; created: boolean };
    },
  };
}
