import type { Kysely } from 'kysely';
import type { AuditLog } from '../audit.js';
import type { HubDb } from '../db/open-database.js';
import type { HubDatabase } from '../db/schema.js';

/** What every route family needs. */
export interface RouteDeps {
  /** For reads; writes go through `store.transact`. */
  db: Kysely<HubDatabase>;
  store: HubDb;
  audit: AuditLog;
}
