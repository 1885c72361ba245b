import { parseWith } from '@lienthong/core';
import { parseImagingReference } from '@lienthong/imaging';
import { PatientRecordSchema } from '@lienthong/patient-id';
import { LabReportSchema } from '@lienthong/result-exchange';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrations } from '../src/db/migrations.js';
import { type HubDb, openDatabase } from '../src/db/open-database.js';
import { publishImaging, queryImaging } from '../src/records/imaging.js';
import { labReportRows, publishReport, queryReports } from '../src/records/lab-reports.js';
import { findPatient, upsertPatient } from '../src/records/patients.js';
import type { MakeDatabase, TestDatabase } from './databases.js';
import { syntheticReport } from './synthetic-report.js';

const BEFORE_VERSIONS = '2026-12-03-005-facility-listing';
const CCCD = 'http://fhir.hl7.org.vn/core/sid/cccd';
const UID = '1.2.840.99999.1.6.1';
const FACILITY = { facilityCode: '79001', admin: false };
const NOW = '2026-12-01T00:00:00.000Z';

/** SYNTHETIC records, stored as a hub before migration 006 stored them (no version column). */
const patient = {
  id: 'p-before-006',
  identifiers: [{ system: CCCD, value: '079085000006', kind: 'cccd' }],
  name: { family: 'Nguyễn', given: 'An' },
};
const reference = {
  studyInstanceUid: UID,
  patient: { identifiers: [{ system: CCCD, value: '079085000006' }] },
  performingFacility: { code: '79001' },
  studyDate: '2026-11-30',
  modalities: ['CT'],
  series: [{ uid: `${UID}.1`, modality: 'CT', number: 1, instanceCount: 1 }],
  instanceCount: 1,
  endpoints: {},
  completeness: 'unknown',
};

function rawDatabase(config: TestDatabase['config']): Kysely<unknown> {
  return new Kysely({
    dialect:
      'sqlite' in config
        ? new SqliteDialect({ database: new SQLite(config.sqlite) })
        : new PostgresDialect({ pool: new pg.Pool({ connectionString: config.postgres, max: 1 }) }),
  });
}

/** Migration 006 on a database holding patients and imaging references stored before it. */
export function describeRecordVersionsMigration(label: string, makeDatabase: MakeDatabase) {
  describe(`migration 006 (record versions) on ${label}`, () => {
    let database: TestDatabase;
    let hub: HubDb;

    beforeAll(async () => {
      database = await makeDatabase();
      const raw = rawDatabase(database.config);
      const migrator = new Migrator({ db: raw, provider: { getMigrations: async () => migrations } });
      const { error } = await migrator.migrateTo(BEFORE_VERSIONS);
      if (error) throw error;
      await raw
        .insertInto('patients' as never)
        .values({
          id: patient.id,
          document: JSON.stringify(parseWith(PatientRecordSchema, patient)),
          name_words: ' nguyen an ',
          family_folded: 'nguyen',
          given_words: ' an ',
          birth_date: null,
          sex: null,
          owner_facility: FACILITY.facilityCode,
          created_at: NOW,
          updated_at: NOW,
        } as never)
        .execute();
      await raw
        .insertInto('patient_identifiers' as never)
        .values({ system: CCCD, value: '079085000006', patient_id: patient.id } as never)
        .execute();
      await raw
        .insertInto('imaging_references' as never)
        .values({
          study_uid: UID,
          facility_code: FACILITY.facilityCode,
          study_date: reference.studyDate,
          modalities: ' CT ',
          document: JSON.stringify(parseImagingReference(reference)),
          updated_at: NOW,
        } as never)
        .execute();
      await raw.destroy();
      hub = await openDatabase(database.config);
    });
    afterAll(async () => {
      await hub?.close();
      await database?.drop();
    });

    it('keeps the rows stored before it at version 1', async () => {
      const patients = await hub.db.selectFrom('patients').select(['id', 'version']).execute();
      const studies = await hub.db
        .selectFrom('imaging_references')
        .select(['study_uid', 'version'])
        .execute();
      expect(patients).toEqual([{ id: patient.id, version: 1 }]);
      expect(studies).toEqual([{ study_uid: UID, version: 1 }]);
    });

    it('answers their next writes from version 1: unchanged, then one version up', async () => {
      const { transact: write } = hub;
      expect(await write((trx) => publishImaging(trx, FACILITY, reference))).toEqual({
        id: UID,
        version: 1,
        outcome: 'unchanged',
      });
      expect(
        await write((trx) => publishImaging(trx, FACILITY, { ...reference, description: 'Amended' })),
      ).toEqual({ id: UID, version: 2, outcome: 'updated' });
      const same = await write((trx) => upsertPatient(trx, FACILITY, patient));
      expect(same).toMatchObject({ id: patient.id, version: 1, outcome: 'unchanged' });
      const changed = await write((trx) => upsertPatient(trx, FACILITY, { ...patient, sex: 'male' }));
      expect(changed).toMatchObject({ id: patient.id, version: 2, outcome: 'updated' });
    });
  });
}

const BEFORE_SYSTEMS = '2026-12-10-006-record-versions';
const OLD = { cccd: CCCD, bhyt: 'http://fhir.hl7.org.vn/core/sid/bhyt', cmnd: 'urn:lienthong:sid:cmnd' };
const NEW = {
  cccd: 'http://fhir.ehealth.gov.vn/core/sid/national_id',
  bhyt: 'http://fhir.ehealth.gov.vn/core/sid/insurance_number',
  cmnd: 'http://fhir.ehealth.gov.vn/core/sid/citizen_id',
};
const MRN = 'urn:lienthong:sid:mrn:79001';

/**
 * Migration 007 on a database holding SYNTHETIC patients, a lab report and an imaging reference
 * stored under the identifier-system defaults before it (the community VN Core URIs).
 */
export function describeIdentifierSystemsMigration(label: string, makeDatabase: MakeDatabase) {
  describe(`migration 007 (VN Core identifier systems) on ${label}`, () => {
    let database: TestDatabase;
    let hub: HubDb;
    // Moves: every key of `an`. Same patient under both URIs: `binh` keeps one key. Conflict: the
    // old key of `cuc` names a number `dung` holds under the new URI already — left as it was.
    const an = {
      id: 'p-an',
      identifiers: [
        { system: OLD.cccd, value: '079085000071', kind: 'cccd' },
        { system: OLD.bhyt, value: 'DN4790000000071', kind: 'bhyt' },
        { system: OLD.cmnd, value: '025000071', kind: 'cmnd' },
        { system: MRN, value: 'BN-71', kind: 'mrn', facilityCode: '79001' },
      ],
      name: { family: 'Nguyễn', given: 'An' },
    };
    const binh = {
      id: 'p-binh',
      identifiers: [
        { system: OLD.cccd, value: '079085000072', kind: 'cccd' },
        { system: NEW.cccd, value: '079085000072', kind: 'cccd' },
      ],
      name: { family: 'Trần', given: 'Bình' },
    };
    const cuc = {
      id: 'p-cuc',
      identifiers: [{ system: OLD.cccd, value: '079085000073' }],
      name: { given: 'Cúc' },
    };
    const dung = {
      id: 'p-dung',
      identifiers: [{ system: NEW.cccd, value: '079085000073' }],
      name: { given: 'Dũng' },
    };
    const report = syntheticReport(
      'SYN-007',
      { system: OLD.cccd, value: '079085000071' },
      { performingFacility: { code: FACILITY.facilityCode } },
    );
    const study = {
      ...reference,
      studyInstanceUid: `${UID}.7`,
      patient: { identifiers: [{ system: OLD.cccd, value: '079085000071' }] },
    };

    beforeAll(async () => {
      database = await makeDatabase();
      const raw = rawDatabase(database.config);
      const migrator = new Migrator({ db: raw, provider: { getMigrations: async () => migrations } });
      const { error } = await migrator.migrateTo(BEFORE_SYSTEMS);
      if (error) throw error;
      for (const p of [an, binh, cuc, dung]) {
        await raw
          .insertInto('patients' as never)
          .values({
            id: p.id,
            document: JSON.stringify(parseWith(PatientRecordSchema, p)),
            name_words: ' x ',
            family_folded: '',
            given_words: ' x ',
            birth_date: null,
            sex: null,
            owner_facility: FACILITY.facilityCode,
            version: 1,
            created_at: NOW,
            updated_at: NOW,
          } as never)
          .execute();
        await raw
          .insertInto('patient_identifiers' as never)
          .values(p.identifiers.map((i) => ({ system: i.system, value: i.value, patient_id: p.id })) as never)
          .execute();
      }
      // The rows of the report as the hub stored them before: keys under the URI it was published with.
      const rows = labReportRows(parseWith(LabReportSchema, report), {
        rowId: 'row-007',
        version: 1,
        facilityCode: FACILITY.facilityCode,
        createdAt: NOW,
      });
      await raw
        .insertInto('lab_reports' as never)
        .values(rows.report as never)
        .execute();
      await raw
        .insertInto('lab_report_patients' as never)
        .values({ record_id: 'row-007', system: OLD.cccd, value: '079085000071' } as never)
        .execute();
      await raw
        .insertInto('lab_report_codes' as never)
        // Code rows before migration 010 had no clinical time.
        .values(rows.codes.map(({ clinical_at: _, ...c }) => c) as never)
        .execute();
      await raw
        .insertInto('imaging_references' as never)
        .values({
          study_uid: study.studyInstanceUid,
          facility_code: FACILITY.facilityCode,
          study_date: study.studyDate,
          modalities: ' CT ',
          document: JSON.stringify(parseImagingReference(study)),
          version: 1,
          updated_at: NOW,
        } as never)
        .execute();
      await raw
        .insertInto('imaging_patients' as never)
        .values({ record_id: study.studyInstanceUid, system: OLD.cccd, value: '079085000071' } as never)
        .execute();
      await raw.destroy();
      hub = await openDatabase(database.config);
    });
    afterAll(async () => {
      await hub?.close();
      await database?.drop();
    });

    it('moves the patient keys and records to the new URIs, record numbers untouched', async () => {
      const keys = await hub.db
        .selectFrom('patient_identifiers')
        .select(['system', 'value', 'patient_id'])
        .orderBy('value')
        .execute();
      expect(keys).toEqual(
        expect.arrayContaining([
          { system: NEW.cccd, value: '079085000071', patient_id: 'p-an' },
          { system: NEW.bhyt, value: 'DN4790000000071', patient_id: 'p-an' },
          { system: NEW.cmnd, value: '025000071', patient_id: 'p-an' },
          { system: MRN, value: 'BN-71', patient_id: 'p-an' },
          { system: NEW.cccd, value: '079085000072', patient_id: 'p-binh' },
        ]),
      );
      expect(keys.filter((k) => k.patient_id === 'p-binh')).toHaveLength(1);
      const found = await findPatient(hub.db, { system: NEW.cccd, value: '079085000071' });
      expect(found?.identifiers.map((i) => i.system)).toEqual([NEW.cccd, NEW.bhyt, NEW.cmnd, MRN]);
      expect(found?.identifiers[0]).toEqual({ system: NEW.cccd, value: '079085000071', kind: 'cccd' });
      const both = await findPatient(hub.db, { system: OLD.cccd, value: '079085000072' });
      expect(both?.identifiers).toEqual([{ system: NEW.cccd, value: '079085000072', kind: 'cccd' }]);
    });

    it('leaves a key another patient holds under the new URI, and that record, as they were', async () => {
      const keys = await hub.db
        .selectFrom('patient_identifiers')
        .select(['system', 'patient_id'])
        .where('value', '=', '079085000073')
        .orderBy('patient_id')
        .execute();
      expect(keys).toEqual([
        { system: OLD.cccd, patient_id: 'p-cuc' },
        { system: NEW.cccd, patient_id: 'p-dung' },
      ]);
      const row = await hub.db
        .selectFrom('patients')
        .select('document')
        .where('id', '=', 'p-cuc')
        .executeTakeFirst();
      expect(JSON.parse(row!.document).identifiers).toEqual(cuc.identifiers);
    });

    it('finds the report and the study stored with the old URI by the new one; documents stay as published', async () => {
      const reports = await queryReports(
        hub.db,
        { patient: { system: NEW.cccd, value: '079085000071' } },
        { limit: 10 },
      );
      expect(reports.items.map((r) => r.id)).toEqual(['SYN-007']);
      expect(reports.items[0]!.patient.identifiers).toEqual([{ system: OLD.cccd, value: '079085000071' }]);
      const studies = await queryImaging(
        hub.db,
        { patientIdentifier: { system: NEW.cccd, value: '079085000071' } },
        { limit: 10 },
      );
      expect(studies.items.map((s) => s.studyInstanceUid)).toEqual([study.studyInstanceUid]);
      // The same report published again is a retry, not a new version.
      expect(await hub.transact((trx) => publishReport(trx, FACILITY, report))).toMatchObject({
        id: 'SYN-007',
        version: 1,
        outcome: 'unchanged',
      });
    });
  });
}
