import type { Kysely } from 'kysely';
import type { AuditLog } from '../../audit.js';
import type { HubDatabase } from '../../db/schema.js';
import type { Caller } from '../app.js';

/** What every route group needs. */
export interface RouteDeps {
  db: Kysely<HubDatabase>;
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
