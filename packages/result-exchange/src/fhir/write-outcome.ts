import { isConflictError, isLienThongError } from '@lienthong/core';
import type { FhirClient } from '@lienthong/core/fhir';
import type { Bundle, BundleEntry } from '@medplum/fhirtypes';

/**
 * Reading a transaction's answer when two publishers race. FHIR cannot make a report's
 * Observations conditional on its DiagnosticReport: when a conditional create of the report
 * (`ifNoneExist`) finds that another publisher got there first, or a version-aware update
 * (`ifMatch`) finds the report changed, the Observations and Specimen of the same Bundle are still
 * created by servers that process it as a batch — and nothing points to them. The writer that
 * lost removes them, then decides again on what the server now holds.
 */

/** The HTTP status of one entry of a transaction or batch answer (`"201 Created"` → 201; 0 when absent). */
export function entryStatus(entry: BundleEntry | undefined): number {
  const status = entry?.response?.status;
  return status ? Number.parseInt(status, 10) || 0 : 0;
}

/**
 * Resource types a report's write owns (the Patient is shared). The DiagnosticReport's create is
 * conditional: 201 means this write created it — a partly refused write removes it too, else it
 * would point at the Observations removed with it.
 */
const OWN_TYPES = /^(?:.*\/)?(Observation|Specimen|DiagnosticReport)\/([^/]+)/;

/**
 * References (`Observation/123`) of the resources an answer says were created (201) for the
 * request entries of an owned type; the answer lists entries in the request's order.
 */
export function createdResources(request: readonly BundleEntry[], answer: Bundle): string[] {
  const created: string[] = [];
  const responses = answer.entry ?? [];
  for (let i = 0; i < request.length; i++) {
    if (request[i]?.request?.method !== 'POST' || entryStatus(responses[i]) !== 201) continue;
    const response = responses[i];
    const where =
      response?.response?.location ??
      (response?.resource?.id ? `${response.resource.resourceType}/${response.resource.id}` : '');
    const m = OWN_TYPES.exec(where);
    if (m) created.push(`${m[1]}/${m[2]}`);
  }
  return created;
}

/** Whether the server refused a whole transaction because the report changed under it (409/412). */
export function lostRace(error: unknown): boolean {
  if (isConflictError(error)) return true;
  const status = isLienThongError(error)
    ? (error as { status?: unknown; details?: { status?: unknown } }).details?.status
    : undefined;
  return status === 409 || status === 412;
}

/**
 * Deletes resources a lost write created, in one batch, last created first: the report before its
 * Observations, these before their Specimen (servers that keep references intact refuse otherwise).
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
