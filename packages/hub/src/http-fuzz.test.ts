import { sqliteDatabase } from '../test/databases.js';
import { describeHubHttpFuzz } from '../test/http-fuzz-behaviour.js';

describeHubHttpFuzz('SQLite (embedded)', sqliteDatabase);
