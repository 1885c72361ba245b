import { parseWith, ValidationError } from '@lienthong/core';
import * as z from 'zod';
import { addCredential, addFacility, listFacilities, revokeCredential } from '../../facilities.js';
import type { CredentialCache } from '../../security/credential-cache.js';
import { needs, scopeMissing } from '../auth.js';
import { readJsonBody } from '../body.js';
import type { RouteDeps } from '../deps.js';
import { hubFactory } from '../factory.js';
import { systemAndValue, wholeNumber } from './params.js';

const NewFacility = z.object({
  code: z.string(),
  name: z.string(),
  scopes: z.array(z.string()).optional(),
});
const NewCredential = z.object({
  scopes: z.array(z.string()).optional(),
  label: z.string().max(100).optional(),
});
const PatientToken = z.string().transform((raw, ctx) => {
  const token = systemAndValue(raw);
  if (!token)
    ctx.addIssue({
      code: 'custom',
      message: 'Expected system|value',
      params: { code: 'SCHEMA_INVALID_FORMAT', messageVi: 'Cần dạng system|value.' },
    });
  return token ?? z.NEVER;
});
const AuditQuery = z.object({
  facility: z.string().optional(),
  patient: PatientToken.optional(),
});

/**
 * The caller (`/v1/me`), facilities and their credentials (`/v1/facilities`, `/v1/credentials`:
 * adding needs `admin`; a facility revokes its own credentials) and the audit trail (`/v1/audit`:
 * a facility reads its own entries, an administrator any facility's). A credential revoked here
 * stops working at once on this instance, within a second on others sharing the database
 * (`credentials`, their cache of recently found keys).
 */
export function adminRoutes({ db, audit }: RouteDeps, credentials: Pick<CredentialCache, 'forget'>) {
  const admin = hubFactory.createApp();

  admin.get('/me', (c) => {
    const caller = c.get('caller');
    return c.json({ facilityCode: caller.facilityCode, scopes: [...caller.scopes] });
  });

  admin.get('/facilities', async (c) => c.json({ items: await listFacilities(db) }));

  admin.post('/facilities', needs('admin'), async (c) => {
    const body = parseWith(NewFacility, await readJsonBody(c), {
      code: 'HUB_REQUEST_INVALID',
      pathPrefix: 'body',
    });
    return c.json(await addFacility(db, body), 201);
  });

  admin.post('/facilities/:code/credentials', needs('admin'), async (c) => {
    const body = parseWith(NewCredential, (await readJsonBody(c, { optional: true })) ?? {}, {
      code: 'HUB_REQUEST_INVALID',
      pathPrefix: 'body',
    });
    return c.json(await addCredential(db, c.req.param('code'), body), 201);
  });

  admin.delete('/credentials/:id', async (c) => {
    const caller = c.get('caller');
    const id = c.req.param('id');
    if (!caller.scopes.has('admin')) {
      const own = await db
        .selectFrom('credentials')
        .select('id')
        .where('id', '=', id)
        .where('facility_code', '=', caller.facilityCode)
        .executeTakeFirst();
      if (!own) throw scopeMissing('admin');
    }
    await revokeCredential(db, id);
    credentials.forget(id);
    return c.body(null, 204);
  });

  admin.get('/audit', async (c) => {
    const caller = c.get('caller');
    const { limit: rawLimit, ...filters } = c.req.query();
    const query = parseWith(AuditQuery, filters, { code: 'HUB_REQUEST_INVALID', pathPrefix: 'query' });
    const limit = rawLimit === undefined ? undefined : wholeNumber(rawLimit, 1, 1000);
    if (rawLimit !== undefined && limit === undefined)
      throw new ValidationError({
        code: 'HUB_REQUEST_INVALID',
        message: 'limit must be a whole number from 1 to 1000.',
        messageVi: 'limit phải là số nguyên từ 1 đến 1000.',
        path: 'query.limit',
      });
    if (!caller.scopes.has('admin') && query.facility && query.facility !== caller.facilityCode)
      throw scopeMissing('admin');
    const items = await audit.list({
      facilityCode: caller.scopes.has('admin') ? query.facility : caller.facilityCode,
      ...(query.patient ? { patient: query.patient } : {}),
      ...(limit ? { limit } : {}),
    });
    return c.json({ items });
  });

  return admin;
}
