import { type IdentifierValue, NotFoundError } from '@lienthong/core';
import type { Context } from 'hono';
import type { AuditLog } from '../../audit.js';
import type { HubEnv } from '../app.js';
import { auditRead } from '../routes/deps.js';
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

/** The facade's base URL as the client reached it (`https://hub…/fhir`). */
export const baseOf = (c: Context) => `${new URL(c.req.url).origin}/fhir`;

/** The URL of a search with only the parameters used (its `self` link). */
export function selfOf(c: Context, search: SearchRequest): URL {
  const url = new URL(c.req.url);
  url.search = search.used.toString();
  return url;
}

/**
 * The patient an audit entry names: the one the request named, else the patient all the answered
 * records share (a search by report id, a read), else none (records of several patients).
 */
export function auditedPatient(
  named: IdentifierValue | undefined,
  answered: readonly (readonly IdentifierValue[])[],
): IdentifierValue | undefined {
  if (named) return named;
  const first = answered.map((ids) => ids[0]).filter((i) => i !== undefined);
  const key = (i: IdentifierValue) => `${i.system}|${i.value}`;
  return first.length > 0 && first.every((i) => key(i) === key(first[0]!)) ? first[0] : undefined;
}

/** Writes the one audit entry of a facade request that reads patient data. */
export function auditFhir(
  audit: AuditLog,
  c: Context<HubEnv>,
  what: { action: string; resourceType: string; resourceId?: string; patient?: IdentifierValue | undefined },
): Promise<void> {
  return auditRead(audit, c.get('caller'), what);
}
