import { canonicalIdentifierSystem, type IdentifierValue } from '@lienthong/core';
import {
  checkDateRange,
  instantOf,
  untilInstantOf,
  type WriteReceipt,
  writeReceipt,
} from '@lienthong/core/contract';
import type { LabReport, LabReportQuery } from '@lienthong/result-exchange';
import { checkPublishable, clinicalTime, decidePublish } from '@lienthong/result-exchange/provider-kit';
import { type Insertable, type Kysely, sql } from 'kysely';
import { newRowId } from '../db/row-id.js';
import type { HubDatabase, LabReportCodeTable, LabReportPatientTable, LabReportTable } from '../db/schema.js';
import { fhirId } from '../fhir-id.js';
import { checkId, checkIdentifiers } from '../limits.js';
import { checkOwner, keysetPage, type Page, type PageRequest, type Publisher, readCursor } from './access.js';
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
    patients: report.patient.identifiers.map((i) => ({
      record_id: rowId,
      system: canonicalIdentifierSystem(i.system),
      value: i.value,
      clinical_at: clinicalAt,
    })),
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
  const current = await trx
    .selectFrom('lab_reports')
    .select(['row_id', 'version', 'facility_code', 'document', 'clinical_at'])
    .where('id', '=', checked.id)
    .where('current', '=', 1)
    .$if(times !== undefined, (q) => q.where('clinical_at', 'in', times!))
    .executeTakeFirst();
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
  if (current)
    await trx
      .updateTable('lab_reports')
      .set({ current: 0 })
      .where('row_id', '=', current.row_id)
      .where('clinical_at', '=', current.clinical_at)
      .execute();
  const rows = labReportRows(report, {
    rowId: newRowId(),
    version,
    facilityCode: facility,
    createdAt: new Date().toISOString(),
  });
  await trx.insertInto('lab_reports').values(rows.report).execute();
  if (rows.patients.length > 0) await trx.insertInto('lab_report_patients').values(rows.patients).execute();
  if (rows.codes.length > 0) await trx.insertInto('lab_report_codes').values(rows.codes).execute();
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

async function selectReportRows(db: Kysely<HubDatabase>, query: ReportFilter, page: PageRequest) {
  const after = readCursor(page.cursor, 2);
  if (query.anyPatient?.length === 0 || query.ids?.length === 0) return { rows: [], nextCursor: null };
  let q = storedVersions(db).where('r.current', '=', 1);
  if (query.ids) q = q.where('r.id', 'in', [...query.ids]);
  if (query.patient) {
    const { system, value } = query.patient;
    q = q.where(patientKeyRows(db, [{ system, value }], query));
  }
  if (query.anyPatient) q = q.where(patientKeyRows(db, query.anyPatient, query));
  if (query.codes?.length) {
    const codes = query.codes;
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
  }
  if (query.status !== undefined) {
    const statuses = typeof query.status === 'string' ? [query.status] : [...query.status];
    q = q.where('r.status', 'in', statuses);
  }
  // The publisher stored from the key, never a code the body named.
  if (query.facility) q = q.where('r.facility_code', '=', query.facility);
  if (query.since) q = q.where('r.clinical_at', '>=', asUtc(query.since));
  if (query.until)
    q = q
      .where('r.clinical_at', '<=', new Date(untilInstantOf(query.until)).toISOString())
      .where('r.clinical_at', '!=', '');
  if (after) {
    const [at, id] = after as [string, string];
    q = q.where((eb) =>
      eb.or([eb('r.clinical_at', '<', at), eb.and([eb('r.clinical_at', '=', at), eb('r.id', '>', id)])]),
    );
  }
  return keysetPage(q.orderBy('r.clinical_at', 'desc').orderBy('r.id'), page, (last) => [
    last.clinical_at,
    last.id,
  ]);
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
