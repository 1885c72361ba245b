import { NotFoundError, parseWith } from '@lienthong/core';
import { PatientRecordSchema } from '@lienthong/patient-id';
import * as z from 'zod';
import {
  crossReference,
  findPatient,
  matchPatients,
  searchPatients,
  upsertPatient,
} from '../../records/patients.js';
import { auditedRead, auditRead } from '../audited-read.js';
import { needs } from '../auth.js';
import { readJsonBody } from '../body.js';
import type { RouteDeps } from '../deps.js';
import { hubFactory } from '../factory.js';
import { auditedPatient, searchPatientRequired, searchSeveralPatients } from '../search-scope.js';
import { publishWrite } from './idempotent-write.js';
import { pageParams, patientParam, readRequiredToken, readToken } from './params.js';

// Built once: a zod schema compiles itself on first use, which costs more than the query it checks.
const PatientFilters = z.object({
  family: z.string().min(1).optional(),
  given: z.string().min(1).optional(),
  name: z.string().min(1).optional(),
  birthDate: z
    .string()
    .regex(/^\d{4}(-\d{2}(-\d{2})?)?$/)
    .optional(),
  sex: z.enum(['male', 'female', 'other', 'unknown']).optional(),
});
const MatchRequest = z.object({
  input: PatientRecordSchema.partial(),
  limit: z.number().int().min(1).max(100).optional(),
  minGrade: z.enum(['certain', 'probable', 'possible', 'certainly-not']).optional(),
});

const patientNotFound = () =>
  new NotFoundError({
    code: 'PATIENT_NOT_FOUND',
    message: 'No patient holds this identifier.',
    messageVi: 'Không có người bệnh nào mang mã định danh này.',
    path: 'query.identifier',
  });

/**
 * `/v1/patients`: upsert, identifier lookup, PDQm search and $match of the patient an identifier
 * names, PIXm cross-reference. Reads are audited.
 */
export function patientRoutes({ db, store, audit }: RouteDeps) {
  const patients = hubFactory.createApp();

  patients.put('/', needs('write'), publishWrite(store, upsertPatient));

  patients.get('/by-identifier', needs('read'), async (c) => {
    const identifier = readRequiredToken(patientParam(c, 'identifier'), 'identifier');
    const record = await auditedRead(
      audit,
      c,
      { action: 'read', resourceType: 'Patient' },
      async () => {
        const found = await findPatient(db, identifier);
        return { answer: found, patient: identifier, resourceId: found?.id };
      },
      patientNotFound,
    );
    return c.json(record);
  });

  patients.get('/cross-reference', needs('read'), async (c) => {
    const identifier = readRequiredToken(patientParam(c, 'identifier'), 'identifier');
    const identifiers = await auditedRead(
      audit,
      c,
      { action: 'cross-reference', resourceType: 'Patient' },
      async () => ({
        answer: await crossReference(db, identifier, c.req.queries('targetSystem')),
        patient: identifier,
      }),
      patientNotFound,
    );
    return c.json({ identifiers });
  });

  // PDQm by identifier: demographics narrow the one patient an identifier names, never replace it.
  patients.get('/', needs('read'), async (c) => {
    const q = c.req.query();
    const identifier = readToken(patientParam(c, 'identifier'), 'identifier', { anySystem: true });
    if (!identifier) throw searchPatientRequired('query.identifier', { ownListing: false });
    const query = parseWith(
      PatientFilters,
      { family: q.family, given: q.given, name: q.name, birthDate: q.birthDate, sex: q.sex },
      { code: 'HUB_PARAMETER_INVALID', pathPrefix: 'query' },
    );
    const page = await searchPatients(db, { ...query, identifier }, pageParams(c));
    await auditRead(audit, c, {
      action: 'search',
      resourceType: 'Patient',
      patient: auditedPatient(
        identifier,
        page.items.map((r) => r.identifiers),
        'query.identifier',
      ),
    });
    return c.json(page);
  });

  patients.post('/match', needs('read'), async (c) => {
    const request = parseWith(MatchRequest, await readJsonBody(c), {
      code: 'HUB_REQUEST_INVALID',
      pathPrefix: 'body',
    });
    // $match grades the patient the input's identifiers name; it never lists look-alikes.
    const identifiers = request.input.identifiers ?? [];
    if (identifiers.length === 0)
      throw searchPatientRequired('body.input.identifiers', { ownListing: false });
    const candidates = await matchPatients(db, request.input, {
      ...(request.limit ? { limit: request.limit } : {}),
      ...(request.minGrade ? { minGrade: request.minGrade } : {}),
    });
    if (candidates.length > 1) throw searchSeveralPatients('body.input.identifiers');
    await auditRead(audit, c, {
      action: 'match',
      resourceType: 'Patient',
      patient: auditedPatient(
        undefined,
        [identifiers, ...candidates.map((m) => m.record.identifiers)],
        'body.input.identifiers',
      ),
    });
    return c.json({ candidates });
  });

  return patients;
}
