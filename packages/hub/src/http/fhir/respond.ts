import { type IdentifierValue, NotFoundError, ValidationError } from '@lienthong/core';
import type { Context } from 'hono';
import type { AuditLog } from '../../audit.js';
import { FHIR_ID } from '../../limits.js';
import type { HubEnv } from '../app.js';
import { auditRead } from '../routes/deps.js';
import { auditedPatient, searchAction } from '../search-scope.js';
import type { SearchRequest } from './search-params.js';

const FHIR_JSON = 'application/fhir+json';

/** 404 `FHIR_NOT_FOUND` for a resource (Vietnamese name `vi`). */
export const notFound = (type: string, vi: string) =>
  new NotFoundError({
    code: 'FHIR_NOT_FOUND',
    message: `${type} not found.`,
    messageVi: `Không tìm thấy ${vi}.`,
  });

/** A FHIR JSON answer. */
export const fhirJson = (c: Context<HubEnv>, body: unknown, status = 200) =>
  c.body(JSON.stringify(body), status as 200, { 'content-type': FHIR_JSON });

/**
 * The facade's base URL (`https://hub…/fhir`): the hub's configured public URL, never the request's
 * `Host` or forwarding headers, which any client can forge.
 */
export const baseOf = (c: Context<HubEnv>) => `${c.get('publicUrl')}/fhir`;

/** The URL of a request with only the parameters used (a search's `self` link), under the public URL. */
export function selfOf(c: Context<HubEnv>, search: SearchRequest): URL {
  const url = new URL(`${c.get('publicUrl')}${c.req.path}`);
  url.search = search.used.toString();
  return url;
}

/** The `:id` of a read: a FHIR id (`[A-Za-z0-9\-.]{1,64}`), else 400 `FHIR_ID_INVALID` — nothing read, nothing audited. */
export function idParam(c: Context<HubEnv>): string {
  const id = c.req.param('id') ?? '';
  if (!FHIR_ID.test(id))
    throw new ValidationError({
      code: 'FHIR_ID_INVALID',
      message: 'A FHIR id is 1–64 letters, digits, hyphens or dots.',
      messageVi: 'Mã FHIR (id) gồm 1–64 chữ cái, chữ số, dấu gạch ngang hoặc dấu chấm.',
      path: 'id',
    });
  return id;
}

/** Writes the one audit entry of a facade request that reads patient data. */
export function auditFhir(
  audit: AuditLog,
  c: Context<HubEnv>,
  what: { action: string; resourceType: string; resourceId?: string; patient?: IdentifierValue | undefined },
): Promise<void> {
  return auditRead(audit, c.get('caller'), what);
}

/**
 * Writes the audit entry of a search answering `answered` (each record's patient identifiers): an
 * own-records listing (`fhir-search-own`) names no patient; any other search names the patient it
 * `named`, else the one its records belong to — 400 at `path` before anything is answered when
 * they belong to several.
 */
export function auditSearch(
  audit: AuditLog,
  c: Context<HubEnv>,
  resourceType: string,
  search: { named?: { system?: string; value: string } | undefined; own: boolean; path: string },
  answered: readonly (readonly IdentifierValue[])[],
): Promise<void> {
  return auditFhir(audit, c, {
    action: searchAction('fhir-search', search.own),
    resourceType,
    patient: search.own ? undefined : auditedPatient(search.named, answered, search.path),
  });
}
