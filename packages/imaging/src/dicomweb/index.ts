/**
 * `@lienthong/imaging/dicomweb` — a fetch-based DICOMweb client (QIDO-RS, WADO-RS, STOW-RS) and the
 * read-only `dicomweb` ImagingRegistry provider over a PACS's QIDO-RS.
 * @packageDocumentation
 */
export {
  createDicomwebClient,
  type DicomwebClient,
  type DicomwebClientOptions,
  type DicomwebImage,
  type DicomwebRequestOptions,
  type DicomwebTarget,
  multipartRelated,
  type QidoDateRange,
  type QidoQuery,
  qidoSearchParams,
} from './client.js';
export { createDicomwebImagingRegistry, type DicomwebImagingRegistryOptions } from './registry.js';
