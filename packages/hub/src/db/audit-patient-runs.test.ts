import fc from 'fast-check';
import { type Kysely, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { sqliteDatabase, type TestDatabase } from '../../test/databases.js';
import { createAuditLog } from '../audit.js';
import {
  type AuditPatientRuns,
  patientAuditEvents,
  startAuditPatientRuns,
  upkeepStep,
} from './audit-patient-runs.js';
import { type HubDb, openDatabase } from './open-database.js';
import type { HubDatabase } from './schema.js';

// SYNTHETIC audit entries only: made-up patient references (`ref-…`, standing in for keyed hashes)
// and facility codes.

let cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  const closing = cleanups.reverse();
  cleanups = [];
  for (const close of closing) await close();
});

async function freshHubDb(database: TestDatabase = sqliteDatabase()): Promise<HubDb> {
  const store = await openDatabase(database.config);
  cleanups.push(async () => {
    await store.close();
    await database.drop();
  });
  return store;
}

/** Small runs, so that a test of a few hundred entries files, merges and slices many times. */
const SMALL = { runEntries: 3, fanIn: 2, sliceEntries: 2 };

/** A made-up reference: 64 hex digits like the keyed hashes, spread over the prefix space. */
const ref = (patient: number) =>
  (((patient + 1) * 2654435761) % 2 ** 32).toString(16).padStart(8, '0').repeat(8);

let clock = 0;
/** Writes one entry per patient in `patients` (null: an entry naming no patient), as the audit log does. */
async function write(
  store: HubDb,
  runs: AuditPatientRuns | undefined,
  patients: readonly (number | null)[],
  facility = 'F1',
) {
  await store.transact(async (trx) => {
    for (const p of patients) {
      clock += 1;
      // Several entries share a time now and then: the order then falls back to the id.
      const at = new Date(Date.UTC(2026, 11, 6) + Math.floor(clock / 3) * 1000).toISOString();
      await trx
        .insertInto('audit_events')
        .values({
          id: `e-${String(clock).padStart(8, '0')}`,
          at,
          facility_code: facility,
          credential_id: 'c',
          user_ref: null,
          purpose: 'TREAT',
          action: 'read',
          resource_type: 'LabReport',
          resource_id: null,
          patient_ref: p === null ? null : ref(p),
          withheld: null,
        })
        .execute();
    }
  });
  runs?.wrote(patients.length);
}

/** What the index by patient answered: every entry of the patients, newest first then by id. */
async function expected(db: Kysely<HubDatabase>, refs: string[], limit: number, facility?: string) {
  return db
    .selectFrom('audit_events')
    .select('id')
    .where('patient_ref', 'in', refs)
    .$if(facility !== undefined, (q) => q.where('facility_code', '=', facility as string))
    .orderBy('at', 'desc')
    .orderBy('id')
    .limit(limit)
    .execute();
}

async function found(db: Kysely<HubDatabase>, refs: string[], limit: number, facility?: string) {
  return (await patientAuditEvents(db, refs, limit, facility)).rows.map((r) => ({ id: r.id }));
}

/** Each filed entry naming a patient is in exactly one run; nothing else is. */
async function expectEachFiledOnce(db: Kysely<HubDatabase>) {
  const { rows } = await sql<{ filed: number; entries: number; distinct_seq: number }>`SELECT
      (SELECT count(*) FROM audit_patient_runs) AS filed,
      (SELECT count(DISTINCT event_seq) FROM audit_patient_runs) AS distinct_seq,
      (SELECT count(*) FROM audit_events WHERE patient_ref IS NOT NULL
        AND seq <= (SELECT coalesce(max(last_seq), 0) FROM audit_patient_run_list)) AS entries`.execute(db);
  const [counts] = rows;
  expect(counts?.filed).toBe(counts?.entries);
  expect(counts?.distinct_seq).toBe(counts?.entries);
}

describe('the audit entries by patient, in sorted runs (SQLite)', () => {
  it('answers as an index by patient would, whenever asked: mid-merge, unfiled entries, facility, limits', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            patients: fc.array(fc.option(fc.integer({ min: 0, max: 5 }), { nil: null }), {
              minLength: 1,
              maxLength: 7,
            }),
            facility: fc.constantFrom('F1', 'F2'),
            settle: fc.boolean(),
          }),
          { minLength: 1, maxLength: 25 },
        ),
        async (batches) => {
          const store = await freshHubDb();
          const runs = await startAuditPatientRuns(store.db, store.transact, SMALL);
          for (const batch of batches) {
            await write(store, runs, batch.patients, batch.facility);
            if (batch.settle) await runs.settled();
            for (const patient of [0, 3]) {
              const refs = [ref(patient), ref(patient + 1)];
              for (const limit of [1, 4, 1000]) {
                expect(await found(store.db, refs, limit)).toEqual(await expected(store.db, refs, limit));
                expect(await found(store.db, refs, limit, 'F2')).toEqual(
                  await expected(store.db, refs, limit, 'F2'),
                );
              }
            }
          }
          await runs.settled();
          await expectEachFiledOnce(store.db);
          // Settled: no merge left midway, no level holding fanIn runs.
          const list = await store.db.selectFrom('audit_patient_run_list').selectAll().execute();
          expect(list.filter((r) => r.merging_into !== null || r.merge_next !== null)).toEqual([]);
          const perLevel = new Map<number, number>();
          for (const r of list) perLevel.set(r.level, (perLevel.get(r.level) ?? 0) + 1);
          for (const n of perLevel.values()) expect(n).toBeLessThan(SMALL.fanIn);
          await cleanups.pop()?.();
        },
      ),
      { numRuns: 15 },
    );
  });

  it('files entries in runs and merges them: fewer runs than entries, each entry once', async () => {
    const store = await freshHubDb();
    const runs = await startAuditPatientRuns(store.db, store.transact, SMALL);
    for (let i = 0; i < 60; i++) await write(store, runs, [i % 7, i % 3, null]);
    await runs.settled();
    const list = await store.db.selectFrom('audit_patient_run_list').selectAll().execute();
    expect(list.length).toBeGreaterThan(0);
    expect(list.length).toBeLessThan(12);
    // A merged run's level says its size: 120 entries of runs of 3 merged by twos reach level 5.
    expect(Math.max(...list.map((r) => r.level))).toBe(5);
    await expectEachFiledOnce(store.db);
    const { rows } = await sql<{ n: number }>`SELECT count(*) AS n FROM audit_patient_runs`.execute(store.db);
    expect(rows[0]?.n).toBe(120);
  });

  it('goes on with a merge left midway when the database is opened again', async () => {
    const database = sqliteDatabase();
    const first = await openDatabase(database.config);
    const sizes = { ...SMALL, sliceEntries: 1 };
    // Steps run by hand: the database closes between two slices of a merge, as a crash leaves it
    // (a step's transaction commits whole or not at all).
    let midway = false;
    for (let i = 0; i < 40 && !midway; i++) {
      await write(first, undefined, [i % 5, (i * 7) % 11]);
      for (let s = 0; s < 3 && !midway; s++) {
        await first.transact((trx) => upkeepStep(trx, sizes));
        const merging = await first.db
          .selectFrom('audit_patient_run_list')
          .select('run')
          .where('merge_next', 'is not', null)
          .where('merge_next', '!=', '')
          .execute();
        midway = merging.length > 0;
      }
    }
    expect(midway).toBe(true);
    await first.close();
    const store = await freshHubDb(database);
    const refs = [ref(2), ref(9)];
    expect(await found(store.db, refs, 1000)).toEqual(await expected(store.db, refs, 1000));
    const again = await startAuditPatientRuns(store.db, store.transact, sizes);
    for (let i = 0; i < 10; i++) await write(store, again, [2, 9]);
    await again.settled();
    expect(await found(store.db, refs, 1000)).toEqual(await expected(store.db, refs, 1000));
    const left = await store.db
      .selectFrom('audit_patient_run_list')
      .select('run')
      .where((eb) => eb.or([eb('merge_next', 'is not', null), eb('merging_into', 'is not', null)]))
      .execute();
    expect(left).toEqual([]);
    await expectEachFiledOnce(store.db);
  });
});

describe('the audit log on SQLite', () => {
  it('lists a patient’s entries from the runs and the unfiled ones alike', async () => {
    const store = await freshHubDb();
    const audit = await createAuditLog(store);
    const patient = { system: 'urn:synthetic:patient-id', value: 'P1' };
    const other = { system: 'urn:synthetic:patient-id', value: 'P2' };
    const entry = (p: typeof patient) => ({
      facilityCode: 'F1',
      credentialId: 'c',
      purpose: 'TREAT',
      action: 'read',
      resourceType: 'LabReport',
      patient: p,
    });
    // More than one run's worth, written a few at a time as requests do.
    for (let i = 0; i < 700; i++)
      await Promise.all([audit.record(entry(patient)), audit.record(entry(other))]);
    const listed = await audit.list({ patient, limit: 1000 });
    expect(listed).toHaveLength(700);
    expect(new Set(listed.map((e) => e.patientRef))).toEqual(new Set([audit.patientRef(patient)]));
    expect(await audit.list({ patient, limit: 5 })).toEqual(listed.slice(0, 5));
    expect(await audit.list({ patient, facilityCode: 'F2' })).toEqual([]);
  });
});
