import type { Visit } from '@lienthong/visits';
import type { Kysely } from 'kysely';
import { newRowId } from '../db/row-id.js';
import type { HubDatabase } from '../db/schema.js';
import type { Publisher } from './access.js';
import { claimVisit } from './facility-claims.js';
import { checkVisit, type VisitRows, visitRows } from './visits.js';

/** Options of {@link bulkLoadVisits}. */
export interface BulkLoadVisitsOptions {
  /** Who loads: a facility loads only its own visits; an administrator loads for the facility each visit names. */
  publisher: Publisher;
  /** Visits per transaction (default 5,000). */
  batchSize?: number;
  /** Check each visit as a publish does (default true; turn off only for generated data already checked). */
  validate?: boolean;
  /** Called after each committed batch with the number of visits loaded so far. */
  onBatch?: (loaded: number) => void;
}

// Rows per multi-row INSERT, under SQLite's and PostgreSQL's bound-parameter limits.
const VISIT_ROWS_PER_INSERT = 1_000; // 10 columns
const KEY_ROWS_PER_INSERT = 5_000; // 3 columns

/** `rows` in slices of `size`. */
function* slices<T>(rows: readonly T[], size: number): Generator<T[]> {
  for (let i = 0; i < rows.length; i += size) yield rows.slice(i, i + size);
}

/**
 * Loads NEW visits in bulk (an initial import, a benchmark's data set): version 1 of each, with
 * exactly the rows the publish path writes ({@link visitRows}), committed in transactions of
 * `batchSize` visits with multi-row inserts. It does not supersede: a key already stored (or
 * repeated in the input) makes the batch fail on the (key, version) unique constraint and roll back
 * whole. Returns the number of visits loaded.
 * @example
 * const n = await bulkLoadVisits(store.db, visits, { publisher: { facilityCode: '01001', admin: false } });
 */
export async function bulkLoadVisits(
  db: Kysely<HubDatabase>,
  visits: Iterable<Visit> | AsyncIterable<Visit>,
  options: BulkLoadVisitsOptions,
): Promise<number> {
  const batchSize = options.batchSize ?? 5_000;
  const validate = options.validate ?? true;
  let loaded = 0;
  let batch: Visit[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const createdAt = new Date().toISOString();
    const visitRowsOfBatch: VisitRows['visit'][] = [];
    const patientRows: VisitRows['patients'] = [];
    for (const input of batch) {
      // Claims are checked even when `validate` is off: what a facility may claim is not a matter of trust.
      const visit = validate ? checkVisit(options.publisher, input) : input;
      if (!validate) claimVisit(options.publisher, visit);
      const rows = visitRows(visit, { rowId: newRowId(), version: 1, createdAt });
      visitRowsOfBatch.push(rows.visit);
      patientRows.push(...rows.patients);
    }
    await db.transaction().execute(async (trx) => {
      for (const rows of slices(visitRowsOfBatch, VISIT_ROWS_PER_INSERT))
        await trx.insertInto('visits').values(rows).execute();
      for (const rows of slices(patientRows, KEY_ROWS_PER_INSERT))
        await trx.insertInto('visit_patients').values(rows).execute();
    });
    loaded += batch.length;
    batch = [];
    options.onBatch?.(loaded);
  };
  for await (const visit of visits) {
    batch.push(visit);
    if (batch.length >= batchSize) await flush();
  }
  await flush();
  return loaded;
}
