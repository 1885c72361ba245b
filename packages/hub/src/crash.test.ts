import { describeCrashDurability } from '../test/crash-behaviour.js';
import { sqliteDatabase } from '../test/databases.js';

describeCrashDurability('SQLite (embedded)', sqliteDatabase);
