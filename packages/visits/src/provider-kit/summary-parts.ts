import type { IdentifierValue } from '@lienthong/core';
import { clinicalTime } from '@lienthong/result-exchange/provider-kit';
import type { Coding, Visit } from '../model.js';
import { visitKey } from './publish.js';
import { visitStartedAt } from './query.js';

/** A time (ISO 8601, null when there is none) and the JSON text of a summary entry made at it. */
export type TimedJson = [at: string | null, json: string];

/**
 * What a patient's summary takes from one visit, made once (when the visit is stored) and kept: a
 * summary of 50 visits is then assembled from JSON text already written ({@link summaryJson})
 * instead of parsing 50 visits and serializing the result. The entries that depend on who reads
 * and when — a medication's status, the display of a main diagnosis that may be withheld — keep
 * their JSON open (the closing brace left off) for the summary to finish. Plain JSON: store it as
 * text (the hub keeps it beside each visit version).
 */
export interface SummaryParts {
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
  encounter: string;
  /** Each medication's JSON without its status, the closing brace left off, at the time it was given. */
  medications: TimedJson[];
  procedures: TimedJson[];
  /** The lab reports' JSON, at their clinical time. */
  labReports: TimedJson[];
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
  const start = visitStartedAt(visit);
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

/** Whether a stored document (parsed) is {@link SummaryParts} rather than a visit. */
export function isSummaryParts(document: unknown): document is SummaryParts {
  return (document as Partial<SummaryParts> | null)?.summaryParts === 1;
}
