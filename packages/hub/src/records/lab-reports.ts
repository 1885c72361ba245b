import { randomUUID } from 'node:crypto';
import { type IdentifierValue, ValidationError } from '@lienthong/core';
import {
  checkPublishable,
  clinicalTime,
  decidePublish,
  instantOf,
  type LabReport,
  type LabReportQuery,
  type PublishReceipt,
} from '@lienthong/result-exchange';
import { type Insertable, type Kysely, sql } from 'kysely';
import type { HubDatabase, LabReportCodeTable, LabReportTable, RecordPatientTable } from '../db/schema.js';
import { fhirId } from '../fhir-id.js';
import { checkId, checkIdentifiers } from '../limits.js';
import {
  checkOwner,
  decodeCursor,
  encodeCursor,
  type Page,
  type Publisher,
  recordsOfAnyIdentifier,
} from './access.js';
import { claimLabReport, withPerformingFacility } from './facility-claims.js';

const asUtc = (iso: string) => new Date(instantOf(iso)).toISOString();

function badCursor(): ValidationError {
  return new ValidationError({
    code: 'HUB_CURSOR_INVALID',
    message: 'The paging cursor is not valid.',
    messageVi: 'Con trỏ phân trang không hợp lệ.',
    path: 'query.cursor',
  });
}

/** The rows one stored version of a report occupies (the report, its patient keys, its codes). */
export interface LabReportRows {
  report: Insertable<LabReportTable>;
  patients: Insertable<RecordPatientTable>[];
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
  const codes = new Map<string, { record_id: string; system: string; code: string }>();
  for (const c of [...report.codes, ...report.observations.flatMap((o) => o.codes)]) {
    if (c.system && c.code)
      codes.set(`${c.system}|${c.code}`, { record_id: rowId, system: c.system, code: c.code });
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
      clinical_at: time ? asUtc(time) : '',
      document: JSON.stringify(stored),
      created_at: at.createdAt,
    },
    patients: report.patient.identifiers.map((i) => ({ record_id: rowId, system: i.system, value: i.value })),
    codes: [...codes.values()],
  };
}

/** The hub's limits on a report's ids (the model has none): 400 `HUB_ID_INVALID` at the first one broken. */
export function checkReportIds(report: LabReport): void {
  checkId(report.id, 'id');
  checkId(report.supersedes, 'supersedes');
  checkIdentifiers(report.patient.identifiers, 'patient.identifiers');
}

/**
 * Publishes a lab report as the publisher's facility in one transaction: a new report, a retry
 * (unchanged), or a new version superseding the current one (the old version stays in the
 * history). The decision rule is the contract's (`decidePublish`), shared with every other provider.
 */
export async function publishReport(
  trx: Kysely<HubDatabase>,
  publisher: Publisher,
  input: unknown,
): Promise<PublishReceipt> {
  const checked = checkPublishable(input);
  checkReportIds(checked);
  const claimed = claimLabReport(publisher, checked);
  const current = await trx
    .selectFrom('lab_reports')
    .select(['row_id', 'version', 'facility_code', 'document'])
    .where('id', '=', checked.id)
    .where('current', '=', 1)
    .executeTakeFirst();
  if (current) checkOwner(publisher, current.facility_code, 'Lab report', checked.id);
  const facility = current?.facility_code ?? claimed;
  const report = withPerformingFacility(checked, publisher, facility);
  const previous = current ? (JSON.parse(current.document) as LabReport) : undefined;
  const decision = decidePublish(previous, {
    ...report,
    ...(previous?.version ? { version: previous.version } : {}),
  });
  if (decision === 'unchanged') return { id: report.id, version: current!.version, outcome: 'unchanged' };
  const version = (current?.version ?? 0) + 1;
  if (current)
    await trx.updateTable('lab_reports').set({ current: 0 }).where('row_id', '=', current.row_id).execute();
  const rows = labReportRows(report, {
    rowId: randomUUID(),
    version,
    facilityCode: facility,
    createdAt: new Date().toISOString(),
  });
  await trx.insertInto('lab_reports').values(rows.report).execute();
  if (rows.patients.length > 0) await trx.insertInto('lab_report_patients').values(rows.patients).execute();
  if (rows.codes.length > 0) await trx.insertInto('lab_report_codes').values(rows.codes).execute();
  return { id: report.id, version, outcome: decision === 'create' ? 'created' : 'superseded' };
}

/** The current version of a report. */
export async function getReport(db: Kysely<HubDatabase>, id: string): Promise<LabReport | undefined> {
  const row = await db
    .selectFrom('lab_reports')
    .select('document')
    .where('id', '=', id)
    .where('current', '=', 1)
    .executeTakeFirst();
  return row ? (JSON.parse(row.document) as LabReport) : undefined;
}

/** Every version, oldest first. */
export async function reportHistory(db: Kysely<HubDatabase>, id: string): Promise<LabReport[]> {
  const rows = await db
    .selectFrom('lab_reports')
    .select('document')
    .where('id', '=', id)
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

/** A page to read: at most `limit` records after the keyset `cursor`, skipping `offset` more. */
export interface PageRequest {
  limit: number;
  cursor?: string;
  offset?: number;
}

const STORED_COLUMNS = ['r.row_id', 'r.id', 'r.clinical_at', 'r.document', 'r.created_at'] as const;
const stored = (row: { row_id: string; document: string; created_at: string }): StoredReport => ({
  rowId: row.row_id,
  report: JSON.parse(row.document) as LabReport,
  storedAt: row.created_at,
});

/**
 * Current versions matching the query, newest clinical time first (then by id), one page at a
 * time with a keyset cursor. A patient query is driven by the (system, value, record) index, so
 * it stays fast with millions of stored reports.
 */
export async function queryReports(
  db: Kysely<HubDatabase>,
  query: LabReportQuery,
  page: PageRequest,
): Promise<Page<LabReport>> {
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
  const { rows, nextCursor } = await selectReportRows(db, query, page);
  return { items: rows.map((r) => r.document), nextCursor };
}

async function selectReportRows(db: Kysely<HubDatabase>, query: ReportFilter, page: PageRequest) {
  const after =
    page.cursor === undefined
      ? undefined
      : (decodeCursor(page.cursor, 2) ??
        (() => {
          throw badCursor();
        })());
  if (query.anyPatient?.length === 0 || query.ids?.length === 0) return { rows: [], nextCursor: null };
  let q = db.selectFrom('lab_reports as r').select(STORED_COLUMNS).where('r.current', '=', 1);
  if (query.ids) q = q.where('r.id', 'in', [...query.ids]);
  if (query.patient) {
    const { system, value } = query.patient;
    q = q.where(
      'r.row_id',
      'in',
      db
        .selectFrom('lab_report_patients')
        .select('record_id')
        .where('system', '=', system)
        .where('value', '=', value),
    );
  }
  if (query.anyPatient)
    q = q.where('r.row_id', 'in', recordsOfAnyIdentifier(db, 'lab_report_patients', query.anyPatient));
  if (query.codes?.length) {
    const codes = query.codes;
    q = q.where(({ exists, selectFrom }) =>
      exists(
        selectFrom('lab_report_codes as c')
          .select('c.record_id')
          .whereRef('c.record_id', '=', 'r.row_id')
          .where((inner) =>
            inner.or(
              codes.map((c) => inner.and([inner('c.system', '=', c.system), inner('c.code', '=', c.code)])),
            ),
          ),
      ),
    );
  }
  if (query.status !== undefined) {
    const statuses = typeof query.status === 'string' ? [query.status] : [...query.status];
    q = q.where('r.status', 'in', statuses);
  }
  // The publisher stored from the key, never a code the body named.
  if (query.facility) q = q.where('r.facility_code', '=', query.facility);
  if (query.since) q = q.where('r.clinical_at', '>=', asUtc(query.since));
  if (query.until) q = q.where('r.clinical_at', '<=', asUtc(query.until)).where('r.clinical_at', '!=', '');
  if (after) {
    const [at, id] = after as [string, string];
    q = q.where((eb) =>
      eb.or([eb('r.clinical_at', '<', at), eb.and([eb('r.clinical_at', '=', at), eb('r.id', '>', id)])]),
    );
  }
  q = q
    .orderBy('r.clinical_at', 'desc')
    .orderBy('r.id')
    .limit(page.limit + 1);
  if (page.offset) q = q.offset(page.offset);
  const found = await q.execute();
  const rows = found.slice(0, page.limit);
  const last = rows[rows.length - 1];
  return {
    rows,
    nextCursor: found.length > page.limit && last ? encodeCursor([last.clinical_at, last.id]) : null,
  };
}

/** The current version of the report whose FHIR id is `fhirId` (the report id, or its hash). */
export async function getReportByFhirId(
  db: Kysely<HubDatabase>,
  fhirId: string,
): Promise<StoredReport | undefined> {
  const row = await db
    .selectFrom('lab_reports as r')
    .select(STORED_COLUMNS)
    .where('r.fhir_id', '=', fhirId)
    .where('r.current', '=', 1)
    .executeTakeFirst();
  return row && stored(row);
}

/** Every version of the report whose FHIR id is `fhirId`, oldest first (empty when unknown). */
export async function reportVersionsByFhirId(
  db: Kysely<HubDatabase>,
  fhirId: string,
): Promise<StoredReport[]> {
  const rows = await db
    .selectFrom('lab_reports as r')
    .select(STORED_COLUMNS)
    .where('r.fhir_id', '=', fhirId)
    .orderBy('r.version')
    .execute();
  return rows.map(stored);
}

/** One stored version by its row id (current or not). */
export async function getReportVersion(
  db: Kysely<HubDatabase>,
  rowId: string,
): Promise<StoredReport | undefined> {
  const row = await db
    .selectFrom('lab_reports as r')
    .select(STORED_COLUMNS)
    .where('r.row_id', '=', rowId)
    .executeTakeFirst();
  return row && stored(row);
}

export { sql };
