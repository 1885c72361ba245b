import { type Kysely, type Migration, type MigrationProvider, Migrator, sql } from 'kysely';
import { sqliteAuditSequence } from './audit-sequence.js';
import { labReportKeyTimes } from './migrations-partitioned.js';
import { sqliteReportSequence } from './report-sequence.js';
import { sqliteUniqueReportKeys } from './unique-report-keys.js';

/**
 * Migrations, in order, written with Kysely's schema builder so one definition serves SQLite and
 * PostgreSQL. Never edit a released migration: add the next one. Exported for the tests that
 * migrate a database holding data written before a migration.
 */
export const migrations: Readonly<Record<string, Migration>> = {
  '2026-11-25-001-foundation': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('facilities')
        .addColumn('code', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('credentials')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('facility_code', 'text', (c) => c.notNull().references('facilities.code'))
        .addColumn('key_hash', 'text', (c) => c.notNull().unique())
        .addColumn('scopes', 'text', (c) => c.notNull())
        .addColumn('label', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('revoked_at', 'text')
        .execute();
      await db.schema
        .createTable('audit_events')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('facility_code', 'text', (c) => c.notNull())
        .addColumn('credential_id', 'text', (c) => c.notNull())
        .addColumn('user_ref', 'text')
        .addColumn('purpose', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('resource_type', 'text', (c) => c.notNull())
        .addColumn('resource_id', 'text')
        .addColumn('patient_ref', 'text')
        .execute();
      await db.schema
        .createIndex('audit_events_facility_at')
        .on('audit_events')
        .columns(['facility_code', 'at'])
        .execute();
      await db.schema
        .createIndex('audit_events_patient_at')
        .on('audit_events')
        .columns(['patient_ref', 'at'])
        .execute();
      await db.schema
        .createTable('idempotency_keys')
        .addColumn('facility_code', 'text', (c) => c.notNull())
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('request_hash', 'text', (c) => c.notNull())
        .addColumn('status', 'integer', (c) => c.notNull())
        .addColumn('response', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('idempotency_keys_pk', ['facility_code', 'key'])
        .execute();
      await db.schema
        .createTable('settings')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .execute();
    },
  },
  '2026-11-25-002-records': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('patients')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('document', 'text', (c) => c.notNull())
        .addColumn('name_words', 'text', (c) => c.notNull())
        .addColumn('family_folded', 'text', (c) => c.notNull())
        .addColumn('given_words', 'text', (c) => c.notNull())
        .addColumn('birth_date', 'text')
        .addColumn('sex', 'text')
        .addColumn('owner_facility', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('patients_family')
        .on('patients')
        .columns(['family_folded', 'birth_date'])
        .execute();
      await db.schema
        .createTable('patient_identifiers')
        .addColumn('system', 'text', (c) => c.notNull())
        .addColumn('value', 'text', (c) => c.notNull())
        .addColumn('patient_id', 'text', (c) => c.notNull().references('patients.id'))
        .addPrimaryKeyConstraint('patient_identifiers_pk', ['system', 'value'])
        .execute();
      await db.schema
        .createIndex('patient_identifiers_patient')
        .on('patient_identifiers')
        .column('patient_id')
        .execute();

      await db.schema
        .createTable('lab_reports')
        .addColumn('row_id', 'text', (c) => c.primaryKey())
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('fhir_id', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('current', 'integer', (c) => c.notNull())
        .addColumn('facility_code', 'text', (c) => c.notNull())
        .addColumn('performing_code', 'text')
        .addColumn('lab_code', 'text')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('clinical_at', 'text', (c) => c.notNull())
        .addColumn('document', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('lab_reports_id_version', ['id', 'version'])
        .execute();
      await db.schema
        .createIndex('lab_reports_current')
        .on('lab_reports')
        .columns(['id', 'current'])
        .execute();
      await db.schema
        .createTable('lab_report_patients')
        .addColumn('record_id', 'text', (c) => c.notNull().references('lab_reports.row_id'))
        .addColumn('system', 'text', (c) => c.notNull())
        .addColumn('value', 'text', (c) => c.notNull())
        .execute();
      // The hot path: one patient's reports, newest first.
      await db.schema
        .createIndex('lab_report_patients_key')
        .on('lab_report_patients')
        .columns(['system', 'value', 'record_id'])
        .execute();
      await db.schema
        .createTable('lab_report_codes')
        .addColumn('record_id', 'text', (c) => c.notNull().references('lab_reports.row_id'))
        .addColumn('system', 'text', (c) => c.notNull())
        .addColumn('code', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('lab_report_codes_record')
        .on('lab_report_codes')
        .columns(['record_id', 'system', 'code'])
        .execute();

      await db.schema
        .createTable('imaging_references')
        .addColumn('study_uid', 'text', (c) => c.primaryKey())
        .addColumn('facility_code', 'text', (c) => c.notNull())
        .addColumn('study_date', 'text')
        .addColumn('modalities', 'text', (c) => c.notNull())
        .addColumn('document', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('imaging_patients')
        .addColumn('record_id', 'text', (c) => c.notNull().references('imaging_references.study_uid'))
        .addColumn('system', 'text', (c) => c.notNull())
        .addColumn('value', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('imaging_patients_key')
        .on('imaging_patients')
        .columns(['system', 'value', 'record_id'])
        .execute();
    },
  },
  '2026-11-26-003-lab-report-fhir-id': {
    // The FHIR facade reads reports by their FHIR id (read, vread, _history): without this index
    // each of those reads scanned every stored version.
    async up(db: Kysely<unknown>) {
      await db.schema
        .createIndex('lab_reports_fhir_id')
        .on('lab_reports')
        .columns(['fhir_id', 'version'])
        .execute();
    },
  },
  '2026-11-27-004-lab-report-publisher': {
    // `facility=` searches match the publisher stored from the key (`facility_code`), never the
    // performing facility or laboratory the body named: these copies of them are no longer read.
    // SQLite drops one column per statement.
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('lab_reports').dropColumn('performing_code').execute();
      await db.schema.alterTable('lab_reports').dropColumn('lab_code').execute();
    },
  },
  '2026-12-03-005-facility-listing': {
    // A facility lists the records it published (`facility=<its code>`, no patient), newest
    // first: without these indexes each page of that listing scanned every stored report or study.
    async up(db: Kysely<unknown>) {
      await db.schema
        .createIndex('lab_reports_facility_clinical_at')
        .on('lab_reports')
        .columns(['facility_code', 'clinical_at'])
        .execute();
      await db.schema
        .createIndex('imaging_references_facility_date')
        .on('imaging_references')
        .columns(['facility_code', 'study_date'])
        .execute();
    },
  },
  '2026-12-10-006-record-versions': {
    // Every write answers the contracts' one receipt (`id`, `version`, `outcome`): patients and
    // imaging references count their versions like lab reports do. Rows stored before count as
    // version 1. SQLite adds one column per statement.
    async up(db: Kysely<unknown>) {
      await db.schema
        .alterTable('patients')
        .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
        .execute();
      await db.schema
        .alterTable('imaging_references')
        .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
        .execute();
    },
  },
  '2026-12-10-007-vn-core-identifier-systems': {
    // The SDK's identifier-system defaults became the URIs of the VN Core IG the MoH publishes
    // (`http://fhir.ehealth.gov.vn/core/sid/…`); the hub stores and asks for patient keys under
    // them, so the keys stored under the old defaults move to the new ones. Lab reports and imaging
    // references stay as published (only their keys move); patient records, which the hub answers
    // as the directory, are rewritten. Other URIs — a deployment's own — are not touched.
    async up(db: Kysely<unknown>) {
      for (const [old, current] of RENAMED_IDENTIFIER_SYSTEMS) {
        for (const name of ['lab_report_patients', 'imaging_patients']) {
          const table = sql.table(name);
          // A record filed under both URIs keeps one key.
          await sql`DELETE FROM ${table} WHERE system = ${old} AND EXISTS (
            SELECT 1 FROM ${table} AS t WHERE t.record_id = ${table}.record_id
              AND t.system = ${current} AND t.value = ${table}.value)`.execute(db);
          await sql`UPDATE ${table} SET system = ${current} WHERE system = ${old}`.execute(db);
        }
        // (system, value) is the key of patient_identifiers: a patient holding both keeps one; a
        // key whose new form another patient holds already is left under the old URI (two patients
        // to merge by hand; they are not merged here).
        await sql`DELETE FROM patient_identifiers WHERE system = ${old} AND EXISTS (
          SELECT 1 FROM patient_identifiers AS t WHERE t.system = ${current}
            AND t.value = patient_identifiers.value AND t.patient_id = patient_identifiers.patient_id)`.execute(
          db,
        );
        await sql`UPDATE patient_identifiers SET system = ${current} WHERE system = ${old} AND NOT EXISTS (
          SELECT 1 FROM patient_identifiers AS t WHERE t.system = ${current} AND t.value = patient_identifiers.value)`.execute(
          db,
        );
      }
      await rewritePatientDocuments(db);
    },
  },
  '2026-12-10-008-visits': {
    // Visit history (issue 16): every version of each visit kept, `current` marking the one reads
    // return, and the patient keys (under canonical URIs) that find a patient's visits by any of
    // their identifiers. Query filters other than the patient (facility, type, diagnosis, period)
    // run in memory over the patient's visits with the contract's own `matchesVisitQuery`: a patient
    // has few visits, and the filter then cannot drift from the other providers'.
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('visits')
        .addColumn('row_id', 'text', (c) => c.primaryKey())
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('facility_code', 'text', (c) => c.notNull())
        .addColumn('visit_id', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('current', 'integer', (c) => c.notNull())
        .addColumn('started_at', 'text', (c) => c.notNull())
        .addColumn('ended_at', 'text', (c) => c.notNull())
        .addColumn('document', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('visits_key_version', ['key', 'version'])
        .execute();
      await db.schema.createIndex('visits_key_current').on('visits').columns(['key', 'current']).execute();
      await db.schema
        .createTable('visit_patients')
        .addColumn('record_id', 'text', (c) => c.notNull().references('visits.row_id'))
        .addColumn('system', 'text', (c) => c.notNull())
        .addColumn('value', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('visit_patients_key')
        .on('visit_patients')
        .columns(['system', 'value', 'record_id'])
        .execute();
      // How many diagnoses a disclosure policy withheld from a read's answer.
      await db.schema.alterTable('audit_events').addColumn('withheld', 'integer').execute();
    },
  },
  '2026-12-10-009-export-jobs': {
    // FHIR Bulk Data export jobs (issue 17): the request, its state, the heartbeat of the hub
    // running it (a job whose heartbeat went stale is run again), and the manifest's file list,
    // written once when the job completes — never a half-listed manifest.
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('export_jobs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('facility_code', 'text', (c) => c.notNull())
        .addColumn('credential_id', 'text', (c) => c.notNull())
        .addColumn('request', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('progress', 'text', (c) => c.notNull())
        .addColumn('transaction_time', 'text')
        .addColumn('output', 'text')
        .addColumn('error', 'text')
        .addColumn('heartbeat_at', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text')
        .execute();
      await db.schema
        .createIndex('export_jobs_state')
        .on('export_jobs')
        .columns(['state', 'created_at'])
        .execute();
    },
  },
  '2026-12-17-010-lab-report-key-times': labReportKeyTimes,
  '2026-12-24-011-cohorts': {
    // Saved cohorts (FHIR Group resources a facility creates on the facade) and the member keys an
    // export job snapshots at kick-off (a cohort's, or the `patient` parameter's). A member is a
    // patient key (system, value), as the key tables hold them: an export reads the records of
    // the members from `lab_report_patients`, `visit_patients` and `imaging_patients` by their
    // (system, value) indexes, driven from the members (primary key: cohort or job first). New
    // tables only: the report and audit tables (partitioned on some PostgreSQL hubs) are untouched.
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('cohorts')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('owner_facility', 'text', (c) => c.notNull())
        .addColumn('name', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('document', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('cohorts_owner')
        .on('cohorts')
        .columns(['owner_facility', 'created_at'])
        .execute();
      await db.schema
        .createTable('cohort_members')
        .addColumn('cohort_id', 'text', (c) => c.notNull().references('cohorts.id').onDelete('cascade'))
        .addColumn('system', 'text', (c) => c.notNull())
        .addColumn('value', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('cohort_members_pk', ['cohort_id', 'system', 'value'])
        .execute();
      // Which cohorts name a patient key (the erasure of a patient finds them).
      await db.schema
        .createIndex('cohort_members_key')
        .on('cohort_members')
        .columns(['system', 'value', 'cohort_id'])
        .execute();
      await db.schema
        .createTable('export_job_members')
        .addColumn('job_id', 'text', (c) => c.notNull())
        .addColumn('system', 'text', (c) => c.notNull())
        .addColumn('value', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('export_job_members_pk', ['job_id', 'system', 'value'])
        .execute();
    },
  },
  '2026-12-31-012-visit-summary-views': {
    // Each visit version's summary view (`summaryView`: what a summary reads of it), so a patient's
    // summary parses less JSON than the whole visits (half or less for a visit decoded from an XML
    // 130 file set, which keeps its source rows). Nullable and not back-filled:
    // a row written before this migration is summarized from its document, which gives the same
    // summary (the view is a part of it); adding the column rewrites no row on either database.
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('visits').addColumn('summary_document', 'text').execute();
    },
  },
  '2027-01-07-013-sqlite-report-sequence': sqliteReportSequence,
  '2027-01-14-014-sqlite-unique-report-keys': sqliteUniqueReportKeys,
  '2027-01-21-015-sqlite-audit-sequence': sqliteAuditSequence,
};

/**
 * The identifier systems migration 007 renames: the SDK's defaults before it → the VN Core URIs.
 * Written out here, not read from `@lienthong/core`: a released migration never follows later changes.
 */
const RENAMED_IDENTIFIER_SYSTEMS: readonly (readonly [old: string, current: string])[] = [
  ['http://fhir.hl7.org.vn/core/sid/cccd', 'http://fhir.ehealth.gov.vn/core/sid/national_id'],
  ['http://fhir.hl7.org.vn/core/sid/bhyt', 'http://fhir.ehealth.gov.vn/core/sid/insurance_number'],
  ['urn:lienthong:sid:cmnd', 'http://fhir.ehealth.gov.vn/core/sid/citizen_id'],
  ['urn:lienthong:sid:passport', 'http://fhir.ehealth.gov.vn/core/sid/passport_number'],
];

/**
 * Migration 007's rewrite of stored patient records: an identifier under an old URI takes the new
 * one when its key moved (a key left under the old URI keeps the record as it was), and a record
 * that then holds one identifier twice keeps the first. Parsed and written back as JSON, a page of
 * patients at a time, so no text outside `identifiers[].system` can change.
 */
async function rewritePatientDocuments(db: Kysely<unknown>): Promise<void> {
  const renamed = new Map(RENAMED_IDENTIFIER_SYSTEMS);
  let after = '';
  for (;;) {
    const { rows } = await sql<{ id: string; document: string }>`SELECT id, document FROM patients
      WHERE id > ${after} ORDER BY id LIMIT 500`.execute(db);
    if (rows.length === 0) return;
    after = rows[rows.length - 1]!.id;
    for (const row of rows) {
      if (!RENAMED_IDENTIFIER_SYSTEMS.some(([old]) => row.document.includes(JSON.stringify(old)))) continue;
      const { rows: keys } = await sql<{ system: string; value: string }>`SELECT system, value
        FROM patient_identifiers WHERE patient_id = ${row.id}`.execute(db);
      const stored = new Set(keys.map((k) => `${k.system}|${k.value}`));
      const record = JSON.parse(row.document) as { identifiers: { system: string; value: string }[] };
      const seen = new Set<string>();
      const identifiers = record.identifiers
        .map((i) => {
          const current = renamed.get(i.system);
          return current && stored.has(`${current}|${i.value}`) ? { ...i, system: current } : i;
        })
        .filter((i) => {
          const key = `${i.system}|${i.value}`;
          if (seen.has(key)) return false;
          seen.add(key);
          return true;
        });
      if (
        identifiers.length === record.identifiers.length &&
        identifiers.every((i, n) => i === record.identifiers[n])
      )
        continue;
      await sql`UPDATE patients SET document = ${JSON.stringify({ ...record, identifiers })}
        WHERE id = ${row.id}`.execute(db);
    }
  }
}

const provider: MigrationProvider = { getMigrations: async () => migrations };

/** Applies every pending migration; throws with the failing migration's name. */
export async function migrateToLatest(db: Kysely<unknown>): Promise<string[]> {
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error;
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** Names of the migrations this build knows (for readiness checks). */
export const knownMigrations = Object.keys(migrations);

export { sql };
