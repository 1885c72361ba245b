import { NotFoundError } from '@lienthong/core';
import { assertImagingQuery, isDicomUid } from '@lienthong/imaging';
import type { Hono } from 'hono';
import { getImaging, publishImaging, queryImaging } from '../../records/imaging.js';
import { type HubEnv, publisherOf, requireScope } from '../app.js';
import { auditedPatient, ownRecordsListing, searchAction } from '../search-scope.js';
import { auditRead, idempotentWrite, type RouteDeps } from './deps.js';
import { pageParams, patientParam, tokenParam } from './params.js';

const notFound = (uid?: string) =>
  new NotFoundError({
    code: 'IMAGING_STUDY_NOT_FOUND',
    message: uid ? `No imaging study ${uid}.` : 'No imaging study has this id (not a DICOM UID).',
    messageVi: uid ? `Không có ca chụp ${uid}.` : 'Không có ca chụp nào mang mã này (không phải UID DICOM).',
  });

/**
 * Imaging references: publish (idempotent on the study UID), get, and a query of one patient's
 * studies or of the caller's own (`facility`). Reads are audited.
 */
export function imagingRoutes(app: Hono<HubEnv>, { db, store, audit }: RouteDeps): void {
  idempotentWrite(app, 'post', '/imaging-references', store, async (trx, caller, body) => {
    const receipt = await publishImaging(trx, publisherOf(caller), body);
    return { created: receipt.status === 'created', answer: receipt };
  });

  app.get('/imaging-references/:uid', async (c) => {
    const caller = c.get('caller');
    requireScope(caller, 'read');
    const uid = c.req.param('uid');
    // No study can have another id (the ImagingRegistry contract: a non-UID is simply not found).
    if (!isDicomUid(uid)) throw notFound();
    const reference = await getImaging(db, uid);
    await auditRead(audit, caller, {
      action: 'read',
      resourceType: 'ImagingStudy',
      resourceId: uid,
      patient: reference?.patient.identifiers[0],
    });
    if (!reference) throw notFound(uid);
    return c.json(reference);
  });

  // One patient per search, or the caller's own records (`facility`): see search-scope.ts.
  app.get('/imaging-references', async (c) => {
    const caller = c.get('caller');
    requireScope(caller, 'read');
    const q = c.req.query();
    const patient = tokenParam(patientParam(c, 'patient'), 'patient', { systemOptional: true });
    // An invalid query is refused as such, whatever it names (the contract's IMAGING_QUERY_INVALID).
    const query = assertImagingQuery({
      ...(patient ? { patientIdentifier: patient } : {}),
      ...(q.modality ? { modality: q.modality } : {}),
      ...(q.dateFrom ? { dateFrom: q.dateFrom } : {}),
      ...(q.dateTo ? { dateTo: q.dateTo } : {}),
      ...(q.facility ? { facility: q.facility } : {}),
    });
    const own = ownRecordsListing(caller, {
      names: patient !== undefined,
      facility: q.facility,
      patientPath: 'query.patient',
      facilityPath: 'query.facility',
    });
    const page = await queryImaging(db, query, pageParams(c));
    await auditRead(audit, caller, {
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
}
