import { canonicalIdentifierSystem } from '@lienthong/core';
import {
  type CallOptions,
  checkDateRange,
  instantOf,
  pagedAnswer,
  untilInstantOf,
} from '@lienthong/core/contract';
import type { LabReportQuery } from '../contract.js';
import type { LabReport, ReportStatus } from '../model.js';

/** The time a report is placed at on a timeline and in reuse windows. */
export function clinicalTime(report: LabReport): string | undefined {
  return report.specimen?.collectedAt ?? report.effectiveAt ?? report.issuedAt;
}

/**
 * The statuses a query asks for as a list (its `status` is one or several), `undefined` when it
 * asks for any: what a provider sends on or filters with.
 *
 * @example
 * statusesOf({ status: 'final' }); // ['final']
 */
export function statusesOf(query: Pick<LabReportQuery, 'status'>): ReportStatus[] | undefined {
  if (query.status === undefined) return undefined;
  return typeof query.status === 'string' ? [query.status] : [...query.status];
}

/** Whether a report matches a query (used by the memory provider and as a client-side filter). */
export function matchesQuery(report: LabReport, query: LabReportQuery): boolean {
  if (query.patient) {
    // Reports stay as published: an older URI of the system asked for (`…hl7.org.vn/core/sid/cccd`)
    // names the same identifier.
    const system = canonicalIdentifierSystem(query.patient.system);
    const value = query.patient.value;
    if (
      !report.patient.identifiers.some(
        (i) => i.value === value && canonicalIdentifierSystem(i.system) === system,
      )
    )
      return false;
  }
  if (query.codes?.length) {
    const all = [...report.codes, ...report.observations.flatMap((o) => o.codes)];
    if (!query.codes.some((q) => all.some((c) => c.system === q.system && c.code === q.code))) return false;
  }
  const statuses = statusesOf(query);
  if (statuses && !statuses.includes(report.status)) return false;
  if (
    query.facility &&
    report.performingFacility?.code !== query.facility &&
    report.lab?.code !== query.facility
  )
    return false;
  if (query.since || query.until) {
    const t = clinicalTime(report);
    if (!t) return false;
    const at = instantOf(t);
    if (query.since && at < instantOf(query.since)) return false;
    if (query.until && at > untilInstantOf(query.until)) return false;
  }
  return true;
}

/**
 * The answer of a provider's `query` (internal: the shipped providers'): nothing runs until it is
 * iterated; then the abort and the date range are checked and `reports(pageSize)` yields the
 * reports, `pageSize` being the caller's (at least 1, default 50).
 */
export function queryAnswer(
  query: LabReportQuery,
  options: CallOptions & { pageSize?: number },
  reports: (pageSize: number) => AsyncIterable<LabReport>,
): AsyncIterable<LabReport> {
  return pagedAnswer(options, () => checkDateRange(query), reports);
}

/** Newest clinical time first; reports without a time last; then by id. */
export function byClinicalTimeDesc(a: LabReport, b: LabReport): number {
  const ta = clinicalTime(a);
  const tb = clinicalTime(b);
  const da = ta ? instantOf(ta) : Number.NEGATIVE_INFINITY;
  const db = tb ? instantOf(tb) : Number.NEGATIVE_INFINITY;
  return db - da || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}
