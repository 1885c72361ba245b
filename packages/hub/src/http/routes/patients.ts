import { NotFoundError, parseWith } from '@lienthong/core';
import { PatientRecordSchema } from '@lienthong/patient-id';
import type { Hono } from 'hono';
import * as z from 'zod';
import {
  crossReference,
  findPatient,
  matchPatients,
  searchPatients,
  upsertPatient,
} from '../../records/patients.js';
import { type HubEnv, publisherOf, requireScope } from '../app.js';
import { readJsonBody } from '../body.js';
import { auditedPatient, searchPatientRequired, searchSeveralPatients } from '../search-scope.js';
import { auditRead, idempotentWrite, type RouteDeps } from './deps.js';
import { pageParams, patientParam, requiredToken, tokenParam } from './params.js';

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

/**
 * Patients: upsert, identifier lookup, PDQm search and $match of the patient an identifier names,
 * PIXm cross-reference. Reads are audited.
 */
export function patientRoutes(app: Hono<HubEnv>, { db, store, audit }: RouteDeps): void {
  idempotentWrite(app, 'put', '/patients', store, async (trx, caller, body) => {
    const result = await upsertPatient(trx, publisherOf(caller), body);
    return { created: result.created, answer: result };
  });

  app.get('/patients/by-identifier', async (c) => {
    const caller = c.get('caller');
    requireScope(caller, 'read');
    const identifier = requiredToken(patientParam(c, 'identifier'), 'identifier');
    const record = await findPatient(db, identifier);
    await auditRead(audit, caller, {
      action: 'read',
      resourceType: 'Patient',
      resourceId: record?.id,
      patient: identifier,
    });
    if (!record)
      throw new NotFoundError({
        code: 'PATIENT_NOT_FOUND',
        message: 'No patient holds this identifier.',
        messageVi: 'Không có người bệnh nào mang mã định danh này.',
        path: 'query.identifier',
      });
    return c.json(record);
  });

  app.get('/patients/cross-reference', async (c) => {
    const caller = c.get('caller');
    requireScope(caller, 'read');
    const identifier = requiredToken(patientParam(c, 'identifier'), 'identifier');
    const identifiers = await crossReference(db, identifier, c.req.queries('targetSystem'));
    await auditRead(audit, caller, {
      action: 'cross-reference',
      resourceType: 'Patient',
      patient: identifier,
    });
    if (!identifiers)
      throw new NotFoundError({
        code: 'PATIENT_NOT_FOUND',
        message: 'No patient holds this identifier.',
        messageVi: 'Không có người bệnh nào mang mã định danh này.',
        path: 'query.identifier',
      });
    return c.json({ identifiers });
  });

  // PDQm by identifier: demographics narrow the one patient an identifier names, never replace it.
  app.get('/patients', async (c) => {
    const caller = c.get('caller');
    requireScope(caller, 'read');
    const q = c.req.query();
    const identifier = tokenParam(patientParam(c, 'identifier'), 'identifier', { systemOptional: true });
    if (!identifier) throw searchPatientRequired('query.identifier', { ownListing: false });
    const query = parseWith(
      PatientFilters,
      { family: q.family, given: q.given, name: q.name, birthDate: q.birthDate, sex: q.sex },
      { code: 'HUB_PARAMETER_INVALID', pathPrefix: 'query' },
    );
    const page = await searchPatients(db, { ...query, identifier }, pageParams(c));
    await auditRead(audit, caller, {
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

  app.post('/patients/match', async (c) => {
    const caller = c.get('caller');
    requireScope(caller, 'read');
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
    await auditRead(audit, caller, {
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
}
