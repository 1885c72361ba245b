import type { LabReport } from '@lienthong/result-exchange';
import { checkPublishable } from '@lienthong/result-exchange/provider-kit';
import type { Kysely } from 'kysely';
import { retryOnMissingPartition } from '../db/partitions.js';
import { arrivalSeq, ClusteredSeqs, loadsReportsByPatient } from '../db/report-clusters.js';
import { newRowId } from '../db/row-id.js';
import type { HubDatabase } from '../db/schema.js';
import type { Publisher } from './access.js';
import { claimLabReport, withPerformingFacility } from './facility-claims.js';
import { checkReportIds, keysWithSeq, type LabReportRows, labReportRows } from './lab-reports.js';
import { onPostgres } from './report-routing.js';

/** Options of {@link bulkLoadReports}. */
export interface BulkLoadOptions {
  /** Who loads: a facility loads only its own reports; an administrator loads for the facility each report names. */
  publisher: Publisher;
  /** Reports per transaction (default 5,000). */
  batchSize?: number;
  /** Validate each report with the publish contract (default true; turn off only for generated data already checked). */
  validate?: boolean;
  /** Called after each committed batch with the number of reports loaded so far. */
  onBatch?: (loaded: number) => void;
}

// Rows per multi-row INSERT, under SQLite's and PostgreSQL's bound-parameter limits.
const REPORT_ROWS_PER_INSERT = 1_000; // 10 columns
const KEY_ROWS_PER_INSERT = 5_000; // 4 columns

/** `rows` in slices of `size`. */
function* slices<T>(rows: readonly T[], size: number): Generator<T[]> {
  for (let i = 0; i < rows.length; i += size) yield rows.slice(i, i + size);
}

/**
 * Loads NEW lab reports in bulk (an initial import, a benchmark's data set): version 1 of each,
 * with exactly the rows {@link publishReport} writes, committed in transactions of `batchSize`
 * reports with multi-row inserts. It does not supersede: an id already stored (or repeated in the
 * input) makes the batch fail on the (id, version) unique constraint and roll back whole. Returns
 * the number of reports loaded.
 */
export async function bulkLoadReports(
  db: Kysely<HubDatabase>,
  reports: Iterable<LabReport> | AsyncIterable<LabReport>,
  options: BulkLoadOptions,
): Promise<number> {
  const batchSize = options.batchSize ?? 5_000;
  const validate = options.validate ?? true;
  let loaded = 0;
  let batch: LabReport[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const createdAt = new Date().toISOString();
    const reportRows: LabReportRows['report'][] = [];
    const patientRows: LabReportRows['patients'] = [];
    const codeRows: LabReportRows['codes'] = [];
    for (const input of batch) {
      const checked = validate ? checkPublishable(input) : input;
      if (validate) checkReportIds(checked);
      // Checked even when `validate` is off: what a facility may claim is not a matter of trust.
      const facilityCode = claimLabReport(options.publisher, checked);
      const report = withPerformingFacility(checked, options.publisher, facilityCode);
      const rows = labReportRows(report, { rowId: newRowId(), version: 1, facilityCode, createdAt });
      reportRows.push(rows.report);
      patientRows.push(...rows.patients);
      codeRows.push(...rows.codes);
    }
    // On partitioned PostgreSQL a batch reaching a month without a partition creates it and runs again.
    await retryOnMissingPartition(db as Kysely<unknown>, () =>
      db.transaction().execute(async (trx) => {
        // On SQLite each version's `seq` comes back for its key rows (migration 013); in patient
        // order (deferred or not) it is chosen beside the patient's other reports (db/report-clusters.ts).
        const seqs = onPostgres(trx) ? undefined : new Map<string, number>();
        if (loadsReportsByPatient(trx)) {
          const placed = new ClusteredSeqs(trx);
          const keysOf = new Map<string, LabReportRows['patients']>();
          for (const k of patientRows) keysOf.set(k.record_id, [...(keysOf.get(k.record_id) ?? []), k]);
          for (const row of reportRows) row.seq = await placed.next(keysOf.get(row.row_id) ?? []);
        } else if (!onPostgres(trx)) {
          // Numbered below the clustered range when the file holds one (else SQLite numbers them).
          const first = await arrivalSeq(trx);
          if (first !== undefined) for (const [i, row] of reportRows.entries()) row.seq = first + i;
        }
        for (const rows of slices(reportRows, REPORT_ROWS_PER_INSERT)) {
          const inserted = await trx
            .insertInto('lab_reports')
            .values(rows)
            .$if(seqs !== undefined, (q) => q.returning(['row_id', 'seq']))
            .execute();
          for (const r of inserted) seqs?.set(r.row_id!, r.seq!);
        }
        const keys = seqs ? keysWithSeq(patientRows, (rowId) => seqs.get(rowId)) : patientRows;
        for (const rows of slices(keys, KEY_ROWS_PER_INSERT))
          await trx.insertInto('lab_report_patients').values(rows).execute();
        for (const rows of slices(codeRows, KEY_ROWS_PER_INSERT))
          await trx.insertInto('lab_report_codes').values(rows).execute();
      }),
    );
    loaded += batch.length;
    batch = [];
    options.onBatch?.(loaded);
  };
  for await (const report of reports) {
    batch.push(report);
    if (batch.length >= batchSize) await flush();
  }
  await flush();
  return loaded;
}
