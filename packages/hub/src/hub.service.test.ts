import { describe } from 'vitest';
import { serviceUrl } from '../../../scripts/services/service-env.js';
import { describeBulkCohorts } from '../test/bulk-cohort-behaviour.js';
import { describeBulkExport } from '../test/bulk-export-behaviour.js';
import { describeBulkExportLifecycle } from '../test/bulk-export-lifecycle-behaviour.js';
import { describeCrashDurability } from '../test/crash-behaviour.js';
import { postgresDatabase } from '../test/databases.js';
import { describeFacilityClaims } from '../test/facility-claims-behaviour.js';
import { describeFhirFacade } from '../test/fhir-facade-behaviour.js';
import { describeFhirVisits } from '../test/fhir-visits-behaviour.js';
import { describeFhirVisitsProvider } from '../test/fhir-visits-provider-behaviour.js';
import { describeHubBehaviour } from '../test/hub-behaviour.js';
import { describeIdempotency } from '../test/idempotency-behaviour.js';
import { describeHubInputLimits } from '../test/input-limits-behaviour.js';
import {
  describeIdentifierSystemsMigration,
  describeRecordVersionsMigration,
} from '../test/migration-behaviour.js';
import { describeHubPatientScope } from '../test/patient-scope-behaviour.js';
import { describeHubProviderConformance } from '../test/provider-conformance.js';
import { describeHubSecurity } from '../test/security-behaviour.js';
import { describeHubVisits } from '../test/visits-behaviour.js';

const pgUrl = serviceUrl('LIENTHONG_PG_URL');

describe.skipIf(!pgUrl)('PostgreSQL', () => {
  describeHubBehaviour('PostgreSQL (Debian server)', () => postgresDatabase(pgUrl!));
  describeIdempotency('PostgreSQL (Debian server)', () => postgresDatabase(pgUrl!));
  describeHubProviderConformance('PostgreSQL (Debian server)', () => postgresDatabase(pgUrl!));
  describeHubSecurity('PostgreSQL (Debian server)', () => postgresDatabase(pgUrl!));
  describeHubInputLimits('PostgreSQL (Debian server)', () => postgresDatabase(pgUrl!));
  describeCrashDurability('PostgreSQL (Debian server)', () => postgresDatabase(pgUrl!));
  describeFhirFacade('PostgreSQL (Debian server)', () => postgresDatabase(pgUrl!));
  describeFhirVisits('PostgreSQL (Debian server)', () => postgresDatabase(pgUrl!));
  describeFhirVisitsProvider('PostgreSQL (Debian server)', () => postgresDatabase(pgUrl!));
  describeFacilityClaims('PostgreSQL (Debian server)', () => postgresDatabase(pgUrl!));
  describeHubPatientScope('PostgreSQL (Debian server)', () => postgresDatabase(pgUrl!));
  describeRecordVersionsMigration('PostgreSQL (Debian server)', () => postgresDatabase(pgUrl!));
  describeIdentifierSystemsMigration('PostgreSQL (Debian server)', () => postgresDatabase(pgUrl!));
  describeHubVisits('PostgreSQL (Debian server)', () => postgresDatabase(pgUrl!));
  describeBulkExport('PostgreSQL (Debian server)', () => postgresDatabase(pgUrl!));
  describeBulkExportLifecycle('PostgreSQL (Debian server)', () => postgresDatabase(pgUrl!));
  describeBulkCohorts('PostgreSQL (Debian server)', () => postgresDatabase(pgUrl!));
});
