import type { IdentifierValue } from '@lienthong/core';
import { clinicalTime } from '@lienthong/result-exchange/provider-kit';
import type { Coding, Visit } from '../model.js';
import { visitKey } from './publish.js';

/** JSON text: a string, or its UTF-8 bytes (as a store reads stored parts, {@link readSummaryParts}). */
export type JsonText = string | Uint8Array;

/** A time (ISO 8601, null when there is none) and the JSON text of a summary entry made at it. */
export type TimedJson<T extends JsonText = string> = [at: string | null, json: T];

/**
 * What a patient's summary takes from one visit, made once (when the visit is stored) and kept: a
 * summary of 50 visits is then assembled from JSON text already written ({@link summaryJson})
 * instead of parsing 50 visits and serializing the result. The entries that depend on who reads
 * and when — a medication's status, the display of a main diagnosis that may be withheld — keep
 * their JSON open (the closing brace left off) for the summary to finish. A store keeps them as
 * text ({@link storedSummaryParts}; the hub keeps it beside each visit version) and reads them back
 * as text or bytes ({@link readSummaryParts}): the JSON of the entries is then taken as it is stored.
 */
export interface SummaryParts<T extends JsonText = string> {
  /** Tells parts from a `Visit` among stored documents. */
  summaryParts: 1;
  /** The visit key (`<facility>:<id>`). */
  key: string;
  /** When the visit starts (admission, else inpatient admission, else discharge): its order. */
  start?: string;
  facility?: string;
  /** When its diagnoses were seen (admission, else discharge): the problems' first and last seen. */
  seenAt?: string;
  /** Not yet discharged: its medications are current whatever their age. */
  open: boolean;
  patient: { identifiers: IdentifierValue[]; name?: string; birth?: string; sex?: Visit['patient']['sex'] };
  mainDiagnosis?: Coding;
  secondaryDiagnoses: Coding[];
  /** Its services' diagnoses: only a disclosure policy reads them (they count when withheld). */
  serviceDiagnoses: Coding[];
  /** The encounter's JSON without its main diagnosis, the closing brace left off. */
  encounter: T;
  /** Each medication's JSON without its status, the closing brace left off, at the time it was given. */
  medications: TimedJson<T>[];
  procedures: TimedJson<T>[];
  /** The lab reports' JSON, at their clinical time. */
  labReports: TimedJson<T>[];
}

/** The medication fields a summary lists, in the contract's order. */
export const MEDICATION_FIELDS = ['code', 'name', 'strength', 'route', 'dose', 'directions'] as const;
const ENCOUNTER_FIELDS = ['facility', 'visitType', 'admittedAt', 'inpatientAt', 'dischargedAt'] as const;

/** The fields of `o` among `keys` that are defined, in the order of `keys`. */
export const pick = <T extends object, K extends keyof T>(o: T, keys: readonly K[]): Partial<Pick<T, K>> => {
  const out: Partial<Pick<T, K>> = {};
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out;
};

/** JSON of an object with its closing brace left off, for a summary to add members to. */
const openJson = (value: object): string => JSON.stringify(value).slice(0, -1);

/** A visit's procedures as a summary lists them: its services' (named, when done), then its own; each code once. */
function procedureEntries(v: Visit, key: string): TimedJson[] {
  const out: TimedJson[] = [];
  const seen = new Set<string>();
  const add = (code: Coding, at: string | undefined, name?: string) => {
    if (seen.has(code.code)) return;
    seen.add(code.code);
    const entry = {
      code: { system: code.system, code: code.code },
      ...(name ? { name } : {}),
      ...(at ? { at } : {}),
      ...(v.facility ? { facility: v.facility } : {}),
      visit: key,
    };
    out.push([at || null, JSON.stringify(entry)]);
  };
  for (const s of v.services) for (const p of s.procedures) add(p, s.performedAt ?? s.orderedAt, s.name);
  for (const p of v.procedures) add(p, v.dischargedAt ?? v.admittedAt);
  return out;
}

function medicationEntries(v: Visit, key: string): TimedJson[] {
  const fallback = v.dischargedAt ?? v.admittedAt;
  return v.medications.map((m) => {
    const at = m.administeredAt ?? m.orderedAt ?? fallback;
    // Built field by field, in the contract's order.
    const entry: Record<string, string> = pick(m, MEDICATION_FIELDS);
    if (at) entry.at = at;
    if (v.facility) entry.facility = v.facility;
    entry.visit = key;
    return [at || null, openJson(entry)];
  });
}

/**
 * A visit's {@link SummaryParts}: the visit key, times, patient, diagnoses and the JSON of its
 * summary entries. `summaryJson` (and `summarizeVisits`, made with it) gives the same summary
 * from the parts as the visits would give.
 * @example const stored = JSON.stringify(summaryParts(visit));
 */
export function summaryParts(visit: Visit): SummaryParts {
  const key = visitKey(visit);
  const start = visit.admittedAt ?? visit.inpatientAt ?? visit.dischargedAt;
  const seenAt = visit.admittedAt ?? visit.dischargedAt;
  return {
    summaryParts: 1,
    key,
    ...(start !== undefined ? { start } : {}),
    ...(visit.facility !== undefined ? { facility: visit.facility } : {}),
    ...(seenAt !== undefined ? { seenAt } : {}),
    open: !visit.dischargedAt,
    patient: { identifiers: visit.patient.identifiers, ...pick(visit.patient, ['name', 'birth', 'sex']) },
    ...(visit.mainDiagnosis ? { mainDiagnosis: visit.mainDiagnosis } : {}),
    secondaryDiagnoses: visit.secondaryDiagnoses,
    serviceDiagnoses: visit.services.flatMap((s) => s.diagnoses),
    encounter: openJson({ visit: key, ...pick(visit, ENCOUNTER_FIELDS) }),
    medications: medicationEntries(visit, key),
    procedures: procedureEntries(visit, key),
    labReports: visit.labReports.map((r) => [clinicalTime(r) ?? null, JSON.stringify(r)]),
  };
}

/** The lists of JSON entries, in the order they follow the header when stored. */
const ENTRY_LISTS = ['medications', 'procedures', 'labReports'] as const;
/** How stored parts begin (their header's first member), and a visit's JSON never does. */
const STORED_PREFIX = '{"summaryParts":1,';
const STORED_PREFIX_BYTES = new TextEncoder().encode(STORED_PREFIX);
const NEWLINE = 10;

/**
 * Parts as a store keeps them: a JSON header (everything but the entries' JSON, their times
 * included) on the first line, then the encounter's and each entry's JSON on a line of its own
 * (JSON text never holds a raw line break). {@link readSummaryParts} reads it back.
 * @example row.summary = storedSummaryParts(summaryParts(visit));
 */
export function storedSummaryParts(parts: SummaryParts): string {
  const { encounter, medications, procedures, labReports, ...rest } = parts;
  const lists = { medications, procedures, labReports };
  const header = { ...rest };
  const lines = [encounter];
  for (const name of ENTRY_LISTS) {
    Object.assign(header, { [name]: lists[name].map(([at]) => at) });
    for (const [, json] of lists[name]) lines.push(json);
  }
  return `${JSON.stringify(header)}\n${lines.join('\n')}`;
}

/** The header of stored parts: the parts without the entries' JSON, each list as its entries' times. */
type StoredHeader = Omit<SummaryParts, 'encounter' | (typeof ENTRY_LISTS)[number]> &
  Record<(typeof ENTRY_LISTS)[number], (string | null)[]>;

/** Whether `stored` (text or UTF-8 bytes) begins as stored parts do. */
function isStoredParts(stored: JsonText): boolean {
  if (typeof stored === 'string') return stored.startsWith(STORED_PREFIX);
  if (stored.length < STORED_PREFIX_BYTES.length) return false;
  for (const [i, byte] of STORED_PREFIX_BYTES.entries()) if (stored[i] !== byte) return false;
  return true;
}

/**
 * Parts stored by {@link storedSummaryParts}, read back from their text or UTF-8 bytes — from
 * bytes, the entries' JSON stays bytes (views of `stored`, not copies), which a summary copies into
 * its answer without decoding or encoding them. Undefined when `stored` is not stored parts (a
 * visit's JSON, say). Parts are the store's own writing: a damaged record is not checked for here.
 * @example const parts = readSummaryParts(row.summary) ?? summaryParts(JSON.parse(row.document));
 */
export function readSummaryParts(stored: string): SummaryParts | undefined;
export function readSummaryParts(stored: Uint8Array): SummaryParts<Uint8Array> | undefined;
export function readSummaryParts(stored: JsonText): SummaryParts<JsonText> | undefined;
export function readSummaryParts(stored: JsonText): SummaryParts<JsonText> | undefined {
  if (!isStoredParts(stored)) return undefined;
  const lines = typeof stored === 'string' ? stored.split('\n') : byteLines(stored);
  // The header becomes the parts in place (spreading it into a new object costs more than the parse).
  const parts = JSON.parse(textOf(lines[0]!)) as StoredHeader & Record<string, unknown>;
  let next = 1;
  parts.encounter = lines[next++];
  for (const name of ENTRY_LISTS) parts[name] = parts[name].map((at) => [at, lines[next++]]) as never;
  return parts as unknown as SummaryParts<JsonText>;
}

const utf8 = new TextDecoder();
/** JSON text as a string. */
export const textOf = (json: JsonText): string => (typeof json === 'string' ? json : utf8.decode(json));

/** JSON text in pieces (as `summaryJson` gives them) as one string. */
export const joinJsonText = (pieces: readonly JsonText[]): string => pieces.map(textOf).join('');

/** The lines of UTF-8 bytes, as views of them. */
function byteLines(bytes: Uint8Array): Uint8Array[] {
  const lines: Uint8Array[] = [];
  let start = 0;
  for (let end = bytes.indexOf(NEWLINE); end !== -1; end = bytes.indexOf(NEWLINE, start)) {
    lines.push(bytes.subarray(start, end));
    start = end + 1;
  }
  lines.push(bytes.subarray(start));
  return lines;
}
