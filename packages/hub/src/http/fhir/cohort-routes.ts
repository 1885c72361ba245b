import { randomUUID } from 'node:crypto';
import { NotFoundError } from '@lienthong/core';
import type { Context } from 'hono';
import { cohortGroup, parseCohortGroup } from '../../export/cohort-group.js';
import { cohortsStore, memberKeys, type StoredCohort } from '../../export/cohorts-store.js';
import { FHIR_ID } from '../../limits.js';
import { auditRead } from '../audited-read.js';
import { scopeMissing } from '../auth.js';
import { readJsonBody } from '../body.js';
import type { RouteDeps } from '../deps.js';
import type { Caller, HubEnv } from '../env.js';
import { hubFactory } from '../factory.js';
import { baseOf, fhirJson } from './respond.js';

/**
 * Who may create, read and delete cohorts: the `export` or `admin` scope (a cohort lists patients:
 * a population-level read). `export-deidentified` is not enough.
 */
export function cohortAccess(caller: Caller): { admin: boolean } {
  const admin = caller.scopes.has('admin');
  if (!admin && !caller.scopes.has('export')) throw scopeMissing('export');
  return { admin };
}

/** 404 `BULK_GROUP_NOT_FOUND`: no facility and no cohort of this id that the caller may use (not told apart). */
export const groupNotFound = () =>
  new NotFoundError({
    code: 'BULK_GROUP_NOT_FOUND',
    message:
      'No such Group: a Group id is the code of a facility registered on the hub, or the id of a saved cohort of your facility.',
    messageVi:
      'Không có nhóm này: mã nhóm (Group id) là mã của một cơ sở đã đăng ký trên sàn, hoặc mã của một nhóm người bệnh đã lưu của cơ sở bạn.',
  });

/** The cohort `id` if the caller may use it: its own facility's, or any for an administrator. */
export async function cohortOf(
  deps: RouteDeps,
  caller: Caller,
  id: string,
  admin: boolean,
): Promise<StoredCohort | undefined> {
  if (!FHIR_ID.test(id)) return undefined;
  const cohort = await cohortsStore(deps.store).get(id);
  return cohort && (admin || cohort.ownerFacility === caller.facilityCode) ? cohort : undefined;
}

/**
 * Saved cohorts on the facade: `POST /Group` stores a FHIR Group of patients (`type: person`,
 * `actual: true`, members by `Patient/<id>` reference or by identifier) as a cohort of the
 * caller's facility, `GET /Group/<id>` reads it, `DELETE /Group/<id>` deletes it; a cohort is
 * exported by `Group/<id>/$export`. Needs the `export` scope (or `admin`); a facility sees its own
 * cohorts only (another's is 404). Each request is audited (resource type Group, no patient).
 */
export function cohortRoutes(deps: RouteDeps) {
  const app = hubFactory.createApp();
  const cohorts = cohortsStore(deps.store);
  const audit = (c: Context<HubEnv>, action: string, id: string | undefined) =>
    auditRead(deps.audit, c, { action, resourceType: 'Group', resourceId: id });

  app.post('/Group', async (c) => {
    const caller = c.get('caller');
    cohortAccess(caller);
    const request = parseCohortGroup(await readJsonBody(c));
    const keys = await memberKeys(deps.db, request.members, (i) => `member[${i}].entity`);
    const id = randomUUID();
    const group = cohortGroup({
      id,
      name: request.name,
      members: request.members,
      updatedAt: new Date().toISOString(),
    });
    await cohorts.create({ id, ownerFacility: caller.facilityCode, group, keys });
    await audit(c, 'fhir-group-create', id);
    c.header('location', `${baseOf(c)}/Group/${id}/_history/1`);
    return fhirJson(c, group, 201);
  });

  /** The cohort of the path the caller may use (audited, found or not), else 404. */
  const cohortOfRequest = async (c: Context<HubEnv>, action: string) => {
    const caller = c.get('caller');
    const { admin } = cohortAccess(caller);
    const id = c.req.param('id') ?? '';
    const cohort = await cohortOf(deps, caller, id, admin);
    await audit(c, action, FHIR_ID.test(id) ? id : undefined);
    if (!cohort) throw groupNotFound();
    return cohort;
  };

  app.get('/Group/:id', async (c) => fhirJson(c, (await cohortOfRequest(c, 'fhir-group-read')).group));

  app.delete('/Group/:id', async (c) => {
    const cohort = await cohortOfRequest(c, 'fhir-group-delete');
    if (!(await cohorts.remove(cohort.id))) throw groupNotFound();
    return c.body(null, 204);
  });

  return app;
}
