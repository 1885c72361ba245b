import {
  isLienThongError,
  LienThongError,
  type Observation,
  type Resource,
  toOperationOutcome,
} from '@lienthong/core';
import type { ImagingReference } from '@lienthong/imaging';
import { type PatientRecord, toFhirPatient } from '@lienthong/patient-id';
import type { LabReport } from '@lienthong/result-exchange';
import type { Visit } from '@lienthong/visits';
import { type Kysely, sql } from 'kysely';
import { rowLimit } from '../db/row-limit.js';
import type { HubDatabase } from '../db/schema.js';
import { imagingReportResource, imagingStudyResource, reportResources } from '../http/fhir/resources.js';
import { codingsOf, VISIT_RESOURCE_TYPES, visitResources } from '../http/fhir/visit-resources.js';
import type { ExportType, ResourceFacts } from './bulk-type-filter.js';

/** Which records an export reads: a facility's (its records and patients) or every one, stored in a time window. */
export interface SourceScope {
  /** The facility whose records and patients are read; undefined: every facility's. */
  facility?: string | undefined;
  /** Stored after this instant (exclusive, UTC ISO). */
  since?: string | undefined;
  /** Stored up to this instant (inclusive, UTC ISO): the request's `_until`, at most the job's transaction time. */
  until: string;
  /**
   * The job whose member snapshot (`export_job_members`) restricts the records to those whose
   * patient key is a member, and the patients to those holding one; undefined: every patient.
   */
  membersOf?: string | undefined;
}

/**
 * The ids of the records of a key table whose patient key is a member of job `jobId`'s snapshot:
 * driven from the members (primary key job first), each probing the key table's (system, value)
 * index — never every record read and filtered in memory.
 */
function memberRecords(
  db: Kysely<HubDatabase>,
  table: 'lab_report_patients' | 'visit_patients' | 'imaging_patients',
  jobId: string,
) {
  return (
    db
      .selectFrom('export_job_members as m')
      // One shape (record_id, system, value) in all three: typed as one of them.
      .innerJoin(`${table} as k` as 'visit_patients as k', (j) =>
        j.onRef('k.system', '=', 'm.system').onRef('k.value', '=', 'm.value'),
      )
      .select('k.record_id')
      .where('m.job_id', '=', jobId)
  );
}

/** One line of an export: a resource of a type with the facts its filters look at, or an error. */
export type ExportItem =
  | { type: ExportType; resource: Resource; facts: ResourceFacts }
  | { type: 'OperationOutcome'; resource: Resource; facts?: undefined };

/** Rows read per query: one page in memory at a time. */
export const DEFAULT_PAGE_SIZE = 200;

/** What a stored record that the facade's encoders cannot convert becomes: an OperationOutcome line of the error file. */
function failed(what: string, id: string, cause: unknown): ExportItem {
  // The cause's code only: a parser's message may quote the stored document.
  const reason = isLienThongError(cause) ? ` (${cause.code})` : '';
  const error = new LienThongError({
    code: 'BULK_RECORD_UNREADABLE',
    message: `${what} ${id} could not be converted to FHIR${reason}; it is left out of the export.`,
    messageVi: `Không chuyển được ${what} ${id} sang FHIR${reason}; bản ghi này không có trong tệp xuất.`,
  });
  return { type: 'OperationOutcome', resource: toOperationOutcome(error) as Resource };
}

/** Pages of `read(after)` by an increasing text key until one comes back empty, checking `signal` between pages. */
async function* keyset<R>(
  read: (after: string) => Promise<R[]>,
  keyOf: (row: R) => string,
  signal: AbortSignal,
): AsyncGenerator<R> {
  let after = '';
  for (;;) {
    signal.throwIfAborted();
    const rows = await read(after);
    if (rows.length === 0) return;
    yield* rows;
    after = keyOf(rows[rows.length - 1]!);
  }
}

/**
 * The Patient resources of the directory (the facade's Patient read), by id: every patient, or a
 * facility's — those it registered or whom one of its current lab reports, visits or imaging studies
 * names.
 */
export async function* patientItems(
  db: Kysely<HubDatabase>,
  scope: SourceScope,
  signal: AbortSignal,
  pageSize = DEFAULT_PAGE_SIZE,
): AsyncGenerator<ExportItem> {
  const { facility } = scope;
  const read = (after: string) => {
    let q = db
      .selectFrom('patients as p')
      .select(['p.id', 'p.document', 'p.updated_at'])
      .where('p.id', '>', after)
      .where('p.updated_at', '<=', scope.until);
    if (scope.since) q = q.where('p.updated_at', '>', scope.since);
    if (scope.membersOf !== undefined)
      q = q.where(
        'p.id',
        'in',
        db
          .selectFrom('export_job_members as m')
          .innerJoin('patient_identifiers as mi', (j) =>
            j.onRef('mi.system', '=', 'm.system').onRef('mi.value', '=', 'm.value'),
          )
          .select('mi.patient_id')
          .where('m.job_id', '=', scope.membersOf),
      );
    if (facility !== undefined)
      q = q.where((eb) =>
        eb.or([
          eb('p.owner_facility', '=', facility),
          eb.exists(
            eb
              .selectFrom('patient_identifiers as pi')
              .innerJoin('lab_report_patients as lp', (j) =>
                j.onRef('lp.system', '=', 'pi.system').onRef('lp.value', '=', 'pi.value'),
              )
              // The clinical time too: on partitioned PostgreSQL each key opens its report's month only.
              .innerJoin('lab_reports as r', (j) =>
                j.onRef('r.row_id', '=', 'lp.record_id').onRef('r.clinical_at', '=', 'lp.clinical_at'),
              )
              .select(sql`1`.as('one'))
              .whereRef('pi.patient_id', '=', 'p.id')
              .where('r.facility_code', '=', facility)
              .where('r.current', '=', 1),
          ),
          eb.exists(
            eb
              .selectFrom('patient_identifiers as pi')
              .innerJoin('visit_patients as vp', (j) =>
                j.onRef('vp.system', '=', 'pi.system').onRef('vp.value', '=', 'pi.value'),
              )
              .innerJoin('visits as v', 'v.row_id', 'vp.record_id')
              .select(sql`1`.as('one'))
              .whereRef('pi.patient_id', '=', 'p.id')
              .where('v.facility_code', '=', facility)
              .where('v.current', '=', 1),
          ),
          eb.exists(
            eb
              .selectFrom('patient_identifiers as pi')
              .innerJoin('imaging_patients as ip', (j) =>
                j.onRef('ip.system', '=', 'pi.system').onRef('ip.value', '=', 'pi.value'),
              )
              .innerJoin('imaging_references as ir', 'ir.study_uid', 'ip.record_id')
              .select(sql`1`.as('one'))
              .whereRef('pi.patient_id', '=', 'p.id')
              .where('ir.facility_code', '=', facility),
          ),
        ]),
      );
    return q.orderBy('p.id').limit(rowLimit(pageSize)).execute();
  };
  for await (const row of keyset(read, (r) => r.id, signal)) {
    try {
      const record = JSON.parse(row.document) as PatientRecord;
      const resource = { ...toFhirPatient(record), id: row.id, meta: { lastUpdated: row.updated_at } };
      yield { type: 'Patient', resource: resource as Resource, facts: {} };
    } catch (cause) {
      yield failed('Patient', row.id, cause);
    }
  }
}

/**
 * The current version of every lab report in scope, as the facade serves it: its DiagnosticReport,
 * Observations and Specimen (`reportResources`), with the facts `_typeFilter` reads — the codes
 * of the report and its results, the status, the clinical time.
 */
export async function* labReportItems(
  db: Kysely<HubDatabase>,
  scope: SourceScope,
  signal: AbortSignal,
  pageSize = DEFAULT_PAGE_SIZE,
): AsyncGenerator<ExportItem> {
  const read = (after: string) => {
    let q = db
      .selectFrom('lab_reports as r')
      .select(['r.row_id', 'r.id', 'r.document', 'r.created_at', 'r.clinical_at', 'r.status'])
      .where('r.current', '=', 1)
      .where('r.row_id', '>', after)
      .where('r.created_at', '<=', scope.until);
    if (scope.since) q = q.where('r.created_at', '>', scope.since);
    if (scope.facility !== undefined) q = q.where('r.facility_code', '=', scope.facility);
    if (scope.membersOf !== undefined)
      q = q.where('r.row_id', 'in', memberRecords(db, 'lab_report_patients', scope.membersOf));
    return q.orderBy('r.row_id').limit(rowLimit(pageSize)).execute();
  };
  for await (const row of keyset(read, (r) => r.row_id, signal)) {
    let resources: ReturnType<typeof reportResources>;
    let report: LabReport;
    try {
      report = JSON.parse(row.document) as LabReport;
      resources = reportResources({ rowId: row.row_id, report, storedAt: row.created_at });
    } catch (cause) {
      yield failed('Lab report', row.id, cause);
      continue;
    }
    const time = row.clinical_at;
    const codes = [...report.codes, ...report.observations.flatMap((o) => o.codes)];
    yield {
      type: 'DiagnosticReport',
      resource: resources.report,
      facts: { codes, status: row.status, time },
    };
    for (const o of resources.observations)
      yield {
        type: 'Observation',
        resource: o,
        facts: { codes: (o as Observation).code.coding ?? [], time },
      };
    if (resources.specimen) yield { type: 'Specimen', resource: resources.specimen, facts: {} };
  }
}

/** `resource` with `meta.lastUpdated` set to `at`. */
const stamped = <T extends Resource>(resource: T, at: string): T => ({
  ...resource,
  meta: { ...resource.meta, lastUpdated: at },
});

/**
 * Every imaging reference in scope as the facade serves it: its ImagingStudy, with its modalities
 * and study date, and the DiagnosticReport of its report when it has one. The facade finds an
 * imaging report by its study only (no code, status or date of its own): a `_typeFilter` on
 * DiagnosticReport, like the facade's searches, matches lab reports alone.
 */
export async function* imagingItems(
  db: Kysely<HubDatabase>,
  scope: SourceScope,
  signal: AbortSignal,
  pageSize = DEFAULT_PAGE_SIZE,
): AsyncGenerator<ExportItem> {
  const read = (after: string) => {
    let q = db
      .selectFrom('imaging_references as i')
      .select(['i.study_uid', 'i.document', 'i.modalities', 'i.study_date', 'i.updated_at'])
      .where('i.study_uid', '>', after)
      .where('i.updated_at', '<=', scope.until);
    if (scope.since) q = q.where('i.updated_at', '>', scope.since);
    if (scope.facility !== undefined) q = q.where('i.facility_code', '=', scope.facility);
    if (scope.membersOf !== undefined)
      q = q.where('i.study_uid', 'in', memberRecords(db, 'imaging_patients', scope.membersOf));
    return q.orderBy('i.study_uid').limit(rowLimit(pageSize)).execute();
  };
  for await (const row of keyset(read, (r) => r.study_uid, signal)) {
    try {
      const ref = JSON.parse(row.document) as ImagingReference;
      const study = imagingStudyResource(ref);
      const resource = stamped(study, row.updated_at);
      const modalities = row.modalities.split(' ').filter(Boolean);
      const report = imagingReportResource(ref);
      yield { type: 'ImagingStudy', resource, facts: { modalities, day: row.study_date } };
      if (report) yield { type: 'DiagnosticReport', resource: stamped(report, row.updated_at), facts: {} };
    } catch (cause) {
      yield failed('Imaging study', row.study_uid, cause);
    }
  }
}

/** The resource types of a visit an export writes: those the facade serves. */
export const VISIT_TYPES: readonly ExportType[] = VISIT_RESOURCE_TYPES;

/**
 * The current version of every visit in scope as the facade serves it (`visitResources`: its
 * Encounter, Conditions, MedicationStatements, Procedures, ClinicalImpressions and ChargeItems), after `disclose` — the hub's
 * disclosure policy for the reader who asked the export.
 */
export async function* visitItems(
  db: Kysely<HubDatabase>,
  scope: SourceScope,
  signal: AbortSignal,
  disclose: (visit: Visit) => Visit,
  pageSize = DEFAULT_PAGE_SIZE,
): AsyncGenerator<ExportItem> {
  const read = (after: string) => {
    let q = db
      .selectFrom('visits as v')
      .select(['v.row_id', 'v.key', 'v.document', 'v.version'])
      .where('v.current', '=', 1)
      .where('v.row_id', '>', after)
      .where('v.created_at', '<=', scope.until);
    if (scope.since) q = q.where('v.created_at', '>', scope.since);
    if (scope.facility !== undefined) q = q.where('v.facility_code', '=', scope.facility);
    if (scope.membersOf !== undefined)
      q = q.where('v.row_id', 'in', memberRecords(db, 'visit_patients', scope.membersOf));
    return q.orderBy('v.row_id').limit(rowLimit(pageSize)).execute();
  };
  for await (const row of keyset(read, (r) => r.row_id, signal)) {
    let resources: Resource[];
    let shown: Visit;
    try {
      const visit = JSON.parse(row.document) as Visit;
      shown = disclose(visit);
      resources = visitResources({ visit, version: Number(row.version) }, shown, { current: true });
    } catch (cause) {
      yield failed('Visit', row.key, cause);
      continue;
    }
    for (const resource of resources)
      if (VISIT_TYPES.includes(resource.resourceType as ExportType))
        yield {
          type: resource.resourceType as ExportType,
          resource,
          facts: { codes: codingsOf(resource), visit: shown },
        };
  }
}
