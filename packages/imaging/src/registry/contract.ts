import { isoDate, LienThongError, nonEmptyText, parseWith, uri } from '@lienthong/core';
import * as z from 'zod';
import { type ImagingReference, type ImagingReferenceInput, ModalitySchema } from '../model.js';

/** Contract id of {@link ImagingRegistry} version 1. */
export const IMAGING_REGISTRY_CONTRACT = 'imaging-registry/v1' as const;

/** What can be asked of a registry; every field narrows (AND). */
export const ImagingQuerySchema = z
  .object({
    /** A patient identifier; `system` optional (any system when absent). */
    patientIdentifier: z.object({ system: uri.optional(), value: nonEmptyText }).optional(),
    /** A DICOM modality code present in the study. */
    modality: ModalitySchema.optional(),
    /** Inclusive study-date range (`YYYY-MM-DD`); studies without a date never match a range. */
    dateFrom: isoDate.optional(),
    dateTo: isoDate.optional(),
    /** Code of the performing facility. */
    facility: nonEmptyText.optional(),
  })
  .refine((q) => !q.dateFrom || !q.dateTo || q.dateFrom <= q.dateTo, {
    message: 'dateFrom must not be after dateTo',
    path: ['dateTo'],
    params: { code: 'IMAGING_QUERY_RANGE_INVALID', messageVi: 'dateFrom không được sau dateTo' },
  });
export type ImagingQuery = z.input<typeof ImagingQuerySchema>;

/** Validates a query (throws `ValidationError` `IMAGING_QUERY_INVALID`). */
export function assertImagingQuery(query: unknown): z.output<typeof ImagingQuerySchema> {
  return parseWith(ImagingQuerySchema, query, {
    code: 'IMAGING_QUERY_INVALID',
    subject: { en: 'imaging query', vi: 'truy vấn hình ảnh' },
  });
}

/** Answer of `publish`. */
export interface PublishReceipt {
  studyInstanceUid: string;
  /** `created` the first time, `updated` when the study UID was known and something changed, `unchanged` otherwise. */
  status: 'created' | 'updated' | 'unchanged';
}

/** Options every method takes. */
export interface RegistryCallOptions {
  signal?: AbortSignal;
}

// #region contract
/**
 * Contract `imaging-registry/v1`: where imaging references are published and found.
 * Providers: `createMemoryImagingRegistry` (here), `createFhirImagingRegistry`
 * (`@lienthong/imaging/fhir`) and `createDicomwebImagingRegistry` (`@lienthong/imaging/dicomweb`,
 * read-only).
 */
export interface ImagingRegistry {
  readonly contract: typeof IMAGING_REGISTRY_CONTRACT;
  /** `write: false` for read-only providers: `publish` then rejects with `IMAGING_REGISTRY_READ_ONLY`. */
  readonly capabilities: { readonly write: boolean };
  /** Stores a reference; idempotent on the study UID (publishing again updates, never duplicates). */
  publish(reference: ImagingReferenceInput, options?: RegistryCallOptions): Promise<PublishReceipt>;
  /** The reference of a study, or undefined. */
  get(studyInstanceUid: string, options?: RegistryCallOptions): Promise<ImagingReference | undefined>;
  /** References matching the query, fetched page by page as the consumer iterates. */
  query(
    query: ImagingQuery,
    options?: RegistryCallOptions & { pageSize?: number },
  ): AsyncIterable<ImagingReference>;
}
// #endregion contract

/** True when `ref` satisfies `query` (the shared matching rule; providers that filter locally use it). */
export function matchesImagingQuery(
  ref: ImagingReference,
  query: z.output<typeof ImagingQuerySchema>,
): boolean {
  const pid = query.patientIdentifier;
  if (
    pid &&
    !ref.patient.identifiers.some((i) => i.value === pid.value && (!pid.system || i.system === pid.system))
  ) {
    return false;
  }
  if (
    query.modality &&
    !ref.modalities.includes(query.modality) &&
    !ref.series.some((s) => s.modality === query.modality)
  ) {
    return false;
  }
  if (query.dateFrom && (!ref.studyDate || ref.studyDate < query.dateFrom)) return false;
  if (query.dateTo && (!ref.studyDate || ref.studyDate > query.dateTo)) return false;
  if (query.facility && ref.performingFacility?.code !== query.facility) return false;
  return true;
}

/** The error a read-only provider's `publish` rejects with. */
export function readOnlyError(provider: string): LienThongError {
  return new LienThongError({
    code: 'IMAGING_REGISTRY_READ_ONLY',
    message: `The ${provider} imaging registry is read-only (capabilities.write is false).`,
    messageVi: `Kho tham chiếu hình ảnh ${provider} chỉ cho phép đọc (capabilities.write là false).`,
  });
}

/** Throws the abort reason as a `TransportError`-free family error when the signal is aborted. */
export function checkAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    throw new LienThongError({
      code: 'IMAGING_REGISTRY_ABORTED',
      message: 'The operation was cancelled by the caller.',
      messageVi: 'Thao tác đã bị người gọi hủy.',
      cause: signal.reason,
    });
  }
}
