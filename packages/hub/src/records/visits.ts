import { canonicalIdentifierSystem, type IdentifierValue, ValidationError } from '@lienthong/core';
import { checkDateRange, instantOf, type WriteReceipt, writeReceipt } from '@lienthong/core/contract';
import type { ImagingReference } from '@lienthong/imaging';
import type { SummaryImaging, Visit, VisitFileSet, VisitQuery } from '@lienthong/visits';
import {
  checkPublishableVisit,
  decideVisitPublish,
  matchesVisitQuery,
  summaryParts,
  visitKey,
  visitStart,
  visitStartedAt,
} from '@lienthong/visits/provider-kit';
import { type Insertable, type Kysely, sql } from 'kysely';
import { newRowId } from '../db/row-id.js';
import type { HubDatabase } from '../db/schema.js';
import { checkId, checkIdentifiers } from '../limits.js';
import { encodeCursor, type Page, type PageRequest, type Publisher, readCursor } from './access.js';
import { claimFacility, claimVisit } from './facility-claims.js';
import { newestStudiesOf } from './imaging.js';

const asUtc = (iso: string | undefined) => (iso ? new Date(instantOf(iso)).toISOString() : '');

/**
 * A visit as the hub publishes it: the contract's checks (`checkPublishableVisit`), the hub's
 * limits on its ids, and its claims — its facility and the patient's record numbers are the
 * caller's (403 otherwise).
 */
export function checkVisit(publisher: Publisher, input: unknown): Visit {
  const visit = checkPublishableVisit(input);
  checkId(visit.id, 'id');
  checkId(visit.facility, 'facility');
  checkIdentifiers(visit.patient.identifiers, 'patient.identifiers');
  claimVisit(publisher, visit);
  return visit;
}

/** The rows that store one version of a visit: the visit's and its patient keys. */
export interface VisitRows {
  visit: Insertable<HubDatabase['visits']>;
  patients: Insertable<HubDatabase['visit_patients']>[];
}

/**
 * The rows of version `version` of a checked visit, as the publish path and the bulk load write
 * them: the visit as published, and its keys under the current identifier URIs (so a visit
 * published with an older URI is found by a query with the current one), one per identifier.
 * @example const rows = visitRows(visit, { rowId: newRowId(), version: 1, createdAt: new Date().toISOString() });
 */
export function visitRows(
  visit: Visit,
  at: { rowId: string; version: number; createdAt: string },
): VisitRows {
  const keys = new Map(
    visit.patient.identifiers.map((i) => {
      const system = canonicalIdentifierSystem(i.system);
      return [`${system}|${i.value}`, { record_id: at.rowId, system, value: i.value }];
    }),
  );
  return {
    visit: {
      row_id: at.rowId,
      key: visitKey(visit),
      facility_code: visit.facility ?? '',
      visit_id: visit.id,
      version: at.version,
      current: 1,
      started_at: asUtc(visitStartedAt(visit)),
      ended_at: asUtc(visit.dischargedAt),
      document: JSON.stringify(visit),
      summary_document: JSON.stringify(summaryParts(visit)),
      created_at: at.createdAt,
    },
    patients: [...keys.values()],
  };
}

/**
 * Stores a checked visit under its key `<facility>:<MA_LK>`: `created`, `unchanged` (the same
 * content), or `updated` — a new current version, the previous one kept for the history. The
 * decision is the contract's (`decideVisitPublish`), shared with every other provider.
 */
async function storeVisit(trx: Kysely<HubDatabase>, visit: Visit): Promise<WriteReceipt> {
  const key = visitKey(visit);
  const current = await trx
    .selectFrom('visits')
    .select(['row_id', 'version', 'document'])
    .where('key', '=', key)
    .where('current', '=', 1)
    .executeTakeFirst();
  const previous = current ? (JSON.parse(current.document) as Visit) : undefined;
  const receipt = writeReceipt(key, current?.version, decideVisitPublish(previous, visit) !== 'unchanged');
  if (receipt.outcome === 'unchanged') return receipt;
  if (current)
    await trx.updateTable('visits').set({ current: 0 }).where('row_id', '=', current.row_id).execute();
  const rows = visitRows(visit, {
    rowId: newRowId(),
    version: receipt.version,
    createdAt: new Date().toISOString(),
  });
  await trx.insertInto('visits').values(rows.visit).execute();
  await trx.insertInto('visit_patients').values(rows.patients).execute();
  return receipt;
}

/** Publishes one visit (a JSON body) as `publisher`, in the caller's transaction. */
export async function publishVisit(
  trx: Kysely<HubDatabase>,
  publisher: Publisher,
  input: unknown,
): Promise<WriteReceipt> {
  return storeVisit(trx, checkVisit(publisher, input));
}

/**
 * Publishes every visit of a decoded XML 130 file set, or none: each visit is checked first — a
 * visit of another facility is 403 at `visits[i].facility`; visits that cannot be published are
 * 400 `HUB_VISIT_FILE_SET_INVALID` listing every one with its place — and only then written, in
 * the caller's one transaction. The receipts are in the file set's order.
 */
export async function publishVisitFileSet(
  trx: Kysely<HubDatabase>,
  publisher: Publisher,
  fileSet: VisitFileSet,
): Promise<WriteReceipt[]> {
  // The envelope names the sending facility too: it must be the caller's as well.
  claimFacility(publisher, fileSet.facility, 'facility');
  const visits: Visit[] = [];
  const issues: { path: string; code: string; message: string; messageVi: string }[] = [];
  fileSet.visits.forEach((input, i) => {
    // The claims first, at the visit's place: a visit of another facility is refused as such
    // (403), whatever else is wrong with the file set.
    claimVisit(publisher, input, `visits[${i}].`);
    try {
      visits.push(checkVisit(publisher, input));
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      for (const issue of error.issues)
        issues.push({
          path: `visits[${i}]${issue.path ? `.${issue.path}` : ''}`,
          code: issue.code,
          message: issue.message,
          messageVi: issue.messageVi,
        });
    }
  });
  if (issues.length > 0)
    throw new ValidationError({
      code: 'HUB_VISIT_FILE_SET_INVALID',
      message: `${issues.length} problem(s) in the file set's visits; nothing was stored. First: ${issues[0]!.path}: ${issues[0]!.message}`,
      messageVi: `Các lượt khám của bộ hồ sơ có ${issues.length} lỗi; chưa lưu gì. Lỗi đầu: ${issues[0]!.path}: ${issues[0]!.messageVi}`,
      path: issues[0]!.path,
      issues,
    });
  const receipts: WriteReceipt[] = [];
  for (const visit of visits) receipts.push(await storeVisit(trx, visit));
  return receipts;
}

/** A stored visit version: the visit as published and its version number. */
export interface StoredVisit {
  visit: Visit;
  version: number;
}

const storedOf = (row: { document: string; version: number }): StoredVisit => ({
  visit: JSON.parse(row.document) as Visit,
  version: Number(row.version),
});

/** The current version of a visit by its key, with its version number. */
export async function getStoredVisit(
  db: Kysely<HubDatabase>,
  key: string,
  version?: number,
): Promise<StoredVisit | undefined> {
  let query = db.selectFrom('visits').select(['document', 'version']).where('key', '=', key);
  query = version === undefined ? query.where('current', '=', 1) : query.where('version', '=', version);
  const row = await query.executeTakeFirst();
  return row ? storedOf(row) : undefined;
}

/** The current version of a visit by its key. */
export async function getVisit(db: Kysely<HubDatabase>, key: string): Promise<Visit | undefined> {
  return (await getStoredVisit(db, key))?.visit;
}

/**
 * The keys of the current visits (of `facility` when given) for which `wanted` holds: a scan, for
 * ids that name a visit by a digest of its key (see the FHIR facade's visit ids).
 */
export async function findVisitKeys(
  db: Kysely<HubDatabase>,
  wanted: (key: string) => boolean,
  facility?: string,
): Promise<string[]> {
  let query = db.selectFrom('visits').select('key').where('current', '=', 1);
  if (facility !== undefined) query = query.where('facility_code', '=', facility);
  return (await query.execute()).map((r) => r.key).filter(wanted);
}

/** Every version of a visit, oldest first (empty when unknown). */
export async function visitVersions(db: Kysely<HubDatabase>, key: string): Promise<Visit[]> {
  const rows = await db
    .selectFrom('visits')
    .select('document')
    .where('key', '=', key)
    .orderBy('version')
    .execute();
  return rows.map((r) => JSON.parse(r.document) as Visit);
}

/** The stored rows of the current versions of every visit filed under any of `patients` (any URI of each system), any order. */
function currentVisitRows(db: Kysely<HubDatabase>, patients: readonly IdentifierValue[]) {
  return db
    .selectFrom('visits as v')
    .select(['v.document', 'v.version'])
    .where('v.current', '=', 1)
    .where('v.row_id', 'in', recordsOf(db, patients))
    .execute();
}

/** The rows of `visit_patients` filed under any of `patients` (any URI of each system): their record ids. */
function recordsOf(db: Kysely<HubDatabase>, patients: readonly IdentifierValue[]) {
  return db
    .selectFrom('visit_patients')
    .select('record_id')
    .where((eb) =>
      eb.or(
        patients.map((p) =>
          eb.and([eb('system', '=', canonicalIdentifierSystem(p.system)), eb('value', '=', p.value)]),
        ),
      ),
    );
}

/**
 * The current versions of every visit filed under any of `patients` (any URI of each system),
 * newest admission first (`byVisitStartDesc`), with their version numbers: driven by the
 * (system, value, record) index. No identifier: no visit.
 */
export async function currentVisitsOf(
  db: Kysely<HubDatabase>,
  patients: readonly IdentifierValue[],
): Promise<StoredVisit[]> {
  if (patients.length === 0) return [];
  return newestFirst((await currentVisitRows(db, patients)).map(storedOf));
}

/** What a patient's summary is made from, as stored (`patientSummarySources`). */
export interface SummarySources {
  /**
   * The current versions of every visit filed under the patient, any order, unparsed (a summary
   * parses them where it is made, `summary/summary-pool.ts`): each visit's `SummaryParts`; a row
   * stored before the hub kept parts gives its summary view (`summaryView`, rows of migration 012
   * on) or its whole document, which summarize the same.
   */
  documents: string[];
  /** The patient's imaging studies the hub holds, newest first (at most {@link SUMMARY_STUDIES}): the hub is the imaging registry its summaries draw on. */
  imaging: SummaryImaging[];
}

/** Most imaging studies a summary lists (the newest). */
const SUMMARY_STUDIES = 50;

/**
 * The {@link SummarySources} of `patient`, read in one statement — the visits and the studies as
 * one `UNION ALL` — because each round trip to PostgreSQL costs the hub some 0.37 ms of CPU on a
 * loaded two-core machine (docs: hub performance), a third of a summary's trips.
 */
export async function patientSummarySources(
  db: Kysely<HubDatabase>,
  patient: IdentifierValue,
): Promise<SummarySources> {
  const rows = await db
    .selectFrom('visits as v')
    .select((eb) => [
      eb.fn.coalesce('v.summary_document', 'v.document').as('document'),
      sql<string | null>`null`.as('study_uid'),
      sql<string | null>`null`.as('study_date'),
    ])
    .where('v.current', '=', 1)
    .where('v.row_id', 'in', recordsOf(db, [patient]))
    .unionAll(
      db
        .selectFrom(newestStudiesOf(db, patient, SUMMARY_STUDIES).as('s'))
        .select(['s.document', 's.study_uid', 's.study_date']),
    )
    .execute();
  const documents: string[] = [];
  const studies: { uid: string; date: string; document: string }[] = [];
  for (const row of rows)
    if (row.study_uid === null) documents.push(row.document);
    else studies.push({ uid: row.study_uid, date: row.study_date ?? '', document: row.document });
  // A union keeps no order: the studies again newest first, as newestStudiesOf read them.
  studies.sort((a, b) =>
    a.date > b.date ? -1 : a.date < b.date ? 1 : a.uid < b.uid ? -1 : a.uid > b.uid ? 1 : 0,
  );
  return {
    documents,
    imaging: studies.map((s) => summaryImagingOf(JSON.parse(s.document) as ImagingReference)),
  };
}

/**
 * `items` in the contract's order (`byVisitStartDesc`: newest admission first, then by key), each
 * visit's start instant and key computed once rather than at every comparison (a patient's 50
 * visits take some 600 comparisons, each parsing two dates).
 */
function newestFirst<T extends { visit: Visit }>(items: readonly T[]): T[] {
  const keyed = items.map((item) => ({ item, start: visitStart(item.visit), key: visitKey(item.visit) }));
  // The same arithmetic as byVisitStartDesc, so ties and unreadable dates order the same way.
  keyed.sort((a, b) => b.start - a.start || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return keyed.map((k) => k.item);
}

/** The current versions of every visit filed under `patient`, newest admission first ({@link currentVisitsOf}). */
export async function patientVisits(db: Kysely<HubDatabase>, patient: IdentifierValue): Promise<Visit[]> {
  return (await currentVisitsOf(db, [patient])).map((s) => s.visit);
}

/**
 * One page of `visits` — a patient's, as a reader may see them — matching `query` (its patient optional), in the
 * contract's order, after the keyset `cursor` (the start instant and key of the previous page's
 * last visit). The filters run here, on the visits as disclosed: a withheld diagnosis is never
 * matched (a filter must not reveal what the answer withholds).
 */
export function pageOfVisits<T extends { visit: Visit }>(
  visits: readonly T[],
  query: Omit<VisitQuery, 'patient'> & { patient?: IdentifierValue },
  page: PageRequest,
): Page<T> {
  checkDateRange(query, 'query');
  const after = readCursor(page.cursor, 2);
  // Without a patient, the visits are the patient's already (found under any of its identifiers).
  const matching = newestFirst(
    visits.filter((v) =>
      matchesVisitQuery(v.visit, { ...query, patient: query.patient ?? v.visit.patient.identifiers[0]! }),
    ),
  );
  const from = after
    ? matching.findIndex(({ visit }) => {
        const start = visitStart(visit);
        const at = Number(after[0]);
        return start < at || (start === at && visitKey(visit) > after[1]!);
      })
    : 0;
  const rest = from < 0 ? [] : matching.slice(from);
  const items = rest.slice(0, page.limit);
  const last = items.at(-1);
  return {
    items,
    nextCursor:
      rest.length > page.limit && last
        ? encodeCursor([String(visitStart(last.visit)), visitKey(last.visit)])
        : null,
  };
}

/** A study as a summary lists it. */
const summaryImagingOf = (study: ImagingReference): SummaryImaging => ({
  studyInstanceUid: study.studyInstanceUid,
  ...(study.studyDate ? { startedAt: study.studyDate } : {}),
  modalities: study.modalities,
  ...(study.description ? { description: study.description } : {}),
  ...(study.performingFacility?.code ? { facility: study.performingFacility.code } : {}),
});
