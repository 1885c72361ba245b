import { describeBulkCohorts } from '../test/bulk-cohort-behaviour.js';
import { describeBulkExport } from '../test/bulk-export-behaviour.js';
import { describeBulkExportLifecycle } from '../test/bulk-export-lifecycle-behaviour.js';
import { sqliteDatabase } from '../test/databases.js';

describeBulkExport('SQLite (embedded)', sqliteDatabase);
describeBulkExportLifecycle('SQLite (embedded)', sqliteDatabase);
describeBulkCohorts('SQLite (embedded)', sqliteDatabase);
