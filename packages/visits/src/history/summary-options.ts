import type { IdentifierValue } from '@lienthong/core';
import type { CallOptions } from '@lienthong/core/contract';
import type { Visit } from '../model.js';
import { type SummarizeOptions, type SummaryWindows, summarizeVisits } from '../provider-kit/summary.js';
import type { SummaryOptions } from './contract.js';
import type { PatientSummary, SummaryImaging } from './summary-model.js';

/** What a visit-history provider is given to make summaries (the same for every backend). */
export interface VisitSummaryOptions extends SummaryWindows {
  /** ICD-10 (`loadIcd10()`): summaries carry the Vietnamese names of diagnoses. */
  icd10?: SummarizeOptions['icd10'];
  /** The patient's imaging studies for summaries (e.g. from an ImagingRegistry). */
  imagingOf?: (patient: IdentifierValue, options: CallOptions) => Promise<readonly SummaryImaging[]>;
}

/** The summary of a patient's current visits, with the provider's summary options and the call's `asOf`. */
export async function summarizeHistory(
  visits: readonly Visit[],
  patient: IdentifierValue,
  options: VisitSummaryOptions,
  call: SummaryOptions,
): Promise<PatientSummary> {
  const imaging = options.imagingOf ? await options.imagingOf(patient, call) : [];
  return summarizeVisits(visits, {
    ...options,
    patient,
    imaging,
    ...(call.asOf ? { asOf: call.asOf } : {}),
  });
}
