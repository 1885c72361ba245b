import {
  ConflictError,
  canonicalIdentifier,
  stableJson,
  ValidationError,
  validationErrorFromZod,
} from '@lienthong/core';
import type { WriteOutcome } from '@lienthong/core/contract';
import { type LabReport, LabReportSchema } from '../model.js';

/** Validates a report for publishing: the schema, and at least one patient identifier. */
export function checkPublishable(report: unknown): LabReport {
  const parsed = LabReportSchema.safeParse(report);
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

/**
 * {@link contentKey} with the patient's identifier systems made canonical: a report published with
 * an older URI (`http://fhir.hl7.org.vn/core/sid/cccd`) and again with the current one is the same
 * report. `contentKey` itself stays as it was, since outbox keys are derived from it.
 */
function sameContent(a: LabReport, b: LabReport): boolean {
  const canonical = (r: LabReport): LabReport => ({
    ...r,
    patient: { ...r.patient, identifiers: r.patient.identifiers.map((i) => canonicalIdentifier(i)) },
  });
  return contentKey(a) === contentKey(b) || contentKey(canonical(a)) === contentKey(canonical(b));
}

/**
 * The outcome a publish will have, given the current version (the rule every provider shares):
 * `created` when there is none, `unchanged` for the same content, `updated` for a changed report
 * with status `amended`/`corrected`/`cancelled` or replacing a `registered`/`preliminary` one.
 * Any other change to a report throws `ConflictError` `REPORT_CONFLICT`.
 * @example
 * const outcome = decidePublish(current, report);
 * const receipt = writeReceipt(report.id, current?.version, outcome !== 'unchanged');
 */
export function decidePublish(current: LabReport | undefined, next: LabReport): WriteOutcome {
  if (!current) return 'created';
  if (sameContent(current, next)) return 'unchanged';
  if (
    ['amended', 'corrected', 'cancelled'].includes(next.status) ||
    ['registered', 'preliminary'].includes(current.status)
  ) {
    return 'updated';
  }
  throw new ConflictError({
    code: 'REPORT_CONFLICT',
    path: 'status',
    message: `Report ${next.id} exists with other content; publish a change with status "amended" or "corrected"`,
    messageVi: `Phiếu ${next.id} đã có với nội dung khác; gửi thay đổi với trạng thái "amended" hoặc "corrected"`,
  });
}

/** The error of an idempotency key used again for another report (`IDEMPOTENCY_KEY_REUSED`). */
export function idempotencyConflict(): ConflictError {
  return new ConflictError({
    code: 'IDEMPOTENCY_KEY_REUSED',
    path: 'idempotencyKey',
    message: 'This idempotency key was used for another report',
    messageVi: 'Khóa idempotency này đã được dùng cho một phiếu khác',
  });
}
