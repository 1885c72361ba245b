/**
 * `@lienthong/hub` — the reference exchange hub: an HTTP server implementing the hub API on an
 * embedded SQLite file (default) or PostgreSQL.
 * @packageDocumentation
 */
export { type AuditEntry, type AuditEvent, type AuditLog, createAuditLog } from './audit.js';
export { type DatabaseConfig, type HubDb, openDatabase } from './db/open-database.js';
export { detachPartitionsBefore, ensurePartitionsAhead } from './db/partitions.js';
export type { ReportOrder } from './db/report-clusters.js';
export type { HubDatabase } from './db/schema.js';
export type { Deidentify } from './export/bulk-run.js';
export {
  createDeidentifier,
  type Deidentifier,
  type DeidentifierOptions,
} from './export/deidentify.js';
export { type BulkExportOptions, type BulkExports, createBulkExports } from './export/jobs-runner.js';
export {
  addCredential,
  addFacility,
  type IssuedCredential,
  listFacilities,
  type RegisteredFacility,
  revokeCredential,
  SCOPES,
  type Scope,
} from './facilities.js';
export { createHubApp, type HubAppOptions } from './http/app.js';
export { needs, requireScope } from './http/auth.js';
export type { Caller, HubEnv } from './http/env.js';
export { problemOf, statusOf } from './http/problem.js';
export { createLogger, type Logger } from './logger.js';
export { hashApiKey, newApiKey } from './security/api-keys.js';
export { createRateLimiter, type RateLimiter } from './security/rate-limit.js';
export { defaultExportDirectory, type RunningHub, type StartHubOptions, startHub } from './server.js';
export { createSummaryPool, type SummaryPool } from './summary/summary-pool.js';
export type { SummaryAnswer, SummaryInput } from './summary/summary-task.js';
