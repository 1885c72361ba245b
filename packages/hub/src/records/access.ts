import { AuthError } from '@lienthong/core';
import type { Kysely } from 'kysely';
import type { HubDatabase } from '../db/schema.js';

/** A facility may only publish as itself and only change the records it published. */
export function notYours(what: string, id: string): AuthError {
  return new AuthError({
    code: 'HUB_RECORD_OF_OTHER_FACILITY',
    message: `${what} ${id} belongs to another facility; a facility changes only its own records.`,
    messageVi: `${what} ${id} thuộc cơ sở khác; mỗi cơ sở chỉ được thay đổi dữ liệu của mình.`,
    status: 403,
  });
}

export function publishAsOther(path: string): AuthError {
  return new AuthError({
    code: 'HUB_PUBLISH_AS_OTHER_FACILITY',
    message: 'A facility publishes only as itself: the record names another facility.',
    messageVi: 'Mỗi cơ sở chỉ được gửi dữ liệu của chính mình: bản ghi ghi tên cơ sở khác.',
    path,
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

/** The facility a record is stored under, or a 403 when a facility tries to publish as another. */
export function publishingFacility(publisher: Publisher, named: string | undefined, path: string): string {
  if (publisher.admin) return named ?? publisher.facilityCode;
  if (named && named !== publisher.facilityCode) throw publishAsOther(path);
  return publisher.facilityCode;
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
