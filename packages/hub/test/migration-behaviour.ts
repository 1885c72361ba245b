import { parseWith } from '@lienthong/core';
import { parseImagingReference } from '@lienthong/imaging';
import { PatientRecordSchema } from '@lienthong/patient-id';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrations } from '../src/db/migrations.js';
import { type HubDb, openDatabase } from '../src/db/open-database.js';
import { publishImaging } from '../src/records/imaging.js';
import { upsertPatient } from '../src/records/patients.js';
import type { MakeDatabase, TestDatabase } from './databases.js';

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
