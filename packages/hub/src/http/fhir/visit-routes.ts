import { type IdentifierValue, ValidationError } from '@lienthong/core';
import { encodePatientSummaryDocument } from '@lienthong/visits/fhir';
import { discloseVisits, visitKey as visitKeyOf } from '@lienthong/visits/provider-kit';
import type { Context } from 'hono';
import { pageOfVisits, visitVersions } from '../../records/visits.js';
import { auditRead } from '../audited-read.js';
import { needs } from '../auth.js';
import { readJsonBody } from '../body.js';
import type { RouteDeps } from '../deps.js';
import type { HubEnv } from '../env.js';
import { hubFactory } from '../factory.js';
import { patientSummary, readerOf, type VisitRouteOptions } from '../routes/visits.js';
import { searchPatientRequired } from '../search-scope.js';
import { resourceSpec } from './capability.js';
import { historyBundle, searchset, subset } from './resources.js';
import { auditSearch, baseOf, fhirJson, type Interaction, readInstance, readOf, selfOf } from './respond.js';
import {
  checkSort,
  elementsOf,
  holdsCode,
  instantRange,
  oneToken,
  pageOf,
  readSearch,
  tokens,
} from './search-params.js';
import { summaryPatientOf } from './summary-parameters.js';
import {
  codingsOf,
  parseVisitPartId,
  VISIT_RESOURCE_TYPES,
  type VisitResourceType,
  visitResources,
} from './visit-resources.js';
import { type ScopedVisit, storedVisitById, visitScope } from './visit-scope.js';

/** Vietnamese names of the visit resource types, for their 404s. */
const VI: Record<VisitResourceType, string> = {
  Encounter: 'lượt khám',
  Condition: 'chẩn đoán',
  MedicationStatement: 'thuốc đã dùng',
  Procedure: 'thủ thuật, dịch vụ',
  ClinicalImpression: 'diễn biến lâm sàng',
  ChargeItem: 'vật tư y tế',
};
const ENCOUNTER_READ = readOf('Encounter', VI.Encounter);
const ENCOUNTER_HISTORY: Interaction = { ...ENCOUNTER_READ, action: 'fhir-history' };
const ENCOUNTER_VREAD: Interaction = { ...ENCOUNTER_READ, action: 'fhir-vread' };
/** The date parameter of each type (none on Condition: a diagnosis is searched by code). */
const DATE_PARAM: Partial<Record<VisitResourceType, string>> = {
  Encounter: 'date',
  MedicationStatement: 'effective',
  Procedure: 'date',
};
const SUMMARY_PARAMS = resourceSpec('Patient').searchParams.filter((p) => p.name === 'identifier');

/**
 * The visits as FHIR: `Encounter`, `Condition`, `MedicationStatement` and `Procedure` (read, and
 * search of one patient's visits), and `Patient/$summary` (the patient summary as a document
 * Bundle). Every answer is made from the visits as the reader may see them under the hub's
 * disclosure policy (the caller's facility and purpose of use), by the visits package's FHIR
 * mapping; each request writes one audit entry counting what was withheld.
 */
export function visitFhirRoutes({ db, audit }: RouteDeps, { disclosurePolicy }: VisitRouteOptions) {
  const app = hubFactory.createApp();
  const disclose = (c: Context<HubEnv>, stored: ScopedVisit) => {
    const { visits, withheld } = discloseVisits([stored.visit], disclosurePolicy, readerOf(c));
    return { visit: visits[0]!, stored, withheld };
  };
  /** The resources of a visit version as the caller may see them, and what was withheld. */
  const served = (c: Context<HubEnv>, stored: ScopedVisit) => {
    const { visit, withheld } = disclose(c, stored);
    return { resources: visitResources(stored, visit, stored), withheld };
  };

  /** The patient summary document of `patient` as the caller may see it; one audit entry. */
  async function summaryAnswer(c: Context<HubEnv>, patient: IdentifierValue) {
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
  }

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
    return summaryAnswer(c, { system: token.system, value: token.value });
  });

  // The IPS operation's POST form: the patient in a Parameters body (no query parameters).
  app.post('/Patient/$summary', needs('read'), async (c) => {
    readSearch(c, []);
    return summaryAnswer(c, summaryPatientOf(await readJsonBody(c)));
  });

  for (const type of VISIT_RESOURCE_TYPES) {
    const spec = resourceSpec(type);
    const dateParam = DATE_PARAM[type];

    app.get(`/${type}`, needs('read'), async (c) => {
      const search = readSearch(c, spec.searchParams);
      if (type === 'Encounter') checkSort(search, 'date');
      const elements = elementsOf(search);
      const { limit, cursor } = pageOf(search);
      const scope = await visitScope(db, search, type);
      const codes = search.has('code') ? tokens(search.all('code'), 'code') : undefined;
      const range = dateParam ? instantRange(search.all(dateParam), dateParam) : {};
      const shown = scope.visits.map((s) => disclose(c, s));
      // Bounds that exclude each other match nothing, as in the facade's other searches.
      const page =
        range.since && range.until && range.since > range.until
          ? { items: [], nextCursor: null }
          : pageOfVisits(shown, range, { limit, ...(cursor !== undefined ? { cursor } : {}) });
      const found = page.items.map((v) => ({
        patient: v.stored.visit.patient.identifiers,
        resources: visitResources(v.stored, v.visit, v.stored).filter(
          (r) => r.resourceType === type && (!codes || holdsCode(codingsOf(r), codes)),
        ),
      }));
      await auditSearch(
        audit,
        c,
        type,
        {
          named: scope.named,
          own: false,
          path: scope.path,
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
        const { resources, withheld } = served(c, stored);
        return {
          answer: resources.find((r) => r.resourceType === type && r.id === id),
          patient: stored.visit.patient.identifiers[0],
          withheld,
        };
      });
      return fhirJson(c, answer);
    });
  }

  /** Every version of a visit as its Encounter, oldest first (as the caller may see each). */
  async function encounterVersions(c: Context<HubEnv>, id: string) {
    const current = await storedVisitById(db, id);
    if (!current) return { answer: undefined, patient: undefined };
    let withheld = 0;
    const versions = (await visitVersions(db, visitKeyOf(current.visit))).map((visit, i) => {
      const shown = served(c, { visit, version: i + 1, current: i + 1 === current.version });
      withheld += shown.withheld;
      return shown.resources.find((r) => r.resourceType === 'Encounter')!;
    });
    return { answer: versions, patient: current.visit.patient.identifiers[0], withheld };
  }

  app.get('/Encounter/:id/_history', needs('read'), async (c) => {
    const { answer, search } = await readInstance(audit, c, ENCOUNTER_HISTORY, (id) =>
      encounterVersions(c, id),
    );
    const versions = answer.map((resource, i) => ({ resource, created: i === 0 }));
    return fhirJson(c, historyBundle(selfOf(c, search).href, baseOf(c), versions));
  });

  app.get('/Encounter/:id/_history/:vid', needs('read'), async (c) => {
    const { answer } = await readInstance(audit, c, ENCOUNTER_VREAD, async (id) => {
      const version = /^\d{1,6}$/.test(c.req.param('vid')) ? Number(c.req.param('vid')) : undefined;
      const stored = version === undefined ? undefined : await storedVisitById(db, id, version);
      if (!stored) return { answer: undefined, patient: undefined };
      const { resources, withheld } = served(c, stored);
      return {
        answer: resources.find((r) => r.resourceType === 'Encounter'),
        patient: stored.visit.patient.identifiers[0],
        withheld,
      };
    });
    return fhirJson(c, answer);
  });

  return app;
}
