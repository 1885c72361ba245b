import { newVisit, type Visit } from '@lienthong/visits';
import { DEFAULT_DISCLOSURE_POLICY } from '@lienthong/visits/provider-kit';
import { afterEach, describe, expect, it } from 'vitest';
import { sqliteDatabase, type TestDatabase } from '../../test/databases.js';
import { type HubDb, openDatabase } from '../db/open-database.js';
import { patientSummary } from '../http/routes/visits.js';
import { bulkLoadVisits } from './bulk-load-visits.js';
import { getStoredVisit, patientVisits, publishVisit, visitVersions } from './visits.js';

// SYNTHETIC data only: made-up identifiers in urn:synthetic: systems, facility SYN01, medication
// codes SYN-; the diagnoses are real ICD-10 codes of the Vietnamese list.
const ICD10 = 'http://hl7.org/fhir/sid/icd-10';
const PATIENT = 'urn:synthetic:patient-id';
const visit = (n: number, patient = `P${n % 3}`): Visit =>
  newVisit({
    id: `LK-${n}`,
    facility: 'SYN01',
    patient: {
      identifiers: [
        { system: PATIENT, value: patient },
        { system: 'urn:synthetic:insurance-card', value: `C-${patient}` },
      ],
    },
    visitType: n % 2 ? '03' : '01',
    admittedAt: `2026-01-${String((n % 28) + 1).padStart(2, '0')}T08:00:00+07:00`,
    dischargedAt: `2026-01-${String((n % 28) + 1).padStart(2, '0')}T17:00:00+07:00`,
    mainDiagnosis: { system: ICD10, code: n % 2 ? 'J18.9' : 'I10' },
    secondaryDiagnoses: [{ system: ICD10, code: 'E11.9' }],
    procedures: [{ system: 'urn:synthetic:procedure', code: `SYN-PT-${n % 4}` }],
    medications: [{ code: `SYN-THUOC-${n % 5}`, name: 'Synthetic drug', source: {} }],
  });
const publisher = { facilityCode: 'SYN01', admin: false };
const reader = { facility: 'SYN01', purpose: 'TREAT' };
const asOf = '2026-02-01T00:00:00+07:00';

let open: { db: TestDatabase; store: HubDb }[] = [];
async function fresh(): Promise<HubDb> {
  const db = sqliteDatabase();
  const store = await openDatabase(db.config);
  open.push({ db, store });
  return store;
}
afterEach(async () => {
  for (const { db, store } of open) {
    await store.close();
    await db.drop();
  }
  open = [];
});

/** Every stored row of the visit tables, without the generated row ids and times. */
async function snapshot(store: HubDb) {
  const visits = await store.db.selectFrom('visits').selectAll().orderBy('key').execute();
  const keys = new Map(visits.map((v) => [v.row_id, v.key]));
  const patients = await store.db.selectFrom('visit_patients').selectAll().execute();
  return {
    visits: visits.map(({ row_id: _r, created_at: _c, ...rest }) => rest),
    patients: patients
      .map(({ record_id, ...rest }) => ({ visit: keys.get(record_id), ...rest }))
      .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
  };
}

describe('bulkLoadVisits', () => {
  it('writes exactly the rows publishVisit writes, in batches, read back alike', async () => {
    const visits = Array.from({ length: 25 }, (_, n) => visit(n));
    const published = await fresh();
    for (const v of visits)
      await published.db.transaction().execute((trx) => publishVisit(trx, publisher, v));
    const bulk = await fresh();
    const batches: number[] = [];
    const loaded = await bulkLoadVisits(bulk.db, visits, {
      publisher,
      batchSize: 10,
      onBatch: (n) => batches.push(n),
    });
    expect(loaded).toBe(25);
    expect(batches).toEqual([10, 20, 25]);
    expect(await snapshot(bulk)).toEqual(await snapshot(published));
    expect(await getStoredVisit(bulk.db, 'SYN01:LK-4')).toEqual({ visit: visits[4], version: 1 });
    const patient = { system: PATIENT, value: 'P1' };
    const bulkVisits = await patientVisits(bulk.db, patient);
    expect(bulkVisits).toHaveLength(8);
    expect(bulkVisits).toEqual(await patientVisits(published.db, patient));
    const summary = await patientSummary(bulk.db, DEFAULT_DISCLOSURE_POLICY, reader, patient, asOf);
    expect(summary.problems.length).toBeGreaterThan(0);
    expect(summary).toEqual(
      await patientSummary(published.db, DEFAULT_DISCLOSURE_POLICY, reader, patient, asOf),
    );
    // A loaded visit is published over like any other: changed content is a new version.
    const receipt = await bulk.db
      .transaction()
      .execute((trx) => publishVisit(trx, publisher, { ...visits[4]!, outcome: '2' }));
    expect(receipt).toEqual({ id: 'SYN01:LK-4', version: 2, outcome: 'updated' });
    expect(await visitVersions(bulk.db, 'SYN01:LK-4')).toHaveLength(2);
  });

  it('accepts an async iterable', async () => {
    const store = await fresh();
    async function* gen() {
      for (let n = 0; n < 3; n++) yield visit(n);
    }
    expect(await bulkLoadVisits(store.db, gen(), { publisher })).toBe(3);
  });

  it('checks each visit as a publish does and keeps a facility to its own visits', async () => {
    const store = await fresh();
    await expect(
      bulkLoadVisits(store.db, [{ ...visit(1), patient: { identifiers: [] } }], { publisher }),
    ).rejects.toMatchObject({ code: 'VISIT_NOT_PUBLISHABLE' });
    for (const validate of [true, false])
      await expect(
        bulkLoadVisits(store.db, [{ ...visit(1), facility: 'OTHER' }], { publisher, validate }),
      ).rejects.toMatchObject({ code: 'HUB_PUBLISH_AS_OTHER_FACILITY' });
    expect(
      await bulkLoadVisits(store.db, [{ ...visit(1), facility: 'OTHER' }], {
        publisher: { facilityCode: 'ADMIN', admin: true },
      }),
    ).toBe(1);
    const row = await store.db.selectFrom('visits').select('facility_code').executeTakeFirstOrThrow();
    expect(row.facility_code).toBe('OTHER');
  });

  it('loads only new visits: a batch with a stored key rolls back whole', async () => {
    const store = await fresh();
    await bulkLoadVisits(store.db, [visit(1)], { publisher });
    await expect(bulkLoadVisits(store.db, [visit(2), visit(1)], { publisher })).rejects.toThrow();
    const keys = await store.db.selectFrom('visits').select('key').execute();
    expect(keys.map((r) => r.key)).toEqual(['SYN01:LK-1']);
    expect(await store.db.selectFrom('visit_patients').select('record_id').execute()).toHaveLength(2);
  });
});
