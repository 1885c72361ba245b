/**
 * What the visit-history view shows, decided from the hub's patient summary and visits: pure
 * functions, no DOM, so they are tested without a browser. Drawing is `history-view.ts`.
 */
import type { ImagingReference } from '@lienthong/imaging';
import type { LabReport } from '@lienthong/result-exchange';
import type { PatientSummary, SummaryEncounter, SummaryMedication, Visit } from '@lienthong/visits';

const DAY = 86_400_000;

/** Milliseconds of an ISO date or date-time; a bare date is midnight Vietnam time. */
export function instantOf(iso: string): number {
  return Date.parse(iso.length === 10 ? `${iso}T00:00:00+07:00` : iso);
}

/** The key the hub gives a visit (`facility:MA_LK`), as the summary's `visit` fields name it. */
export const visitKeyOf = (v: Pick<Visit, 'facility' | 'id'>): string => `${v.facility ?? ''}:${v.id}`;

/**
 * Facility names by code. Visits carry only MA_CSKCB; the lab reports and imaging studies of the
 * same hub name their facilities, so a name is shown wherever one is known.
 */
export function facilityNames(
  reports: readonly LabReport[],
  imaging: readonly ImagingReference[] = [],
): Map<string, string> {
  const names = new Map<string, string>();
  const add = (f: { code?: string | undefined; name?: string | undefined } | undefined) => {
    if (f?.code && f.name && !names.has(f.code)) names.set(f.code, f.name);
  };
  for (const r of reports) {
    add(r.performingFacility);
    add(r.lab);
  }
  for (const i of imaging) add(i.performingFacility);
  return names;
}

/** ICD-10 names by code, from the summary (the hub names them from its ICD-10 list, in Vietnamese). */
export function diagnosisNames(summary: PatientSummary): Map<string, string> {
  const names = new Map<string, string>();
  for (const p of summary.problems) if (p.code.display) names.set(p.code.code, p.code.display);
  for (const e of summary.encounters)
    if (e.mainDiagnosis?.display) names.set(e.mainDiagnosis.code, e.mainDiagnosis.display);
  return names;
}

/** One stay or visit on the timeline. */
export interface Period {
  visit: string;
  facility?: string;
  /** Inpatient admission when there is one, else the visit's start. */
  start: string;
  end?: string;
  /** No discharge yet: runs until the summary's `asOf`. */
  ongoing: boolean;
  inpatient: boolean;
  /** Calendar days in Vietnam time, counting both ends (an outpatient visit is 1). */
  days: number;
  mainDiagnosis?: { code: string; display?: string };
}

const vnDay = (t: number) => Math.floor((t + 7 * 3_600_000) / DAY);

/** The visits as periods, newest start first; a visit with no readable start is left out. */
export function periodsOf(encounters: readonly SummaryEncounter[], asOf: string): Period[] {
  const now = instantOf(asOf);
  const out: Period[] = [];
  for (const e of encounters) {
    const start = e.inpatientAt ?? e.admittedAt;
    if (!start || Number.isNaN(instantOf(start))) continue;
    const end = e.dischargedAt && !Number.isNaN(instantOf(e.dischargedAt)) ? e.dischargedAt : undefined;
    const endAt = end ? instantOf(end) : Math.max(now, instantOf(start));
    out.push({
      visit: e.visit,
      ...(e.facility ? { facility: e.facility } : {}),
      start,
      ...(end ? { end } : {}),
      ongoing: !end,
      inpatient: e.inpatientAt !== undefined,
      days: Math.max(1, vnDay(endAt) - vnDay(instantOf(start)) + 1),
      ...(e.mainDiagnosis ? { mainDiagnosis: e.mainDiagnosis } : {}),
    });
  }
  return out.sort((a, b) => instantOf(b.start) - instantOf(a.start));
}

/** A bar of the timeline, in percent of the axis. */
export interface Bar {
  period: Period;
  x: number;
  width: number;
}

export interface TimelineGeometry {
  from: number;
  to: number;
  /** One row per facility, the one with the newest period first; bars oldest first within a row. */
  rows: { facility: string; bars: Bar[] }[];
}

/**
 * Where each period sits on a shared axis from the oldest start to `asOf` (or the latest end).
 * A one-day outpatient visit would be a sliver: bars are at least `minWidth` percent wide, and
 * pulled left so they never overflow the axis.
 */
export function timelineGeometry(periods: readonly Period[], asOf: string, minWidth = 1.5): TimelineGeometry {
  if (periods.length === 0) return { from: 0, to: 0, rows: [] };
  const starts = periods.map((p) => instantOf(p.start));
  const ends = periods.map((p) => (p.end ? instantOf(p.end) : instantOf(asOf)));
  const from = Math.min(...starts);
  const to = Math.max(...ends, from + DAY);
  const span = to - from;
  const rows = new Map<string, Bar[]>();
  periods.forEach((period, i) => {
    const width = Math.max(minWidth, ((Math.max(ends[i]!, starts[i]!) - starts[i]!) / span) * 100);
    const x = Math.min(((starts[i]! - from) / span) * 100, 100 - width);
    const key = period.facility ?? '';
    rows.set(key, [...(rows.get(key) ?? []), { period, x, width }]);
  });
  // `periods` is newest first, so a Map in insertion order already puts the newest facility first.
  return {
    from,
    to,
    rows: [...rows].map(([facility, bars]) => ({ facility, bars: bars.reverse() })),
  };
}

/** A medication as listed: the rows of one drug in one visit folded into one, with its last date. */
export interface MedicationLine {
  name: string;
  strength?: string;
  dose?: string;
  directions?: string;
  facility?: string;
  visit: string;
  /** The last time it was given. */
  last?: string;
  /** The first time it was given in that visit. */
  first?: string;
  /** How many XML2 rows were folded (days given, usually). */
  rows: number;
}

/** A medication row to fold: the summary's shape, its `status` only where there is one. */
type MedicationRow = Omit<SummaryMedication, 'status'> & { status?: SummaryMedication['status'] };

/** Each drug once per visit and status (XML2 has a row per day given), newest first. */
function foldMedications(rows: readonly MedicationRow[]): (MedicationLine & Pick<MedicationRow, 'status'>)[] {
  const lines = new Map<string, MedicationLine & Pick<MedicationRow, 'status'>>();
  for (const m of rows) {
    const name = m.name ?? m.code ?? '?';
    const key = `${m.status ?? ''}|${m.visit}|${m.code ?? ''}|${name}|${m.strength ?? ''}`;
    const line = lines.get(key);
    if (!line) {
      lines.set(key, {
        name,
        ...(m.strength ? { strength: m.strength } : {}),
        ...(m.dose ? { dose: m.dose } : {}),
        ...(m.directions ? { directions: m.directions } : {}),
        ...(m.facility ? { facility: m.facility } : {}),
        visit: m.visit,
        ...(m.at ? { last: m.at, first: m.at } : {}),
        rows: 1,
        ...(m.status ? { status: m.status } : {}),
      });
      continue;
    }
    line.rows++;
    if (m.at && (!line.last || instantOf(m.at) > instantOf(line.last))) line.last = m.at;
    if (m.at && (!line.first || instantOf(m.at) < instantOf(line.first))) line.first = m.at;
  }
  return [...lines.values()].sort(
    (a, b) => (b.last ? instantOf(b.last) : 0) - (a.last ? instantOf(a.last) : 0),
  );
}

const withoutStatus = ({ status: _, ...line }: MedicationLine & { status?: string }): MedicationLine => line;

/**
 * Current and recent medications, each drug once per visit, newest first. Which list a drug is in
 * is the hub's decision (`status`); a drug both current and recent in different visits shows in
 * both, as it was given in both.
 */
export function medicationLists(medications: readonly SummaryMedication[]): {
  current: MedicationLine[];
  recent: MedicationLine[];
} {
  const lines = foldMedications(medications);
  return {
    current: lines.filter((l) => l.status === 'current').map(withoutStatus),
    recent: lines.filter((l) => l.status === 'recent').map(withoutStatus),
  };
}

/** What a visit's details list: its diagnoses (main first, named), medications and procedures. */
export interface VisitDetail {
  diagnoses: { code: string; display?: string; main: boolean }[];
  medications: MedicationLine[];
  procedures: { code: string; name?: string; at?: string }[];
}

/** A visit's details, named from its summary (`names` is {@link diagnosisNames} of `summary`). */
export function visitDetail(
  visit: Visit,
  summary: Pick<PatientSummary, 'procedures'>,
  names: ReadonlyMap<string, string>,
): VisitDetail {
  const key = visitKeyOf(visit);
  const codes = [
    ...(visit.mainDiagnosis ? [{ code: visit.mainDiagnosis.code, main: true }] : []),
    ...visit.secondaryDiagnoses.map((d) => ({ code: d.code, main: false })),
  ];
  const seen = new Set<string>();
  const diagnoses = codes
    .filter((d) => !seen.has(d.code) && seen.add(d.code))
    .map((d) => {
      const display = names.get(d.code);
      return { ...d, ...(display ? { display } : {}) };
    });
  const medications = foldMedications(
    visit.medications.map((m) => {
      const at = m.administeredAt ?? m.orderedAt;
      return {
        ...(m.code ? { code: m.code } : {}),
        ...(m.name ? { name: m.name } : {}),
        ...(m.strength ? { strength: m.strength } : {}),
        ...(m.dose ? { dose: m.dose } : {}),
        ...(m.directions ? { directions: m.directions } : {}),
        ...(at ? { at } : {}),
        visit: key,
      };
    }),
  ).map(withoutStatus);
  // The summary already lists every visit's procedures (services' first, with their time and name).
  const procedures = summary.procedures
    .filter((p) => p.visit === key)
    .map((p) => ({ code: p.code.code, ...(p.name ? { name: p.name } : {}), ...(p.at ? { at: p.at } : {}) }));
  return { diagnoses, medications, procedures };
}
