import { isoDate, nonEmptyText, parseWith, uri } from '@lienthong/core';
import { type CallOptions, type Contract, checkDateRange, type WriteReceipt } from '@lienthong/core/contract';
import * as z from 'zod';
import { type ImagingReference, type ImagingReferenceInput, ModalitySchema } from '../model.js';

/** Contract id of {@link ImagingRegistry} version 1. */
export const IMAGING_REGISTRY_CONTRACT = 'imaging-registry/v1' as const;

/** What can be asked of a registry; every field narrows (AND). */
export const ImagingQuerySchema = z.object({
  /** A patient identifier; `system` optional (any system when absent). */
  patientIdentifier: z.object({ system: uri.optional(), value: nonEmptyText }).optional(),
  /** A DICOM modality code present in the study. */
  modality: ModalitySchema.optional(),
  /** Inclusive study-date window (`YYYY-MM-DD`); studies without a date never match a window. */
  since: isoDate.optional(),
  until: isoDate.optional(),
  /** Code of the performing facility. */
  facility: nonEmptyText.optional(),
});
export type ImagingQuery = z.input<typeof ImagingQuerySchema>;

/**
 * Validates a query: its fields (`ValidationError` `IMAGING_QUERY_INVALID`), then its window
 * (`since` after `until`: `DATE_RANGE_INVALID`, as in every contract).
 */
export function parseImagingQuery(query: unknown): z.output<typeof ImagingQuerySchema> {
  const parsed = parseWith(ImagingQuerySchema, query, {
    code: 'IMAGING_QUERY_INVALID',
    subject: { en: 'imaging query', vi: 'truy vấn hình ảnh' },
  });
  checkDateRange(parsed);
  return parsed;
}

// #region contract
/**
 * Contract `imaging-registry/v1`: where imaging references are published and found. Every method
 * takes an `AbortSignal` (`OPERATION_ABORTED`); `publish` answers a `WriteReceipt` (id = the study
 * instance UID); a read-only provider (`capabilities.write: false`) refuses `publish` with
 * `PROVIDER_READ_ONLY`. Providers: `createMemoryImagingRegistry` (here), `createFhirImagingRegistry`
 * (`@lienthong/imaging/fhir`) and `createDicomwebImagingRegistry` (`@lienthong/imaging/dicomweb`,
 * read-only).
 */
export interface ImagingRegistry extends Contract<typeof IMAGING_REGISTRY_CONTRACT> {
  /**
   * Stores a reference; idempotent on the study UID: the same reference again is `unchanged`, a
   * changed one `updated` in place (one version up), never duplicated.
   */
  publish(reference: ImagingReferenceInput, options?: CallOptions): Promise<WriteReceipt>;
  /** The reference of a study, or undefined (also for a string that is not a DICOM UID). */
  get(studyInstanceUid: string, options?: CallOptions): Promise<ImagingReference | undefined>;
  /** References matching the query, fetched page by page as the consumer iterates. */
  query(query: ImagingQuery, options?: CallOptions & { pageSize?: number }): AsyncIterable<ImagingReference>;
}
// #endregion contract
