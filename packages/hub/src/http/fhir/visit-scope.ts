import { canonicalIdentifierSystem, type IdentifierValue, ValidationError } from '@lienthong/core';
import { FHIR_VISIT_KEY_SYSTEM } from '@lienthong/visits/fhir';
import type { Kysely } from 'kysely';
import type { HubDatabase } from '../../db/schema.js';
import { currentVisitsOf, findVisitKeys, getStoredVisit, type StoredVisit } from '../../records/visits.js';
import { searchPatientRequired, searchSeveralPatients } from '../search-scope.js';
import { MAX_VISIT_REFS } from './capability.js';
import { patientScope } from './patient-scope.js';
import { anyOf, type SearchRequest, tokens } from './search-params.js';
import { parseVisitFhirId, type VisitResourceType, visitFhirId } from './visit-resources.js';

/** A stored visit version a search reads, and whether it is the visit's current version. */
export interface ScopedVisit extends StoredVisit {
  current: boolean;
}

/** The visits one search of a visit resource type reads, all of one patient. */
export interface VisitScope {
  visits: ScopedVisit[];
  /** The patient the search named (or the one its visits share), for the audit entry. */
  named?: { system?: string; value: string };
  /** The parameter that named them, for the audit entry. */
  path: string;
}

/** The parameter by which each type's resources point at their visit (FHIR R4's names). */
export const VISIT_REF_PARAM: Partial<Record<VisitResourceType, 'encounter' | 'context'>> = {
  Condition: 'encounter',
  Procedure: 'encounter',
  ClinicalImpression: 'encounter',
  MedicationStatement: 'context',
  ChargeItem: 'context',
};

const invalid = (name: string, message: string, messageVi: string) =>
  new ValidationError({ code: 'FHIR_PARAMETER_INVALID', message, messageVi, path: `query.${name}` });

/**
 * The stored visit a visit id names (`version`: that version, else the current one), with whether
 * it is the current version.
 */
export async function storedVisitById(
  db: Kysely<HubDatabase>,
  id: string,
  version?: number,
): Promise<ScopedVisit | undefined> {
  const at = parseVisitFhirId(id);
  let key: string | undefined;
  if (at?.key !== undefined && visitFhirId(at.key) === id) key = at.key;
  else if (at?.digest) [key] = await findVisitKeys(db, (k) => visitFhirId(k) === id, at.digest.facility);
  const current = key === undefined ? undefined : await getStoredVisit(db, key);
  if (!current) return undefined;
  if (version === undefined || version === current.version) return { ...current, current: true };
  const older = await getStoredVisit(db, key!, version);
  return older && { ...older, current: false };
}

const ID = /^[A-Za-z0-9\-.]{1,64}$/;

/** `Encounter/<id>`, `Encounter/<id>/_history/<n>` (relative or absolute) or `<id>`: the id and version. */
function parseVisitRef(raw: string): { id: string; version?: number } | undefined {
  let parts = raw.split('/');
  let version: number | undefined;
  if (parts.length >= 4 && parts.at(-2) === '_history') {
    if (!/^\d{1,6}$/.test(parts.at(-1)!)) return undefined;
    version = Number(parts.at(-1));
    parts = parts.slice(0, -2);
  }
  const id = parts.at(-1)!;
  if (!ID.test(id) || (parts.length > 1 && parts.at(-2) !== 'Encounter')) return undefined;
  return version === undefined ? { id } : { id, version };
}

/** The values of a parameter, comma lists split, at most {@link MAX_VISIT_REFS}. */
function listed(search: SearchRequest, name: string): string[] {
  const values = search.all(name).flatMap(anyOf);
  if (values.length > MAX_VISIT_REFS)
    throw invalid(
      name,
      `Parameter ${name} names at most ${MAX_VISIT_REFS} visits.`,
      `Tham số ${name} nêu tối đa ${MAX_VISIT_REFS} lượt khám.`,
    );
  return values;
}

/** The visits `encounter=` / `context=` names: `Encounter/<id>` or `Encounter/<id>/_history/<n>`. */
async function visitsByReference(db: Kysely<HubDatabase>, search: SearchRequest, name: string) {
  const found: ScopedVisit[] = [];
  for (const raw of listed(search, name)) {
    const ref = parseVisitRef(raw);
    if (!ref)
      throw invalid(
        name,
        `Parameter ${name} must reference an Encounter ("Encounter/<id>" or "Encounter/<id>/_history/<n>").`,
        `Tham số ${name} phải tham chiếu tới Encounter ("Encounter/<id>" hoặc "Encounter/<id>/_history/<n>").`,
      );
    const visit = await storedVisitById(db, ref.id, ref.version);
    if (visit) found.push(visit);
  }
  return found;
}

/** The current visits `identifier=urn:lienthong:sid:visit-key|<key>` names. */
async function visitsByKey(db: Kysely<HubDatabase>, search: SearchRequest) {
  const found: ScopedVisit[] = [];
  for (const token of tokens(listed(search, 'identifier'), 'identifier')) {
    if (token.system !== FHIR_VISIT_KEY_SYSTEM)
      throw invalid(
        'identifier',
        `Encounters are searched by their visit key: identifier=${FHIR_VISIT_KEY_SYSTEM}|<facility>:<MA_LK>.`,
        `Tìm Encounter theo khóa lượt khám: identifier=${FHIR_VISIT_KEY_SYSTEM}|<mã cơ sở>:<MA_LK>.`,
      );
    const visit = await getStoredVisit(db, token.value);
    if (visit) found.push({ ...visit, current: true });
  }
  return found;
}

const keyOf = (i: IdentifierValue) => `${canonicalIdentifierSystem(i.system)}|${i.value}`;

/** An identifier every visit's patient carries: the visits are then one patient's (400 otherwise). */
function onePatient(visits: readonly ScopedVisit[], path: string): IdentifierValue | undefined {
  const [first, ...rest] = visits;
  if (!first) return undefined;
  const shared = first.visit.patient.identifiers.find((i) =>
    rest.every((v) => v.visit.patient.identifiers.some((j) => keyOf(j) === keyOf(i))),
  );
  if (!shared) throw searchSeveralPatients(path);
  return shared;
}

/**
 * The visits a search of `type` reads: those of the patient it names (`patient`/`subject`, the
 * system required), else those it names — by reference (`encounter`/`context`, current versions or
 * the version a `_history` reference gives) or, for Encounter, by visit key (`identifier`). Visits
 * named so must be one patient's; a patient named beside them narrows them to that patient's.
 * Naming none is 400 `HUB_SEARCH_PATIENT_REQUIRED`.
 */
export async function visitScope(
  db: Kysely<HubDatabase>,
  search: SearchRequest,
  type: VisitResourceType,
): Promise<VisitScope> {
  const patient = await patientScope(db, search, { systemRequired: true });
  const refParam = VISIT_REF_PARAM[type];
  const byRef = refParam !== undefined && search.has(refParam);
  const byKey = type === 'Encounter' && search.has('identifier');
  if (!byRef && !byKey) {
    if (patient === undefined) throw searchPatientRequired('query.patient', { ownListing: false });
    const visits = (await currentVisitsOf(db, patient.identifiers)).map((v) => ({ ...v, current: true }));
    return { visits, ...(patient.named ? { named: patient.named } : {}), path: 'query.patient' };
  }
  const name = byRef ? refParam : 'identifier';
  let visits = byRef ? await visitsByReference(db, search, name) : await visitsByKey(db, search);
  if (patient !== undefined) {
    const wanted = new Set(patient.identifiers.map(keyOf));
    visits = visits.filter((v) => v.visit.patient.identifiers.some((i) => wanted.has(keyOf(i))));
  }
  const shared = onePatient(visits, `query.${name}`);
  const named = patient?.named ?? shared;
  return { visits, ...(named ? { named } : {}), path: `query.${name}` };
}
