import { DEFAULT_IDENTIFIER_SYSTEMS } from '@lienthong/core';
import { afterEach, describe, expect, it } from 'vitest';
import { serviceUrl } from '../../../../scripts/services/service-env.js';
import { postgresDatabase, type TestDatabase } from '../../test/databases.js';
import { syntheticLabReport } from '../../test/migration-fixtures.js';
import { publishReport, queryReports } from '../records/lab-reports.js';
import { type HubDb, openDatabase } from './open-database.js';

const pgUrl = serviceUrl('LIENTHONG_PG_URL');
// SYNTHETIC: a made-up personal ID under the real system URI.
const CCCD = { system: DEFAULT_IDENTIFIER_SYSTEMS.cccd, value: '001203012345' };

describe('HubDb.fileReports on PostgreSQL', () => {
  let database: TestDatabase | undefined;
  let hub: HubDb | undefined;
  afterEach(async () => {
    await hub?.close();
    await database?.drop();
    hub = database = undefined;
  });

  it.skipIf(!pgUrl)(
    'files nothing: PostgreSQL keeps no report order, and every report stays found',
    async () => {
      database = await postgresDatabase(pgUrl!, 'hub_report_filing');
      hub = await openDatabase(database.config);
      await hub.transact((trx) =>
        publishReport(
          trx,
          { facilityCode: 'SYN01', admin: false },
          syntheticLabReport('R-1', undefined, [CCCD]),
        ),
      );
      expect(await hub.fileReports()).toBe(0);
      const page = await queryReports(hub.db, { patient: CCCD }, { limit: 10 });
      expect(page.items.map((r) => r.id)).toEqual(['R-1']);
    },
  );
});
