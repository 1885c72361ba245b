import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqliteDatabase, type TestDatabase } from '../../test/databases.js';
import { syntheticLabReport } from '../../test/migration-fixtures.js';
import { type HubDb, openDatabase } from '../db/open-database.js';
import { publishReport, queryReportRecords, type ReportFilter } from './lab-reports.js';

// SYNTHETIC data only: made-up patients, reports and codes under urn:synthetic: systems.
const publisher = { facilityCode: 'SYN01', admin: false };

/**
 * On SQLite a one-patient query walks the patient's key index and joins each key to its report;
 * several identifiers (`anyPatient`) keep the `IN` form. For one identifier both must page through
 * the same current versions in the same order: clinical time newest first, undated last, ties by id.
 */
describe('one-patient report query on SQLite', () => {
  let database: TestDatabase;
  let hub: HubDb;
  beforeAll(async () => {
    database = sqliteDatabase();
    hub = await openDatabase(database.config);
  });
  afterAll(async () => {
    await hub.close();
    await database.drop();
  });

  let run = 0;
  const everyPage = async (filter: ReportFilter, limit: number) => {
    const ids: string[] = [];
    let cursor: string | undefined;
    for (let pages = 0; pages < 50; pages++) {
      const page = await queryReportRecords(hub.db, filter, { limit, ...(cursor ? { cursor } : {}) });
      ids.push(...page.items.map((r) => `${r.report.id}@${r.report.version}`));
      if (!page.nextCursor) return ids;
      cursor = page.nextCursor;
    }
    throw new Error('more than 50 pages');
  };

  it('pages through what the IN form pages through, in the same order', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            // Few days and hours, so clinical times tie; none: an undated report.
            day: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
            hour: fc.integer({ min: 8, max: 9 }),
            corrected: fc.boolean(),
          }),
          { maxLength: 12 },
        ),
        fc.integer({ min: 1, max: 5 }),
        fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
        fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
        async (reports, limit, sinceDay, untilDay) => {
          run++;
          const patient = { system: 'urn:synthetic:patient-id', value: `PQ-${run}` };
          for (const [i, r] of reports.entries()) {
            const at = r.day === undefined ? undefined : `2026-05-0${r.day}T0${r.hour}:00:00+07:00`;
            // Ids in an order unrelated to their times, so the tie-break is exercised.
            const report = syntheticLabReport(`PQ-${run}-${(i * 7) % 13}-${i}`, at, [patient]);
            await hub.transact((trx) => publishReport(trx, publisher, report));
            if (r.corrected)
              await hub.transact((trx) => publishReport(trx, publisher, { ...report, status: 'corrected' }));
          }
          const window = {
            ...(sinceDay === undefined ? {} : { since: `2026-05-0${sinceDay}` }),
            ...(untilDay === undefined ? {} : { until: `2026-05-0${untilDay}` }),
          };
          const walked = await everyPage({ patient, ...window }, limit);
          const listed = await everyPage({ anyPatient: [patient], ...window }, limit);
          expect(walked).toEqual(listed);
          // Every current version once, without a window.
          if (sinceDay === undefined && untilDay === undefined) expect(walked.length).toBe(reports.length);
        },
      ),
      { numRuns: 40 },
    );
  });
});
