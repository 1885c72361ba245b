import { type IdentifierValue, NotFoundError, ValidationError } from '@lienthong/core';
import { FHIR_JSON } from '@lienthong/core/fhir';
import type { Context } from 'hono';
import type { AuditLog } from '../../audit.js';
import { FHIR_ID } from '../../limits.js';
import { auditedRead, auditRead, type Found } from '../audited-read.js';
import type { HubEnv } from '../env.js';
import { auditedPatient, searchAction } from '../search-scope.js';
import { readSearch, type SearchRequest } from './search-params.js';

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

/** An instance interaction of the facade: its audit action, the type it reads, its 404. */
export interface Interaction {
  action: 'fhir-read' | 'fhir-history' | 'fhir-vread';
  resourceType: string;
  notFound: () => Error;
}

/** The `fhir-read` of a `resourceType` (`vi`: its Vietnamese name, for the 404). */
export const readOf = (resourceType: string, vi: string): Interaction => ({
  action: 'fhir-read',
  resourceType,
  notFound: () => notFound(resourceType, vi),
});

/**
 * An instance interaction (`GET /<type>/:id…`): no parameter but `_format`, a valid FHIR id, then
 * one audit entry of what `read` found of that id — found or not — and `notFound()` when nothing
 * was. Answers what was found, and the parameters used (a history's `self` link).
 */
export async function readInstance<T>(
  audit: AuditLog,
  c: Context<HubEnv>,
  interaction: Interaction,
  read: (id: string) => Promise<Found<T>>,
): Promise<{ answer: T; search: SearchRequest }> {
  const search = readSearch(c, []);
  const id = idParam(c);
  const { action, resourceType } = interaction;
  const answer = await auditedRead(
    audit,
    c,
    { action, resourceType, resourceId: id },
    () => read(id),
    interaction.notFound,
  );
  return { answer, search };
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
  search: {
    named?: { system?: string; value: string } | undefined;
    own: boolean;
    path: string;
    /** Diagnoses a disclosure policy withheld from the answer (visit resources). */
    withheld?: number;
  },
  answered: readonly (readonly IdentifierValue[])[],
): Promise<void> {
  return auditRead(audit, c, {
    action: searchAction('fhir-search', search.own),
    resourceType,
    patient: search.own ? undefined : auditedPatient(search.named, answered, search.path),
    ...(search.withheld !== undefined ? { withheld: search.withheld } : {}),
  });
}
