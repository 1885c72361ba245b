import type { Icd10 } from '@lienthong/catalogue/icd10';
import type { IdentifierValue } from '@lienthong/core';
import type { PatientSummary, SummaryImaging, Visit } from '@lienthong/visits';
import {
  type DisclosurePolicy,
  type DisclosureReader,
  discloseVisits,
  summarizeVisits,
} from '@lienthong/visits/provider-kit';
import { jsonBytes } from '../http/json-bytes.js';

/** Everything a patient's summary is made of besides the visits: who reads, under what policy, and the rest the hub holds. */
export interface SummaryContext {
  /** Sensitive diagnoses withheld from readers of other facilities (validated). */
  policy: DisclosurePolicy;
  reader: DisclosureReader;
  /** The identifier the reader asked with. */
  patient: IdentifierValue;
  /** The patient's imaging studies the hub holds, newest first. */
  imaging: readonly SummaryImaging[];
  /** The instant of the summary (ISO 8601); default now. */
  asOf?: string | undefined;
}

/** A summary to make from stored visits: the patient's current visits (any order) as stored JSON — their summary views, or whole. */
export interface SummaryInput extends SummaryContext {
  documents: readonly string[];
}

/** A summary as the REST API answers it: its JSON bytes, and how many diagnoses the policy withheld (for the audit entry). */
export interface SummaryAnswer {
  bytes: Uint8Array<ArrayBuffer>;
  withheld: number;
}

/**
 * The patient's summary as `context.reader` may see it, from their stored visits (`SummaryInput`'s
 * documents): the visits disclosed under the policy, then summarized with ICD-10 names and the
 * imaging studies (`withheld` counts what the policy withheld). The one rule of the REST summary
 * and of the FHIR facade's `Patient/$summary`.
 */
export function summaryOf(input: SummaryInput, icd10: Pick<Icd10, 'lookup'>): PatientSummary {
  const visits = input.documents.map((document) => JSON.parse(document) as Visit);
  const { visits: shown, withheld } = discloseVisits(visits, input.policy, input.reader);
  return summarizeVisits(shown, {
    patient: input.patient,
    icd10,
    imaging: input.imaging,
    withheld,
    ...(input.asOf ? { asOf: input.asOf } : {}),
  });
}

/**
 * {@link summaryOf} from stored documents to JSON bytes: the CPU-bound part of a summary request
 * (parsing, disclosure, summary, serialization), which the hub runs in a worker thread when it
 * has them (`summary-pool.ts`) and on the event loop otherwise — the same bytes either way.
 */
export function summaryBytes(input: SummaryInput, icd10: Pick<Icd10, 'lookup'>): SummaryAnswer {
  const summary = summaryOf(input, icd10);
  return { bytes: jsonBytes(summary), withheld: summary.withheld };
}
