import type { Icd10 } from '@lienthong/catalogue/icd10';
import { normalizeIcd10Code } from '@lienthong/catalogue/icd10';
import type { IdentifierValue } from '@lienthong/core';
import { instantOf } from '@lienthong/core/contract';
import type { LabReport } from '@lienthong/result-exchange';
import { clinicalTime } from '@lienthong/result-exchange/provider-kit';
import type {
  PatientSummary,
  SummaryImaging,
  SummaryMedication,
  SummaryProblem,
  SummaryProcedure,
} from '../history/summary-model.js';
import type { Coding, Visit } from '../model.js';
import { visitKey } from './publish.js';
import { visitStart } from './query.js';

/**
 * How far back "current" and "recent" medications and "recent" lab results reach. These are the
 * SDK's defaults for a readable summary, not national rules: set them to your clinical policy.
 */
export interface SummaryWindows {
  /** A medication given within this many days before `asOf` (or in an open visit) is `current`. Default 30. */
  currentDays?: number;
  /** A medication given within this many days is `recent`; older ones are left to the visits. Default 365. */
  recentDays?: number;
  /** At most this many lab reports, newest first. Default 20. */
  labResults?: number;
}

/** Options of {@link summarizeVisits}. */
export interface SummarizeOptions extends SummaryWindows {
  /** The instant of the summary (ISO 8601); default now. */
  asOf?: string;
  /** ICD-10 (`loadIcd10()`): problems and main diagnoses carry their Vietnamese names. */
  icd10?: Pick<Icd10, 'lookup'>;
  /** The patient's imaging studies, from an imaging registry (the summary lists them newest first). */
  imaging?: readonly SummaryImaging[];
  /** Diagnoses a sensitive-diagnosis policy withheld before the visits were given here. */
  withheld?: number;
}

const DAY = 86_400_000;

/**
 * Epoch milliseconds of ISO times, each parsed once per summary: the sorts below compare the same
 * times many times over (a summary of 50 visits sorts hundreds of medications and procedures).
 */
type Instants = (iso: string) => number;
function instants(): Instants {
  const known = new Map<string, number>();
  return (iso) => {
    let ms = known.get(iso);
    if (ms === undefined) {
      ms = instantOf(iso);
      known.set(iso, ms);
    }
    return ms;
  };
}

/** The latest (or earliest) of some ISO times, by instant; undefined when none. */
function extreme(times: readonly string[], ms: Instants, later: boolean): string | undefined {
  let best: string | undefined;
  for (const t of times) if (!best || (later ? ms(t) > ms(best) : ms(t) < ms(best))) best = t;
  return best;
}

/** Newest first by an optional time; undefined last. */
const newestFirst = (ms: Instants) => (a?: string, b?: string) =>
  (b ? ms(b) : Number.NEGATIVE_INFINITY) - (a ? ms(a) : Number.NEGATIVE_INFINITY);

function problems(
  visits: readonly Visit[],
  icd10: SummarizeOptions['icd10'],
  ms: Instants,
): SummaryProblem[] {
  const byCode = new Map<string, SummaryProblem & { times: string[] }>();
  for (const v of visits) {
    const at = v.admittedAt ?? v.dischargedAt;
    const seen = new Set<string>();
    for (const [coding, main] of [
      ...(v.mainDiagnosis ? [[v.mainDiagnosis, true] as const] : []),
      ...v.secondaryDiagnoses.map((c) => [c, false] as const),
    ]) {
      // `J189` and `J18.9` are one problem: grouped by the list's spelling.
      const code = normalizeIcd10Code(coding.code) ?? coding.code;
      if (seen.has(code)) continue;
      seen.add(code);
      const p = byCode.get(code) ?? {
        code: { system: coding.system, code, ...display(icd10, code) },
        main: false,
        facilities: [],
        visits: 0,
        times: [],
      };
      p.main ||= main;
      p.visits++;
      if (v.facility && !p.facilities.includes(v.facility)) p.facilities.push(v.facility);
      if (at) p.times.push(at);
      byCode.set(code, p);
    }
  }
  return [...byCode.values()]
    .map(({ times, ...p }) => {
      const firstSeen = extreme(times, ms, false);
      const lastSeen = extreme(times, ms, true);
      return { ...p, ...(firstSeen ? { firstSeen } : {}), ...(lastSeen ? { lastSeen } : {}) };
    })
    .sort((a, b) => newestFirst(ms)(a.lastSeen, b.lastSeen) || (a.code.code < b.code.code ? -1 : 1));
}

function display(icd10: SummarizeOptions['icd10'], code: string): { display?: string } {
  const name = icd10?.lookup(code)?.display;
  return name ? { display: name } : {};
}

const MEDICATION_FIELDS = ['code', 'name', 'strength', 'route', 'dose', 'directions'] as const;

function medications(
  visits: readonly Visit[],
  asOf: number,
  windows: Required<SummaryWindows>,
  ms: Instants,
): SummaryMedication[] {
  const out: SummaryMedication[] = [];
  for (const v of visits) {
    const open = !v.dischargedAt;
    const visit = visitKey(v);
    const fallback = v.dischargedAt ?? v.admittedAt;
    for (const m of v.medications) {
      const at = m.administeredAt ?? m.orderedAt ?? fallback;
      const age = at ? (asOf - ms(at)) / DAY : Number.POSITIVE_INFINITY;
      const status =
        open || age <= windows.currentDays ? 'current' : age <= windows.recentDays ? 'recent' : undefined;
      if (!status) continue;
      // Built field by field, in the contract's order: no intermediate objects per medication.
      const item = pick(m, MEDICATION_FIELDS) as SummaryMedication;
      if (at) item.at = at;
      if (v.facility) item.facility = v.facility;
      item.visit = visit;
      item.status = status;
      out.push(item);
    }
  }
  const order = newestFirst(ms);
  return out.sort((a, b) => order(a.at, b.at));
}

function procedures(visits: readonly Visit[], ms: Instants): SummaryProcedure[] {
  const out: SummaryProcedure[] = [];
  for (const v of visits) {
    const seen = new Set<string>();
    const add = (code: Coding, at: string | undefined, name?: string) => {
      if (seen.has(code.code)) return;
      seen.add(code.code);
      out.push({
        code: { system: code.system, code: code.code },
        ...(name ? { name } : {}),
        ...(at ? { at } : {}),
        ...(v.facility ? { facility: v.facility } : {}),
        visit: visitKey(v),
      });
    };
    // A service names its procedure and when it was done; the visit's own list adds the rest.
    for (const s of v.services) for (const p of s.procedures) add(p, s.performedAt ?? s.orderedAt, s.name);
    for (const p of v.procedures) add(p, v.dischargedAt ?? v.admittedAt);
  }
  const order = newestFirst(ms);
  return out.sort((a, b) => order(a.at, b.at));
}

const pick = <T extends object, K extends keyof T>(o: T, keys: readonly K[]): Partial<Pick<T, K>> => {
  const out: Partial<Pick<T, K>> = {};
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out;
};

// What summarizeVisits and discloseVisits read of a visit besides its lists (codings, lab reports,
// identifiers): summaryView keeps these and nothing else. A field read above must be listed here
// (test/summary-view.prop.test.ts compares the summaries of visits and of their views).
const VIEW_VISIT_FIELDS = [
  'facility',
  'visitType',
  'admittedAt',
  'inpatientAt',
  'dischargedAt',
  'mainDiagnosis',
] as const;
const VIEW_MEDICATION_FIELDS = [...MEDICATION_FIELDS, 'administeredAt', 'orderedAt'] as const;
const VIEW_SERVICE_FIELDS = ['name', 'performedAt', 'orderedAt'] as const;

/**
 * The part of a visit its summary is made from — dates, diagnoses, procedures, medications, lab
 * reports, the patient's identifiers, name, birth and sex — as a `Visit` whose other fields are
 * empty (notes, source rows, verbatim tables, quantities…). `summarizeVisits` (after
 * `discloseVisits`) gives the same summary from views as from the visits, so a store can keep each
 * visit's view beside it and make summaries from less JSON (the hub does).
 * @example const same = summarizeVisits(visits.map(summaryView), { patient });
 */
export function summaryView(visit: Visit): Visit {
  const { patient } = visit;
  return {
    id: visit.id,
    ...pick(visit, VIEW_VISIT_FIELDS),
    patient: { ...pick(patient, ['name', 'birth', 'sex']), identifiers: patient.identifiers },
    secondaryDiagnoses: visit.secondaryDiagnoses,
    traditionalDiagnoses: [],
    procedures: visit.procedures,
    followUpDates: [],
    medications: visit.medications.map((m) => ({ ...pick(m, VIEW_MEDICATION_FIELDS), source: {} })),
    services: visit.services.map((s) => ({
      ...pick(s, VIEW_SERVICE_FIELDS),
      procedures: s.procedures,
      diagnoses: s.diagnoses,
      source: {},
    })),
    notes: [],
    labReports: visit.labReports,
    labRows: [],
    otherTables: [],
    source: {},
  };
}

/**
 * The patient's summary from their visits (current versions, any order): the rule every provider
 * shares, so swapping providers gives the same summary. `patient` is the identifier the reader
 * asked with; the summary lists every identifier the visits carry.
 * @example const summary = summarizeVisits(await collect(history.query({ patient })), { patient, icd10 });
 */
export function summarizeVisits(
  visits: readonly Visit[],
  options: SummarizeOptions & { patient: IdentifierValue },
): PatientSummary {
  const asOf = options.asOf ?? new Date().toISOString();
  const windows: Required<SummaryWindows> = {
    currentDays: options.currentDays ?? 30,
    recentDays: options.recentDays ?? 365,
    labResults: options.labResults ?? 20,
  };
  const ms = instants();
  const order = newestFirst(ms);
  // Each visit's sort key once (byVisitStartDesc would work it out at every comparison).
  const sorted = visits
    .map((v) => ({ v, start: visitStart(v), key: visitKey(v) }))
    .sort((a, b) => b.start - a.start || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map((x) => x.v);
  // The visits' identifiers, newest visit first, so the summary is the same whichever one was asked.
  const identifiers = new Map<string, IdentifierValue>();
  for (const v of sorted) for (const i of v.patient.identifiers) identifiers.set(`${i.system}|${i.value}`, i);
  if (identifiers.size === 0) identifiers.set('', options.patient);
  const newest = sorted[0]?.patient;
  const labs: LabReport[] = sorted
    .flatMap((v) => v.labReports.map((r) => ({ r, at: clinicalTime(r) })))
    .sort((a, b) => order(a.at, b.at))
    .slice(0, windows.labResults)
    .map((x) => x.r);
  return {
    patient: {
      identifiers: [...identifiers.values()],
      ...(newest ? pick(newest, ['name', 'birth', 'sex']) : {}),
    },
    asOf,
    problems: problems(sorted, options.icd10, ms),
    medications: medications(sorted, instantOf(asOf), windows, ms),
    procedures: procedures(sorted, ms),
    encounters: sorted.map((v) => ({
      visit: visitKey(v),
      ...pick(v, ['facility', 'visitType', 'admittedAt', 'inpatientAt', 'dischargedAt']),
      ...(v.mainDiagnosis
        ? { mainDiagnosis: { ...v.mainDiagnosis, ...display(options.icd10, v.mainDiagnosis.code) } }
        : {}),
    })),
    labResults: labs,
    imaging: [...(options.imaging ?? [])].sort((a, b) => order(a.startedAt, b.startedAt)),
    withheld: options.withheld ?? 0,
  };
}
