import { sqliteDatabase } from '../test/databases.js';
import { describeHubBehaviour } from '../test/hub-behaviour.js';

describeHubBehaviour('SQLite (embedded)', sqliteDatabase);
