import { canonicalIdentifierSystem } from '@lienthong/core';
import { type CompiledQuery, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import type { TestDatabase } from '../../test/databases.js';
import {
  openSqlite,
  plan,
  SYNTHETIC_PATIENT,
  sqliteMigratedTo,
  syntheticLabReport,
} from '../../test/migration-fixtures.js';
import { labReportRows, publishReport, queryReports } from '../records/lab-reports.js';
import { type HubDb, openDatabase } from './open-database.js';

// SYNTHETIC data only: made-up identifiers and codes under urn:synthetic: systems.
const MIGRATION_013 = '2027-01-07-013-sqlite-report-sequence';
const publisher = { facilityCode: 'SYN01', admin: false };
const CCCD = canonicalIdentifierSystem('http://fhir.hl7.org.vn/core/sid/cccd');

let open: Array<{ close(): Promise<unknown> }> = [];
let databases: TestDatabase[] = [];
afterEach(async () => {
  for (const o of open.reverse()) await o.close();
  for (const d of databases) await d.drop();
  open = [];
  databases = [];
});

async function openHub(database: TestDatabase): Promise<HubDb> {
  const hub = await openDatabase(database.config);
  open.push(hub);
  return hub;
}

/**
 * A SQLite hub database in the layout of 013 holding of one patient, R-1 filed twice
 * under that patient's key (as a report naming its identifier twice was stored before 014).
 */
async function filledWithRepeatedKey(): Promise<TestDatabase> {
  const { database, raw } = await sqliteMigratedTo(MIGRATION_013);
  databases.push(database);
  try {
    const stored = [
      syntheticLabReport('R-1', '2026-03-04T08:00:00+07:00'),
      syntheticLabReport('R-2', '2026-05-01T08:00:00+07:00'),
    ];
    for (const [i, report] of stored.entries()) {
      const rows = labReportRows(report, {
        rowId: `row-${i}`,
        version: 1,
        facilityCode: 'SYN01',
        createdAt: '2026-06-01T00:00:00.000Z',
      });
      const { insertId } = await raw.insertInto('lab_reports').values(rows.report).executeTakeFirstOrThrow();
      const keys = rows.patients.map((k) => ({ ...k, report_seq: Number(insertId) }));
      await raw
        .insertInto('lab_report_patients')
        .values(i === 0 ? [...keys, ...keys] : keys)
        .execute();
    }
  } finally {
    await raw.destroy();
  }
  return database;
}

const keyRows = (hub: HubDb) =>
  hub.db
    .selectFrom('lab_report_patients')
    .select(['record_id', 'system', 'value'])
    .orderBy('record_id')
    .execute();

describe('migration 014 (unique report keys) on SQLite', () => {
  it('deletes the repeated key rows, keeps one of each, and makes the key index unique', async () => {
    const hub = await openHub(await filledWithRepeatedKey());
    expect((await keyRows(hub)).map((k) => k.record_id)).toEqual(['row-0', 'row-1']);
    const { rows } = await sql<{
      unique: number;
    }>`SELECT "unique" FROM pragma_index_list('lab_report_patients')
      WHERE name = 'lab_report_patients_key_seq'`.execute(hub.db);
    expect(rows).toEqual([{ unique: 1 }]);
    const page = await queryReports(hub.db, { patient: SYNTHETIC_PATIENT }, { limit: 10 });
    expect(page.items.map((r) => r.id)).toEqual(['R-2', 'R-1']);
  });

  it('files a report once under each key, however often it names the identifier', async () => {
    const hub = await openHub(await filledWithRepeatedKey());
    // The same identifier three times: twice under the CCCD system, once under its older alias.
    const cccd = '001099012345'; // SYNTHETIC: a made-up 12-digit value
    const report = syntheticLabReport('R-3', '2026-07-01T08:00:00+07:00', [
      SYNTHETIC_PATIENT,
      { system: CCCD, value: cccd },
      { system: 'http://fhir.hl7.org.vn/core/sid/cccd', value: cccd },
      { system: CCCD, value: cccd },
      SYNTHETIC_PATIENT,
    ]);
    await hub.transact((trx) => publishReport(trx, publisher, report));
    const keys = (await keyRows(hub)).filter((k) => k.record_id !== 'row-0' && k.record_id !== 'row-1');
    expect(keys.map((k) => `${k.system}|${k.value}`).sort()).toEqual(
      [`${SYNTHETIC_PATIENT.system}|${SYNTHETIC_PATIENT.value}`, `${CCCD}|${cccd}`].sort(),
    );
    const page = await queryReports(hub.db, { patient: SYNTHETIC_PATIENT }, { limit: 10 });
    expect(page.items.map((r) => r.id)).toEqual(['R-3', 'R-2', 'R-1']);
  });

  it('reads one patient’s page by walking the key index newest first, sorting only ties', async () => {
    const database = await filledWithRepeatedKey();
    await (await openHub(database)).close();
    open = [];
    const sent: CompiledQuery[] = [];
    const logged = openSqlite(database, (event) => void (event.level === 'query' && sent.push(event.query)));
    open.push({ close: () => logged.destroy() });
    const first = await queryReports(logged, { patient: SYNTHETIC_PATIENT }, { limit: 1 });
    const steps = (await plan(logged, sent[sent.length - 1]!)).join('\n');
    expect(steps).toMatch(
      /SEARCH k USING COVERING INDEX lab_report_patients_key_seq \(system=\? AND value=\?\)/,
    );
    expect(steps).toMatch(/SEARCH r USING INTEGER PRIMARY KEY \(rowid=\?\)/);
    expect(steps).toMatch(/USE TEMP B-TREE FOR LAST TERM OF ORDER BY/);
    expect(steps).not.toMatch(/USE TEMP B-TREE FOR ORDER BY/);
    // The cursor narrows the same index search: the next page is the older report.
    const second = await queryReports(
      logged,
      { patient: SYNTHETIC_PATIENT },
      { limit: 1, cursor: first.nextCursor ?? undefined },
    );
    expect([...first.items, ...second.items].map((r) => r.id)).toEqual(['R-2', 'R-1']);
    expect(second.nextCursor).toBeNull();
  });
});
