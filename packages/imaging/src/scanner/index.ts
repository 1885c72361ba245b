/**
 * `@lienthong/imaging/scanner` — Node-only: walks folders of DICOM Part-10 files, reads their
 * headers (never the pixels) and groups them into imaging references.
 * @packageDocumentation
 */
export {
  type DicomHeader,
  HEADER_TAGS,
  type HeaderKeyword,
  isDicomPart10,
  NEED_MORE_BYTES,
  parseDicomHeader,
  type ReadHeaderOptions,
  safeParseDicomHeader,
} from './header-reader.js';
export {
  type FolderScan,
  type GroupOptions,
  nodeInflateRaw,
  ReferenceGrouper,
  readDicomFileHeader,
  type ScanEvent,
  type ScannedInstance,
  type ScanOptions,
  scanDicomFiles,
  scanDicomFolder,
  scanFolderToReferences,
  walkFiles,
} from './scan.js';
