import { canonicalIdentifierSystem, type IdentifierValue, stableJson } from '@lienthong/core';
import { type WriteReceipt, writeReceipt } from '@lienthong/core/contract';
import {
  type ImagingQuery,
  type ImagingReference,
  parseImagingQuery,
  parseImagingReference,
} from '@lienthong/imaging';
import type { Kysely } from 'kysely';
import { rowLimit } from '../db/row-limit.js';
import type { HubDatabase } from '../db/schema.js';
import { checkId, checkIdentifiers } from '../limits.js';
import {
  checkOwner,
  keysetPage,
  type Page,
  type PageRequest,
  type Publisher,
  readCursor,
  recordsOfAnyIdentifier,
} from './access.js';
import { claimImagingReference, withPerformingFacility } from './facility-claims.js';

/** The columns a listing of studies reads. */
const studyRows = (db: Kysely<HubDatabase>) =>
  db.selectFrom('imaging_references as i').select(['i.study_uid', 'i.study_date', 'i.document']);

/** Studies newest first: by study date (those without one last: '' is below any date), then by UID. */
const newestFirst = (q: ReturnType<typeof studyRows>) =>
  q.orderBy((eb) => eb.fn.coalesce('i.study_date', eb.val('')), 'desc').orderBy('i.study_uid');

/** The UIDs of the studies filed under a patient identifier (any URI of its system; any system when none is given). */
function studiesFiledUnder(db: Kysely<HubDatabase>, patient: { system?: string | undefined; value: string }) {
  const sub = db.selectFrom('imaging_patients').select('record_id').where('value', '=', patient.value);
  return patient.system ? sub.where('system', '=', canonicalIdentifierSystem(patient.system)) : sub;
}

/**
 * The newest `limit` studies filed under `patient`, as `queryImaging` lists them — a query to
 * compose into a larger read (a patient's summary reads its visits and studies in one statement).
 */
export const newestStudiesOf = (db: Kysely<HubDatabase>, patient: IdentifierValue, limit: number) =>
  newestFirst(studyRows(db).where('i.study_uid', 'in', studiesFiledUnder(db, patient))).limit(
    rowLimit(limit),
  );

/**
 * Publishes (or updates) an imaging reference as the publisher's facility; idempotent on the study
 * UID. Answers the contract's receipt: `created` (version 1), `updated` (one version up) or
 * `unchanged`.
 */
export async function publishImaging(
  trx: Kysely<HubDatabase>,
  publisher: Publisher,
  input: unknown,
): Promise<WriteReceipt> {
  const checked = parseImagingReference(input);
  checkId(checked.accessionNumber, 'accessionNumber');
  checkIdentifiers(checked.patient.identifiers, 'patient.identifiers');
  const claimed = claimImagingReference(publisher, checked);
  const uid = checked.studyInstanceUid;
  const existing = await trx
    .selectFrom('imaging_references')
    .select(['facility_code', 'document', 'version'])
    .where('study_uid', '=', uid)
    .executeTakeFirst();
  if (existing) checkOwner(publisher, existing.facility_code, 'Imaging study', uid);
  const facility = existing?.facility_code ?? claimed;
  const reference = withPerformingFacility(checked, publisher, facility);
  const receipt = writeReceipt(
    uid,
    existing?.version,
    !existing || stableJson(JSON.parse(existing.document)) !== stableJson(reference),
  );
  if (receipt.outcome === 'unchanged') return receipt;
  const modalities = ` ${[...new Set([...reference.modalities, ...reference.series.map((s) => s.modality)])].join(' ')} `;
  const row = {
    facility_code: facility,
    study_date: reference.studyDate ?? null,
    modalities,
    document: JSON.stringify(reference),
    version: receipt.version,
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
  // Keys under the current URIs (the document stays as published), as for lab reports.
  const patients = reference.patient.identifiers.map((i) => ({
    record_id: uid,
    system: canonicalIdentifierSystem(i.system),
    value: i.value,
  }));
  if (patients.length > 0) await trx.insertInto('imaging_patients').values(patients).execute();
  return receipt;
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
  page: PageRequest,
  narrow: ImagingNarrowing = {},
): Promise<Page<ImagingReference>> {
  const query = parseImagingQuery(input);
  const after = readCursor(page.cursor, 2);
  if (narrow.anyPatient?.length === 0 || narrow.studyUids?.length === 0)
    return { items: [], nextCursor: null };
  let q = studyRows(db);
  if (narrow.studyUids) q = q.where('i.study_uid', 'in', [...narrow.studyUids]);
  if (narrow.anyPatient)
    q = q.where('i.study_uid', 'in', recordsOfAnyIdentifier(db, 'imaging_patients', narrow.anyPatient));
  const pid = query.patientIdentifier;
  if (pid) q = q.where('i.study_uid', 'in', studiesFiledUnder(db, pid));
  if (query.modality) q = q.where('i.modalities', 'like', `% ${query.modality} %`);
  if (query.since) q = q.where('i.study_date', '>=', query.since);
  if (query.until) q = q.where('i.study_date', '<=', query.until);
  if (query.facility) q = q.where('i.facility_code', '=', query.facility);
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
  const { rows, nextCursor } = await keysetPage(newestFirst(q), page, (last) => [
    dateKey(last.study_date),
    last.study_uid,
  ]);
  return { items: rows.map((r) => JSON.parse(r.document) as ImagingReference), nextCursor };
}
