import type { IdentifierValue } from '@lienthong/core';
import type { CallOptions, Contract, DateRange, WriteReceipt } from '@lienthong/core/contract';
import type { Visit } from '../model.js';
import type { PatientSummary } from './summary-model.js';

/**
 * Filters of `query`; every given filter must match (AND). `since` / `until` bound the visit's
 * period (admission to discharge; an open visit runs to now): a visit matches when its period
 * overlaps the window. A reversed window is refused (`DATE_RANGE_INVALID`).
 */
export interface VisitQuery extends DateRange {
  /** One of the patient's identifiers (CCCD, insurance card, a facility's record number…). Required: every read names one patient. */
  patient: IdentifierValue;
  /** Visit type codes (`MA_LOAI_KCB`, as written). */
  visitType?: string | readonly string[];
  /** The facility code (`MA_CSKCB`). */
  facility?: string;
  /**
   * An ICD-10 diagnosis, main or secondary: a code or a category (`J18.9`, `J189`, `J18` — a
   * category matches its subcategories) or a range (`J00-J99`: a chapter or block as its range).
   */
  diagnosis?: string;
}

/** Options of `summary`. */
export interface SummaryOptions extends CallOptions {
  /** The instant the summary is made for (default now): "current" and "recent" count back from it. */
  asOf?: string;
}

/** What a visit history supports: `write` (publish), `history` (every version is kept and listed). */
export interface VisitHistoryCapabilities {
  readonly write: boolean;
  readonly history: boolean;
}

// #region contract
/**
 * The visit-history contract, version 1: the visits every hospital shared, read by any of the
 * patient's identifiers, and the patient's summary. A visit's key is `<facility>:<MA_LK>`
 * (`visitKey`): MA_LK is unique within a facility only. Every method takes an `AbortSignal`
 * (`OPERATION_ABORTED`); a read-only provider refuses `publish` with `PROVIDER_READ_ONLY`.
 */
export interface VisitHistory extends Contract<'visit-history/v1', VisitHistoryCapabilities> {
  /**
   * Publishes a visit (its facility, MA_LK and at least one patient identifier are required).
   * The same content again (or the same idempotency key) is `unchanged`; changed content — a
   * corrected file set sent again — is a new version (`updated`), the previous one stays in
   * `history`. The receipt's id is the visit key.
   */
  publish(visit: Visit, options?: CallOptions & { idempotencyKey?: string }): Promise<WriteReceipt>;
  /** The current version of a visit by its key, or `undefined`. */
  get(key: string, options?: CallOptions): Promise<Visit | undefined>;
  /** Current versions of the patient's matching visits, newest admission first, fetched page by page. */
  query(query: VisitQuery, options?: CallOptions & { pageSize?: number }): AsyncIterable<Visit>;
  /** Every version of a visit, oldest first (empty when unknown). */
  history(key: string, options?: CallOptions): Promise<Visit[]>;
  /**
   * The patient's summary from every visit shared: problems (ICD-10, first and last seen, where),
   * current and recent medications, procedures, encounters with their periods, recent lab results
   * and imaging references, and how many diagnoses were withheld.
   */
  summary(patient: IdentifierValue, options?: SummaryOptions): Promise<PatientSummary>;
}
// #endregion contract
