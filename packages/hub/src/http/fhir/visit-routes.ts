import { type Coding, type Resource, ValidationError } from '@lienthong/core';
import { encodePatientSummaryDocument } from '@lienthong/visits/fhir';
import { discloseVisits } from '@lienthong/visits/provider-kit';
import type { Context } from 'hono';
import type { Kysely } from 'kysely';
import type { HubDatabase } from '../../db/schema.js';
import {
  currentVisitsOf,
  findVisitKeys,
  getStoredVisit,
  pageOfVisits,
  type StoredVisit,
} from '../../records/visits.js';
import { auditRead } from '../audited-read.js';
import { needs } from '../auth.js';
import type { RouteDeps } from '../deps.js';
import type { HubEnv } from '../env.js';
import { hubFactory } from '../factory.js';
import { patientSummary, readerOf, type VisitRouteOptions } from '../routes/visits.js';
import { searchPatientRequired } from '../search-scope.js';
import { resourceSpec } from './capability.js';
import { patientScope } from './patient-scope.js';
import { searchset, subset } from './resources.js';
import { auditSearch, baseOf, fhirJson, readInstance, readOf, selfOf } from './respond.js';
import {
  checkSort,
  elementsOf,
  instantRange,
  oneToken,
  pageOf,
  readSearch,
  type Token,
  tokens,
} from './search-params.js';
import {
  parseVisitFhirId,
  parseVisitPartId,
  VISIT_RESOURCE_TYPES,
  type VisitResourceType,
  visitFhirId,
  visitResources,
} from './visit-resources.js';

/** Vietnamese names of the visit resource types, for their 404s. */
const VI: Record<VisitResourceType, string> = {
  Encounter: 'lượt khám',
  Condition: 'chẩn đoán',
  MedicationStatement: 'thuốc đã dùng',
  Procedure: 'thủ thuật, dịch vụ',
};
/** The date parameter of each type (none on Condition: a diagnosis is searched by code). */
const DATE_PARAM: Partial<Record<VisitResourceType, string>> = {
  Encounter: 'date',
  MedicationStatement: 'effective',
  Procedure: 'date',
};
const SUMMARY_PARAMS = resourceSpec('Patient').searchParams.filter((p) => p.name === 'identifier');

/** ICD-10 codes are written with or without the dot (`J18.9`, `J189`): compared without. */
const plainCode = (system: string | undefined, code: string) =>
  system?.includes('icd-10') ? code.replace('.', '').toUpperCase() : code;

/** Whether a resource's code (or medication code) holds one of the tokens. */
function hasCode(resource: Resource, wanted: readonly Token[]): boolean {
  const r = resource as {
    code?: { coding?: Coding[] };
    medicationCodeableConcept?: { coding?: Coding[] };
  };
  return ((r.code ?? r.medicationCodeableConcept)?.coding ?? []).some(
    (c) =>
      c.code !== undefined &&
      wanted.some(
        (t) =>
          (t.system === undefined || t.system === c.system) &&
          plainCode(c.system, t.value) === plainCode(c.system, c.code!),
      ),
  );
}

/** The stored visit a visit id names (`version`: that version, else the current one). */
async function storedVisitById(
  db: Kysely<HubDatabase>,
  id: string,
  version?: number,
): Promise<StoredVisit | undefined> {
  const at = parseVisitFhirId(id);
  if (at?.key !== undefined && visitFhirId(at.key) === id) {
    const found = await getStoredVisit(db, at.key, version);
    if (found) return found;
  }
  if (!at?.digest) return undefined;
  const [key] = await findVisitKeys(db, (k) => visitFhirId(k) === id, at.digest.facility);
  return key === undefined ? undefined : getStoredVisit(db, key, version);
}

/**
 * The visits as FHIR: `Encounter`, `Condition`, `MedicationStatement` and `Procedure` (read, and
 * search of one patient's visits), and `Patient/$summary` (the patient summary as a document
 * Bundle). Every answer is made from the visits as the reader may see them under the hub's
 * disclosure policy (the caller's facility and purpose of use), by the visits package's FHIR
 * mapping; each request writes one audit entry counting what was withheld.
 */
export function visitFhirRoutes({ db, audit }: RouteDeps, { disclosurePolicy }: VisitRouteOptions) {
  const app = hubFactory.createApp();
  const disclose = (c: Context<HubEnv>, stored: StoredVisit) => {
    const { visits, withheld } = discloseVisits([stored.visit], disclosurePolicy, readerOf(c));
    return { visit: visits[0]!, stored, withheld };
  };

  app.get('/Patient/$summary', needs('read'), async (c) => {
    const search = readSearch(c, SUMMARY_PARAMS);
    const token = oneToken(search, 'identifier');
    if (token === undefined) throw searchPatientRequired('query.identifier', { ownListing: false });
    if (!token.system)
      throw new ValidationError({
        code: 'FHIR_PARAMETER_INVALID',
        message: 'Parameter identifier needs "system|value" here.',
        messageVi: 'Tham số identifier cần dạng "system|value" ở đây.',
        path: 'query.identifier',
      });
    const patient = { system: token.system, value: token.value };
    const summary = await patientSummary(db, disclosurePolicy, readerOf(c), patient);
    await auditRead(audit, c, {
      action: 'fhir-summary',
      resourceType: 'Patient',
      patient,
      withheld: summary.withheld,
    });
    const { value } = encodePatientSummaryDocument(summary, {
      author: { type: 'Device', display: `Liên Thông hub (${baseOf(c)})` },
    });
    return fhirJson(c, value);
  });

  for (const type of VISIT_RESOURCE_TYPES) {
    const spec = resourceSpec(type);
    const dateParam = DATE_PARAM[type];

    app.get(`/${type}`, needs('read'), async (c) => {
      const search = readSearch(c, spec.searchParams);
      if (type === 'Encounter') checkSort(search, 'date');
      const elements = elementsOf(search);
      const { limit, cursor } = pageOf(search);
      const scope = await patientScope(db, search, { systemRequired: true });
      if (scope === undefined) throw searchPatientRequired('query.patient', { ownListing: false });
      const codes = search.has('code') ? tokens(search.all('code'), 'code') : undefined;
      const range = dateParam ? instantRange(search.all(dateParam), dateParam) : {};
      const shown = (await currentVisitsOf(db, scope.identifiers)).map((s) => disclose(c, s));
      // Bounds that exclude each other match nothing, as in the facade's other searches.
      const page =
        range.since && range.until && range.since > range.until
          ? { items: [], nextCursor: null }
          : pageOfVisits(shown, range, { limit, ...(cursor !== undefined ? { cursor } : {}) });
      const found = page.items.map((v) => ({
        patient: v.stored.visit.patient.identifiers,
        resources: visitResources(v.stored, v.visit).filter(
          (r) => r.resourceType === type && (!codes || hasCode(r, codes)),
        ),
      }));
      await auditSearch(
        audit,
        c,
        type,
        {
          named: scope.named,
          own: false,
          path: 'query.patient',
          withheld: page.items.reduce((n, v) => n + v.withheld, 0),
        },
        found.filter((f) => f.resources.length > 0).map((f) => f.patient),
      );
      const matches = found.flatMap((f) => f.resources).map((r) => subset(r, elements));
      return fhirJson(c, searchset(selfOf(c, search), matches, [], page.nextCursor));
    });

    app.get(`/${type}/:id`, needs('read'), async (c) => {
      const { answer } = await readInstance(audit, c, readOf(type, VI[type]), async (id) => {
        const at = type === 'Encounter' ? { visitId: id, version: undefined } : parseVisitPartId(id);
        const stored = at && (await storedVisitById(db, at.visitId, at.version));
        if (!stored) return { answer: undefined, patient: undefined };
        const { visit, withheld } = disclose(c, stored);
        return {
          answer: visitResources(stored, visit).find((r) => r.resourceType === type && r.id === id),
          patient: stored.visit.patient.identifiers[0],
          withheld,
        };
      });
      return fhirJson(c, answer);
    });
  }

  return app;
}
