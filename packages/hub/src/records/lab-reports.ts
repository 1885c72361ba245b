import { canonicalIdentifierSystem, type IdentifierValue, LienThongError } from '@lienthong/core';
import {
  checkDateRange,
  instantOf,
  untilInstantOf,
  type WriteReceipt,
  writeReceipt,
} from '@lienthong/core/contract';
import type { LabReport, LabReportQuery } from '@lienthong/result-exchange';
import {
  checkPublishable,
  clinicalTime,
  decidePublish,
  statusesOf,
} from '@lienthong/result-exchange/provider-kit';
import { type Insertable, type Kysely, sql } from 'kysely';
import { shapedQuery } from '../db/query-shapes.js';
import { arrivalSeq, ClusteredSeqs, type PatientKey, storesReportsByPatient } from '../db/report-clusters.js';
import { newRowId } from '../db/row-id.js';
import { rowLimit } from '../db/row-limit.js';
import type { HubDatabase, LabReportCodeTable, LabReportPatientTable, LabReportTable } from '../db/schema.js';
import { fhirId } from '../fhir-id.js';
import { checkId, checkIdentifiers } from '../limits.js';
import { checkOwner, type Page, type PageRequest, type Publisher, pageOfRows, readCursor } from './access.js';
import { claimLabReport, withPerformingFacility } from './facility-claims.js';
import { onPostgres, patientKeyRows, versionTimes } from './report-routing.js';

const asUtc = (iso: string) => new Date(instantOf(iso)).toISOString();

/** The rows one stored version of a report occupies (the report, its patient keys, its codes). */
export interface LabReportRows {
  report: Insertable<LabReportTable>;
  patients: Insertable<LabReportPatientTable>[];
  codes: Insertable<LabReportCodeTable>[];
}

/**
 * The rows of `report` stored as `version` under `facilityCode`: the single definition of the row
 * shapes, shared by {@link publishReport} and the bulk loader.
 */
export function labReportRows(
  report: LabReport,
  at: { rowId: string; version: number; facilityCode: string; createdAt: string },
): LabReportRows {
  const { rowId, version } = at;
  const stored: LabReport = { ...report, version };
  const time = clinicalTime(stored);
  const clinicalAt = time ? asUtc(time) : '';
  const codes = new Map<string, Insertable<LabReportCodeTable>>();
  for (const c of [...report.codes, ...report.observations.flatMap((o) => o.codes)]) {
    if (c.system && c.code)
      codes.set(`${c.system}|${c.code}`, {
        record_id: rowId,
        system: c.system,
        code: c.code,
        clinical_at: clinicalAt,
      });
  }
  return {
    report: {
      row_id: rowId,
      id: report.id,
      fhir_id: fhirId(report.id),
      version,
      current: 1,
      facility_code: at.facilityCode,
      status: report.status,
      clinical_at: clinicalAt,
      document: JSON.stringify(stored),
      created_at: at.createdAt,
    },
    // Keys under the current URIs (the document stays as published), so a report published with
    // an older URI is found by a query with the current one.
    patients: patientKeys(report).map((key) => ({ record_id: rowId, ...key, clinical_at: clinicalAt })),
    codes: [...codes.values()],
  };
}

/**
 * The patient keys a report is filed under: its identifiers under their current URIs, each once (a
 * report may name one twice, or under an older alias of its system); the key index is unique.
 */
function patientKeys(report: LabReport): PatientKey[] {
  const keys = new Map(canonicalKeys(report.patient.identifiers).map((k) => [`${k.system}|${k.value}`, k]));
  return [...keys.values()];
}

/** The hub's limits on a report's ids (the model has none): 400 `HUB_ID_INVALID` at the first one broken. */
export function checkReportIds(report: LabReport): void {
  checkId(report.id, 'id');
  checkId(report.supersedes, 'supersedes');
  checkIdentifiers(report.patient.identifiers, 'patient.identifiers');
}

// The publish's statements, each built once per shape (db/query-shapes.ts).
const currentVersion = shapedQuery((db, p: { id: string; times: string[] | undefined }) =>
  db
    .selectFrom('lab_reports')
    .select(['row_id', 'version', 'facility_code', 'document', 'clinical_at'])
    .where('id', '=', p.id)
    .where('current', '=', 1)
    .$if(p.times !== undefined, (q) => q.where('clinical_at', 'in', p.times!)),
);
const retireVersion = shapedQuery((db, p: { rowId: string; clinicalAt: string }) =>
  db
    .updateTable('lab_reports')
    .set({ current: 0 })
    .where('row_id', '=', p.rowId)
    .where('clinical_at', '=', p.clinicalAt),
);
const insertReport = shapedQuery((db, row: Insertable<LabReportTable>) =>
  db.insertInto('lab_reports').values(row),
);
const insertPatientKeys = shapedQuery((db, keys: Insertable<LabReportPatientTable>[]) =>
  db.insertInto('lab_report_patients').values(keys),
);
const insertCodes = shapedQuery((db, codes: Insertable<LabReportCodeTable>[]) =>
  db.insertInto('lab_report_codes').values(codes),
);

/**
 * The key rows as SQLite stores them (migration 013): each with the `seq` of its report version,
 * which `seqOf` gives by the version's row id.
 */
export function keysWithSeq(
  keys: LabReportRows['patients'],
  seqOf: (rowId: string) => number | undefined,
): LabReportRows['patients'] {
  return keys.map((k) => {
    const seq = seqOf(k.record_id);
    // A key without it would hide its report from every patient query: a bug, never data.
    if (seq === undefined)
      throw new LienThongError({
        code: 'HUB_REPORT_SEQ_MISSING',
        message: `The hub found no seq for the key rows of report row ${k.record_id}: nothing was written.`,
        messageVi: `Sàn không tìm thấy seq cho các dòng khóa của dòng phiếu ${k.record_id}: chưa ghi gì.`,
        details: { status: 500 },
      });
    return { ...k, report_seq: seq };
  });
}

/**
 * Publishes a lab report as the publisher's facility in one transaction: a new report (`created`),
 * a retry (`unchanged`), or a new version replacing the current one (`updated`; the old version
 * stays in the history). The decision rule is the contract's (`decidePublish`), shared with every
 * other provider.
 */
export async function publishReport(
  trx: Kysely<HubDatabase>,
  publisher: Publisher,
  input: unknown,
): Promise<WriteReceipt> {
  const checked = checkPublishable(input);
  checkReportIds(checked);
  const claimed = claimLabReport(publisher, checked);
  const times = await versionTimes(trx, 'id', checked.id, { current: true });
  const [current] = await currentVersion.execute(trx, { id: checked.id, times });
  if (current) checkOwner(publisher, current.facility_code, 'Lab report', checked.id);
  const facility = current?.facility_code ?? claimed;
  const report = withPerformingFacility(checked, publisher, facility);
  const previous = current ? (JSON.parse(current.document) as LabReport) : undefined;
  const outcome = decidePublish(previous, {
    ...report,
    ...(previous?.version ? { version: previous.version } : {}),
  });
  const receipt = writeReceipt(report.id, current?.version, outcome !== 'unchanged');
  if (receipt.outcome === 'unchanged') return receipt;
  const { version } = receipt;
  if (current) await retireVersion.execute(trx, { rowId: current.row_id, clinicalAt: current.clinical_at });
  const rows = labReportRows(report, {
    rowId: newRowId(),
    version,
    facilityCode: facility,
    createdAt: new Date().toISOString(),
  });
  // SQLite's row id is the version's `seq`, which its key rows carry (migration 013); in patient
  // order it is chosen beside the patient's other reports (db/report-clusters.ts). PostgreSQL has none.
  const placed =
    (storesReportsByPatient(trx) ? await new ClusteredSeqs(trx).next(rows.patients) : undefined) ??
    (await arrivalSeq(trx));
  const { insertId } = await insertReport.run(trx, { ...rows.report, seq: placed });
  const seq = insertId === undefined ? undefined : Number(insertId);
  if (rows.patients.length > 0)
    await insertPatientKeys.execute(
      trx,
      seq === undefined ? rows.patients : keysWithSeq(rows.patients, () => seq),
    );
  if (rows.codes.length > 0) await insertCodes.execute(trx, rows.codes);
  return receipt;
}

/** The current version of a report. */
export async function getReport(db: Kysely<HubDatabase>, id: string): Promise<LabReport | undefined> {
  const times = await versionTimes(db, 'id', id, { current: true });
  const row = await db
    .selectFrom('lab_reports')
    .select('document')
    .where('id', '=', id)
    .where('current', '=', 1)
    .$if(times !== undefined, (q) => q.where('clinical_at', 'in', times!))
    .executeTakeFirst();
  return row ? (JSON.parse(row.document) as LabReport) : undefined;
}

/** Every version, oldest first. */
export async function reportHistory(db: Kysely<HubDatabase>, id: string): Promise<LabReport[]> {
  const times = await versionTimes(db, 'id', id);
  const rows = await db
    .selectFrom('lab_reports')
    .select('document')
    .where('id', '=', id)
    .$if(times !== undefined, (q) => q.where('clinical_at', 'in', times!))
    .orderBy('version')
    .execute();
  return rows.map((r) => JSON.parse(r.document) as LabReport);
}

/** One stored version of a report: its row (the version's own key), the report, when it was stored. */
export interface StoredReport {
  rowId: string;
  report: LabReport;
  storedAt: string;
}

/** Filters of {@link queryReportRecords}: the contract's query, plus what FHIR searches need. */
export interface ReportFilter extends LabReportQuery {
  /** Reports carrying any of these identifiers (the identifiers of one patient); empty matches nothing. */
  anyPatient?: readonly IdentifierValue[];
  /** Report ids (business identifiers); empty matches nothing. */
  ids?: readonly string[];
}

const STORED_COLUMNS = ['r.row_id', 'r.id', 'r.clinical_at', 'r.document', 'r.created_at'] as const;
/** The stored versions of reports (every version: narrow it to the current ones where asked). */
const storedVersions = (db: Kysely<HubDatabase>) => db.selectFrom('lab_reports as r').select(STORED_COLUMNS);
const stored = (row: { row_id: string; document: string; created_at: string }): StoredReport => ({
  rowId: row.row_id,
  report: JSON.parse(row.document) as LabReport,
  storedAt: row.created_at,
});

/**
 * Current versions matching the query, newest clinical time first (then by id), one page at a
 * time with a keyset cursor. A patient query is driven by the (system, value, record) index, so
 * it stays fast with millions of stored reports. A reversed window is refused as the contract
 * refuses it (400 `DATE_RANGE_INVALID`); the FHIR facade's searches ({@link queryReportRecords})
 * simply match nothing then.
 */
export async function queryReports(
  db: Kysely<HubDatabase>,
  query: LabReportQuery,
  page: PageRequest,
): Promise<Page<LabReport>> {
  checkDateRange(query, 'query');
  const result = await queryReportRecords(db, query, page);
  return { items: result.items.map((r) => r.report), nextCursor: result.nextCursor };
}

/** {@link queryReports} with each version's row and storage time (what the FHIR facade serves). */
export async function queryReportRecords(
  db: Kysely<HubDatabase>,
  query: ReportFilter,
  page: PageRequest,
): Promise<Page<StoredReport>> {
  const { rows, nextCursor } = await selectReportRows(db, query, page);
  return { items: rows.map(stored), nextCursor };
}

/**
 * {@link queryReports} as the stored JSON text of each report, for answers that pass them through
 * unchanged: parsing and re-serialising ten reports costs more than the indexed query itself.
 */
export async function queryReportDocuments(
  db: Kysely<HubDatabase>,
  query: ReportFilter,
  page: PageRequest,
): Promise<Page<string>> {
  checkDateRange(query, 'query');
  const { rows, nextCursor } = await selectReportRows(db, query, page);
  return { items: rows.map((r) => r.document), nextCursor };
}

/** A patient key as the report query compares it: the identifier under its current URI. */

/**
 * The report query's parameters, every value as SQL compares it — the leaves of a shaped query
 * (`db/query-shapes.ts`); `undefined` leaves a filter out.
 */
type ReportRowsParams = {
  ids: string[] | undefined;
  patient: PatientKey[] | undefined;
  anyPatient: PatientKey[] | undefined;
  codes: { system: string; code: string }[] | undefined;
  statuses: string[] | undefined;
  facility: string | undefined;
  /** UTC bounds of the clinical time. */
  since: string | undefined;
  until: string | undefined;
  /** The keyset position after which the page starts: clinical time, id. */
  after: [string, string] | undefined;
  /** The page's limit plus one (the row saying a next page exists), and its offset. */
  limit: number;
  offset: number | undefined;
};

const canonicalKeys = (identifiers: readonly IdentifierValue[]): PatientKey[] =>
  identifiers.map((i) => ({ system: canonicalIdentifierSystem(i.system), value: i.value }));

/**
 * The stored versions matching `p`, newest clinical time first (then by id): built once per shape.
 *
 * On SQLite a one-patient query walks that patient's key rows newest first and joins each to its
 * report (`r.seq = k.report_seq`, migration 013), so SQLite reads the page's worth of reports and
 * sorts only reports of equal clinical time by id; matched with `IN`, it read every report of the
 * patient and sorted them all, whatever the page size. Each key row of a version is unique
 * (migration 014), so the join lists each report once. Several keys of one patient (`anyPatient`,
 * the FHIR facade) and PostgreSQL (matched by row id and clinical time) keep the `IN` form.
 */
const reportRows = shapedQuery((db, p: ReportRowsParams) => {
  const key = p.patient?.length === 1 && !onPostgres(db) ? p.patient[0] : undefined;
  // The clinical time filtered and ordered on: the key row's copy when walking the keys, so the
  // window and the cursor narrow the index search.
  const at = key ? sql.ref<string>('k.clinical_at') : sql.ref<string>('r.clinical_at');
  let q = key
    ? (db
        .selectFrom('lab_report_patients as k')
        .innerJoin('lab_reports as r', 'r.seq', 'k.report_seq')
        .select(STORED_COLUMNS)
        .where('k.system', '=', key.system)
        .where('k.value', '=', key.value) as unknown as ReturnType<typeof storedVersions>)
    : storedVersions(db);
  q = q.where('r.current', '=', 1);
  if (p.ids) q = q.where('r.id', 'in', p.ids);
  if (p.patient && !key) q = q.where(patientKeyRows(db, p.patient, p));
  if (p.anyPatient) q = q.where(patientKeyRows(db, p.anyPatient, p));
  const { codes } = p;
  if (codes)
    q = q.where(({ exists, selectFrom }) =>
      exists(
        selectFrom('lab_report_codes as c')
          .select('c.record_id')
          .whereRef('c.record_id', '=', 'r.row_id')
          .$if(onPostgres(db), (c) => c.whereRef('c.clinical_at', '=', 'r.clinical_at'))
          .where((inner) =>
            inner.or(
              codes.map((c) => inner.and([inner('c.system', '=', c.system), inner('c.code', '=', c.code)])),
            ),
          ),
      ),
    );
  if (p.statuses) q = q.where('r.status', 'in', p.statuses);
  // The publisher stored from the key, never a code the body named.
  if (p.facility !== undefined) q = q.where('r.facility_code', '=', p.facility);
  if (p.since !== undefined) q = q.where(at, '>=', p.since);
  if (p.until !== undefined) q = q.where(at, '<=', p.until).where(at, '!=', '');
  const { after } = p;
  if (after)
    q = q.where((eb) =>
      eb.or([eb(at, '<', after[0]), eb.and([eb(at, '=', after[0]), eb('r.id', '>', after[1])])]),
    );
  q = q.orderBy(at, 'desc').orderBy('r.id').limit(rowLimit(p.limit));
  return p.offset === undefined ? q : q.offset(p.offset);
});

async function selectReportRows(db: Kysely<HubDatabase>, query: ReportFilter, page: PageRequest) {
  const after = readCursor(page.cursor, 2);
  if (query.anyPatient?.length === 0 || query.ids?.length === 0) return { rows: [], nextCursor: null };
  const found = await reportRows.execute(db, {
    ids: query.ids && [...query.ids],
    patient: query.patient && canonicalKeys([query.patient]),
    anyPatient: query.anyPatient && canonicalKeys(query.anyPatient),
    codes: query.codes?.length ? query.codes.map((c) => ({ system: c.system, code: c.code })) : undefined,
    statuses: statusesOf(query),
    facility: query.facility || undefined,
    since: query.since ? asUtc(query.since) : undefined,
    until: query.until ? new Date(untilInstantOf(query.until)).toISOString() : undefined,
    after: after && [after[0] as string, after[1] as string],
    limit: page.limit + 1,
    offset: page.offset || undefined,
  });
  return pageOfRows(found, page, (last) => [last.clinical_at, last.id]);
}

/** The current version of the report whose FHIR id is `fhirId` (the report id, or its hash). */
export async function getReportByFhirId(
  db: Kysely<HubDatabase>,
  fhirId: string,
): Promise<StoredReport | undefined> {
  const times = await versionTimes(db, 'fhir_id', fhirId, { current: true });
  const row = await storedVersions(db)
    .where('r.fhir_id', '=', fhirId)
    .where('r.current', '=', 1)
    .$if(times !== undefined, (q) => q.where('r.clinical_at', 'in', times!))
    .executeTakeFirst();
  return row && stored(row);
}

/** Every version of the report whose FHIR id is `fhirId`, oldest first (empty when unknown). */
export async function reportVersionsByFhirId(
  db: Kysely<HubDatabase>,
  fhirId: string,
): Promise<StoredReport[]> {
  const times = await versionTimes(db, 'fhir_id', fhirId);
  const rows = await storedVersions(db)
    .where('r.fhir_id', '=', fhirId)
    .$if(times !== undefined, (q) => q.where('r.clinical_at', 'in', times!))
    .orderBy('r.version')
    .execute();
  return rows.map(stored);
}

/** One stored version by its row id (current or not). */
export async function getReportVersion(
  db: Kysely<HubDatabase>,
  rowId: string,
): Promise<StoredReport | undefined> {
  const times = await versionTimes(db, 'row_id', rowId);
  const row = await storedVersions(db)
    .where('r.row_id', '=', rowId)
    .$if(times !== undefined, (q) => q.where('r.clinical_at', 'in', times!))
    .executeTakeFirst();
  return row && stored(row);
}

export { sql };
