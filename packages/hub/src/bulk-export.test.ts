import { describeBulkExport } from '../test/bulk-export-behaviour.js';
import { describeBulkExportLifecycle } from '../test/bulk-export-lifecycle-behaviour.js';
import { sqliteDatabase } from '../test/databases.js';

describeBulkExport('SQLite (embedded)', sqliteDatabase);
describeBulkExportLifecycle('SQLite (embedded)', sqliteDatabase);
