import { NotFoundError } from '@lienthong/core';
import { isDicomUid, parseImagingQuery } from '@lienthong/imaging';
import { getImaging, publishImaging, queryImaging } from '../../records/imaging.js';
import { auditedRead, auditRead, foundRecord } from '../audited-read.js';
import { needs } from '../auth.js';
import type { RouteDeps } from '../deps.js';
import { hubFactory } from '../factory.js';
import { auditedPatient, ownRecordsListing, searchAction } from '../search-scope.js';
import { publishWrite } from './idempotent-write.js';
import { pageParams, patientParam, readToken } from './params.js';

const studyNotFound = (uid?: string) =>
  new NotFoundError({
    code: 'IMAGING_STUDY_NOT_FOUND',
    message: uid ? `No imaging study ${uid}.` : 'No imaging study has this id (not a DICOM UID).',
    messageVi: uid ? `Không có ca chụp ${uid}.` : 'Không có ca chụp nào mang mã này (không phải UID DICOM).',
  });

/**
 * `/v1/imaging-references`: publish (idempotent on the study UID), get, and a query of one
 * patient's studies or of the caller's own (`facility`). Reads are audited.
 */
export function imagingRoutes({ db, store, audit }: RouteDeps) {
  const imaging = hubFactory.createApp();

  imaging.post('/', needs('write'), publishWrite(store, publishImaging));

  imaging.get('/:uid', needs('read'), async (c) => {
    const uid = c.req.param('uid');
    // No study can have another id (the ImagingRegistry contract: a non-UID is simply not found).
    if (!isDicomUid(uid)) throw studyNotFound();
    const reference = await auditedRead(
      audit,
      c,
      { action: 'read', resourceType: 'ImagingStudy', resourceId: uid },
      async () => foundRecord(await getImaging(db, uid)),
      () => studyNotFound(uid),
    );
    return c.json(reference);
  });

  // One patient per search, or the caller's own records (`facility`): see search-scope.ts.
  imaging.get('/', needs('read'), async (c) => {
    const q = c.req.query();
    const patient = readToken(patientParam(c, 'patient'), 'patient', { anySystem: true });
    // An invalid query is refused as such, whatever it names (the contract's IMAGING_QUERY_INVALID,
    // DATE_RANGE_INVALID).
    const query = parseImagingQuery({
      ...(patient ? { patientIdentifier: patient } : {}),
      ...(q.modality ? { modality: q.modality } : {}),
      ...(q.since ? { since: q.since } : {}),
      ...(q.until ? { until: q.until } : {}),
      ...(q.facility ? { facility: q.facility } : {}),
    });
    const own = ownRecordsListing(c.get('caller'), {
      names: patient !== undefined,
      facility: q.facility,
    });
    const page = await queryImaging(db, query, pageParams(c));
    await auditRead(audit, c, {
      action: searchAction('search', own),
      resourceType: 'ImagingStudy',
      patient:
        patient &&
        auditedPatient(
          patient,
          page.items.map((r) => r.patient.identifiers),
          'query.patient',
        ),
    });
    return c.json(page);
  });

  return imaging;
}
