import type { Context } from 'hono';
import type { AuditLog } from '../audit.js';
import type { HubEnv } from './env.js';

/** A patient as a request or a record names it (without a system: a value in any system). */
type NamedPatient = { system?: string; value: string };

/** What one audit entry of a read of patient data says: what was done to what, about whom. */
export interface ReadEntry {
  action: string;
  resourceType: string;
  resourceId?: string | undefined;
  /** Recorded only with its system: a value in any system names no one patient. */
  patient?: NamedPatient | undefined;
  /** Diagnoses a disclosure policy withheld from the answer (visit reads). */
  withheld?: number | undefined;
}

/**
 * Writes the one audit entry of a read of patient data: who (the caller's facility, credential
 * and end user), why (purpose of use), what and about whom.
 */
export function auditRead(audit: AuditLog, c: Context<HubEnv>, entry: ReadEntry): Promise<void> {
  const caller = c.get('caller');
  const { patient } = entry;
  return audit.record({
    facilityCode: caller.facilityCode,
    credentialId: caller.credentialId,
    userRef: caller.userRef,
    purpose: caller.purpose,
    action: entry.action,
    resourceType: entry.resourceType,
    resourceId: entry.resourceId,
    patient: patient?.system ? { system: patient.system, value: patient.value } : undefined,
    withheld: entry.withheld,
  });
}

/** What a read found: the answer, and the patient the entry names — known even without an answer (a missing version of a known report). */
export interface Found<T> {
  answer: T | undefined;
  patient: NamedPatient | undefined;
  /** The record read, when the request named it otherwise (by an identifier). */
  resourceId?: string | undefined;
  /** Diagnoses a disclosure policy withheld from the answer. */
  withheld?: number | undefined;
}

/** What a read of one record about a patient found: the record, and the first identifier of its patient. */
export const foundRecord = <T extends { patient: { identifiers: readonly NamedPatient[] } }>(
  record: T | undefined,
): Found<T> => ({ answer: record, patient: record?.patient.identifiers[0] });

/**
 * The one shape of a read of a record: read, write the audit entry — found or not, so probing
 * for a record is audited too — then throw `notFound()` when nothing was found.
 */
export async function auditedRead<T>(
  audit: AuditLog,
  c: Context<HubEnv>,
  entry: Omit<ReadEntry, 'patient' | 'withheld'>,
  read: () => Promise<Found<T>>,
  notFound: () => Error,
): Promise<T> {
  const found = await read();
  await auditRead(audit, c, {
    ...entry,
    ...(found.resourceId !== undefined ? { resourceId: found.resourceId } : {}),
    patient: found.patient,
    withheld: found.withheld,
  });
  if (found.answer === undefined) throw notFound();
  return found.answer;
}
