import { afterEach, describe, expect, it } from 'vitest';
import type { TestDatabase } from '../../test/databases.js';
import {
  migrateTo,
  plan,
  SYNTHETIC_PATIENT,
  sqliteMigratedTo,
  syntheticLabReport,
} from '../../test/migration-fixtures.js';
import { labReportRows, queryReports } from '../records/lab-reports.js';
import { openDatabase } from './open-database.js';

// SYNTHETIC data only: made-up identifiers and codes under urn:synthetic: systems.
const BEFORE_010 = '2026-12-10-009-export-jobs';
const MIGRATION_010 = '2026-12-17-010-lab-report-key-times';

let databases: TestDatabase[] = [];
afterEach(async () => {
  for (const d of databases) await d.drop();
  databases = [];
});

/** A SQLite database migrated up to migration 009 (the layout before 010), open without the hub. */
async function before010() {
  const migrated = await sqliteMigratedTo(BEFORE_010);
  databases.push(migrated.database);
  return migrated;
}

describe('migration 010 (lab report key times) on SQLite', () => {
  it('gives every patient key and code row its report’s clinical time, undated as empty', async () => {
    const { database, raw } = await before010();
    const reports = [syntheticLabReport('R-1', '2026-03-04T08:00:00+07:00'), syntheticLabReport('R-2')];
    for (const [n, r] of reports.entries()) {
      const rows = labReportRows(r, { rowId: `row-${n}`, version: 1, facilityCode: 'SYN01', createdAt: 'x' });
      await raw.insertInto('lab_reports').values(rows.report).execute();
      // The rows as written before 010: no clinical time on keys and codes.
      await raw
        .insertInto('lab_report_patients')
        .values(rows.patients.map(({ clinical_at: _, ...p }) => p) as never)
        .execute();
      await raw
        .insertInto('lab_report_codes')
        .values(rows.codes.map(({ clinical_at: _, ...c }) => c) as never)
        .execute();
    }
    await raw.destroy();
    const hub = await openDatabase(database.config);
    try {
      const keys = await hub.db
        .selectFrom('lab_report_patients')
        .select(['record_id', 'clinical_at'])
        .execute();
      expect(keys.sort((a, b) => a.record_id.localeCompare(b.record_id))).toEqual([
        { record_id: 'row-0', clinical_at: '2026-03-04T01:00:00.000Z' },
        { record_id: 'row-1', clinical_at: '' },
      ]);
      const codes = await hub.db
        .selectFrom('lab_report_codes')
        .select(['record_id', 'clinical_at'])
        .where('code', '=', 'T-GLU')
        .orderBy('record_id')
        .execute();
      expect(codes.map((c) => c.clinical_at)).toEqual(['2026-03-04T01:00:00.000Z', '']);
      // A view on SQLite (a table only on partitioned PostgreSQL).
      const versions = await hub.db.selectFrom('lab_report_versions').selectAll().orderBy('id').execute();
      expect(versions.map((v) => [v.id, v.version, v.row_id, v.current])).toEqual([
        ['R-1', 1, 'row-0', 1],
        ['R-2', 1, 'row-1', 1],
      ]);
      const page = await queryReports(hub.db, { patient: SYNTHETIC_PATIENT }, { limit: 10 });
      expect(page.items.map((r) => r.id)).toEqual(['R-1', 'R-2']);
    } finally {
      await hub.close();
    }
  });

  it('leaves the patient query’s plan as it was, on the new key index', async () => {
    // The hub's patient query as it was when 010 was written (013 moved SQLite's to the integer key).
    const { raw } = await before010();
    const query = raw
      .selectFrom('lab_reports as r')
      .select(['r.row_id', 'r.document'])
      .where('r.current', '=', 1)
      .where(
        'r.row_id',
        'in',
        raw
          .selectFrom('lab_report_patients')
          .select('record_id')
          .where('system', '=', SYNTHETIC_PATIENT.system)
          .where('value', '=', SYNTHETIC_PATIENT.value),
      )
      .where('r.clinical_at', '>=', '2026-01-01')
      .orderBy('r.clinical_at', 'desc')
      .orderBy('r.id')
      .limit(11)
      .compile();
    const before = await plan(raw, query);
    await migrateTo(raw, MIGRATION_010);
    const after = await plan(raw, query);
    await raw.destroy();
    expect(before.join('\n')).toMatch(/lab_report_patients_key \(system=\? AND value=\?\)/);
    expect(after).toEqual(
      before.map((step) => step.replace('lab_report_patients_key ', 'lab_report_patients_key_time ')),
    );
  });
});
