import type { Icd10 } from '@lienthong/catalogue/icd10';
import type { IdentifierValue } from '@lienthong/core';
import type { PatientSummary, SummaryImaging, Visit } from '@lienthong/visits';
import {
  type DisclosurePolicy,
  type DisclosureReader,
  isSummaryParts,
  type SummaryJson,
  summaryJson,
  summaryParts,
} from '@lienthong/visits/provider-kit';
import { createUtf8Scratch } from './utf8-scratch.js';

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

/** A summary to make from stored visits: the patient's current visits (any order) as stored JSON — their `SummaryParts`, summary views, or whole visits. */
export interface SummaryInput extends SummaryContext {
  documents: readonly string[];
}

/** A summary as the REST API answers it: its JSON bytes, and how many diagnoses the policy withheld (for the audit entry). */
export interface SummaryAnswer {
  bytes: Uint8Array<ArrayBuffer>;
  withheld: number;
  /**
   * Call once the bytes are sent and will not be read again: their memory then serves a next
   * summary (`SummaryPool`) instead of being left to the garbage collector. Absent when there is
   * nothing to give back.
   */
  reuse?: () => void;
}

/**
 * The patient's summary as `input.reader` may see it, as JSON text in pieces, from their stored
 * visits (`SummaryInput`'s documents): disclosed under the policy, then assembled with ICD-10 names
 * and the imaging studies (`withheld` counts what the policy withheld). Parts are assembled as
 * stored; a view or a whole visit (rows stored before the hub kept parts) is cut into parts first.
 * The one rule of the REST summary and of the FHIR facade's `Patient/$summary`.
 */
function summaryText(input: SummaryInput, icd10: Pick<Icd10, 'lookup'>): SummaryJson {
  const parts = input.documents.map((document) => {
    const stored: unknown = JSON.parse(document);
    return isSummaryParts(stored) ? stored : summaryParts(stored as Visit);
  });
  return summaryJson(parts, {
    patient: input.patient,
    icd10,
    imaging: input.imaging,
    disclosure: { policy: input.policy, reader: input.reader },
    ...(input.asOf ? { asOf: input.asOf } : {}),
  });
}

/** {@link summaryText} as a `PatientSummary` (the FHIR facade makes its document from it). */
export function summaryOf(input: SummaryInput, icd10: Pick<Icd10, 'lookup'>): PatientSummary {
  return JSON.parse(summaryText(input, icd10).pieces.join('')) as PatientSummary;
}

/** This thread's UTF-8 encoder of summaries. */
const utf8 = createUtf8Scratch();

/**
 * {@link summaryText} as UTF-8 bytes: the CPU-bound part of a summary request (parsing,
 * disclosure, assembly, encoding), which the hub runs in a worker thread when it has them
 * (`summary-pool.ts`) and on the event loop otherwise — the same bytes either way. The bytes are
 * written into `into` when it is large enough, and start at offset 0 of their buffer.
 */
export function summaryBytes(
  input: SummaryInput,
  icd10: Pick<Icd10, 'lookup'>,
  into?: ArrayBuffer,
): SummaryAnswer {
  const { pieces, withheld } = summaryText(input, icd10);
  return { bytes: utf8.encode(pieces, into), withheld };
}
