import {
  type AuthProvider,
  type Bundle,
  ConflictError,
  createTransport,
  DEFAULT_IDENTIFIER_SYSTEMS,
  type IdentifierSystems,
  isNotFoundError,
  LienThongError,
  type Patient,
  parseWith,
  type Transport,
  tokenParam,
} from '@lienthong/core';
import type { CapabilityStatement, Parameters } from '@medplum/fhirtypes';
import type { IdentifierRef, MatchCandidate, PatientDirectory, PatientQuery } from '../directory/contract.js';
import { matchesQuery, throwIfAborted } from '../directory/query.js';
import { type MatchGrade, type MatchInput, rankCandidates } from '../matching/match.js';
import { fromFhirPatient, identifierKind, toFhirPatient } from '../model/fhir-patient.js';
import { type PatientIdentifier, type PatientRecord, PatientRecordSchema } from '../model/patient-record.js';

/** Options of {@link createFhirPatientDirectory}. */
export interface FhirPatientDirectoryOptions {
  /** FHIR base URL (`https://fhir.example.vn/fhir`), when no `transport` is given. */
  baseUrl?: string;
  /** A ready transport (its base URL is the FHIR base). */
  transport?: Transport;
  auth?: AuthProvider;
  fetch?: typeof globalThis.fetch;
  /** Identifier-system URIs (VN Core by default). */
  systems?: IdentifierSystems;
  /** Use `$match` / `$ihe-pix` when the CapabilityStatement declares them (default true). */
  useOperations?: boolean;
  /** Records per page asked of the server for candidate searches (default 100). */
  candidatePageSize?: number;
}

const FHIR = { accept: 'application/fhir+json' };

interface ServerFeatures {
  match: boolean;
  pix: boolean;
}

function declared(cs: CapabilityStatement, name: string): boolean {
  for (const rest of cs.rest ?? []) {
    const ops = [
      ...(rest.operation ?? []),
      ...(rest.resource?.find((r) => r.type === 'Patient')?.operation ?? []),
    ];
    if (ops.some((o) => o.name === name || o.name === `$${name}` || o.definition?.endsWith(`/${name}`)))
      return true;
  }
  return false;
}

/**
 * A `PatientDirectory` over a FHIR R4 server (writable: `upsert` creates or updates `Patient`).
 * @example
 * const directory = createFhirPatientDirectory({ baseUrl: 'https://fhir.benhvien.example.vn/fhir', auth: bearerAuth(token) });
 * const patient = await directory.findByIdentifier({ system: DEFAULT_IDENTIFIER_SYSTEMS.cccd, value });
 */
export function createFhirPatientDirectory(options: FhirPatientDirectoryOptions): PatientDirectory {
  if (!options.transport && !options.baseUrl) {
    throw new LienThongError({
      code: 'FHIR_DIRECTORY_CONFIG_INVALID',
      message: 'createFhirPatientDirectory needs a baseUrl or a transport.',
      messageVi: 'createFhirPatientDirectory cần baseUrl hoặc transport.',
    });
  }
  const fhir =
    options.transport ??
    createTransport({
      baseUrl: options.baseUrl!,
      ...(options.auth ? { auth: options.auth } : {}),
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
  const systems = options.systems ?? DEFAULT_IDENTIFIER_SYSTEMS;
  const pageSize = options.candidatePageSize ?? 100;
  let features: Promise<ServerFeatures> | undefined;

  function serverFeatures(signal?: AbortSignal): Promise<ServerFeatures> {
    if (options.useOperations === false) return Promise.resolve({ match: false, pix: false });
    if (!features) {
      features = (
        fhir.get('metadata', { headers: FHIR, ...(signal ? { signal } : {}) }) as Promise<CapabilityStatement>
      ).then((cs) => ({ match: declared(cs, 'match'), pix: declared(cs, 'ihe-pix') }));
      features.catch(() => {
        features = undefined; // ask again next time
      });
    }
    return features;
  }

  const toRecord = (p: Patient) => fromFhirPatient(p, { systems });

  /** Every Patient of a search, page by page: `next` links, or `_offset` when the server gives a total but no links. */
  async function* searchPatients(
    params: Record<string, string>,
    count: number,
    signal?: AbortSignal,
  ): AsyncGenerator<Patient> {
    let next: string | undefined;
    let offset = 0;
    const seen = new Set<string>();
    for (let page = 0; page < 10_000; page++) {
      throwIfAborted(signal);
      const bundle = (await fhir.get(next ?? 'Patient', {
        headers: FHIR,
        ...(next
          ? {}
          : { searchParams: { ...params, _count: count, ...(offset ? { _offset: offset } : {}) } }),
        ...(signal ? { signal } : {}),
      })) as Bundle<Patient>;
      let fresh = 0;
      for (const entry of bundle.entry ?? []) {
        const p = entry.resource;
        if (p?.resourceType !== 'Patient' || (entry.search?.mode && entry.search.mode !== 'match')) continue;
        const key = p.id ?? JSON.stringify(p.identifier);
        if (seen.has(key)) continue;
        seen.add(key);
        fresh++;
        yield p;
      }
      next = bundle.link?.find((l) => l.relation === 'next')?.url;
      if (next) continue;
      offset += bundle.entry?.length ?? 0;
      if (fresh === 0 || bundle.total === undefined || offset >= bundle.total) return;
    }
  }

  function queryParams(query: PatientQuery): Record<string, string> {
    const narrowed = query.identifier || query.family || query.given;
    return Object.fromEntries(
      Object.entries({
        // `name` is left to the local filter when other parameters narrow the search already.
        name: narrowed ? undefined : query.name,
        family: query.family,
        given: query.given,
        birthdate: query.birthDate,
        gender: query.sex,
        identifier: query.identifier
          ? tokenParam(query.identifier.system, query.identifier.value)
          : undefined,
      }).filter((e): e is [string, string] => e[1] !== undefined),
    );
  }

  async function findPatient(identifier: IdentifierRef, signal?: AbortSignal): Promise<Patient | undefined> {
    for await (const p of searchPatients(
      { identifier: tokenParam(identifier.system, identifier.value) },
      2,
      signal,
    )) {
      if (p.identifier?.some((i) => i.system === identifier.system && i.value === identifier.value)) return p;
    }
    return undefined;
  }

  const directory: PatientDirectory = {
    contract: 'patient-directory/v1',
    capabilities: { write: true, demographicSearch: true, anyIdentifier: true },

    async findByIdentifier(identifier, opts) {
      throwIfAborted(opts?.signal);
      const p = await findPatient(identifier, opts?.signal);
      return p && toRecord(p);
    },

    async *search(query, opts) {
      for await (const p of searchPatients(queryParams(query), opts?.pageSize ?? 50, opts?.signal)) {
        const record = toRecord(p);
        // The contract's semantics (prefix, case- and diacritic-insensitive; FHIR date containment)
        // are applied here too, so servers that search more loosely answer the same.
        if (matchesQuery(record, query)) yield record;
      }
    },

    async match(input: MatchInput, opts) {
      throwIfAborted(opts?.signal);
      const limit = opts?.limit ?? 10;
      const minGrade: MatchGrade = opts?.minGrade ?? 'possible';
      const { match } = await serverFeatures(opts?.signal);
      if (match) {
        const params: Parameters = {
          resourceType: 'Parameters',
          parameter: [
            {
              name: 'resource',
              resource: toFhirPatient(
                {
                  identifiers: input.identifiers?.length
                    ? input.identifiers
                    : [{ system: 'urn:lienthong:sid:none', value: '-' }],
                  ...input,
                  name: input.name ?? {},
                },
                { systems },
              ),
            },
            { name: 'count', valueInteger: limit },
          ],
        };
        const bundle = (await fhir.post('Patient/$match', {
          json: params,
          headers: { ...FHIR, 'content-type': 'application/fhir+json' },
          ...(opts?.signal ? { signal: opts.signal } : {}),
        })) as Bundle<Patient>;
        const records = (bundle.entry ?? [])
          .filter((e) => e.resource?.resourceType === 'Patient')
          .map((e) => toRecord(e.resource!));
        return rankCandidates(input, records, { limit, minGrade });
      }
      // Fallback: gather candidates with plain searches, score them here.
      const searches: Record<string, string>[] = [];
      for (const id of input.identifiers ?? [])
        searches.push({ identifier: tokenParam(id.system, id.value) });
      if (input.birthDate) searches.push({ birthdate: input.birthDate });
      if (input.name?.family) searches.push({ family: input.name.family });
      const candidates = new Map<string, PatientRecord>();
      for (const params of searches) {
        let n = 0;
        for await (const p of searchPatients(params, pageSize, opts?.signal)) {
          candidates.set(p.id ?? JSON.stringify(p.identifier), toRecord(p));
          if (++n >= pageSize) break;
        }
      }
      return rankCandidates(input, candidates.values(), { limit, minGrade }) as MatchCandidate[];
    },

    async crossReference(identifier, opts) {
      throwIfAborted(opts?.signal);
      const targets = opts?.targetSystems;
      const { pix } = await serverFeatures(opts?.signal);
      if (pix) {
        const result = (await fhir
          .get('Patient/$ihe-pix', {
            headers: FHIR,
            searchParams: {
              sourceIdentifier: tokenParam(identifier.system, identifier.value),
              ...(targets ? { targetSystem: [...targets] } : {}),
            },
            ...(opts?.signal ? { signal: opts.signal } : {}),
          })
          .catch((error: unknown) => {
            // PIXm answers 404 for an unknown source identifier.
            if (isNotFoundError(error) || (error as { status?: number }).status === 404) return undefined;
            throw error;
          })) as Parameters | undefined;
        if (!result) return undefined;
        return (result.parameter ?? [])
          .filter(
            (p) => p.name === 'targetIdentifier' && p.valueIdentifier?.system && p.valueIdentifier.value,
          )
          .map((p): PatientIdentifier => {
            const { system, value } = p.valueIdentifier as { system: string; value: string };
            return { system, value, ...identifierKind(system, systems) };
          });
      }
      const patient = await findPatient(identifier, opts?.signal);
      if (!patient) return undefined;
      return toRecord(patient).identifiers.filter(
        (i) =>
          !(i.system === identifier.system && i.value === identifier.value) &&
          (!targets || targets.includes(i.system)),
      );
    },

    async upsert(record, opts) {
      throwIfAborted(opts?.signal);
      const parsed = parseWith(PatientRecordSchema, record);
      const ids = new Set<string>();
      for (const identifier of parsed.identifiers) {
        const hit = await findPatient(identifier, opts?.signal);
        if (hit?.id) ids.add(hit.id);
      }
      if (ids.size > 1 || (parsed.id && ids.size === 1 && !ids.has(parsed.id))) {
        throw new ConflictError({
          code: 'PATIENT_IDENTIFIERS_CONFLICT',
          message: 'The record’s identifiers belong to different patients.',
          messageVi: 'Các mã định danh của hồ sơ thuộc về những bệnh nhân khác nhau.',
        });
      }
      const id = [...ids][0] ?? parsed.id;
      const signal = opts?.signal ? { signal: opts.signal } : {};
      const headers = { ...FHIR, 'content-type': 'application/fhir+json' };
      const saved = id
        ? ((await fhir.put(`Patient/${encodeURIComponent(id)}`, {
            json: toFhirPatient({ ...parsed, id }, { systems }),
            headers,
            ...signal,
          })) as Patient)
        : ((await fhir.post('Patient', {
            json: toFhirPatient(parsed, { systems }),
            headers,
            ...signal,
          })) as Patient);
      return { record: toRecord(saved), created: ids.size === 0 };
    },
  };
  return directory;
}
