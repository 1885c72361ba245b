import { sqliteDatabase } from '../test/databases.js';
import { describeFacilityClaims } from '../test/facility-claims-behaviour.js';
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

describeHubBehaviour('SQLite (embedded)', sqliteDatabase);
describeIdempotency('SQLite (embedded)', sqliteDatabase);
describeHubProviderConformance('SQLite (embedded)', sqliteDatabase);
describeHubSecurity('SQLite (embedded)', sqliteDatabase);
describeHubInputLimits('SQLite (embedded)', sqliteDatabase);
describeFacilityClaims('SQLite (embedded)', sqliteDatabase);
describeHubPatientScope('SQLite (embedded)', sqliteDatabase);
describeRecordVersionsMigration('SQLite (embedded)', sqliteDatabase);
describeIdentifierSystemsMigration('SQLite (embedded)', sqliteDatabase);
describeHubVisits('SQLite (embedded)', sqliteDatabase);
