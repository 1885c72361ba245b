import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { sqliteMigratedTo } from '../../test/migration-fixtures.js';
import { patientAuditEvents } from './audit-patient-runs.js';
import { openDatabase } from './open-database.js';

// SYNTHETIC audit entries only: made-up references standing in for the keyed hashes, made-up facilities.
const BEFORE_015 = '2027-01-14-014-sqlite-unique-report-keys';

let cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  const closing = cleanups.reverse();
  cleanups = [];
  for (const close of closing) await close();
});

/** A database in the layout before 015 holding `n` entries (every third names no patient), and the hub opened on it. */
async function migratedWith(n: number) {
  const { database, raw } = await sqliteMigratedTo(BEFORE_015);
  cleanups.push(() => database.drop());
  for (let i = 0; i < n; i++)
    await raw
      .insertInto('audit_events')
      .values({
        // Ids out of order on purpose: `seq` follows the order of writing, not the ids.
        id: `id-${String((i * 37) % n).padStart(4, '0')}-${i}`,
        at: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString(),
        facility_code: i % 2 ? 'F1' : 'F2',
        credential_id: 'c',
        user_ref: null,
        purpose: 'TREAT',
        action: 'read',
        resource_type: 'LabReport',
        resource_id: `r-${i}`,
        patient_ref: i % 3 === 0 ? null : `ref-${i % 4}`,
        withheld: i % 5 === 0 ? 1 : null,
      })
      .execute();
  const before = (await sql<Record<string, unknown>>`SELECT * FROM audit_events ORDER BY rowid`.execute(raw))
    .rows;
  await raw.destroy();
  const store = await openDatabase(database.config);
  cleanups.push(() => store.close());
  return { store, before };
}

describe('migration 015 (audit sequence) on SQLite', () => {
  it('keeps every entry, numbers them in the order written, and files those naming a patient in one run', async () => {
    const { store, before } = await migratedWith(90);
    const after = (
      await sql<Record<string, unknown>>`SELECT * FROM audit_events ORDER BY seq`.execute(store.db)
    ).rows;
    expect(after.map(({ seq: _, ...row }) => row)).toEqual(before);
    expect(after.map((r) => r.seq)).toEqual(before.map((_, i) => i + 1));
    const runs = await store.db.selectFrom('audit_patient_run_list').selectAll().execute();
    expect(runs).toEqual([
      {
        run: 1,
        level: 0,
        last_seq: 90,
        entries: 60,
        merging_into: null,
        merge_next: null,
        merge_width: null,
      },
    ]);
    const indexes = (
      await sql<{
        name: string;
      }>`SELECT name FROM sqlite_master WHERE tbl_name = 'audit_events' AND type = 'index'
        AND name NOT LIKE 'sqlite_autoindex%'`.execute(store.db)
    ).rows.map((r) => r.name);
    expect(indexes).toEqual(['audit_events_facility_at']);
    for (const facility of [undefined, 'F1']) {
      const found = (await patientAuditEvents(store.db, ['ref-1', 'ref-2'], 7, facility)).rows.map(
        (r) => r.id,
      );
      const expected = before
        .filter((r) => ['ref-1', 'ref-2'].includes(r.patient_ref as string))
        .filter((r) => facility === undefined || r.facility_code === facility)
        .sort((a, b) => String(b.at).localeCompare(String(a.at)))
        .slice(0, 7)
        .map((r) => r.id);
      expect(found).toEqual(expected);
    }
  });

  it('never numbers an entry again, even after the newest are deleted', async () => {
    const { store } = await migratedWith(9);
    const entry = (id: string) => ({
      id,
      at: '2026-12-06T00:00:00.000Z',
      facility_code: 'F1',
      credential_id: 'c',
      purpose: 'TREAT',
      action: 'read',
      resource_type: 'LabReport',
      patient_ref: 'ref-1',
    });
    await store.transact((trx) => trx.insertInto('audit_events').values(entry('new-1')).execute());
    await store.transact((trx) => trx.deleteFrom('audit_events').where('id', '=', 'new-1').execute());
    await store.transact((trx) => trx.insertInto('audit_events').values(entry('new-2')).execute());
    const { rows } = await sql<{ seq: number }>`SELECT seq FROM audit_events WHERE id = 'new-2'`.execute(
      store.db,
    );
    expect(rows[0]?.seq).toBe(11);
  });

  it('files nothing when there is no entry', async () => {
    const { store } = await migratedWith(0);
    expect(await store.db.selectFrom('audit_patient_run_list').selectAll().execute()).toEqual([]);
    expect((await patientAuditEvents(store.db, ['ref-1'], 10)).rows).toEqual([]);
  });
});
