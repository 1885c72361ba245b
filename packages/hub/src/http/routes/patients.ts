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
import { type HubEnv, requireScope } from '../app.js';
import { readJsonBody } from '../body.js';
import { auditRead, idempotentWrite, type RouteDeps } from './deps.js';
import { pageParams, requiredToken, tokenParam } from './params.js';

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

/** Patients: upsert, identifier lookup, PDQm search and $match, PIXm cross-reference. Reads are audited. */
export function patientRoutes(app: Hono<HubEnv>, { db, store, audit }: RouteDeps): void {
  idempotentWrite(app, 'put', '/patients', store, async (trx, caller, body) => {
    const result = await upsertPatient(trx, caller.facilityCode, body);
    return { created: result.created, answer: result };
  });

  app.get('/patients/by-identifier', async (c) => {
    const caller = c.get('caller');
    requireScope(caller, 'read');
    const identifier = requiredToken(c.req.query('identifier'), 'identifier');
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
    const identifier = requiredToken(c.req.query('identifier'), 'identifier');
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

  app.get('/patients', async (c) => {
    const caller = c.get('caller');
    requireScope(caller, 'read');
    const q = c.req.query();
    const identifier = tokenParam(q.identifier, 'identifier', { systemOptional: true });
    const query = parseWith(
      PatientFilters,
      { family: q.family, given: q.given, name: q.name, birthDate: q.birthDate, sex: q.sex },
      { code: 'HUB_PARAMETER_INVALID', pathPrefix: 'query' },
    );
    const page = await searchPatients(db, { ...query, ...(identifier ? { identifier } : {}) }, pageParams(c));
    await auditRead(audit, caller, { action: 'search', resourceType: 'Patient', patient: identifier });
    return c.json(page);
  });

  app.post('/patients/match', async (c) => {
    const caller = c.get('caller');
    requireScope(caller, 'read');
    const request = parseWith(MatchRequest, await readJsonBody(c), {
      code: 'HUB_REQUEST_INVALID',
      pathPrefix: 'body',
    });
    const candidates = await matchPatients(db, request.input, {
      ...(request.limit ? { limit: request.limit } : {}),
      ...(request.minGrade ? { minGrade: request.minGrade } : {}),
    });
    await auditRead(audit, caller, {
      action: 'match',
      resourceType: 'Patient',
      patient: request.input.identifiers?.[0],
    });
    return c.json({ candidates });
  });
}
