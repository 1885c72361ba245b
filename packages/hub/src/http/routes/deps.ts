import type { Hono } from 'hono';
import type { Kysely } from 'kysely';
import type { AuditLog } from '../../audit.js';
import type { HubDb } from '../../db/open-database.js';
import type { HubDatabase } from '../../db/schema.js';
import { idempotent, requestFingerprint } from '../../idempotency.js';
import { checkIdempotencyKey } from '../../limits.js';
import { type Caller, type HubEnv, requireScope } from '../app.js';
import { readJsonBody } from '../body.js';

/** What every route group needs. */
export interface RouteDeps {
  /** For reads; writes go through `store.transact`. */
  db: Kysely<HubDatabase>;
  store: HubDb;
  audit: AuditLog;
}

/** Writes the one audit entry of a read of patient data (who, for whom, why, what). */
export function auditRead(
  audit: AuditLog,
  caller: Caller,
  what: {
    action: string;
    resourceType: string;
    resourceId?: string | undefined;
    patient?: { system?: string; value: string } | undefined;
  },
): Promise<void> {
  const patient = what.patient?.system
    ? { system: what.patient.system, value: what.patient.value }
    : undefined;
  return audit.record({
    facilityCode: caller.facilityCode,
    credentialId: caller.credentialId,
    userRef: caller.userRef,
    purpose: caller.purpose,
    action: what.action,
    resourceType: what.resourceType,
    resourceId: what.resourceId,
    patient,
  });
}

/**
 * The one shape of every write route: `write` scope, JSON body, exactly-once under the caller's
 * `Idempotency-Key` (1–200 printable ASCII characters), and 201 when something was created (200
 * otherwise).
 */
export function idempotentWrite<T>(
  app: Hono<HubEnv>,
  method: 'post' | 'put',
  path: string,
  store: HubDb,
  write: (
    trx: Kysely<HubDatabase>,
    caller: Caller,
    body: unknown,
  ) => Promise<{ created: boolean; answer: T }>,
): void {
  app[method](path, async (c) => {
    const caller = c.get('caller');
    requireScope(caller, 'write');
    const key = c.req.header('idempotency-key');
    checkIdempotencyKey(key);
    const body = await readJsonBody(c);
    const result = await idempotent(
      store,
      {
        facilityCode: caller.facilityCode,
        key,
        fingerprint: requestFingerprint(method.toUpperCase(), `/v1${path}`, JSON.stringify(body)),
      },
      async (trx) => {
        const { created, answer } = await write(trx, caller, body);
        return { status: created ? 201 : 200, body: answer };
      },
    );
    return c.json(result.body as object, result.status as 200 | 201);
  });
}
