import { ValidationError } from '@lienthong/core';
import { IMAGING_FHIR } from '@lienthong/imaging/fhir';
import type { Hono } from 'hono';
import { getImaging, queryImaging } from '../../records/imaging.js';
import { type HubEnv, requireScope } from '../app.js';
import type { RouteDeps } from '../routes/deps.js';
import { MAX_COUNT, resourceSpec } from './capability.js';
import { imagingEndpointResources, parseEndpointId, searchset, subset } from './resources.js';
import { auditFhir, auditSearch, fhirJson, idParam, notFound, selfOf } from './respond.js';
import { elementsOf, readSearch, type SearchRequest, tokens } from './search-params.js';

const ENDPOINT = resourceSpec('Endpoint');

const invalid = (name: string, message: string, messageVi: string) =>
  new ValidationError({ code: 'FHIR_PARAMETER_INVALID', message, messageVi, path: `query.${name}` });

/** The ids of `_id` (required; at most {@link MAX_COUNT}). */
function idsOf(search: SearchRequest): string[] {
  if (!search.has('_id'))
    throw invalid(
      '_id',
      'Endpoint searches need _id: Endpoints are found through their imaging studies.',
      'Tìm Endpoint cần _id: Endpoint được tìm qua ca chụp của nó.',
    );
  const ids = [...new Set(tokens(search.all('_id'), '_id').map((t) => t.value))];
  if (ids.length > MAX_COUNT)
    throw invalid(
      '_id',
      `At most ${MAX_COUNT} Endpoint ids per search.`,
      `Mỗi lần tìm tối đa ${MAX_COUNT} mã Endpoint.`,
    );
  return ids;
}

/** Connection-type codes asked for (undefined: any); a code of another system matches nothing. */
function connectionTypesOf(search: SearchRequest): Set<string> | undefined {
  if (!search.has('connection-type')) return undefined;
  return new Set(
    tokens(search.all('connection-type'), 'connection-type')
      .filter((t) => t.system === undefined || t.system === IMAGING_FHIR.endpointConnectionType)
      .map((t) => t.value),
  );
}

/**
 * Endpoint: read and search (`_id`, `connection-type`). The DICOMweb Endpoints of stored imaging
 * references, built with the imaging package's FHIR mapping; each is a read of its study, so each
 * request writes one audit entry naming the study's patient (a search answering the Endpoints of
 * several patients' studies is refused), like every other facade read.
 */
export function endpointRoutes(app: Hono<HubEnv>, { db, audit }: RouteDeps): void {
  app.get('/Endpoint', async (c) => {
    requireScope(c.get('caller'), 'read');
    const search = readSearch(c, ENDPOINT.searchParams);
    const elements = elementsOf(search);
    const wanted = idsOf(search);
    const types = connectionTypesOf(search);
    const studyUids = [...new Set(wanted.flatMap((id) => parseEndpointId(id)?.studyUid ?? []))];
    const studies =
      studyUids.length === 0 || types?.size === 0
        ? []
        : (await queryImaging(db, {}, { limit: studyUids.length }, { studyUids })).items;
    const found = studies.flatMap((study) =>
      imagingEndpointResources(study)
        .filter((e) => wanted.includes(e.id!) && (!types || types.has(e.connectionType.code ?? '')))
        .map((endpoint) => ({ study, endpoint })),
    );
    await auditSearch(
      audit,
      c,
      'Endpoint',
      { own: false, path: 'query._id' },
      found.map((f) => f.study.patient.identifiers),
    );
    const matches = found.map((f) => subset(f.endpoint, elements));
    return fhirJson(c, searchset(selfOf(c, search), matches, [], null));
  });

  app.get('/Endpoint/:id', async (c) => {
    requireScope(c.get('caller'), 'read');
    readSearch(c, []);
    const id = idParam(c);
    const at = parseEndpointId(id);
    const study = at ? await getImaging(db, at.studyUid) : undefined;
    const endpoint = study && imagingEndpointResources(study).find((e) => e.id === id);
    await auditFhir(audit, c, {
      action: 'fhir-read',
      resourceType: 'Endpoint',
      resourceId: id,
      patient: study?.patient.identifiers[0],
    });
    if (!endpoint) throw notFound('Endpoint', 'điểm truy cập DICOMweb');
    return fhirJson(c, endpoint);
  });
}
