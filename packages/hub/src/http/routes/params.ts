import { canonicalIdentifierSystem, parseTokenParam, ValidationError } from '@lienthong/core';
import type { Context } from 'hono';
import { searchSeveralPatients } from '../search-scope.js';

/** Where a parameter is: the query (`?patient=`) or the path (`/patients/{identifier}/…`). */
type Place = 'query' | 'path';

const tokenInvalid = (name: string, place: Place) =>
  new ValidationError({
    code: 'HUB_PARAMETER_INVALID',
    message: `${place === 'query' ? 'Query' : 'Path'} parameter ${name} must be "system|value".`,
    messageVi: `Tham số ${name} phải có dạng "system|value".`,
    path: `${place}.${name}`,
  });

/**
 * A token naming both a system and a value, read by the FHIR token rules (`\|` escapes a bar); else
 * undefined. An older URI of a known identifier system (`http://fhir.hl7.org.vn/core/sid/cccd`) is
 * read as the current one, which the hub stores.
 */
export function systemAndValue(raw: string): { system: string; value: string } | undefined {
  const { system, value } = parseTokenParam(raw);
  return system && value !== undefined ? { system: canonicalIdentifierSystem(system), value } : undefined;
}

/**
 * Reads a `system|value` query parameter (`parseTokenParam`); `value` alone means any system
 * where `anySystem`. 400 `HUB_PARAMETER_INVALID` for any other form (`|value`: the hub's
 * identifiers all have a system).
 */
export function readToken(
  raw: string | undefined,
  name: string,
  options: { anySystem?: boolean } = {},
): { system?: string; value: string } | undefined {
  if (raw === undefined) return undefined;
  const token = parseTokenParam(raw);
  if (token.value !== undefined && token.system === undefined && options.anySystem)
    return { value: token.value };
  return readRequiredToken(raw, name);
}

/** The one value of a parameter naming a patient (`patient`, `identifier`); repeated, it names several: 400. */
export function patientParam(c: Context, name: string): string | undefined {
  const values = c.req.queries(name) ?? [];
  if (values.length > 1) throw searchSeveralPatients(`query.${name}`);
  return values[0];
}

/**
 * Like {@link readToken}, but the parameter and its system are required (400 `HUB_PARAMETER_MISSING`
 * without it); `place` says where the parameter is, for the error's path.
 */
export function readRequiredToken(
  raw: string | undefined,
  name: string,
  place: Place = 'query',
): { system: string; value: string } {
  if (raw === undefined)
    throw new ValidationError({
      code: 'HUB_PARAMETER_MISSING',
      message: `Query parameter ${name} ("system|value") is required.`,
      messageVi: `Thiếu tham số ${name} ("system|value").`,
      path: `query.${name}`,
    });
  const token = systemAndValue(raw);
  if (!token) throw tokenInvalid(name, place);
  return token;
}

/**
 * The one reader of whole numbers in query parameters (`limit`, `_count`, `_offset`, …): decimal
 * digits only — no sign, space, decimal point, exponent or `0x`/`0b` prefix (`Number()` would read
 * `0x10` as 16) — within `[min, max]`; `undefined` otherwise, for the caller's own error.
 */
export function wholeNumber(raw: string, min: number, max = Number.POSITIVE_INFINITY): number | undefined {
  if (!/^\d+$/.test(raw)) return undefined;
  const value = Number(raw);
  return value >= min && value <= max ? value : undefined;
}

/** `limit` (1–500, default 50) and `cursor` of a paged list. */
export function pageParams(c: Context): { limit: number; cursor?: string } {
  const rawLimit = c.req.query('limit');
  const limit = rawLimit === undefined ? 50 : wholeNumber(rawLimit, 1, 500);
  if (limit === undefined) {
    throw new ValidationError({
      code: 'HUB_PARAMETER_INVALID',
      message: 'limit must be an integer from 1 to 500.',
      messageVi: 'limit phải là số nguyên từ 1 đến 500.',
      path: 'query.limit',
    });
  }
  const cursor = c.req.query('cursor');
  return cursor ? { limit, cursor } : { limit };
}

/**
 * Answers a page whose items are JSON texts the hub stored itself, spliced in without parsing
 * (the same body `c.json(page)` would send for the parsed items).
 */
export function storedJsonPage(
  c: Context,
  page: { items: readonly string[]; nextCursor: string | null },
): Response {
  return c.body(`{"items":[${page.items.join(',')}],"nextCursor":${JSON.stringify(page.nextCursor)}}`, 200, {
    'content-type': 'application/json',
  });
}
