import { AuthError, canonicalIdentifierSystem, ValidationError } from '@lienthong/core';
import type { Kysely, SelectQueryBuilder } from 'kysely';
import { rowLimit } from '../db/row-limit.js';
import type { HubDatabase } from '../db/schema.js';

/** A facility changes only the records it published (what it may claim: `facility-claims.ts`). */
export function notYours(what: string, id: string): AuthError {
  return new AuthError({
    code: 'HUB_RECORD_OF_OTHER_FACILITY',
    message: `${what} ${id} belongs to another facility; a facility changes only its own records.`,
    messageVi: `${what} ${id} thuộc cơ sở khác; mỗi cơ sở chỉ được thay đổi dữ liệu của mình.`,
    status: 403,
  });
}

/**
 * Who publishes: a facility publishes only as itself; an administrator credential (migrations,
 * imports, the conformance kit) may publish on behalf of the facility a record names.
 */
export interface Publisher {
  facilityCode: string;
  admin: boolean;
}

/** Throws 403 when a record stored under `owner` would be changed by another (non-admin) facility. */
export function checkOwner(publisher: Publisher, owner: string, what: string, id: string): void {
  if (!publisher.admin && owner !== publisher.facilityCode) throw notYours(what, id);
}

/** Encodes a keyset position as an opaque cursor. */
export function encodeCursor(parts: readonly string[]): string {
  return Buffer.from(JSON.stringify(parts), 'utf8').toString('base64url');
}

/**
 * The keyset position of a page's `cursor` (`length` parts), undefined for the first page (no
 * cursor); 400 `HUB_CURSOR_INVALID` for a cursor that is not one of ours.
 */
export function readCursor(cursor: string | undefined, length: number): string[] | undefined {
  if (cursor === undefined) return undefined;
  try {
    const parts = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(parts) && parts.length === length && parts.every((p) => typeof p === 'string'))
      return parts;
  } catch {
    // not JSON: not ours
  }
  throw new ValidationError({
    code: 'HUB_CURSOR_INVALID',
    message: 'The paging cursor is not valid.',
    messageVi: 'Con trỏ phân trang không hợp lệ.',
    path: 'query.cursor',
  });
}

/** A page of records and the cursor of the next page. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** A page to read: at most `limit` records after the keyset `cursor`, skipping `offset` more. */
export interface PageRequest {
  limit: number;
  cursor?: string;
  offset?: number;
}

/**
 * One page of an ordered query: its first `limit` rows (after `offset` more), read with one row
 * beyond them, whose presence says that a next page exists: its cursor is then the keyset
 * position (`keyOf`) of the page's last row.
 */
export async function keysetPage<DB, TB extends keyof DB, O>(
  ordered: SelectQueryBuilder<DB, TB, O>,
  page: PageRequest,
  keyOf: (last: O) => readonly string[],
): Promise<{ rows: O[]; nextCursor: string | null }> {
  let q = ordered.limit(rowLimit(page.limit + 1));
  if (page.offset) q = q.offset(page.offset);
  return pageOfRows((await q.execute()) as O[], page, keyOf);
}

/**
 * The page {@link keysetPage} makes of the rows a query found when asked for `page.limit + 1`
 * rows (after `page.offset`): a query run some other way (a shaped query) pages the same.
 */
export function pageOfRows<O>(
  found: O[],
  page: PageRequest,
  keyOf: (last: O) => readonly string[],
): { rows: O[]; nextCursor: string | null } {
  const rows = found.slice(0, page.limit);
  const last = rows[rows.length - 1];
  return { rows, nextCursor: found.length > page.limit && last ? encodeCursor(keyOf(last)) : null };
}

/**
 * The ids of the records filed under any of `identifiers` (one patient's identifiers) in a
 * patient-key table: a subquery served by its (system, value, record) index.
 */
export function recordsOfAnyIdentifier(
  db: Kysely<HubDatabase>,
  table: 'lab_report_patients' | 'imaging_patients',
  identifiers: readonly { system: string; value: string }[],
) {
  return db
    .selectFrom(table)
    .select('record_id')
    .where((eb) =>
      eb.or(
        identifiers.map((p) =>
          eb.and([eb('system', '=', canonicalIdentifierSystem(p.system)), eb('value', '=', p.value)]),
        ),
      ),
    );
}
