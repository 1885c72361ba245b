import { type IdentifierValue, IdentifierValueSchema, isoDateTime, ValidationError } from '@lienthong/core';
import { instantOf } from '@lienthong/core/contract';
import * as z from 'zod';
import type { LabCoding, LabReport, ReportStatus } from './model.js';
import { clinicalTime } from './provider-kit/query.js';
import { DEFAULT_LAB_SYSTEMS, type LabSystems } from './systems.js';

/**
 * The reuse advisor: before ordering a test, which recent results of the patient can be reused,
 * and why every other candidate cannot. The rules are POLICY DATA, not code: the defaults follow
 * the draft circular on recognising paraclinical results (08/2026, NOT YET ISSUED) and QĐ 2429/2017
 * lab quality levels; a deployment replaces them as the final text or its own rules require.
 * The advisor advises: the treating doctor decides, and a decision (with the reason for
 * re-ordering a reusable test) can be recorded with {@link recordReuseDecision}.
 */

/** One group of tests with its validity window, counted from sample collection (else exam time). */
export interface ReuseGroup {
  id: string;
  name: { en: string; vi: string };
  /** The window the draft gives for the group: `minHours`–`maxHours` depending on the test. */
  range: { minHours: number; maxHours: number };
  /** The validity the advisor applies when no per-code value is set (default: the range's maximum). */
  validityHours: number;
  /** Only positive results may be reused (microbiology in the draft). */
  positiveOnly?: boolean;
}

/** Assigns codes to a group: by insurance service code chapter, TT 23 technique chapter, or listed codes. */
export interface GroupAssignment {
  group: string;
  serviceCodeChapter?: string;
  techniqueChapter?: string;
  codes?: readonly { system: string; code: string }[];
}

/** The whole policy. */
export interface ReusePolicy {
  id: string;
  source: string;
  groups: readonly ReuseGroup[];
  assignments: readonly GroupAssignment[];
  /** Per-test validity in hours, overriding the group's (for tests the final text lists). */
  codeValidity?: readonly { system: string; code: string; hours: number }[];
  /** Statuses whose results may be reused. */
  reusableStatuses: readonly ReportStatus[];
  /** Lab quality levels: `higher-or-same` = a lab accepts results of labs at its level or above. */
  levelRule: 'higher-or-same';
  /**
   * Which number is the highest level. We read QĐ 2429/2017 as mức 1 (lowest) … mức 5 (highest):
   * `ascending`. Use `descending` if your reading of the text differs.
   */
  levelOrder: 'ascending' | 'descending';
  /** Interpretation codes that make a microbiology result positive. */
  positiveInterpretations: readonly string[];
}

/** Default policy: draft circular (08/2026, not issued) windows; TT 23 / service-code chapters 22, 23, 24. */
export const DRAFT_2026_REUSE_POLICY: ReusePolicy = Object.freeze<ReusePolicy>({
  id: 'vn-draft-2026-08',
  source:
    'Draft circular on recognising paraclinical results (08/2026, not yet issued); lab quality levels QĐ 2429/QĐ-BYT (2017). Chapter numbers: TT 23/2024 PL01 and insurance service codes (22 hematology, 23 biochemistry, 24 microbiology).',
  groups: [
    {
      id: 'hematology',
      name: { en: 'Hematology', vi: 'Huyết học' },
      range: { minHours: 24, maxHours: 7 * 24 },
      validityHours: 7 * 24,
    },
    {
      id: 'biochemistry',
      name: { en: 'Biochemistry', vi: 'Hóa sinh' },
      range: { minHours: 24, maxHours: 60 * 24 },
      validityHours: 60 * 24,
    },
    {
      id: 'microbiology',
      name: { en: 'Microbiology', vi: 'Vi sinh' },
      range: { minHours: 48, maxHours: 30 * 24 },
      validityHours: 30 * 24,
      positiveOnly: true,
    },
  ],
  assignments: [
    { group: 'hematology', serviceCodeChapter: '22', techniqueChapter: '22' },
    { group: 'biochemistry', serviceCodeChapter: '23', techniqueChapter: '23' },
    { group: 'microbiology', serviceCodeChapter: '24', techniqueChapter: '24' },
  ],
  reusableStatuses: ['final', 'amended', 'corrected'],
  levelRule: 'higher-or-same',
  levelOrder: 'ascending',
  positiveInterpretations: ['POS', 'DET', 'A', 'AA'],
});

/** The test a doctor intends to order. */
export interface IntendedOrder {
  /** National (QĐ 1227), insurance service, technique or local code. */
  code: { system: string; code: string };
  patient: readonly IdentifierValue[];
  /** When the order would be placed (ISO date-time with offset). */
  at: string;
  /** Quality level (1-5) of the requesting facility's lab; when absent, levels are not compared. */
  requesterLabLevel?: number;
  /** Required specimen type code (e.g. `BLD`); when absent, not compared. */
  specimenType?: string;
}

export type ReuseReasonCode =
  | 'WITHIN_WINDOW'
  | 'LAB_LEVEL_RECOGNISED'
  | 'POSITIVE_MICROBIOLOGY'
  | 'CORRECTED_VERSION'
  | 'EXPIRED'
  | 'NOT_YET_COLLECTED'
  | 'NO_CLINICAL_TIME'
  | 'LAB_LEVEL_BELOW_REQUESTER'
  | 'LAB_LEVEL_UNKNOWN'
  | 'NEGATIVE_MICROBIOLOGY'
  | 'NOT_FINAL'
  | 'SPECIMEN_MISMATCH'
  | 'SUPERSEDED'
  | 'NO_POLICY_GROUP';

export interface ReuseReason {
  code: ReuseReasonCode;
  message: string;
  messageVi: string;
}

export interface ReuseCandidate {
  reportId: string;
  version?: number;
  group?: string;
  collectedAt?: string;
  /** Hours between collection and the order. */
  ageHours?: number;
  labLevel?: number;
  reasons: ReuseReason[];
}

export interface ReuseAdvice {
  order: IntendedOrder;
  policyId: string;
  /** Reusable results, most recent first. */
  reusable: ReuseCandidate[];
  /** Every other candidate with the reasons it cannot be reused. */
  rejected: ReuseCandidate[];
}

export interface AdviseOptions {
  policy?: ReusePolicy;
  systems?: Partial<LabSystems>;
  /** Whether a report code stands for the ordered test (default: same system and code). Plug a local→national map here. */
  sameTest?: (ordered: { system: string; code: string }, carried: LabCoding) => boolean;
}

const r = (code: ReuseReasonCode, message: string, messageVi: string): ReuseReason => ({
  code,
  message,
  messageVi,
});

function chapterOf(
  code: { system: string; code: string },
  systems: LabSystems,
): { service?: string; technique?: string } {
  if (code.system === systems.serviceCode) return { service: /^(\d{2})\./.exec(code.code)?.[1] };
  if (code.system === systems.technique)
    return { technique: /^(?:BS_)?(\d{1,2})\./.exec(code.code)?.[1]?.padStart(2, '0') };
  return {};
}

/** The policy group of a code, or undefined. */
export function reuseGroupOf(
  code: { system: string; code: string },
  policy: ReusePolicy = DRAFT_2026_REUSE_POLICY,
  systems: LabSystems = DEFAULT_LAB_SYSTEMS,
): ReuseGroup | undefined {
  const ch = chapterOf(code, systems);
  const a = policy.assignments.find(
    (x) =>
      x.codes?.some((c) => c.system === code.system && c.code === code.code) ||
      (ch.service !== undefined && x.serviceCodeChapter === ch.service) ||
      (ch.technique !== undefined && x.techniqueChapter === ch.technique),
  );
  return a ? policy.groups.find((g) => g.id === a.group) : undefined;
}

const NUMBER = {
  en: new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 }),
  vi: new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 1 }),
};
const PLURAL_EN = new Intl.PluralRules('en-US', { maximumFractionDigits: 1 });

// A duration for people, in the reader's language: days ("110,7 ngày", "1 day"), or hours under
// one day ("18 giờ", "18 hours"); at most one fraction digit, the locale's decimal mark.
function duration(hours: number, lang: 'en' | 'vi'): string {
  const inHours = Math.round(hours * 10) / 10 < 24;
  const n = inHours ? hours : hours / 24;
  const unit = lang === 'vi' ? (inHours ? 'giờ' : 'ngày') : inHours ? 'hour' : 'day';
  const plural = lang === 'en' && PLURAL_EN.select(n) !== 'one' ? 's' : '';
  return `${NUMBER[lang].format(n)} ${unit}${plural}`;
}

/**
 * Advises on an intended order: every report of the patient that carries the ordered code is a
 * candidate; each is either reusable (with the reasons) or rejected (with every reason).
 */
export function adviseReuse(
  order: IntendedOrder,
  reports: readonly LabReport[],
  options: AdviseOptions = {},
): ReuseAdvice {
  const policy = options.policy ?? DRAFT_2026_REUSE_POLICY;
  const systems = { ...DEFAULT_LAB_SYSTEMS, ...options.systems };
  const same = options.sameTest ?? ((a, b) => a.system === b.system && a.code === b.code);
  const at = instantOf(order.at);
  const samePatient = (rep: LabReport) =>
    rep.patient.identifiers.some((i) =>
      order.patient.some((p) => p.system === i.system && p.value === i.value),
    );
  const carries = (rep: LabReport) =>
    [...rep.codes, ...rep.observations.flatMap((o) => o.codes)].some((c) => same(order.code, c));
  const candidates = reports.filter((rep) => samePatient(rep) && carries(rep));
  // Latest version per report id: older versions are superseded, never reused.
  const latest = new Map<string, LabReport>();
  for (const rep of candidates) {
    const prev = latest.get(rep.id);
    if (!prev || (rep.version ?? 0) >= (prev.version ?? 0)) latest.set(rep.id, rep);
  }
  const reusable: ReuseCandidate[] = [];
  const rejected: ReuseCandidate[] = [];
  for (const rep of candidates) {
    const collectedAt = clinicalTime(rep);
    const base: ReuseCandidate = {
      reportId: rep.id,
      ...(rep.version !== undefined ? { version: rep.version } : {}),
      ...(collectedAt ? { collectedAt } : {}),
      ...(rep.lab?.qualityLevel !== undefined ? { labLevel: rep.lab.qualityLevel } : {}),
      reasons: [],
    };
    if (latest.get(rep.id) !== rep) {
      rejected.push({
        ...base,
        reasons: [
          r('SUPERSEDED', 'A later version of this report exists', 'Phiếu này đã có phiên bản mới hơn'),
        ],
      });
      continue;
    }
    const group =
      reuseGroupOf(order.code, policy, systems) ??
      [...rep.codes, ...rep.observations.flatMap((o) => o.codes)]
        .map((c) => reuseGroupOf(c, policy, systems))
        .find(Boolean);
    const bad: ReuseReason[] = [];
    const good: ReuseReason[] = [];
    if (group) base.group = group.id;
    else
      bad.push(
        r(
          'NO_POLICY_GROUP',
          'The reuse policy assigns no group (window) to this test',
          'Chính sách sử dụng lại chưa xếp xét nghiệm này vào nhóm nào',
        ),
      );
    if (!policy.reusableStatuses.includes(rep.status)) {
      bad.push(
        r(
          'NOT_FINAL',
          `Report status is ${rep.status}, not final`,
          `Phiếu ở trạng thái ${rep.status}, chưa phải kết quả cuối cùng`,
        ),
      );
    } else if (rep.status !== 'final') {
      good.push(
        r(
          'CORRECTED_VERSION',
          `The current (${rep.status}) version is the one considered`,
          `Xét trên phiên bản hiện hành (${rep.status})`,
        ),
      );
    }
    if (!collectedAt)
      bad.push(
        r(
          'NO_CLINICAL_TIME',
          'The report has no collection, effective or issue time',
          'Phiếu không có thời điểm lấy mẫu, thực hiện hoặc trả kết quả',
        ),
      );
    else if (group) {
      const ageHours = (at - instantOf(collectedAt)) / 3_600_000;
      base.ageHours = Math.round(ageHours * 100) / 100;
      const limit =
        policy.codeValidity?.find((c) => c.system === order.code.system && c.code === order.code.code)
          ?.hours ?? group.validityHours;
      if (ageHours < 0)
        bad.push(
          r(
            'NOT_YET_COLLECTED',
            'The sample was collected after the order time',
            'Mẫu được lấy sau thời điểm chỉ định',
          ),
        );
      else if (ageHours > limit)
        bad.push(
          r(
            'EXPIRED',
            `Expired for ${group.name.en}: ${duration(ageHours, 'en')} old, valid ${duration(limit, 'en')}`,
            `Hết hạn với nhóm ${group.name.vi}: đã ${duration(ageHours, 'vi')}, hiệu lực ${duration(limit, 'vi')}`,
          ),
        );
      else
        good.push(
          r(
            'WITHIN_WINDOW',
            `${duration(ageHours, 'en')} old, within ${duration(limit, 'en')} for ${group.name.en}`,
            `Đã ${duration(ageHours, 'vi')}, trong thời hạn ${duration(limit, 'vi')} của nhóm ${group.name.vi}`,
          ),
        );
    }
    if (order.requesterLabLevel !== undefined) {
      const level = rep.lab?.qualityLevel;
      if (level === undefined)
        bad.push(
          r(
            'LAB_LEVEL_UNKNOWN',
            "The performing lab's quality level is unknown",
            'Không rõ mức chất lượng của phòng xét nghiệm thực hiện',
          ),
        );
      else if (
        policy.levelOrder === 'descending' ? level > order.requesterLabLevel : level < order.requesterLabLevel
      )
        bad.push(
          r(
            'LAB_LEVEL_BELOW_REQUESTER',
            `Lab quality level ${level} is below the requester's level ${order.requesterLabLevel}`,
            `Phòng xét nghiệm mức ${level} thấp hơn mức ${order.requesterLabLevel} của nơi chỉ định`,
          ),
        );
      else
        good.push(
          r(
            'LAB_LEVEL_RECOGNISED',
            `Lab quality level ${level} is at or above the requester's level ${order.requesterLabLevel}`,
            `Phòng xét nghiệm mức ${level} ngang hoặc cao hơn mức ${order.requesterLabLevel} của nơi chỉ định`,
          ),
        );
    }
    if (group?.positiveOnly) {
      const positive = rep.observations.some((o) =>
        o.interpretation?.some((i) => policy.positiveInterpretations.includes(i)),
      );
      if (positive)
        good.push(r('POSITIVE_MICROBIOLOGY', 'Positive microbiology result', 'Kết quả vi sinh dương tính'));
      else
        bad.push(
          r(
            'NEGATIVE_MICROBIOLOGY',
            `Only positive ${group.name.en.toLowerCase()} results may be reused`,
            `Chỉ kết quả ${group.name.vi.toLowerCase()} dương tính mới được sử dụng lại`,
          ),
        );
    }
    const sType = rep.specimen?.type?.code;
    if (order.specimenType && sType && sType !== order.specimenType) {
      bad.push(
        r(
          'SPECIMEN_MISMATCH',
          `Specimen ${sType} differs from the required ${order.specimenType}`,
          `Bệnh phẩm ${sType} khác loại yêu cầu ${order.specimenType}`,
        ),
      );
    }
    if (bad.length) rejected.push({ ...base, reasons: bad });
    else reusable.push({ ...base, reasons: good });
  }
  reusable.sort((a, b) => (a.ageHours ?? 0) - (b.ageHours ?? 0));
  return { order, policyId: policy.id, reusable, rejected };
}

/** A recorded decision: reuse a result, or order again (with the doctor's reason when a reusable result existed). */
export const ReuseDecisionSchema = z.object({
  policyId: z.string().min(1),
  order: z.object({
    code: z.object({ system: z.string().min(1), code: z.string().min(1) }),
    patient: z.array(IdentifierValueSchema),
    at: isoDateTime,
  }),
  action: z.enum(['reuse', 'reorder']),
  reportId: z.string().min(1).optional(),
  /** The reusable candidates the doctor was shown. */
  offered: z.array(z.string()),
  reason: z.string().trim().min(1).optional(),
  decidedBy: z.string().min(1).optional(),
  decidedAt: isoDateTime,
});
export type ReuseDecision = z.infer<typeof ReuseDecisionSchema>;

/**
 * Records the doctor's decision on an advice. Re-ordering while a reusable result exists needs a
 * reason (`REUSE_OVERRIDE_REASON_REQUIRED`); reusing a result the advisor rejected also needs one.
 */
export function recordReuseDecision(
  advice: ReuseAdvice,
  decision: {
    action: 'reuse' | 'reorder';
    reportId?: string;
    reason?: string;
    decidedBy?: string;
    decidedAt: string;
  },
): ReuseDecision {
  const offered = advice.reusable.map((c) => c.reportId);
  const reason = decision.reason?.trim();
  if (decision.action === 'reorder' && offered.length > 0 && !reason) {
    throw new ValidationError({
      code: 'REUSE_OVERRIDE_REASON_REQUIRED',
      path: 'reason',
      message: 'A reusable result exists: re-ordering the test needs a recorded reason',
      messageVi: 'Đã có kết quả có thể sử dụng lại: chỉ định lại cần ghi rõ lý do',
    });
  }
  if (decision.action === 'reuse') {
    if (!decision.reportId) {
      throw new ValidationError({
        code: 'REUSE_REPORT_REQUIRED',
        path: 'reportId',
        message: 'Say which report is reused',
        messageVi: 'Cần chỉ rõ phiếu kết quả được sử dụng lại',
      });
    }
    if (!offered.includes(decision.reportId) && !reason) {
      throw new ValidationError({
        code: 'REUSE_OVERRIDE_REASON_REQUIRED',
        path: 'reason',
        message: 'This result was not advised as reusable: reusing it needs a recorded reason',
        messageVi: 'Kết quả này không được đề xuất sử dụng lại: cần ghi rõ lý do',
      });
    }
  }
  return ReuseDecisionSchema.parse({
    policyId: advice.policyId,
    order: { code: advice.order.code, patient: [...advice.order.patient], at: advice.order.at },
    action: decision.action,
    ...(decision.reportId ? { reportId: decision.reportId } : {}),
    offered,
    ...(reason ? { reason } : {}),
    ...(decision.decidedBy ? { decidedBy: decision.decidedBy } : {}),
    decidedAt: decision.decidedAt,
  });
}
