import { sqliteDatabase } from '../test/databases.js';
import { describeHubBehaviour } from '../test/hub-behaviour.js';
import { describeIdempotency } from '../test/idempotency-behaviour.js';

describeHubBehaviour('SQLite (embedded)', sqliteDatabase);
describeIdempotency('SQLite (embedded)', sqliteDatabase);
