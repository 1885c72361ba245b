import { type IdentifierValue, stableJson, ValidationError } from '@lienthong/core';
import {
  assertImagingQuery,
  assertImagingReference,
  type ImagingQuery,
  type ImagingReference,
  type PublishReceipt,
} from '@lienthong/imaging';
import type { Kysely } from 'kysely';
import type { HubDatabase } from '../db/schema.js';
import { checkId, checkIdentifiers } from '../limits.js';
import {
  checkOwner,
  decodeCursor,
  encodeCursor,
  type Page,
  type Publisher,
  recordsOfAnyIdentifier,
} from './access.js';
import { claimImagingReference, withPerformingFacility } from './facility-claims.js';

/** Publishes (or updates) an imaging reference as the publisher's facility; idempotent on the study UID. */
export async function publishImaging(
  trx: Kysely<HubDatabase>,
  publisher: Publisher,
  input: unknown,
): Promise<PublishReceipt> {
  const checked = assertImagingReference(input);
  checkId(checked.accessionNumber, 'accessionNumber');
  checkIdentifiers(checked.patient.identifiers, 'patient.identifiers');
  const claimed = claimImagingReference(publisher, checked);
  const uid = checked.studyInstanceUid;
  const existing = await trx
    .selectFrom('imaging_references')
    .select(['facility_code', 'document'])
    .where('study_uid', '=', uid)
    .executeTakeFirst();
  if (existing) checkOwner(publisher, existing.facility_code, 'Imaging study', uid);
  const facility = existing?.facility_code ?? claimed;
  const reference = withPerformingFacility(checked, publisher, facility);
  if (existing && stableJson(JSON.parse(existing.document)) === stableJson(reference))
    return { studyInstanceUid: uid, status: 'unchanged' };
  const modalities = ` ${[...new Set([...reference.modalities, ...reference.series.map((s) => s.modality)])].join(' ')} `;
  const row = {
    facility_code: facility,
    study_date: reference.studyDate ?? null,
    modalities,
    document: JSON.stringify(reference),
    updated_at: new Date().toISOString(),
  };
  if (existing) {
    await trx.updateTable('imaging_references').set(row).where('study_uid', '=', uid).execute();
    await trx.deleteFrom('imaging_patients').where('record_id', '=', uid).execute();
  } else {
    await trx
      .insertInto('imaging_references')
      .values({ study_uid: uid, ...row })
      .execute();
  }
  const patients = reference.patient.identifiers.map((i) => ({
    record_id: uid,
    system: i.system,
    value: i.value,
  }));
  if (patients.length > 0) await trx.insertInto('imaging_patients').values(patients).execute();
  return { studyInstanceUid: uid, status: existing ? 'updated' : 'created' };
}

export async function getImaging(
  db: Kysely<HubDatabase>,
  uid: string,
): Promise<ImagingReference | undefined> {
  const row = await db
    .selectFrom('imaging_references')
    .select('document')
    .where('study_uid', '=', uid)
    .executeTakeFirst();
  return row ? (JSON.parse(row.document) as ImagingReference) : undefined;
}

/** Narrowing beyond the contract's query (what FHIR searches need); an empty list matches nothing. */
export interface ImagingNarrowing {
  /** References carrying any of these identifiers (the identifiers of one patient). */
  anyPatient?: readonly IdentifierValue[];
  /** Study instance UIDs. */
  studyUids?: readonly string[];
}

/** References matching the query, newest study first (then by UID), keyset-paged (`offset` skips more). */
export async function queryImaging(
  db: Kysely<HubDatabase>,
  input: ImagingQuery,
  page: { limit: number; cursor?: string; offset?: number },
  narrow: ImagingNarrowing = {},
): Promise<Page<ImagingReference>> {
  const query = assertImagingQuery(input);
  const after = page.cursor === undefined ? undefined : decodeCursor(page.cursor, 2);
  if (page.cursor !== undefined && !after) {
    throw new ValidationError({
      code: 'HUB_CURSOR_INVALID',
      message: 'The paging cursor is not valid.',
      messageVi: 'Con trỏ phân trang không hợp lệ.',
      path: 'query.cursor',
    });
  }
  if (narrow.anyPatient?.length === 0 || narrow.studyUids?.length === 0)
    return { items: [], nextCursor: null };
  let q = db.selectFrom('imaging_references as i').select(['i.study_uid', 'i.study_date', 'i.document']);
  if (narrow.studyUids) q = q.where('i.study_uid', 'in', [...narrow.studyUids]);
  if (narrow.anyPatient)
    q = q.where('i.study_uid', 'in', recordsOfAnyIdentifier(db, 'imaging_patients', narrow.anyPatient));
  const pid = query.patientIdentifier;
  if (pid) {
    let sub = db.selectFrom('imaging_patients').select('record_id').where('value', '=', pid.value);
    if (pid.system) sub = sub.where('system', '=', pid.system);
    q = q.where('i.study_uid', 'in', sub);
  }
  if (query.modality) q = q.where('i.modalities', 'like', `% ${query.modality} %`);
  if (query.dateFrom) q = q.where('i.study_date', '>=', query.dateFrom);
  if (query.dateTo) q = q.where('i.study_date', '<=', query.dateTo);
  if (query.facility) q = q.where('i.facility_code', '=', query.facility);
  // Studies without a date sort last ('' is below any date in descending order).
  const dateKey = (d: string | null) => d ?? '';
  if (after) {
    const [date, uid] = after as [string, string];
    q = q.where((eb) =>
      eb.or([
        eb(eb.fn.coalesce('i.study_date', eb.val('')), '<', date),
        eb.and([eb(eb.fn.coalesce('i.study_date', eb.val('')), '=', date), eb('i.study_uid', '>', uid)]),
      ]),
    );
  }
  q = q
    .orderBy((eb) => eb.fn.coalesce('i.study_date', eb.val('')), 'desc')
    .orderBy('i.study_uid')
    .limit(page.limit + 1);
  if (page.offset) q = q.offset(page.offset);
  const rows = await q.execute();
  const items = rows.slice(0, page.limit);
  const last = items[items.length - 1];
  return {
    items: items.map((r) => JSON.parse(r.document) as ImagingReference),
    nextCursor:
      rows.length > page.limit && last ? encodeCursor([dateKey(last.study_date), last.study_uid]) : null,
  };
}
