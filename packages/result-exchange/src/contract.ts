import {
  ConflictError,
  type IdentifierValue,
  LienThongError,
  stableJson,
  ValidationError,
  validationErrorFromZod,
} from '@lienthong/core';
import { type LabReport, labReportSchema, type ReportStatus } from './model.js';

/** What a provider answers to `publish`. */
export interface PublishReceipt {
  /** The report's business identifier. */
  id: string;
  /** The version now current (1 for a new report). */
  version: number;
  /**
   * `created`: a new report; `unchanged`: the same content was already there (a retry — nothing
   * written); `superseded`: a new version replaced the previous one, which stays in `history`.
   */
  outcome: 'created' | 'unchanged' | 'superseded';
}

/** Filters of `query`; every given filter must match (AND). */
export interface LabReportQuery {
  /** A patient identifier; reports carrying it match. */
  patient?: IdentifierValue;
  /** Codes (any system); a report matches when it or one of its observations carries one of them. */
  codes?: readonly { system: string; code: string }[];
  /** Inclusive bounds on the clinical time (specimen collection, else effective, else issued). */
  since?: string;
  until?: string;
  /** Facility code of the performing facility or the lab. */
  facility?: string;
  status?: ReportStatus | readonly ReportStatus[];
}

// #region contract
/** The result-exchange contract, version 1 (contracts: docs/en/guide/architecture.md). */
export interface ResultExchange {
  readonly contract: 'result-exchange/v1';
  readonly capabilities?: Readonly<{ write?: boolean; history?: boolean }>;
  /**
   * Publishes a report. Retries with the same content (or the same idempotency key) never
   * duplicate; a changed report with status `amended`/`corrected`/`cancelled` (or a report still
   * `registered`/`preliminary`) becomes a new version and the previous one stays in `history`.
   * A changed `final` report without correction status is refused (`REPORT_CONFLICT`).
   */
  publish(
    report: LabReport,
    options?: { idempotencyKey?: string; signal?: AbortSignal },
  ): Promise<PublishReceipt>;
  /** The current version of a report, or `undefined`. */
  get(id: string, options?: { signal?: AbortSignal }): Promise<LabReport | undefined>;
  /** Current versions of matching reports, newest clinical time first, fetched page by page. */
  query(
    query: LabReportQuery,
    options?: { pageSize?: number; signal?: AbortSignal },
  ): AsyncIterable<LabReport>;
  /** Every version of a report, oldest first (empty when unknown). */
  history(id: string): Promise<LabReport[]>;
}
// #endregion contract

/** Validates a report for publishing: the schema, and at least one patient identifier. */
export function checkPublishable(report: unknown): LabReport {
  const parsed = labReportSchema.safeParse(report);
  if (!parsed.success) {
    // Every issue with its path, in both languages (the family's standard zod conversion).
    throw validationErrorFromZod(parsed.error, {
      code: 'LAB_REPORT_INVALID',
      subject: { en: 'lab report', vi: 'phiếu kết quả xét nghiệm' },
    });
  }
  if (parsed.data.patient.identifiers.length === 0) {
    throw new ValidationError({
      code: 'REPORT_PATIENT_MISSING',
      path: 'patient.identifiers',
      message: 'A published report needs at least one patient identifier',
      messageVi: 'Phiếu kết quả được gửi phải có ít nhất một mã định danh người bệnh',
    });
  }
  return parsed.data;
}

/** The content of a report that decides "same or changed" (without the provider's version). */
export function contentKey(report: LabReport): string {
  const { version: _v, ...rest } = report;
  return stableJson(rest);
}

/** What to do with a publish, given the current version (shared by every provider). */
export function decidePublish(
  current: LabReport | undefined,
  next: LabReport,
): 'create' | 'unchanged' | 'supersede' {
  if (!current) return 'create';
  if (contentKey(current) === contentKey(next)) return 'unchanged';
  if (
    ['amended', 'corrected', 'cancelled'].includes(next.status) ||
    ['registered', 'preliminary'].includes(current.status)
  ) {
    return 'supersede';
  }
  throw new ConflictError({
    code: 'REPORT_CONFLICT',
    path: 'status',
    message: `Report ${next.id} exists with other content; publish a change with status "amended" or "corrected"`,
    messageVi: `Phiếu ${next.id} đã có với nội dung khác; gửi thay đổi với trạng thái "amended" hoặc "corrected"`,
  });
}

export function idempotencyConflict(): ConflictError {
  return new ConflictError({
    code: 'IDEMPOTENCY_KEY_REUSED',
    path: 'idempotencyKey',
    message: 'This idempotency key was used for another report',
    messageVi: 'Khóa idempotency này đã được dùng cho một phiếu khác',
  });
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    throw new LienThongError({
      code: 'OPERATION_ABORTED',
      message: 'The operation was cancelled by the caller',
      messageVi: 'Thao tác đã bị người gọi hủy',
      cause: signal.reason,
    });
  }
}

/** The time a report is placed at on a timeline and in reuse windows. */
export function clinicalTime(report: LabReport): string | undefined {
  return report.specimen?.collectedAt ?? report.effectiveAt ?? report.issuedAt;
}

/** Epoch ms of an ISO date or date-time (a date counts from 00:00 Vietnam time). */
export function instantOf(iso: string): number {
  return Date.parse(iso.length === 10 ? `${iso}T00:00:00+07:00` : iso);
}

/** Whether a report matches a query (used by the memory provider and as a client-side filter). */
export function matchesQuery(report: LabReport, query: LabReportQuery): boolean {
  if (
    query.patient &&
    !report.patient.identifiers.some(
      (i) => i.system === query.patient!.system && i.value === query.patient!.value,
    )
  )
    return false;
  if (query.codes?.length) {
    const all = [...report.codes, ...report.observations.flatMap((o) => o.codes)];
    if (!query.codes.some((q) => all.some((c) => c.system === q.system && c.code === q.code))) return false;
  }
  if (query.status !== undefined) {
    const list = typeof query.status === 'string' ? [query.status] : query.status;
    if (!list.includes(report.status)) return false;
  }
  if (
    query.facility &&
    report.performingFacility?.code !== query.facility &&
    report.lab?.code !== query.facility
  )
    return false;
  if (query.since || query.until) {
    const t = clinicalTime(report);
    if (!t) return false;
    const at = instantOf(t);
    if (query.since && at < instantOf(query.since)) return false;
    if (query.until && at > instantOf(query.until)) return false;
  }
  return true;
}

/** Newest clinical time first; reports without a time last; then by id. */
export function byClinicalTimeDesc(a: LabReport, b: LabReport): number {
  const ta = clinicalTime(a);
  const tb = clinicalTime(b);
  const da = ta ? instantOf(ta) : Number.NEGATIVE_INFINITY;
  const db = tb ? instantOf(tb) : Number.NEGATIVE_INFINITY;
  return db - da || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}
