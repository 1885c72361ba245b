import type { Generated } from 'kysely';

/**
 * The hub's tables. Portable across SQLite and PostgreSQL: text keys (UUIDs, codes), ISO 8601
 * timestamps as text (they sort chronologically), JSON documents as text.
 */
export interface HubDatabase {
  facilities: FacilityTable;
  credentials: CredentialTable;
  audit_events: AuditEventTable;
  audit_patient_runs: AuditPatientRunTable;
  audit_patient_run_list: AuditPatientRunListTable;
  idempotency_keys: IdempotencyKeyTable;
  settings: SettingTable;
  patients: PatientTable;
  patient_identifiers: PatientIdentifierTable;
  lab_reports: LabReportTable;
  lab_report_patients: LabReportPatientTable;
  lab_report_codes: LabReportCodeTable;
  lab_report_versions: LabReportVersionTable;
  imaging_references: ImagingReferenceTable;
  imaging_patients: RecordPatientTable;
  visits: VisitTable;
  visit_patients: RecordPatientTable;
  export_jobs: ExportJobTable;
  cohorts: CohortTable;
  cohort_members: CohortMemberTable;
  export_job_members: ExportJobMemberTable;
}

/** A saved cohort: a FHIR Group of patients a facility created on the facade (migration 011). */
export interface CohortTable {
  /** A UUID: never a facility code, so `Group/<id>` names one or the other. */
  id: string;
  /** The facility of the credential that created it: only it (and administrators) may read, export or delete it. */
  owner_facility: string;
  name: string | null;
  created_at: string;
  updated_at: string;
  /** The Group resource as stored (JSON), members as they were given. */
  document: string;
}

/** One patient key of a cohort: each member given, and the directory's other identifiers of its patient. */
export interface CohortMemberTable {
  cohort_id: string;
  system: string;
  value: string;
}

/** One patient key an export job is restricted to, snapshotted at kick-off (a cohort's members, or the `patient` parameter's). */
export interface ExportJobMemberTable {
  job_id: string;
  system: string;
  value: string;
}

/** A FHIR Bulk Data export job (`export/jobs-store.ts`). */
export interface ExportJobTable {
  id: string;
  /** The facility of the credential that asked ('*' for the bootstrap administrator). */
  facility_code: string;
  credential_id: string;
  /** The parsed kick-off request (`ExportRequest` JSON). */
  request: string;
  /** `queued`, `running`, `completed` or `failed`. */
  state: string;
  /** What the status answer's `X-Progress` says. */
  progress: string;
  /** Start of the run whose files the manifest lists. */
  transaction_time: string | null;
  /** The manifest's `output` and `error` lists (JSON), written once on completion. */
  output: string | null;
  /** Why the job failed (`LienThongError` JSON), when it did. */
  error: string | null;
  /** Last sign of life of the hub running it; a stale one means that hub stopped. */
  heartbeat_at: string | null;
  created_at: string;
  /** When the job and its files are removed (set on completion or failure). */
  expires_at: string | null;
}

/** A patient (the document is a `PatientRecord`; search columns are folded copies). */
export interface PatientTable {
  id: string;
  document: string;
  /** Folded words of the whole name between spaces (` nguyen van an `), for word-prefix search. */
  name_words: string;
  family_folded: string;
  /** Folded middle and given words between spaces. */
  given_words: string;
  birth_date: string | null;
  sex: string | null;
  /** The facility that registered the patient; only it may change the demographics. */
  owner_facility: string;
  /** The record's version: 1 when registered, one more on each change (the upsert receipt's). */
  version: Generated<number>;
  created_at: string;
  updated_at: string;
}

export interface PatientIdentifierTable {
  system: string;
  value: string;
  patient_id: string;
}

/** One version of a lab report; `current = 1` marks the version `get` and `query` return. */
export interface LabReportTable {
  /**
   * SQLite only (migration 013): the version's integer key, the table's row id, which the patient
   * keys carry (`report_seq`) so a patient's reports are read without a lookup by `row_id`.
   */
  seq?: Generated<number>;
  row_id: string;
  id: string;
  /** The id of the report's DiagnosticReport in the FHIR facade (see `fhirId`). */
  fhir_id: string;
  version: number;
  current: number;
  /** The facility that published it (from its key): `facility=` searches match it; only it may publish new versions. */
  facility_code: string;
  status: string;
  /** Clinical time as a UTC instant (ISO), '' when unknown — sorts last in descending order. */
  clinical_at: string;
  document: string;
  created_at: string;
}

/** One version of a visit (`<facility>:<MA_LK>`); `current = 1` marks the version reads return. */
export interface VisitTable {
  row_id: string;
  /** The visit key, `<facility>:<MA_LK>` (`visitKey`). */
  key: string;
  /** MA_CSKCB: the facility that published it (always the caller's, checked on publish). */
  facility_code: string;
  /** MA_LK. */
  visit_id: string;
  version: number;
  current: number;
  /** Start of the stay (admission, else inpatient admission, else discharge) as a UTC instant, '' when unknown. */
  started_at: string;
  /** Discharge as a UTC instant, '' while the visit is open. */
  ended_at: string;
  /** The visit as published (`Visit` JSON). */
  document: string;
  /**
   * What its patient's summary takes from it: `SummaryParts` JSON; on rows written before the hub
   * kept parts, its summary view (`summaryView`, `Visit` JSON), or null before migration 012.
   */
  summary_document: string | null;
  created_at: string;
}

export interface RecordPatientTable {
  record_id: string;
  system: string;
  value: string;
}

/**
 * A patient key of one stored report version, with the report's clinical time (migration 010): a
 * patient's reports are then read from the key index in clinical-time order, and on partitioned
 * PostgreSQL the key row lives in the same month's partition as its report.
 */
export interface LabReportPatientTable extends RecordPatientTable {
  /** The report's `clinical_at` ('' when undated). */
  clinical_at: string;
  /** SQLite only (migration 013, required there): the report version's `seq`. */
  report_seq?: number;
}

export interface LabReportCodeTable {
  record_id: string;
  system: string;
  code: string;
  /** The report's `clinical_at` ('' when undated): the partition key on partitioned PostgreSQL. */
  clinical_at: string;
}

/**
 * Where each stored version of a report lives (migration 010/011). A view over `lab_reports` on
 * SQLite and unpartitioned PostgreSQL; on partitioned PostgreSQL a table kept by triggers in the
 * writing transaction, holding the global UNIQUE (id, version) a partitioned table cannot, and
 * the clinical time that routes a read by id, FHIR id or row id to one partition. Read-only for
 * the hub's code.
 */
export interface LabReportVersionTable {
  id: string;
  version: number;
  row_id: string;
  fhir_id: string;
  clinical_at: string;
  current: number;
}

export interface ImagingReferenceTable {
  study_uid: string;
  facility_code: string;
  study_date: string | null;
  /** Space-separated modalities of the study and its series (` CT SR `). */
  modalities: string;
  document: string;
  /** The reference's version: 1 when first published, one more on each change (the publish receipt's). */
  version: Generated<number>;
  updated_at: string;
}

/** Deployment settings the hub generates once (e.g. the audit key). */
export interface SettingTable {
  key: string;
  value: string;
}

export interface FacilityTable {
  /** 5-digit facility code (mã cơ sở KCB) or another code the deployment uses. */
  code: string;
  name: string;
  created_at: string;
}

export interface CredentialTable {
  id: string;
  facility_code: string;
  /** SHA-256 of the API key (keys are 256-bit random, so a fast hash is the right tool). */
  key_hash: string;
  /** Space-separated scopes. */
  scopes: string;
  label: string | null;
  created_at: string;
  revoked_at: string | null;
}

export interface AuditEventTable {
  id: string;
  at: string;
  facility_code: string;
  credential_id: string;
  /** The end user the calling system acted for (`X-User` header), if given. */
  user_ref: string | null;
  /** Purpose of use (`X-Purpose-Of-Use` header, default `TREAT`). */
  purpose: string;
  action: string;
  resource_type: string;
  resource_id: string | null;
  /** Keyed hash of the patient identifier read, so audits can be searched without storing it. */
  patient_ref: string | null;
  /** Diagnoses a disclosure policy withheld from the answer (visit reads), else null. */
  withheld: number | null;
}

/**
 * SQLite only (migration 015): the audit entries naming each patient, in sorted runs
 * (db/audit-patient-runs.ts). PostgreSQL indexes `audit_events` by patient instead.
 */
export interface AuditPatientRunTable {
  run: number;
  patient_ref: string;
  at: string;
  /** The entry's `seq` in `audit_events`. */
  event_seq: number;
}

/** SQLite only (migration 015): each run of `audit_patient_runs`, and the merge it is part of. */
export interface AuditPatientRunListTable {
  run: number;
  /** 0 for a run filed from new entries; a merge of runs of level n makes one of level n + 1. */
  level: number;
  /** The highest entry `seq` the run covers: entries after every run's are not filed yet. */
  last_seq: number;
  entries: number;
  /** The run being merged into, while a merge moves this run's rows. */
  merging_into: number | null;
  /** On a merge's target: the first patient reference prefix (8 hex digits) still to move; '' from the start. */
  merge_next: string | null;
  /** On a merge's target: the width of a slice, in 8-hex-digit prefixes. */
  merge_width: number | null;
}

export interface IdempotencyKeyTable {
  facility_code: string;
  key: string;
  /** SHA-256 of method, path and body: the same key with another request is a conflict. */
  request_hash: string;
  status: number;
  response: string;
  created_at: string;
}
