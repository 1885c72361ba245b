import type { Bundle, BundleEntry } from '@medplum/fhirtypes';
import { isConflictError, isLienThongError } from '../errors/lienthong-error.js';
import type { FhirClient } from './client/fhir-client.js';

/**
 * Reading a transaction's answer when two publishers race (shared by the `fhir` providers). FHIR
 * cannot make a record's parts conditional on its anchor resource: when a conditional create of the
 * anchor (`ifNoneExist`) finds that another publisher got there first, or a version-aware update
 * (`ifMatch`) finds it changed, the other resources of the same Bundle are still created by servers
 * that process it as a batch — and nothing points to them. The writer that lost removes them, then
 * decides again on what the server now holds.
 */

/** The HTTP status of one entry of a transaction or batch answer (`"201 Created"` → 201; 0 when absent). */
export function entryStatus(entry: BundleEntry | undefined): number {
  const status = entry?.response?.status;
  return status ? Number.parseInt(status, 10) || 0 : 0;
}

const LOCATION = /^(?:.*\/)?([A-Z][A-Za-z]+)\/([^/]+)/;

/**
 * References (`Observation/123`) of the resources an answer says were created (201) for the
 * request entries whose type the write owns (`owned`: never a shared one such as the Patient —
 * another writer may point at it); the answer lists entries in the request's order. An anchor
 * created conditionally is listed too when owned: a partly refused write removes it with its parts.
 */
export function createdResources(
  request: readonly BundleEntry[],
  answer: Bundle,
  owned: readonly string[],
): string[] {
  const created: string[] = [];
  const responses = answer.entry ?? [];
  for (let i = 0; i < request.length; i++) {
    if (request[i]?.request?.method !== 'POST' || entryStatus(responses[i]) !== 201) continue;
    const response = responses[i];
    const where =
      response?.response?.location ??
      (response?.resource?.id ? `${response.resource.resourceType}/${response.resource.id}` : '');
    const m = LOCATION.exec(where.replace(/\/_history\/.*$/, ''));
    if (m && owned.includes(m[1]!)) created.push(`${m[1]}/${m[2]}`);
  }
  return created;
}

/** Whether the server refused a whole transaction because a record changed under it (409/412). */
export function lostRace(error: unknown): boolean {
  if (isConflictError(error)) return true;
  const status = isLienThongError(error)
    ? (error as { status?: unknown; details?: { status?: unknown } }).details?.status
    : undefined;
  return status === 409 || status === 412;
}

/**
 * Deletes resources a lost write created, in one batch, last created first: the anchor before its
 * parts, these before what they point to (servers that keep references intact refuse otherwise).
 */
export async function discard(
  fhir: FhirClient,
  refs: readonly string[],
  signal?: AbortSignal,
): Promise<void> {
  if (refs.length === 0) return;
  await fhir.transaction(
    {
      resourceType: 'Bundle',
      type: 'batch',
      entry: [...refs].reverse().map((url) => ({ request: { method: 'DELETE', url } })),
    },
    { signal },
  );
}
