import { DEFAULT_IDENTIFIER_SYSTEMS, ValidationError } from '@lienthong/core';
import { dicomUidFromUrn, type ImagingQuery } from '@lienthong/imaging';
import { IMAGING_FHIR } from '@lienthong/imaging/fhir';
import { getImaging, type ImagingNarrowing, queryImaging } from '../../records/imaging.js';
import { foundRecord } from '../audited-read.js';
import { needs } from '../auth.js';
import type { RouteDeps } from '../deps.js';
import { hubFactory } from '../factory.js';
import { ownRecordsListing } from '../search-scope.js';
import { resourceSpec } from './capability.js';
import { patientScope } from './patient-scope.js';
import { imagingStudyResource, searchset, subset } from './resources.js';
import { auditSearch, fhirJson, readInstance, readOf, selfOf } from './respond.js';
import {
  checkSort,
  dayRange,
  elementsOf,
  oneValue,
  pageOf,
  readSearch,
  type SearchRequest,
  tokens,
} from './search-params.js';

const STUDY = resourceSpec('ImagingStudy');
const STUDY_READ = readOf('ImagingStudy', 'ca chụp');

/** Study UIDs of `identifier` tokens (`urn:dicom:uid|urn:oid:<uid>`); other systems match nothing. */
function studyUidsOf(search: SearchRequest): string[] | undefined {
  if (!search.has('identifier')) return undefined;
  return tokens(search.all('identifier'), 'identifier').flatMap((t) => {
    if (t.system !== undefined && t.system !== DEFAULT_IDENTIFIER_SYSTEMS.dicomUid) return [];
    const uid = t.value.startsWith('urn:oid:') ? dicomUidFromUrn(t.value) : undefined;
    if (!uid)
      throw new ValidationError({
        code: 'FHIR_PARAMETER_INVALID',
        message: 'ImagingStudy identifier searches take a study UID: "urn:dicom:uid|urn:oid:<uid>".',
        messageVi: 'Tìm ImagingStudy theo identifier cần UID ca chụp: "urn:dicom:uid|urn:oid:<uid>".',
        path: 'query.identifier',
      });
    return [uid];
  });
}

/** The modality token: a DICOM code (system DCM or none); another system matches nothing (`null`). */
function modalityOf(search: SearchRequest): string | null | undefined {
  const raw = oneValue(search, 'modality');
  if (raw === undefined) return undefined;
  const [token] = tokens([raw], 'modality');
  return token!.system === undefined || token!.system === IMAGING_FHIR.dicomModality ? token!.value : null;
}

/**
 * ImagingStudy: search — of one patient's studies, studies named by UID, or the caller's own
 * (`facility`): see search-scope.ts — and read (DICOMweb Endpoints contained).
 */
export function imagingRoutes({ db, audit }: RouteDeps) {
  const studies = hubFactory.createApp();

  studies.get('/ImagingStudy', needs('read'), async (c) => {
    const search = readSearch(c, STUDY.searchParams);
    checkSort(search, 'started');
    const elements = elementsOf(search);
    const page = pageOf(search);
    const scope = await patientScope(db, search, { systemRequired: false });
    const studyUids = studyUidsOf(search);
    const facility = oneValue(search, 'facility');
    const own = ownRecordsListing(c.get('caller'), {
      names: scope !== undefined || studyUids !== undefined,
      facility,
    });
    const modality = modalityOf(search);
    const { since, until } = dayRange(search.all('started'), 'started');
    const query: ImagingQuery = {
      ...(scope?.anySystemValue ? { patientIdentifier: { value: scope.anySystemValue } } : {}),
      ...(modality ? { modality } : {}),
      ...(since ? { since } : {}),
      ...(until ? { until } : {}),
      ...(facility !== undefined ? { facility } : {}),
    };
    const narrow: ImagingNarrowing = {
      ...(scope && !scope.anySystemValue ? { anyPatient: scope.identifiers } : {}),
      ...(studyUids ? { studyUids } : {}),
    };
    // Bounds that exclude each other match nothing in FHIR (the REST API refuses them instead).
    const empty = modality === null || (since && until && since > until);
    const result = empty ? { items: [], nextCursor: null } : await queryImaging(db, query, page, narrow);
    await auditSearch(
      audit,
      c,
      'ImagingStudy',
      { named: scope?.named, own, path: scope ? 'query.patient' : 'query.identifier' },
      result.items.map((r) => r.patient.identifiers),
    );
    const matches = result.items.map((r) => subset(imagingStudyResource(r), elements));
    return fhirJson(c, searchset(selfOf(c, search), matches, [], result.nextCursor));
  });

  studies.get('/ImagingStudy/:id', needs('read'), async (c) => {
    const { answer } = await readInstance(audit, c, STUDY_READ, async (id) =>
      foundRecord(await getImaging(db, id)),
    );
    return fhirJson(c, imagingStudyResource(answer));
  });

  return studies;
}
