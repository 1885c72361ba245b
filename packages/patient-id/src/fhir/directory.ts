import {
  type AuthProvider,
  ConflictError,
  canonicalIdentifierSystem,
  DEFAULT_IDENTIFIER_SYSTEMS,
  formatTokenParam,
  type IdentifierSystems,
  identifierSystemAliases,
  isNotFoundError,
  LienThongError,
  type Patient,
  parseWith,
  stableJson,
  type Transport,
} from '@lienthong/core';
import { throwIfAborted } from '@lienthong/core/contract';
import { bundleMatches, createFhirClient, isBundle, isResource } from '@lienthong/core/fhir';
import type { CapabilityStatement, Parameters } from '@medplum/fhirtypes';
import type { IdentifierRef, MatchCandidate, PatientDirectory, PatientQuery } from '../directory/contract.js';
import { type MatchGrade, type MatchInput, rankCandidates } from '../matching/match.js';
import { fromFhirPatient, identifierKind, toFhirPatient } from '../model/fhir-patient.js';
import { type PatientIdentifier, type PatientRecord, PatientRecordSchema } from '../model/patient-record.js';
import { matchesQuery } from '../provider-kit/match.js';

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

interface ServerFeatures {
  match: boolean;
  pix: boolean;
}

function declared(cs: CapabilityStatement | undefined, name: string): boolean {
  for (const rest of cs?.rest ?? []) {
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
  const fhir = createFhirClient(
    options.transport
      ? { transport: options.transport }
      : {
          baseUrl: options.baseUrl!,
          ...(options.auth ? { auth: options.auth } : {}),
          ...(options.fetch ? { fetch: options.fetch } : {}),
        },
  );
  const systems = options.systems ?? DEFAULT_IDENTIFIER_SYSTEMS;
  const pageSize = options.candidatePageSize ?? 100;

  /** The operations the CapabilityStatement declares (none when it cannot be read: searches then). */
  async function serverFeatures(): Promise<ServerFeatures> {
    if (options.useOperations === false) return { match: false, pix: false };
    const { statement } = await fhir.capabilities();
    return { match: declared(statement, 'match'), pix: declared(statement, 'ihe-pix') };
  }

  const toRecord = (p: Patient) => fromFhirPatient(p, { systems });
  const canonical = (system: string) => canonicalIdentifierSystem(system, systems);

  /**
   * The `identifier` search value of one identifier: the deployment's URI and its older aliases
   * (comma-separated values are ORed), so a server holding Patients written with
   * `http://fhir.hl7.org.vn/core/sid/cccd` answers a search by `…/sid/national_id` and back.
   */
  const identifierToken = (system: string, value: string) =>
    identifierSystemAliases(system, systems)
      .map((s) => formatTokenParam(s, value))
      .join(',');

  /**
   * The version a stored Patient is at: its `meta.versionId` where the server numbers versions
   * (HAPI), else the length of its history (Medplum names versions with UUIDs).
   */
  async function versionOf(patient: Patient, signal?: AbortSignal): Promise<number> {
    const numbered = Number(patient.meta?.versionId);
    if (Number.isSafeInteger(numbered) && numbered > 0) return numbered;
    let versions = 0;
    for await (const page of fhir.history('Patient', patient.id!, { signal }))
      versions += page.entry?.length ?? 0;
    return Math.max(1, versions);
  }

  /** Every Patient of a search, once each: pages of a changing directory may overlap. */
  async function* searchPatients(
    params: Record<string, string>,
    count: number,
    signal?: AbortSignal,
  ): AsyncGenerator<Patient> {
    throwIfAborted(signal);
    const seen = new Set<string>();
    for await (const page of fhir.searchAll('Patient', { ...params, _count: count }, { signal }))
      for (const p of bundleMatches(page, 'Patient')) {
        const key = p.id ?? JSON.stringify(p.identifier);
        if (seen.has(key)) continue;
        seen.add(key);
        yield p;
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
          ? query.identifier.system === undefined
            ? formatTokenParam(undefined, query.identifier.value)
            : identifierToken(query.identifier.system, query.identifier.value)
          : undefined,
      }).filter((e): e is [string, string] => e[1] !== undefined),
    );
  }

  async function findPatient(identifier: IdentifierRef, signal?: AbortSignal): Promise<Patient | undefined> {
    const system = canonical(identifier.system);
    for await (const p of searchPatients(
      { identifier: identifierToken(system, identifier.value) },
      2,
      signal,
    )) {
      if (
        p.identifier?.some((i) => i.system && canonical(i.system) === system && i.value === identifier.value)
      )
        return p;
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

    async *search(asked, opts) {
      // Records come back under the deployment's URIs: the filter below asks under them too.
      const system = asked.identifier?.system;
      const query =
        system === undefined
          ? asked
          : { ...asked, identifier: { ...asked.identifier!, system: canonical(system) } };
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
      const { match } = await serverFeatures();
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
        const answer = await fhir.operation('Patient/$match', { parameters: params, signal: opts?.signal });
        const records = (isBundle(answer) ? bundleMatches(answer, 'Patient') : []).map(toRecord);
        return rankCandidates(input, records, { limit, minGrade });
      }
      // Fallback: gather candidates with plain searches, score them here.
      const searches: Record<string, string>[] = [];
      for (const id of input.identifiers ?? [])
        searches.push({ identifier: identifierToken(id.system, id.value) });
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
      const targets = opts?.targetSystems?.map(canonical);
      const { pix } = await serverFeatures();
      if (pix) {
        const result = await fhir
          .operation('Patient/$ihe-pix', {
            searchParams: {
              sourceIdentifier: formatTokenParam(canonical(identifier.system), identifier.value),
              ...(targets
                ? { targetSystem: targets.flatMap((t) => identifierSystemAliases(t, systems)) }
                : {}),
            },
            signal: opts?.signal,
          })
          .catch((error: unknown) => {
            // PIXm answers 404 for an unknown source identifier.
            if (isNotFoundError(error) || (error as { status?: number }).status === 404) return undefined;
            throw error;
          });
        if (!result) return undefined;
        return (isResource(result, 'Parameters') ? (result.parameter ?? []) : [])
          .filter(
            (p) => p.name === 'targetIdentifier' && p.valueIdentifier?.system && p.valueIdentifier.value,
          )
          .map((p): PatientIdentifier => {
            const { system, value } = p.valueIdentifier as { system: string; value: string };
            return { system: canonical(system), value, ...identifierKind(system, systems) };
          });
      }
      const patient = await findPatient(identifier, opts?.signal);
      if (!patient) return undefined;
      return toRecord(patient).identifiers.filter(
        (i) =>
          !(i.system === canonical(identifier.system) && i.value === identifier.value) &&
          (!targets || targets.includes(i.system)),
      );
    },

    async upsert(record, opts) {
      const signal = opts?.signal;
      throwIfAborted(signal);
      const parsed = parseWith(PatientRecordSchema, record);
      const hits = new Map<string, Patient>();
      for (const identifier of parsed.identifiers) {
        const hit = await findPatient(identifier, signal);
        if (hit?.id) hits.set(hit.id, hit);
      }
      if (hits.size > 1 || (parsed.id && hits.size === 1 && !hits.has(parsed.id))) {
        throw new ConflictError({
          code: 'PATIENT_IDENTIFIERS_CONFLICT',
          message: 'The record’s identifiers belong to different patients.',
          messageVi: 'Các mã định danh của hồ sơ thuộc về những bệnh nhân khác nhau.',
        });
      }
      const [existing] = hits.values();
      const id = existing?.id ?? parsed.id;
      const next = toFhirPatient(id ? { ...parsed, id } : parsed, { systems });
      // Same or changed as the server would hold it: the record after a trip through the codec.
      if (existing && stableJson(toRecord(existing)) === stableJson(toRecord(next)))
        return {
          id: existing.id!,
          version: await versionOf(existing, signal),
          outcome: 'unchanged',
          record: toRecord(existing),
        };
      const saved = id ? await fhir.update({ ...next, id }, { signal }) : await fhir.create(next, { signal });
      return {
        id: saved.id!,
        version: existing ? await versionOf(saved, signal) : 1,
        outcome: existing ? 'updated' : 'created',
        record: toRecord(saved),
      };
    },
  };
  return directory;
}
