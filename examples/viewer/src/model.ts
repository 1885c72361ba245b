/**
 * The viewer's pure logic — no DOM, no network: which identifier was typed, the timeline by
 * facility, the analytes and their trends, and the reuse badge of each report. Unit-tested in
 * `model.test.ts`; `main.ts` only renders what these return.
 */
import { MOLAR_MASS } from '@lienthong/catalogue/units';
import { DEFAULT_IDENTIFIER_SYSTEMS } from '@lienthong/core';
import { instantOf } from '@lienthong/core/contract';
import { type IdentifierType, safeParseIdentifier } from '@lienthong/patient-id';
import {
  buildTrend,
  codeKind,
  DEFAULT_LAB_SYSTEMS,
  DRAFT_2026_REUSE_POLICY,
  type LabCoding,
  type LabObservation,
  type LabReport,
  type ReuseAdvice,
  type ReuseCandidate,
  type Trend,
} from '@lienthong/result-exchange';
import { clinicalTime } from '@lienthong/result-exchange/provider-kit';

// ————————————————————————————————————————— the search box

/** What the search box understood: an identifier with its system, or why it could not. */
export type SearchTarget =
  | { ok: true; type: IdentifierType; system: string; value: string }
  | { ok: false; message: string; messageVi: string };

/** Reads the search box with `@lienthong/patient-id`'s `safeParseIdentifier` (CCCD, CMND, BHYT, passport). */
export function searchTarget(input: string): SearchTarget {
  const value = input.replace(/\s+/g, '').toUpperCase();
  const checked = safeParseIdentifier(value);
  if (!checked.ok) return { ok: false, message: checked.error.message, messageVi: checked.error.messageVi };
  const type = checked.value.type;
  if (type === 'facility') {
    return {
      ok: false,
      message: 'This is a facility code, not a patient identifier.',
      messageVi: 'Đây là mã cơ sở KCB, không phải mã người bệnh.',
    };
  }
  return { ok: true, type, system: DEFAULT_IDENTIFIER_SYSTEMS[type], value };
}

// ————————————————————————————————————————— the timeline

/** The facility a report is shown under: the performing facility, else the lab, else the orderer. */
export function facilityOf(report: LabReport): { key: string; code?: string; name?: string } {
  const f = report.performingFacility ?? report.lab ?? report.orderingFacility;
  const key = f?.code ?? f?.name ?? '?';
  return { key, ...(f?.code ? { code: f.code } : {}), ...(f?.name ? { name: f.name } : {}) };
}

export interface FacilityGroup {
  key: string;
  code?: string;
  name?: string;
  /** Newest first. */
  reports: LabReport[];
}

const timeOf = (r: LabReport) => {
  const t = clinicalTime(r);
  return t ? instantOf(t) : Number.NEGATIVE_INFINITY;
};

/** Only the newest version of each report id (the hub's query may return one per version). */
export function latestVersions(reports: readonly LabReport[]): LabReport[] {
  const latest = new Map<string, LabReport>();
  for (const r of reports) {
    const prev = latest.get(r.id);
    if (!prev || (r.version ?? 0) >= (prev.version ?? 0)) latest.set(r.id, r);
  }
  return [...latest.values()];
}

/** Reports grouped by facility; groups ordered by their newest report, reports newest first. */
export function timelineByFacility(reports: readonly LabReport[]): FacilityGroup[] {
  const groups = new Map<string, FacilityGroup>();
  for (const r of latestVersions(reports)) {
    const f = facilityOf(r);
    const g = groups.get(f.key) ?? { ...f, reports: [] };
    if (!g.name && f.name) g.name = f.name;
    g.reports.push(r);
    groups.set(f.key, g);
  }
  const list = [...groups.values()];
  for (const g of list) g.reports.sort((a, b) => timeOf(b) - timeOf(a));
  return list.sort((a, b) => timeOf(b.reports[0]!) - timeOf(a.reports[0]!));
}

// ————————————————————————————————————————— analytes and trends

/** Analytes with a molar mass, so mass and substance units convert both ways (UCUM via the SDK). */
const MOLAR: Readonly<Record<string, { molarMass: number; units: readonly string[] }>> = {
  // Published insurance service codes (docs/en/guide/domain.md): glucose, creatinine.
  [`${DEFAULT_LAB_SYSTEMS.serviceCode}|23.0075.1494`]: {
    molarMass: MOLAR_MASS.glucose,
    units: ['mmol/L', 'mg/dL'],
  },
  [`${DEFAULT_LAB_SYSTEMS.serviceCode}|23.0051.1494`]: {
    molarMass: MOLAR_MASS.creatinine,
    units: ['umol/L', 'mg/dL'],
  },
};

export interface Analyte {
  /** `system|code` of the code the analyte is known by. */
  key: string;
  code: { system: string; code: string };
  name: string;
  /** UCUM units its results were reported in, most frequent first. */
  unitsSeen: string[];
  /** Units the chart can be drawn in. */
  unitChoices: string[];
  /** The chart's default unit. */
  unit: string;
  molarMass?: number;
  /** Quantity results (all versions' latest). */
  count: number;
}

const KIND_RANK = { serviceCode: 0, national: 1, loinc: 2, technique: 3, local: 4, other: 5 } as const;

/** The code an observation is charted by: an insurance service code, else national, else LOINC, else the first. */
export function analyteCode(codes: readonly LabCoding[]): LabCoding | undefined {
  return [...codes].sort((a, b) => KIND_RANK[codeKind(a.system)] - KIND_RANK[codeKind(b.system)])[0];
}

const nameOf = (o: LabObservation, c: LabCoding) => o.name ?? c.display ?? c.code;

/** Every analyte with quantity results, most results first. */
export function analytesOf(reports: readonly LabReport[]): Analyte[] {
  const acc = new Map<string, { code: LabCoding; name: string; units: Map<string, number>; count: number }>();
  for (const r of latestVersions(reports)) {
    if (r.status === 'cancelled') continue;
    for (const o of r.observations) {
      if (o.value?.kind !== 'quantity' || !o.value.unit) continue;
      if (o.status === 'cancelled' || o.status === 'entered-in-error') continue;
      const c = analyteCode(o.codes);
      if (!c) continue;
      const key = `${c.system}|${c.code}`;
      const a = acc.get(key) ?? { code: c, name: nameOf(o, c), units: new Map(), count: 0 };
      a.units.set(o.value.unit, (a.units.get(o.value.unit) ?? 0) + 1);
      a.count++;
      acc.set(key, a);
    }
  }
  return [...acc.entries()]
    .map(([key, a]): Analyte => {
      const unitsSeen = [...a.units.entries()].sort((x, y) => y[1] - x[1]).map(([u]) => u);
      const molar = MOLAR[key];
      const unitChoices = [...new Set([...(molar?.units ?? []), ...unitsSeen])];
      return {
        key,
        code: { system: a.code.system, code: a.code.code },
        name: a.name,
        unitsSeen,
        unitChoices,
        unit: molar?.units[0] ?? unitsSeen[0]!,
        ...(molar ? { molarMass: molar.molarMass } : {}),
        count: a.count,
      };
    })
    .sort((x, y) => y.count - x.count || x.name.localeCompare(y.name));
}

/** The analyte's trend in `unit` (default: the analyte's), by `@lienthong/result-exchange`'s `buildTrend`. */
export function trendOf(reports: readonly LabReport[], analyte: Analyte, unit = analyte.unit): Trend {
  return buildTrend(reports, {
    codes: [analyte.code],
    unit,
    ...(analyte.molarMass === undefined ? {} : { molarMass: analyte.molarMass }),
  });
}

/** Distinct labs of a trend, in order of first appearance. */
export function labsOf(trend: Trend): string[] {
  return [...new Set(trend.points.map((p) => p.lab?.name ?? p.lab?.code ?? '?'))];
}

// ————————————————————————————————————————— reuse badges

/** The code a reuse check is asked for: the report's insurance service code, else its first code. */
export function orderCodeOf(report: LabReport): { system: string; code: string } | undefined {
  const c =
    report.codes.find((x) => codeKind(x.system) === 'serviceCode') ??
    report.codes[0] ??
    analyteCode(report.observations.flatMap((o) => o.codes));
  return c ? { system: c.system, code: c.code } : undefined;
}

export type BadgeKind = 'reusable' | 'expired' | 'not-final' | 'not-reusable' | 'unknown';

export interface Badge {
  kind: BadgeKind;
  /** Why, in English and Vietnamese (the hub's reasons, or the viewer's own). */
  reasons: { code: string; message: string; messageVi: string }[];
}

/** Longest validity window of the default policy, in days (older results never qualify). */
export const LONGEST_WINDOW_DAYS =
  Math.max(...DRAFT_2026_REUSE_POLICY.groups.map((g) => g.validityHours)) / 24;

/**
 * The badge of one report from the hub's reuse advice (`POST /v1/reuse-check`). A report the advice
 * does not list is `expired` when it is older than every window of the policy (the hub does not
 * look that far back), `unknown` otherwise.
 */
export function badgeOf(report: LabReport, advice: readonly ReuseAdvice[], now: Date): Badge {
  const find = (list: (a: ReuseAdvice) => ReuseCandidate[]) =>
    advice.flatMap(list).find((c) => c.reportId === report.id);
  const reusable = find((a) => a.reusable);
  if (reusable) return { kind: 'reusable', reasons: reusable.reasons };
  const rejected = find((a) => a.rejected);
  if (rejected) {
    const codes = rejected.reasons.map((r) => r.code);
    const kind: BadgeKind = codes.includes('EXPIRED')
      ? 'expired'
      : codes.includes('NOT_FINAL')
        ? 'not-final'
        : 'not-reusable';
    return { kind, reasons: rejected.reasons };
  }
  const t = clinicalTime(report);
  if (t && now.getTime() - instantOf(t) > LONGEST_WINDOW_DAYS * 86_400_000) {
    return {
      kind: 'expired',
      reasons: [
        {
          code: 'OLDER_THAN_EVERY_WINDOW',
          message: `Older than every reuse window (the longest is ${LONGEST_WINDOW_DAYS} days).`,
          messageVi: `Đã quá mọi thời hạn dùng lại (dài nhất ${LONGEST_WINDOW_DAYS} ngày).`,
        },
      ],
    };
  }
  return { kind: 'unknown', reasons: [] };
}

// ————————————————————————————————————————— values

/** An observation's value as text, with its unit as the lab wrote it. */
export function valueText(o: LabObservation, format: (n: number) => string): string | undefined {
  const v = o.value;
  if (!v) return undefined;
  const unit = (u?: string, orig?: string) => orig ?? (u ? unitLabel(u) : '');
  switch (v.kind) {
    case 'quantity':
      return `${v.comparator ?? ''}${format(v.value)} ${unit(v.unit, v.originalUnit)}`.trim();
    case 'coded':
      return v.text ?? v.codings.map((c) => c.display ?? c.code).join(', ');
    case 'text':
      return v.text;
    case 'ratio':
      return `${format(v.numerator.value)}/${format(v.denominator.value)}`;
    case 'range':
      return `${v.low ? format(v.low.value) : ''}–${v.high ? format(v.high.value) : ''}`;
  }
}

/** A reference range as text (`3.9–6.4`, `< 5`, or the lab's own wording). */
export function rangeText(o: LabObservation, format: (n: number) => string): string | undefined {
  const r = o.referenceRange?.[0];
  if (!r) return undefined;
  if (r.low !== undefined && r.high !== undefined) return `${format(r.low)}–${format(r.high)}`;
  if (r.low !== undefined) return `≥ ${format(r.low)}`;
  if (r.high !== undefined) return `≤ ${format(r.high)}`;
  return r.text;
}

/** `H`/`L`/… from the lab's interpretation, else from the range. */
export function flagOf(o: LabObservation): string | undefined {
  const given = o.interpretation?.find((i) => i !== 'N');
  if (given) return given;
  if (o.interpretation?.includes('N')) return undefined;
  const v = o.value;
  const r = o.referenceRange?.[0];
  if (v?.kind !== 'quantity' || !r) return undefined;
  if (r.high !== undefined && v.value > r.high) return 'H';
  if (r.low !== undefined && v.value < r.low) return 'L';
  return undefined;
}

const SUPERSCRIPT = '⁰¹²³⁴⁵⁶⁷⁸⁹';

/** A UCUM unit as people read it: `10*9/L` → `10⁹/L`, `umol/L` → `µmol/L` (the code itself is unchanged). */
export function unitLabel(ucum: string): string {
  return ucum
    .replace(/10\*(\d+)/g, (_, exp: string) => `10${[...exp].map((d) => SUPERSCRIPT[Number(d)]).join('')}`)
    .replace(/(^|[^a-z])u(mol|g|L|l|IU|\/)/g, '$1µ$2');
}
