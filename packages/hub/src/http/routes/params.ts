import { ValidationError } from '@lienthong/core';
import type { Context } from 'hono';
import { searchSeveralPatients } from '../search-scope.js';

/** Reads a `system|value` token (`value` alone means any system when `systemOptional`). */
export function tokenParam(
  raw: string | undefined,
  name: string,
  options: { systemOptional?: boolean } = {},
): { system?: string; value: string } | undefined {
  if (raw === undefined) return undefined;
  const bar = raw.indexOf('|');
  if (bar < 0) {
    if (options.systemOptional && raw !== '') return { value: raw };
  } else if (bar > 0 && bar < raw.length - 1) {
    return { system: raw.slice(0, bar), value: raw.slice(bar + 1) };
  } else if (bar === 0 && options.systemOptional && raw.length > 1) {
    return { value: raw.slice(1) };
  }
  throw new ValidationError({
    code: 'HUB_PARAMETER_INVALID',
    message: `Query parameter ${name} must be "system|value".`,
    messageVi: `Tham số ${name} phải có dạng "system|value".`,
    path: `query.${name}`,
  });
}

/** The one value of a parameter naming a patient (`patient`, `identifier`); repeated, it names several: 400. */
export function patientParam(c: Context, name: string): string | undefined {
  const values = c.req.queries(name) ?? [];
  if (values.length > 1) throw searchSeveralPatients(`query.${name}`);
  return values[0];
}

/** Like {@link tokenParam} but the system is required. */
export function requiredToken(raw: string | undefined, name: string): { system: string; value: string } {
  const token = tokenParam(raw, name);
  if (!token?.system) {
    throw new ValidationError({
      code: 'HUB_PARAMETER_MISSING',
      message: `Query parameter ${name} ("system|value") is required.`,
      messageVi: `Thiếu tham số ${name} ("system|value").`,
      path: `query.${name}`,
    });
  }
  return token as { system: string; value: string };
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
