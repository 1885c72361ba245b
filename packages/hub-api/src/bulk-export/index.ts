/**
 * `@lienthong/hub-api/bulk-export` — a FHIR Bulk Data (v2) export client for the hub (Node.js:
 * it writes files): kick-off, polling that honours `Retry-After`, downloads with progress that an
 * interrupted run resumes, and the NDJSON streamed as typed resources; saved cohorts to export.
 * @packageDocumentation
 */
export {
  type BulkExportJob,
  type BulkExportRequest,
  bulkExport,
  type DownloadedFile,
  type DownloadProgress,
  kickOffParameters,
  kickOffQuery,
  resumeBulkExport,
  retryAfterMs,
} from './bulk-export.js';
export { type CohortInput, createCohort, deleteCohort, type HubCohort } from './cohorts.js';
export { type BulkFile, type BulkManifest, BulkManifestSchema } from './manifest.js';
export { MAX_NDJSON_LINE_BYTES, ndjsonValues } from './ndjson-lines.js';
