import { describe } from 'vitest';
import { serviceUrl } from '../../../scripts/services/service-env.js';
import { postgresDatabase } from '../test/databases.js';
import {
  describePartitionedPostgres,
  describePartitionMigrationRollback,
} from '../test/partition-behaviour.js';

const pgUrl = serviceUrl('LIENTHONG_PG_URL');

describe.skipIf(!pgUrl)('PostgreSQL', () => {
  describePartitionedPostgres('PostgreSQL (Debian server)', () => postgresDatabase(pgUrl!));
  describePartitionMigrationRollback('PostgreSQL (Debian server)', () => postgresDatabase(pgUrl!));
});
