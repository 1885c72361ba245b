import { ValidationError } from '@lienthong/core';
import { IMAGING_FHIR } from '@lienthong/imaging/fhir';
import { getImaging, queryImaging } from '../../records/imaging.js';
import { needs } from '../auth.js';
import type { RouteDeps } from '../deps.js';
import { hubFactory } from '../factory.js';
import { MAX_COUNT, resourceSpec } from './capability.js';
import { imagingEndpointResources, parseEndpointId, searchset, subset } from './resources.js';
import { auditSearch, fhirJson, readInstance, readOf, selfOf } from './respond.js';
import { elementsOf, readSearch, type SearchRequest, tokens } from './search-params.js';

const ENDPOINT = resourceSpec('Endpoint');
const ENDPOINT_READ = readOf('Endpoint', 'điểm truy cập DICOMweb');

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
export function endpointRoutes({ db, audit }: RouteDeps) {
  const endpoints = hubFactory.createApp();

  endpoints.get('/Endpoint', needs('read'), async (c) => {
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

  endpoints.get('/Endpoint/:id', needs('read'), async (c) => {
    const { answer } = await readInstance(audit, c, ENDPOINT_READ, async (id) => {
      const at = parseEndpointId(id);
      const study = at ? await getImaging(db, at.studyUid) : undefined;
      return {
        answer: study && imagingEndpointResources(study).find((e) => e.id === id),
        patient: study?.patient.identifiers[0],
      };
    });
    return fhirJson(c, answer);
  });

  return endpoints;
}
