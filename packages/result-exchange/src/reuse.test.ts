import { describe, expect, it } from 'vitest';
import type { LabReport } from './model.js';
import {
  adviseReuse,
  DRAFT_2026_REUSE_POLICY,
  type IntendedOrder,
  type ReusePolicy,
  recordReuseDecision,
  reuseGroupOf,
} from './reuse.js';
import { DEFAULT_LAB_SYSTEMS as S } from './systems.js';

// SYNTHETIC patients, labs and reports; service codes are the published examples of docs/en/guide/domain.md.
const patient = { system: 'urn:lienthong:sid:mrn:SYN01', value: 'SYN1' };
const GLUCOSE = { system: S.serviceCode, code: '23.0075.1494' };
const CBC = { system: S.serviceCode, code: '22.0120.1370' };
const CULTURE = { system: S.serviceCode, code: '24.0003.1715' };
const ORDER_AT = '2026-06-30T08:00:00+07:00';
const hoursBefore = (h: number) => new Date(Date.parse(ORDER_AT) - h * 3_600_000).toISOString();

function report(
  code: { system: string; code: string },
  collectedHoursAgo: number,
  extra: Partial<LabReport> = {},
): LabReport {
  return {
    id: `SYN-${code.code}-${collectedHoursAgo}`,
    patient: { identifiers: [patient] },
    codes: [code],
    status: 'final',
    lab: { code: 'SYN01', qualityLevel: 3 },
    specimen: {
      collectedAt: hoursBefore(collectedHoursAgo),
      type: { system: 'http://terminology.hl7.org/CodeSystem/v2-0487', code: 'BLD' },
    },
    observations: [{ codes: [], status: 'final', value: { kind: 'quantity', value: 1 } }],
    ...extra,
  };
}
const order = (
  code: { system: string; code: string },
  extra: Partial<IntendedOrder> = {},
): IntendedOrder => ({ code, patient: [patient], at: ORDER_AT, ...extra });
const verdict = (o: IntendedOrder, reports: LabReport[]) => {
  const a = adviseReuse(o, reports);
  return {
    reusable: a.reusable.map((c) => c.reportId),
    rejected: a.rejected.flatMap((c) => c.reasons.map((x) => x.code)),
  };
};

describe('policy data', () => {
  it('groups tests by service-code or TT 23 chapter (22 hematology, 23 biochemistry, 24 microbiology)', () => {
    expect(reuseGroupOf(CBC)?.id).toBe('hematology');
    expect(reuseGroupOf(GLUCOSE)?.id).toBe('biochemistry');
    expect(reuseGroupOf(CULTURE)?.id).toBe('microbiology');
    expect(reuseGroupOf({ system: S.technique, code: '23.75' })?.id).toBe('biochemistry');
    expect(reuseGroupOf({ system: S.local, code: 'SYN-X' })).toBeUndefined();
  });
});

describe('windows at every edge (just inside, just outside)', () => {
  const minute = 1 / 60;
  const cases: [string, { system: string; code: string }, number, string[]][] = [];
  for (const [code, group, hours] of [
    [CBC, 'hematology', 7 * 24],
    [GLUCOSE, 'biochemistry', 60 * 24],
    [CULTURE, 'microbiology', 30 * 24],
  ] as const) {
    cases.push([`${group}: exactly ${hours} h old → reusable`, code, hours, []]);
    cases.push([`${group}: ${hours} h + 1 min old → expired`, code, hours + minute, ['EXPIRED']]);
    cases.push([`${group}: collected at the order time → reusable`, code, 0, []]);
    cases.push([
      `${group}: collected 1 min after the order → not yet collected`,
      code,
      -minute,
      ['NOT_YET_COLLECTED'],
    ]);
  }
  it.each(cases)('%s', (_name, code, hours, expected) => {
    const positive =
      code === CULTURE
        ? { observations: [{ codes: [], status: 'final' as const, interpretation: ['POS'] }] }
        : {};
    const v = verdict(order(code), [report(code, hours, positive)]);
    expect(v.rejected).toEqual(expected);
    expect(v.reusable).toHaveLength(expected.length ? 0 : 1);
  });

  it('a per-code validity (policy data) overrides the group window', () => {
    const policy: ReusePolicy = { ...DRAFT_2026_REUSE_POLICY, codeValidity: [{ ...GLUCOSE, hours: 24 }] };
    expect(adviseReuse(order(GLUCOSE), [report(GLUCOSE, 24)], { policy }).reusable).toHaveLength(1);
    expect(
      adviseReuse(order(GLUCOSE), [report(GLUCOSE, 24.01)], { policy }).rejected[0]!.reasons[0]!.code,
    ).toBe('EXPIRED');
  });
});

describe("reasons for people: durations in days, in the reader's language", () => {
  const texts = (code: { system: string; code: string }, hoursAgo: number, policy?: ReusePolicy) => {
    const a = adviseReuse(order(code), [report(code, hoursAgo)], policy ? { policy } : {});
    const reason = [...a.reusable, ...a.rejected][0]!.reasons[0]!;
    return { code: reason.code, en: reason.message, vi: reason.messageVi };
  };
  it("an expired result: fractional days with the locale's decimal mark (110,7 / 110.7)", () => {
    expect(texts(GLUCOSE, 2657.3)).toEqual({
      code: 'EXPIRED',
      en: 'Expired for Biochemistry: 110.7 days old, valid 60 days',
      vi: 'Hết hạn với nhóm Hóa sinh: đã 110,7 ngày, hiệu lực 60 ngày',
    });
  });
  it.each([
    [
      36,
      '1.5 days old, within 60 days for Biochemistry',
      'Đã 1,5 ngày, trong thời hạn 60 ngày của nhóm Hóa sinh',
    ],
    [24, '1 day old, within 60 days for Biochemistry', 'Đã 1 ngày, trong thời hạn 60 ngày của nhóm Hóa sinh'],
    [
      18,
      '18 hours old, within 60 days for Biochemistry',
      'Đã 18 giờ, trong thời hạn 60 ngày của nhóm Hóa sinh',
    ],
    [1, '1 hour old, within 60 days for Biochemistry', 'Đã 1 giờ, trong thời hạn 60 ngày của nhóm Hóa sinh'],
    [
      2.25,
      '2.3 hours old, within 60 days for Biochemistry',
      'Đã 2,3 giờ, trong thời hạn 60 ngày của nhóm Hóa sinh',
    ],
    [
      23.99,
      '1 day old, within 60 days for Biochemistry',
      'Đã 1 ngày, trong thời hạn 60 ngày của nhóm Hóa sinh',
    ],
  ])('a result %f h old → "%s"', (hours, en, vi) => {
    expect(texts(GLUCOSE, hours)).toEqual({ code: 'WITHIN_WINDOW', en, vi });
  });
  it('a window under one day is given in hours, singular and plural in English', () => {
    const policy: ReusePolicy = { ...DRAFT_2026_REUSE_POLICY, codeValidity: [{ ...GLUCOSE, hours: 12 }] };
    expect(texts(GLUCOSE, 13, policy)).toEqual({
      code: 'EXPIRED',
      en: 'Expired for Biochemistry: 13 hours old, valid 12 hours',
      vi: 'Hết hạn với nhóm Hóa sinh: đã 13 giờ, hiệu lực 12 giờ',
    });
    expect(texts(CBC, 7 * 24 + 36)).toEqual({
      code: 'EXPIRED',
      en: 'Expired for Hematology: 8.5 days old, valid 7 days',
      vi: 'Hết hạn với nhóm Huyết học: đã 8,5 ngày, hiệu lực 7 ngày',
    });
  });
});

describe('lab quality levels: same level recognises, lower accepts higher', () => {
  const pairs: [number, number][] = [];
  for (let requester = 1; requester <= 5; requester++)
    for (let lab = 1; lab <= 5; lab++) pairs.push([requester, lab]);
  it.each(pairs)('requester level %i, performing lab level %i', (requester, lab) => {
    const v = verdict(order(GLUCOSE, { requesterLabLevel: requester }), [
      report(GLUCOSE, 48, { lab: { qualityLevel: lab } }),
    ]);
    if (lab >= requester) expect(v).toEqual({ reusable: [`SYN-${GLUCOSE.code}-48`], rejected: [] });
    else expect(v).toEqual({ reusable: [], rejected: ['LAB_LEVEL_BELOW_REQUESTER'] });
  });
  it('the numeric direction of levels is policy data', () => {
    const policy: ReusePolicy = { ...DRAFT_2026_REUSE_POLICY, levelOrder: 'descending' };
    /** The advice for a level-2 requester and a lab of `level`, under `policy`. */
    const advise = (level: number) =>
      adviseReuse(
        order(GLUCOSE, { requesterLabLevel: 2 }),
        [report(GLUCOSE, 48, { lab: { qualityLevel: level } })],
        { policy },
      );
    expect(advise(1).reusable).toHaveLength(1);
    expect(advise(3).rejected).toHaveLength(1);
  });
  it('an unknown lab level is rejected when the requester states its level', () => {
    expect(
      verdict(order(GLUCOSE, { requesterLabLevel: 1 }), [report(GLUCOSE, 48, { lab: { code: 'SYN02' } })])
        .rejected,
    ).toEqual(['LAB_LEVEL_UNKNOWN']);
  });
});

describe('microbiology: positive results only', () => {
  it.each([
    [['POS'], true],
    [['DET'], true],
    [['A'], true],
    [['NEG'], false],
    [['N'], false],
    [undefined, false],
  ] as const)('interpretation %j → reusable %s', (interpretation, reusable) => {
    const rep = report(CULTURE, 72, {
      observations: [
        { codes: [], status: 'final', ...(interpretation ? { interpretation: [...interpretation] } : {}) },
      ],
    });
    const v = verdict(order(CULTURE), [rep]);
    expect(v.reusable.length === 1).toBe(reusable);
    if (!reusable) expect(v.rejected).toEqual(['NEGATIVE_MICROBIOLOGY']);
  });
});

describe('status, versions and specimen', () => {
  it.each(['registered', 'preliminary', 'cancelled'] as const)('%s reports are not final', (status) => {
    expect(verdict(order(GLUCOSE), [report(GLUCOSE, 10, { status })]).rejected).toEqual(['NOT_FINAL']);
  });
  it('an amended report is reusable in its latest version; the superseded version is not', () => {
    const v1 = report(GLUCOSE, 10, { version: 1 });
    const v2 = report(GLUCOSE, 10, { version: 2, status: 'amended', conclusion: 'corrected value' });
    const advice = adviseReuse(order(GLUCOSE), [v1, v2]);
    expect(advice.reusable).toEqual([
      expect.objectContaining({
        reportId: v2.id,
        version: 2,
        reasons: expect.arrayContaining([expect.objectContaining({ code: 'CORRECTED_VERSION' })]),
      }),
    ]);
    expect(advice.rejected).toEqual([
      expect.objectContaining({ version: 1, reasons: [expect.objectContaining({ code: 'SUPERSEDED' })] }),
    ]);
  });
  it('a specimen of another type is rejected', () => {
    expect(verdict(order(GLUCOSE, { specimenType: 'UR' }), [report(GLUCOSE, 10)]).rejected).toEqual([
      'SPECIMEN_MISMATCH',
    ]);
  });
  it('every reason of a rejected candidate is listed, in both languages', () => {
    const advice = adviseReuse(order(GLUCOSE, { requesterLabLevel: 5, specimenType: 'UR' }), [
      report(GLUCOSE, 61 * 24, { status: 'preliminary' }),
    ]);
    const reasons = advice.rejected[0]!.reasons;
    expect(reasons.map((x) => x.code)).toEqual([
      'NOT_FINAL',
      'EXPIRED',
      'LAB_LEVEL_BELOW_REQUESTER',
      'SPECIMEN_MISMATCH',
    ]);
    expect(reasons[1]!.messageVi).toContain('Hết hạn với nhóm Hóa sinh');
  });
  it("another patient's reports and other tests are not candidates", () => {
    const other = report(GLUCOSE, 10, { patient: { identifiers: [{ ...patient, value: 'SYN2' }] } });
    expect(adviseReuse(order(GLUCOSE), [other, report(CBC, 10)])).toMatchObject({
      reusable: [],
      rejected: [],
    });
  });
  it('observation codes match too (order by a national code carried next to the service code)', () => {
    const national = { system: S.national, code: 'SYN-NATIONAL' }; // synthetic stand-in
    const rep = report(GLUCOSE, 10, { observations: [{ codes: [national], status: 'final' }] });
    expect(adviseReuse(order(national), [rep]).reusable).toHaveLength(1);
  });
});

describe('recording decisions', () => {
  const advice = adviseReuse(order(GLUCOSE), [report(GLUCOSE, 10)]);
  it('re-ordering while a reusable result exists needs a reason', () => {
    expect(() => recordReuseDecision(advice, { action: 'reorder', decidedAt: ORDER_AT })).toThrow(
      expect.objectContaining({ code: 'REUSE_OVERRIDE_REASON_REQUIRED', path: 'reason' }),
    );
    const d = recordReuseDecision(advice, {
      action: 'reorder',
      reason: 'Lâm sàng thay đổi, cần kết quả mới',
      decidedBy: 'SYN-BS01',
      decidedAt: ORDER_AT,
    });
    expect(d).toMatchObject({
      action: 'reorder',
      offered: [advice.reusable[0]!.reportId],
      reason: 'Lâm sàng thay đổi, cần kết quả mới',
    });
  });
  it('reusing records the report; reusing a rejected one needs a reason', () => {
    expect(
      recordReuseDecision(advice, {
        action: 'reuse',
        reportId: advice.reusable[0]!.reportId,
        decidedAt: ORDER_AT,
      }).reportId,
    ).toBe(advice.reusable[0]!.reportId);
    expect(() =>
      recordReuseDecision(advice, { action: 'reuse', reportId: 'SYN-other', decidedAt: ORDER_AT }),
    ).toThrow(expect.objectContaining({ code: 'REUSE_OVERRIDE_REASON_REQUIRED' }));
  });
});
