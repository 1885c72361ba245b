import { normalizeIcd10Code } from '@lienthong/catalogue/icd10';
import { canonicalIdentifierSystem, ValidationError } from '@lienthong/core';
import {
  type CallOptions,
  checkDateRange,
  instantOf,
  pagedAnswer,
  untilInstantOf,
} from '@lienthong/core/contract';
import type { VisitQuery } from '../history/contract.js';
import type { Visit } from '../model.js';
import { visitKey } from './publish.js';

/**
 * When a visit starts, as written in it: its admission, else its inpatient admission, else its
 * discharge (a visit known only by its end), else undefined. Stores index visits by this time.
 */
export function visitStartedAt(visit: Visit): string | undefined {
  return visit.admittedAt ?? visit.inpatientAt ?? visit.dischargedAt;
}

/** The instant a visit starts ({@link visitStartedAt}), or -∞. */
export function visitStart(visit: Visit): number {
  const t = visitStartedAt(visit);
  return t ? instantOf(t) : Number.NEGATIVE_INFINITY;
}

/** The instant a visit ends: its discharge, or +∞ while it is open. */
function visitEnd(visit: Visit): number {
  return visit.dischargedAt ? instantOf(visit.dischargedAt) : Number.POSITIVE_INFINITY;
}

/** Whether one of the patient's identifiers is `patient` (an older URI of its system names the same one). */
export function hasIdentifier(visit: Visit, patient: { system: string; value: string }): boolean {
  const system = canonicalIdentifierSystem(patient.system);
  return visit.patient.identifiers.some(
    (i) => i.value === patient.value && canonicalIdentifierSystem(i.system) === system,
  );
}

/**
 * Whether an ICD-10 code matches a filter: a code or a category (`J18` matches `J18.9`; `J189` is
 * `J18.9`) or a range of categories (`J00-J99`: a chapter or block as its range).
 */
export function icd10Matches(code: string, filter: string): boolean {
  const c = normalizeIcd10Code(code);
  if (c === undefined) return false;
  const range = /^([A-Z]\d{2})-([A-Z]\d{2})$/.exec(filter.trim().toUpperCase());
  if (range) return range[1]! <= c.slice(0, 3) && c.slice(0, 3) <= range[2]!;
  const wanted = normalizeIcd10Code(filter);
  return wanted !== undefined && c.startsWith(wanted);
}

/** Whether the visit's main or secondary ICD-10 codes match a code, a category or a range ({@link icd10Matches}). */
export function matchesDiagnosis(visit: Visit, filter: string): boolean {
  return [visit.mainDiagnosis, ...visit.secondaryDiagnoses].some(
    (c) => c !== undefined && icd10Matches(c.code, filter),
  );
}

/** Whether a visit matches a query (the memory provider's filter, and a client-side check). */
export function matchesVisitQuery(visit: Visit, query: VisitQuery): boolean {
  if (!hasIdentifier(visit, query.patient)) return false;
  if (query.facility !== undefined && visit.facility !== query.facility) return false;
  if (query.visitType !== undefined) {
    const types = typeof query.visitType === 'string' ? [query.visitType] : query.visitType;
    if (visit.visitType === undefined || !types.includes(visit.visitType)) return false;
  }
  if (query.diagnosis !== undefined && !matchesDiagnosis(visit, query.diagnosis)) return false;
  if (query.since && visitEnd(visit) < instantOf(query.since)) return false;
  if (query.until && visitStart(visit) > untilInstantOf(query.until)) return false;
  return true;
}

/** Newest admission first; visits without a time last; then by key. */
export function byVisitStartDesc(a: Visit, b: Visit): number {
  const ka = visitKey(a);
  const kb = visitKey(b);
  return visitStart(b) - visitStart(a) || (ka < kb ? -1 : ka > kb ? 1 : 0);
}

/** Refuses a query that names no patient (`VISIT_QUERY_PATIENT_MISSING`): every read names one. */
export function checkVisitQuery(query: VisitQuery): void {
  const p = (query as Partial<VisitQuery> | undefined)?.patient;
  if (typeof p?.system !== 'string' || typeof p.value !== 'string' || p.value === '')
    throw new ValidationError({
      code: 'VISIT_QUERY_PATIENT_MISSING',
      path: 'patient',
      message: 'A visit query names one patient: { system, value }',
      messageVi: 'Truy vấn lượt khám phải nêu một người bệnh: { system, value }',
    });
}

/**
 * The answer of a provider's `query`: nothing runs until it is iterated; then the abort and the
 * date range are checked and `visits(pageSize)` yields the visits (`pageSize` at least 1, default 50).
 */
export function visitQueryAnswer(
  query: VisitQuery,
  options: CallOptions & { pageSize?: number },
  visits: (pageSize: number) => AsyncIterable<Visit>,
): AsyncIterable<Visit> {
  return pagedAnswer(
    options,
    () => {
      checkVisitQuery(query);
      checkDateRange(query);
    },
    visits,
  );
}
