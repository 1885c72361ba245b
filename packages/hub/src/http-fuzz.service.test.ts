import { describe } from 'vitest';
import { serviceUrl } from '../../../scripts/services/service-env.js';
import { postgresDatabase } from '../test/databases.js';
import { describeHubHttpFuzz } from '../test/http-fuzz-behaviour.js';

const pgUrl = serviceUrl('LIENTHONG_PG_URL');

describe.skipIf(!pgUrl)('PostgreSQL', () => {
  describeHubHttpFuzz('PostgreSQL (Debian server)', () => postgresDatabase(pgUrl!));
});
