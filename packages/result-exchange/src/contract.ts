import type { IdentifierValue } from '@lienthong/core';
import type { CallOptions, Contract, DateRange, WriteReceipt } from '@lienthong/core/contract';
import type { LabReport, ReportStatus } from './model.js';

/**
 * Filters of `query`; every given filter must match (AND). `since` / `until` are inclusive bounds
 * on the clinical time (specimen collection, else effective, else issued); a reversed window is
 * refused (`DATE_RANGE_INVALID`).
 */
export interface LabReportQuery extends DateRange {
  /** A patient identifier; reports carrying it match. */
  patient?: IdentifierValue;
  /** Codes (any system); a report matches when it or one of its observations carries one of them. */
  codes?: readonly { system: string; code: string }[];
  /** Facility code of the performing facility or the lab. */
  facility?: string;
  status?: ReportStatus | readonly ReportStatus[];
}

/** What a result exchange supports: `write` (publish), `history` (every version is kept and listed). */
export interface ResultExchangeCapabilities {
  readonly write: boolean;
  readonly history: boolean;
}

// #region contract
/**
 * The result-exchange contract, version 1 (contracts: docs/en/guide/architecture.md). Every method
 * takes an `AbortSignal` (`OPERATION_ABORTED`); `publish` answers a `WriteReceipt` (id = the
 * report id); a read-only provider (`capabilities.write: false`) refuses `publish` with
 * `PROVIDER_READ_ONLY`.
 */
export interface ResultExchange extends Contract<'result-exchange/v1', ResultExchangeCapabilities> {
  /**
   * Publishes a report. Retries with the same content (or the same idempotency key) never
   * duplicate (`unchanged`); a changed report with status `amended`/`corrected`/`cancelled` (or a
   * report still `registered`/`preliminary`) becomes a new version (`updated`) and the previous one
   * stays in `history`. A changed `final` report without correction status is refused
   * (`REPORT_CONFLICT`).
   */
  publish(report: LabReport, options?: CallOptions & { idempotencyKey?: string }): Promise<WriteReceipt>;
  /** The current version of a report, or `undefined`. */
  get(id: string, options?: CallOptions): Promise<LabReport | undefined>;
  /** Current versions of matching reports, newest clinical time first, fetched page by page. */
  query(query: LabReportQuery, options?: CallOptions & { pageSize?: number }): AsyncIterable<LabReport>;
  /** Every version of a report, oldest first (empty when unknown). */
  history(id: string, options?: CallOptions): Promise<LabReport[]>;
}
// #endregion contract
