import { code, isoDate, parseWith } from '@lienthong/core';
import * as z from 'zod';
import type { ImagingReference } from './model.js';

/**
 * Reuse policy: may a requesting hospital reuse this study instead of repeating it? The rules are
 * data (a zod-validated object a health department or hospital can store as JSON), evaluated by
 * {@link evaluateReuse}, which always says why.
 */
export const ReusePolicySchema = z.object({
  /** The study must be declared complete (every series, every instance). Default true. */
  requireComplete: z.boolean().default(true),
  /** Who must have signed the report (default performer and reader); [] accepts an unsigned study. */
  requiredSigners: z.array(z.enum(['performer', 'reader'])).default(['performer', 'reader']),
  /** Maximum age in days of a study, per modality (`{ CT: 90, MR: 180, US: 30 }`). */
  maxAgeDays: z.record(z.string().regex(/^[A-Z0-9_]{1,16}$/), z.number().int().nonnegative()).default({}),
  /** Maximum age in days for modalities not listed in `maxAgeDays`; absent = no limit. */
  defaultMaxAgeDays: z.number().int().nonnegative().optional(),
  /** Facility codes whose studies are trusted; absent = every facility. */
  trustedFacilities: z.array(code).optional(),
  /** A WADO-RS endpoint (so a viewer can open the study) is required. Default true. */
  requireViewerEndpoint: z.boolean().default(true),
});
export type ReusePolicy = z.output<typeof ReusePolicySchema>;
export type ReusePolicyInput = z.input<typeof ReusePolicySchema>;

/** The request: when (Vietnam calendar date) and, optionally, by whom. */
export interface ReuseContext {
  /** Date of the request, `YYYY-MM-DD` (default: today, UTC). */
  onDate?: string;
  /** Code of the requesting facility (informational; appears in no rule today). */
  requestingFacility?: string;
}

/** One rule's outcome. */
export interface ReuseCheck {
  rule: 'complete' | 'signed' | 'age' | 'facility' | 'viewer';
  passed: boolean;
  /** Stable code, e.g. `IMAGING_REUSE_NOT_COMPLETE`, `IMAGING_REUSE_TOO_OLD`, `IMAGING_REUSE_OK_AGE`. */
  code: string;
  message: string;
  messageVi: string;
}

/** The decision: reusable only when every rule passes; `reasons` are the failing checks. */
export interface ReuseDecision {
  reusable: boolean;
  reasons: ReuseCheck[];
  checks: ReuseCheck[];
}

/** Validates a policy (throws `ValidationError` `IMAGING_REUSE_POLICY_INVALID`). */
export function defineReusePolicy(policy: ReusePolicyInput = {}): ReusePolicy {
  return parseWith(ReusePolicySchema, policy, {
    code: 'IMAGING_REUSE_POLICY_INVALID',
    subject: { en: 'reuse policy', vi: 'chính sách tái sử dụng' },
  });
}

// Day counts for people, with the reader's digit grouping ("9,467 days" / "9.467 ngày").
const COUNT = { en: new Intl.NumberFormat('en-US'), vi: new Intl.NumberFormat('vi-VN') };

function days(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

const SIGNER_VI = { performer: 'người thực hiện', reader: 'bác sĩ đọc kết quả' } as const;

/**
 * Evaluates a reference against a policy for a request.
 * @example
 * const policy = defineReusePolicy({ maxAgeDays: { CT: 90 }, trustedFacilities: ['79001'] });
 * const { reusable, reasons } = evaluateReuse(reference, policy, { onDate: '2025-04-01' });
 */
export function evaluateReuse(
  reference: ImagingReference,
  policyInput: ReusePolicyInput = {},
  context: ReuseContext = {},
): ReuseDecision {
  const policy = defineReusePolicy(policyInput);
  const onDate = isoDate.safeParse(context.onDate).success
    ? context.onDate!
    : new Date().toISOString().slice(0, 10);
  const checks: ReuseCheck[] = [];
  const check = (
    rule: ReuseCheck['rule'],
    passed: boolean,
    code: string,
    message: string,
    messageVi: string,
  ) => checks.push({ rule, passed, code, message, messageVi });

  if (policy.requireComplete) {
    const emptySeries = reference.series.filter((s) => s.instanceCount === 0).map((s) => s.uid);
    if (reference.completeness !== 'complete') {
      check(
        'complete',
        false,
        reference.completeness === 'partial'
          ? 'IMAGING_REUSE_NOT_COMPLETE'
          : 'IMAGING_REUSE_COMPLETENESS_UNKNOWN',
        `The study is ${reference.completeness === 'partial' ? 'incomplete' : 'not declared complete'}.`,
        reference.completeness === 'partial'
          ? 'Ca chụp chưa đầy đủ các loạt ảnh.'
          : 'Ca chụp chưa được xác nhận là đầy đủ các loạt ảnh.',
      );
    } else if (reference.series.length === 0 || emptySeries.length > 0) {
      check(
        'complete',
        false,
        'IMAGING_REUSE_NOT_COMPLETE',
        reference.series.length === 0
          ? 'The study lists no series.'
          : `${emptySeries.length} series have no instances.`,
        reference.series.length === 0
          ? 'Ca chụp không có loạt ảnh nào.'
          : `${emptySeries.length} loạt ảnh không có ảnh nào.`,
      );
    } else {
      check(
        'complete',
        true,
        'IMAGING_REUSE_OK_COMPLETE',
        'Every series is complete.',
        'Đầy đủ các loạt ảnh.',
      );
    }
  }

  if (policy.requiredSigners.length > 0) {
    const report = reference.report;
    const missing = policy.requiredSigners.filter((role) => !report?.signers.some((s) => s.role === role));
    if (!report) {
      check(
        'signed',
        false,
        'IMAGING_REUSE_REPORT_MISSING',
        'The study has no report.',
        'Ca chụp chưa có kết quả đọc.',
      );
    } else if (missing.length > 0 || !report.signedAt) {
      check(
        'signed',
        false,
        'IMAGING_REUSE_REPORT_UNSIGNED',
        missing.length > 0
          ? `The report is not signed by the ${missing.join(' and ')}.`
          : 'The report has no signing time.',
        missing.length > 0
          ? `Kết quả chưa có chữ ký của ${missing.map((m) => SIGNER_VI[m]).join(' và ')}.`
          : 'Kết quả chưa có thời điểm ký.',
      );
    } else {
      check(
        'signed',
        true,
        'IMAGING_REUSE_OK_SIGNED',
        `The report is signed by the ${policy.requiredSigners.join(' and ')}.`,
        `Kết quả đã được ${policy.requiredSigners.map((m) => SIGNER_VI[m]).join(' và ')} ký.`,
      );
    }
  }

  const modalities =
    reference.modalities.length > 0 ? reference.modalities : reference.series.map((s) => s.modality);
  const limits = modalities
    .map((m) => policy.maxAgeDays[m] ?? policy.defaultMaxAgeDays)
    .filter((d): d is number => d !== undefined);
  if (limits.length > 0) {
    const limit = Math.min(...limits);
    if (!reference.studyDate) {
      check('age', false, 'IMAGING_REUSE_DATE_UNKNOWN', 'The study date is unknown.', 'Không rõ ngày chụp.');
    } else {
      const age = days(reference.studyDate, onDate);
      const [ageEn, ageVi, limitEn, limitVi] = [
        COUNT.en.format(age),
        COUNT.vi.format(age),
        COUNT.en.format(limit),
        COUNT.vi.format(limit),
      ];
      if (age > limit || age < 0) {
        check(
          'age',
          false,
          'IMAGING_REUSE_TOO_OLD',
          age < 0
            ? `The study date ${reference.studyDate} is after the request date ${onDate}.`
            : `The study is ${ageEn} days old; at most ${limitEn} days are accepted for ${modalities.join('/')}.`,
          age < 0
            ? `Ngày chụp ${reference.studyDate} sau ngày yêu cầu ${onDate}.`
            : `Ca chụp đã ${ageVi} ngày; chỉ chấp nhận tối đa ${limitVi} ngày với ${modalities.join('/')}.`,
        );
      } else {
        check(
          'age',
          true,
          'IMAGING_REUSE_OK_AGE',
          `The study is ${ageEn} days old (limit ${limitEn}).`,
          `Ca chụp đã ${ageVi} ngày (giới hạn ${limitVi} ngày).`,
        );
      }
    }
  }

  if (policy.trustedFacilities) {
    const facility = reference.performingFacility?.code;
    const trusted = facility !== undefined && policy.trustedFacilities.includes(facility);
    check(
      'facility',
      trusted,
      trusted ? 'IMAGING_REUSE_OK_FACILITY' : 'IMAGING_REUSE_FACILITY_NOT_TRUSTED',
      trusted
        ? `Facility ${facility} is trusted.`
        : facility
          ? `Facility ${facility} is not in the trusted list.`
          : 'The performing facility is unknown.',
      trusted
        ? `Cơ sở ${facility} nằm trong danh sách tin cậy.`
        : facility
          ? `Cơ sở ${facility} không nằm trong danh sách tin cậy.`
          : 'Không rõ cơ sở thực hiện.',
    );
  }

  if (policy.requireViewerEndpoint) {
    const ok = reference.endpoints.wadoRs !== undefined;
    check(
      'viewer',
      ok,
      ok ? 'IMAGING_REUSE_OK_VIEWER' : 'IMAGING_REUSE_NO_VIEWER_ENDPOINT',
      ok ? 'A WADO-RS endpoint is available for viewing.' : 'No WADO-RS endpoint to view the images.',
      ok ? 'Có địa chỉ WADO-RS để xem ảnh.' : 'Không có địa chỉ WADO-RS để xem ảnh.',
    );
  }

  const reasons = checks.filter((c) => !c.passed);
  return { reusable: reasons.length === 0, reasons, checks };
}
