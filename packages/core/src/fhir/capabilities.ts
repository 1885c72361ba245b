import type { CapabilityStatement } from '@medplum/fhirtypes';
import type { IdentifierValue } from '../schema/primitives.js';
import type { Transport } from '../transport/create-transport.js';
import { FHIR_JSON } from './media-type.js';
import { isResource } from './resources.js';
import { identifierSearchToken } from './token-param.js';

/** What a FHIR server's CapabilityStatement says it can search. */
export interface ServerCapabilities {
  /** The statement read (undefined: the server gave none, or `metadata` could not be read). */
  readonly statement: CapabilityStatement | undefined;
  /**
   * True when the statement lists `key` among the search parameters of `resourceType`: a
   * parameter (`subject`), or a modifier or chain listed as an entry of its own
   * (`subject:identifier`, `patient.identifier`).
   */
  searches(resourceType: string, key: string): boolean;
  /**
   * True when the statement lists search parameters for `resourceType` at all: a parameter it
   * then does not list is one the server refuses. (A type listed without any, as some servers
   * do, says nothing about its parameters.)
   */
  declaresSearches(resourceType: string): boolean;
}

/**
 * Reads the search parameters a CapabilityStatement declares, resource type by resource type
 * (`rest` entries in server mode). FHIR R4 has no field for the modifiers and chains a server
 * honours, and servers differ — Medplum's in-memory repository answers `subject:identifier` with
 * an empty Bundle rather than an error — so a modifier or chain counts as supported only when the
 * server lists it as an entry of its own, as the Liên Thông hub's FHIR facade does. A parameter
 * declared alone (`subject`) says nothing about its modifiers.
 */
export function readServerCapabilities(statement: CapabilityStatement | undefined): ServerCapabilities {
  const byType = new Map<string, Set<string>>();
  for (const rest of statement?.rest ?? []) {
    if (rest.mode !== undefined && rest.mode !== 'server') continue;
    for (const resource of rest.resource ?? []) {
      if (!resource.type) continue;
      const names = byType.get(resource.type) ?? new Set<string>();
      for (const p of resource.searchParam ?? []) if (p.name) names.add(p.name);
      byType.set(resource.type, names);
    }
  }
  return {
    statement,
    searches: (resourceType, key) => byType.get(resourceType)?.has(key) ?? false,
    declaresSearches: (resourceType) => (byType.get(resourceType)?.size ?? 0) > 0,
  };
}

/**
 * The search parameters that find a patient's resources of `resourceType` by identifier in one
 * search, when the server declares one; undefined when it declares none, and the portable way is
 * left: resolve `Patient?identifier=` first, then search `subject=Patient/<id>`, which finds only
 * resources whose patient has a Patient resource. In order of preference:
 * 1. `subject:identifier` / `patient:identifier` — matches subjects that carry the identifier, so
 *    it also finds resources whose patient has no Patient resource on the server (servers that
 *    keep subjects as logical references, such as the hub's FHIR facade, declare it);
 * 2. `subject.identifier` / `patient.identifier` — a chain through the Patient resource: the same
 *    resources as the portable way, in one request instead of two.
 * The identifier is asked under every alias of its system ({@link identifierSearchToken}).
 * @example
 * patientSearchParams(await fhir.capabilities(), 'Encounter', cccd) // { 'subject:identifier': '…|0012…' }
 */
export function patientSearchParams(
  capabilities: ServerCapabilities,
  resourceType: string,
  patient: IdentifierValue,
): Record<string, string> | undefined {
  for (const key of ['subject:identifier', 'patient:identifier', 'subject.identifier', 'patient.identifier'])
    if (capabilities.searches(resourceType, key)) return { [key]: identifierSearchToken(patient) };
  return undefined;
}

/**
 * The capabilities of the server behind `transport`, asked once (`GET metadata`) and kept. A
 * statement that cannot be read counts as one that declares nothing — providers then use only
 * portable searches — and is asked again next time. Concurrent callers share one request (so no
 * caller's signal cancels it: callers check their own signal).
 * @example
 * const capabilities = serverCapabilities(fhir);
 * if ((await capabilities()).searches('DiagnosticReport', 'subject:identifier')) { … }
 */
export function serverCapabilities(transport: Transport): () => Promise<ServerCapabilities> {
  let known: ServerCapabilities | undefined;
  let pending: Promise<ServerCapabilities> | undefined;
  return async () => {
    if (known) return known;
    pending ??= transport.get('metadata', { headers: { accept: FHIR_JSON } }).then(
      (answer) => {
        known = readServerCapabilities(isResource(answer, 'CapabilityStatement') ? answer : undefined);
        return known;
      },
      () => {
        pending = undefined; // ask again next time
        return readServerCapabilities(undefined);
      },
    );
    return pending;
  };
}
