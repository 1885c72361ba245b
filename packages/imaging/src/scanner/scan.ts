import { open, opendir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { inflateRawSync, constants as zlibConstants } from 'node:zlib';
import { isLienThongError, type LienThongError, toLienThongError } from '@lienthong/core';
import { throwIfAborted } from '@lienthong/core/contract';
import { type GroupOptions, type InstanceFacts, ReferenceGrouper } from '../grouping.js';
import type { ImagingReference } from '../model.js';
import { isDicomUid } from '../uid.js';
import { type DicomHeader, NEED_MORE_BYTES, parseDicomHeader } from './header-reader.js';

/** Node's raw inflate, tolerant of a truncated prefix when the file is read in pieces. */
export function nodeInflateRaw(bytes: Uint8Array, complete: boolean): Uint8Array {
  return inflateRawSync(bytes, complete ? {} : { finishFlush: zlibConstants.Z_SYNC_FLUSH });
}

/** The identifying facts of one Part-10 file. */
export interface ScannedInstance extends InstanceFacts {
  /** File path relative to the scanned folder (`/` separators). */
  file: string;
  transferSyntaxUid: string;
  /** Bytes read from the file to find the header (not the whole file when Pixel Data comes early). */
  bytesRead: number;
}

/** One event of a scan: a file read, or a file skipped with the reason (never fatal). */
export type ScanEvent =
  | { type: 'instance'; instance: ScannedInstance }
  | { type: 'skipped'; file: string; error: LienThongError };

/** Options of {@link scanDicomFiles} and {@link scanDicomFolder}. */
export interface ScanOptions {
  /** First read size in bytes (doubled while the header is longer). Default 64 KiB. */
  chunkBytes?: number;
  /** Called after every file, for progress bars. */
  onProgress?: (progress: { files: number; instances: number; skipped: number; file: string }) => void;
  signal?: AbortSignal;
  /** Follow file names only matching this test (default: every regular file). */
  filter?: (file: string) => boolean;
}

/** Walks a folder recursively, lazily, yielding file paths in a stable (sorted) order per folder. */
export async function* walkFiles(root: string, signal?: AbortSignal): AsyncGenerator<string> {
  let dir: Awaited<ReturnType<typeof opendir>>;
  try {
    dir = await opendir(root);
  } catch (cause) {
    throw toLienThongError(cause, {
      code: 'DICOM_FOLDER_UNREADABLE',
      message: 'The folder cannot be read (missing, not a folder, or no permission).',
      messageVi: 'Không đọc được thư mục (không tồn tại, không phải thư mục hoặc không có quyền).',
      path: root,
    });
  }
  const entries: { name: string; dir: boolean; file: boolean }[] = [];
  for await (const entry of dir) {
    entries.push({ name: entry.name, dir: entry.isDirectory(), file: entry.isFile() });
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    throwIfAborted(signal);
    const path = join(root, entry.name);
    if (entry.dir) yield* walkFiles(path, signal);
    else if (entry.file) yield path;
  }
}

function toInt(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const n = Number.parseInt(value.trim(), 10);
  return Number.isFinite(n) ? n : undefined;
}

function instanceFromHeader(file: string, header: DicomHeader, bytesRead: number): ScannedInstance {
  const a = header.attributes;
  const missing = (['StudyInstanceUID', 'SeriesInstanceUID', 'SOPInstanceUID'] as const).filter(
    (k) => !isDicomUid(a[k]),
  );
  if (missing.length > 0) {
    throw toLienThongError(undefined, {
      code: 'DICOM_UID_MISSING',
      message: `The file has no valid ${missing.join(', ')}.`,
      messageVi: `Tệp không có ${missing.join(', ')} hợp lệ.`,
      path: file,
    });
  }
  const optional = (key: keyof ScannedInstance, value: string | number | undefined) =>
    value === undefined ? {} : { [key]: value };
  return {
    file,
    transferSyntaxUid: header.transferSyntaxUid,
    sopInstanceUid: a.SOPInstanceUID!,
    studyInstanceUid: a.StudyInstanceUID!,
    seriesInstanceUid: a.SeriesInstanceUID!,
    ...optional('sopClassUid', a.SOPClassUID),
    ...optional('modality', a.Modality),
    ...optional('studyDate', a.StudyDate),
    ...optional('studyTime', a.StudyTime),
    ...optional('accessionNumber', a.AccessionNumber),
    ...optional('seriesNumber', toInt(a.SeriesNumber)),
    ...optional('instanceNumber', toInt(a.InstanceNumber)),
    ...optional('patientId', a.PatientID),
    ...optional('issuerOfPatientId', a.IssuerOfPatientID),
    ...optional('institutionName', a.InstitutionName),
    ...optional('bodyPartExamined', a.BodyPartExamined),
    ...optional('studyDescription', a.StudyDescription),
    ...optional('seriesDescription', a.SeriesDescription),
    ...optional('timezoneOffsetFromUtc', a.TimezoneOffsetFromUTC),
    bytesRead,
  } as ScannedInstance;
}

/**
 * Reads the header of one file from disk: a first chunk, then larger prefixes only while the
 * header is longer (Pixel Data is never read, except for deflated files whose compressed
 * stream must be inflated from the start).
 */
export async function readDicomFileHeader(
  path: string,
  options: { chunkBytes?: number; label?: string } = {},
): Promise<{ header: DicomHeader; bytesRead: number }> {
  const label = options.label ?? path;
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    let length = Math.min(size, options.chunkBytes ?? 65_536);
    for (;;) {
      const buffer = new Uint8Array(length);
      let filled = 0;
      while (filled < length) {
        const { bytesRead } = await handle.read(buffer, filled, length - filled, filled);
        if (bytesRead === 0) break;
        filled += bytesRead;
      }
      const bytes = filled < length ? buffer.subarray(0, filled) : buffer;
      const complete = filled >= size || filled < length;
      try {
        const header = parseDicomHeader(bytes, { complete, inflateRaw: nodeInflateRaw, path: label });
        return { header, bytesRead: filled };
      } catch (error) {
        if (isLienThongError(error) && error.code === NEED_MORE_BYTES && !complete) {
          length = Math.min(size, length * 4);
          continue;
        }
        throw error;
      }
    }
  } finally {
    await handle.close();
  }
}

/**
 * Scans files one at a time, yielding an event per file: an instance, or a skipped file with a
 * typed error (not Part 10, truncated, no UIDs, unreadable). Memory stays flat: one header
 * buffer at a time.
 */
export async function* scanDicomFiles(
  files: AsyncIterable<string> | Iterable<string>,
  root: string,
  options: ScanOptions = {},
): AsyncGenerator<ScanEvent> {
  let count = 0;
  let instances = 0;
  let skipped = 0;
  for await (const path of files) {
    throwIfAborted(options.signal);
    const file = relative(root, path).split('\\').join('/') || path;
    if (options.filter && !options.filter(file)) continue;
    count++;
    let event: ScanEvent;
    try {
      const { header, bytesRead } = await readDicomFileHeader(path, {
        label: file,
        ...(options.chunkBytes === undefined ? {} : { chunkBytes: options.chunkBytes }),
      });
      event = { type: 'instance', instance: instanceFromHeader(file, header, bytesRead) };
      instances++;
    } catch (error) {
      event = {
        type: 'skipped',
        file,
        error: toLienThongError(error, {
          code: 'DICOM_FILE_UNREADABLE',
          message: 'The file could not be read.',
          messageVi: 'Không đọc được tệp.',
          path: file,
        }),
      };
      skipped++;
    }
    options.onProgress?.({ files: count, instances, skipped, file });
    yield event;
  }
}

/** {@link scanDicomFiles} over every file under `root`, recursively. */
export function scanDicomFolder(root: string, options: ScanOptions = {}): AsyncGenerator<ScanEvent> {
  return scanDicomFiles(walkFiles(root, options.signal), root, options);
}

/** The result of {@link scanFolderToReferences}. */
export interface FolderScan {
  references: ImagingReference[];
  /** Files read as DICOM Part 10. */
  instances: number;
  /** Files skipped, each with its reason. */
  skipped: { file: string; code: string; message: string; messageVi: string }[];
  files: number;
}

/**
 * Scans a folder and returns one reference per study plus the skipped files. Only per-series sets
 * of SOP Instance UIDs are kept in memory, never file contents.
 */
export { type GroupOptions, ReferenceGrouper };

export async function scanFolderToReferences(
  root: string,
  options: ScanOptions & GroupOptions = {},
): Promise<FolderScan> {
  const grouper = new ReferenceGrouper(options);
  const skipped: FolderScan['skipped'] = [];
  let instances = 0;
  let files = 0;
  for await (const event of scanDicomFolder(root, options)) {
    files++;
    if (event.type === 'instance') {
      instances++;
      grouper.add(event.instance);
    } else {
      skipped.push({
        file: event.file,
        code: event.error.code,
        message: event.error.message,
        messageVi: event.error.messageVi,
      });
    }
  }
  return { references: grouper.references(), instances, skipped, files };
}
