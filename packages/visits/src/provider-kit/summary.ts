import type { Icd10 } from '@lienthong/catalogue/icd10';
import { normalizeIcd10Code } from '@lienthong/catalogue/icd10';
import type { IdentifierValue } from '@lienthong/core';
import { instantOf } from '@lienthong/core/contract';
import type { PatientSummary, SummaryImaging, SummaryProblem } from '../history/summary-model.js';
import type { Coding, Visit } from '../model.js';
import {
  type DisclosurePolicy,
  type DisclosureReader,
  readerDisclosure,
  visitDisclosure,
} from './disclosure.js';
import { pick, type SummaryParts, summaryParts, type TimedJson } from './summary-parts.js';

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

/** Epoch milliseconds of an optional ISO time; a missing one is the oldest of all (-∞). */
const instant = (at: string | null | undefined): number => (at ? instantOf(at) : Number.NEGATIVE_INFINITY);

/** Options of {@link summaryJson}: those of `summarizeVisits`, and the reader a disclosure policy applies to. */
export interface SummaryJsonOptions extends SummarizeOptions {
  /** The identifier the reader asked with. */
  patient: IdentifierValue;
  /** Sensitive diagnoses withheld from `reader` (with `reader`), as `discloseVisits` would. */
  disclosure?: { policy: DisclosurePolicy; reader: DisclosureReader };
}

/** A summary as JSON text in pieces (their concatenation is the JSON), and what it withheld. */
export interface SummaryJson {
  pieces: string[];
  withheld: number;
}

/** A visit's parts as the reader sees them: its diagnoses after disclosure, its start instant. */
interface Shown {
  parts: SummaryParts;
  main: Coding | undefined;
  secondary: readonly Coding[];
  start: number;
  seen: number;
}

/** The parts a reader may see, with the diagnoses they may see, and how many diagnoses were withheld. */
function disclosed(
  all: readonly SummaryParts[],
  options: SummaryJsonOptions,
): { shown: Shown[]; withheld: number } {
  const disclosure =
    options.disclosure && readerDisclosure(options.disclosure.policy, options.disclosure.reader);
  let withheld = options.withheld ?? 0;
  const shown: Shown[] = [];
  for (const parts of all) {
    let main = parts.mainDiagnosis;
    let secondary: readonly Coding[] = parts.secondaryDiagnoses;
    if (disclosure) {
      const diagnoses = [...(main ? [main] : []), ...secondary, ...parts.serviceDiagnoses];
      const seen = visitDisclosure(disclosure, parts.facility, diagnoses);
      withheld += seen.withheld;
      if (seen.shown === 'none') continue;
      if (seen.shown === 'some') {
        if (main && disclosure.hides(main)) main = undefined;
        secondary = secondary.filter((c) => !disclosure.hides(c));
      }
    }
    shown.push({ parts, main, secondary, start: instant(parts.start), seen: instant(parts.seenAt) });
  }
  return { shown, withheld };
}

/** A problem being gathered: the first and last times it was seen, kept as the visits go by. */
interface Gathered {
  /** Its coding's JSON, named. */
  code: string;
  main: boolean;
  facilities: string[];
  visits: number;
  first?: string;
  last?: string;
  /** Their instants; -∞ while none was seen. */
  firstAt: number;
  lastAt: number;
}

function problemsJson(visits: readonly Shown[], icd10: SummarizeOptions['icd10']): string[] {
  const byCode = new Map<string, Gathered>();
  for (const { parts, main, secondary, seen: t } of visits) {
    const at = parts.seenAt;
    const seen = new Set<string>();
    const codings = main ? [main, ...secondary] : secondary;
    for (const [i, coding] of codings.entries()) {
      // `J189` and `J18.9` are one problem: grouped by the list's spelling.
      const code = normalizeIcd10Code(coding.code) ?? coding.code;
      if (seen.has(code)) continue;
      seen.add(code);
      let p = byCode.get(code);
      if (!p) {
        p = {
          code: codingJson(coding.system, code, icd10),
          main: false,
          facilities: [],
          visits: 0,
          firstAt: Number.NEGATIVE_INFINITY,
          lastAt: Number.NEGATIVE_INFINITY,
        };
        byCode.set(code, p);
      }
      p.main ||= main !== undefined && i === 0;
      p.visits++;
      if (parts.facility && !p.facilities.includes(parts.facility)) p.facilities.push(parts.facility);
      // The earliest and latest by instant; of equal instants, the one seen first.
      if (at) {
        if (!p.first || t < p.firstAt) {
          p.first = at;
          p.firstAt = t;
        }
        if (!p.last || t > p.lastAt) {
          p.last = at;
          p.lastAt = t;
        }
      }
    }
  }
  // Among equal times, by code (the map's keys).
  return [...byCode]
    .sort(([ka, a], [kb, b]) => b.lastAt - a.lastAt || (ka < kb ? -1 : 1))
    .map(([, p]) => {
      const seen = p.first
        ? `,"firstSeen":${JSON.stringify(p.first)},"lastSeen":${JSON.stringify(p.last)}`
        : '';
      // SummaryProblem's members in the contract's order.
      return `{"code":${p.code},"main":${p.main},"facilities":${JSON.stringify(p.facilities)},"visits":${p.visits}${seen}}`;
    });
}

/** A coding as summaries show it: with its ICD-10 name when the list has one. */
function named(coding: Coding, code: string, icd10: SummarizeOptions['icd10']): SummaryProblem['code'] {
  const name = icd10?.lookup(code)?.display;
  return name ? { ...coding, code, display: name } : { ...coding, code };
}

const NO_LIST = {};
const MAX_KEPT_CODINGS = 50_000;
/**
 * JSON of `{system, code}` named ({@link named}), kept per ICD-10 list: a summary lists a hundred
 * problems and the same codes recur from patient to patient, their names in two-byte text that
 * costs more to serialize than the rest of a problem.
 */
const codingTexts = new WeakMap<object, Map<string, string>>();
function codingJson(system: string, code: string, icd10: SummarizeOptions['icd10']): string {
  const list = icd10 ?? NO_LIST;
  let texts = codingTexts.get(list);
  if (!texts || texts.size >= MAX_KEPT_CODINGS) {
    texts = new Map();
    codingTexts.set(list, texts);
  }
  const key = `${system}|${code}`;
  let text = texts.get(key);
  if (text === undefined) {
    text = JSON.stringify(named({ system, code }, code, icd10));
    texts.set(key, text);
  }
  return text;
}

/** Entries newest first by their time (none last), as JSON text; the sort is stable. */
function newestEntries(entries: readonly TimedJson[]): string[] {
  return newestFirst(entries.map(([at, json]) => ({ json, t: instant(at) })));
}

/** JSON texts at their instants, newest first (a stable sort: equal instants keep their order). */
const newestFirst = (entries: { json: string; t: number }[]): string[] =>
  entries.sort((a, b) => b.t - a.t).map((e) => e.json);

function medicationsJson(
  visits: readonly Shown[],
  asOf: number,
  windows: Required<SummaryWindows>,
): string[] {
  const out: { json: string; t: number }[] = [];
  for (const { parts } of visits)
    for (const [at, json] of parts.medications) {
      const t = instant(at);
      const age = (asOf - t) / DAY;
      const status =
        parts.open || age <= windows.currentDays
          ? 'current'
          : age <= windows.recentDays
            ? 'recent'
            : undefined;
      if (status) out.push({ json: `${json},"status":"${status}"}`, t });
    }
  return newestFirst(out);
}

function encounterJson({ parts, main }: Shown, icd10: SummarizeOptions['icd10']): string {
  if (!main) return `${parts.encounter}}`;
  return `${parts.encounter},"mainDiagnosis":${JSON.stringify(named(main, main.code, icd10))}}`;
}

/** `{"name":[a,b,…]` member by member: the pieces of a JSON object whose members are given as text. */
function objectPieces(
  members: readonly (readonly [name: string, value: string | readonly string[]])[],
): string[] {
  const pieces: string[] = [];
  for (const [name, value] of members) {
    pieces.push(`${pieces.length ? ',' : '{'}"${name}":`);
    if (typeof value === 'string') pieces.push(value);
    else {
      // A loop, not push(...items): a long history must not reach the engine's argument limit.
      pieces.push('[');
      for (const [i, item] of value.entries()) pieces.push(i ? `,${item}` : item);
      pieces.push(']');
    }
  }
  pieces.push('}');
  return pieces;
}

/**
 * The patient's summary as JSON text, assembled from their visits' {@link SummaryParts} (current
 * versions, any order) — the rule of `summarizeVisits`, which is made with it: with `disclosure`,
 * the parts are first disclosed as `discloseVisits` would disclose the visits. A store that keeps
 * each visit's parts answers a summary without parsing whole visits or serializing the summary;
 * `pieces` are small strings, cheap to encode one by one.
 * @example const { pieces } = summaryJson(stored.map((t) => JSON.parse(t)), { patient, icd10 });
 */
export function summaryJson(parts: readonly SummaryParts[], options: SummaryJsonOptions): SummaryJson {
  const asOf = options.asOf ?? new Date().toISOString();
  const windows: Required<SummaryWindows> = {
    currentDays: options.currentDays ?? 30,
    recentDays: options.recentDays ?? 365,
    labResults: options.labResults ?? 20,
  };
  const { shown, withheld } = disclosed(parts, options);
  shown.sort(
    (a, b) => b.start - a.start || (a.parts.key < b.parts.key ? -1 : a.parts.key > b.parts.key ? 1 : 0),
  );
  // The visits' identifiers, newest visit first, so the summary is the same whichever one was asked.
  const identifiers = new Map<string, IdentifierValue>();
  for (const { parts: p } of shown)
    for (const i of p.patient.identifiers) identifiers.set(`${i.system}|${i.value}`, i);
  if (identifiers.size === 0) identifiers.set('', options.patient);
  const newest = shown[0]?.parts.patient;
  const patient = {
    identifiers: [...identifiers.values()],
    ...(newest ? pick(newest, ['name', 'birth', 'sex']) : {}),
  };
  const imaging = (options.imaging ?? []).map((i) => ({ json: JSON.stringify(i), t: instant(i.startedAt) }));
  const pieces = objectPieces([
    ['patient', JSON.stringify(patient)],
    ['asOf', JSON.stringify(asOf)],
    ['problems', problemsJson(shown, options.icd10)],
    ['medications', medicationsJson(shown, instantOf(asOf), windows)],
    ['procedures', newestEntries(shown.flatMap((s) => s.parts.procedures))],
    ['encounters', shown.map((s) => encounterJson(s, options.icd10))],
    ['labResults', newestEntries(shown.flatMap((s) => s.parts.labReports)).slice(0, windows.labResults)],
    ['imaging', newestFirst(imaging)],
    ['withheld', String(withheld)],
  ]);
  return { pieces, withheld };
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
  return JSON.parse(summaryJson(visits.map(summaryParts), options).pieces.join('')) as PatientSummary;
}
