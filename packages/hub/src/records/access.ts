import { AuthError } from '@lienthong/core';
import type { Kysely } from 'kysely';
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

/** Decodes a cursor, or undefined when it is not one of ours. */
export function decodeCursor(cursor: string | undefined, length: number): string[] | undefined {
  if (!cursor) return undefined;
  try {
    const parts = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(parts) && parts.length === length && parts.every((p) => typeof p === 'string'))
      return parts;
  } catch {
    // fall through
  }
  return undefined;
}

/** A page of records and the cursor of the next page. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
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
      eb.or(identifiers.map((p) => eb.and([eb('system', '=', p.system), eb('value', '=', p.value)]))),
    );
}
