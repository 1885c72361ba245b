import { isLienThongError, LienThongError, type Resource, toOperationOutcome } from '@lienthong/core';
import type { Visit } from '@lienthong/visits';
import type { Kysely } from 'kysely';
import type { HubDatabase } from '../db/schema.js';
import { subset } from '../http/fhir/resources.js';
import type { ExportRequest } from './bulk-request.js';
import {
  DEFAULT_PAGE_SIZE,
  type ExportItem,
  imagingItems,
  labReportItems,
  patientItems,
  type SourceScope,
  VISIT_TYPES,
  visitItems,
} from './bulk-sources.js';
import {
  EXPORT_TYPES,
  type ExportType,
  parseTypeFilter,
  passesFilters,
  type TypeFilter,
} from './bulk-type-filter.js';
import type { JobOutput } from './jobs-store.js';
import { createNdjsonWriter, type NdjsonLimits } from './ndjson-writer.js';

/**
 * The de-identification hook of exports asked with `_deidentify=true` (or by an
 * `export-deidentified` credential): called on every resource before it is written; the resource
 * it answers is written instead (`undefined`: the resource is left out).
 */
export type Deidentify = (resource: Resource) => Resource | undefined | Promise<Resource | undefined>;

/** What one run of a job needs. */
export interface RunExportOptions {
  db: Kysely<HubDatabase>;
  /** The job's directory (existing, empty). */
  dir: string;
  request: ExportRequest;
  /** The facility whose records are exported; undefined: every facility's. */
  facility: string | undefined;
  /** The job whose member snapshot (`export_job_members`) restricts the export to its patients; undefined: every patient. */
  membersOf?: string | undefined;
  /** The run's transaction time: nothing stored after it is exported. */
  transactionTime: string;
  limits?: NdjsonLimits;
  pageSize?: number;
  deidentify?: Deidentify | undefined;
  /** A visit as the export's reader may see it (the hub's disclosure policy); default: as stored. */
  disclose?: ((visit: Visit) => Visit) | undefined;
  signal: AbortSignal;
  /** Called as lines are written (every page or so), with the count so far. */
  onProgress?: (written: number) => void;
}

/** The OperationOutcome line of a resource the de-identifier refused. */
function leftOut(type: string, cause: unknown): Resource {
  // The cause's code only: its message may quote the resource.
  const reason = isLienThongError(cause) ? ` (${cause.code})` : '';
  const error = new LienThongError({
    code: 'BULK_DEIDENTIFY_FAILED',
    message: `A ${type} could not be de-identified${reason}; it is left out of the export.`,
    messageVi: `Không khử định danh được một ${type}${reason}; tài nguyên này không có trong tệp xuất.`,
  });
  return toOperationOutcome(error) as Resource;
}

const LAB_TYPES: readonly ExportType[] = ['DiagnosticReport', 'Observation', 'Specimen'];

/**
 * The `_elements` kept for each type: the names given alone, and those given as `<type>.<name>`
 * (a type none applies to keeps its mandatory elements only).
 */
export function elementsByType(
  elements: readonly string[] | undefined,
  types: readonly ExportType[],
): Map<ExportType, string[]> | undefined {
  if (!elements) return undefined;
  return new Map(
    types.map((type) => [
      type,
      elements.flatMap((e) => {
        const dot = e.indexOf('.');
        if (dot < 0) return [e];
        return e.slice(0, dot) === type ? [e.slice(dot + 1)] : [];
      }),
    ]),
  );
}

/**
 * Runs one export: reads the records in scope page by page (patients, lab reports, imaging
 * studies, visits — of the member patients only, when the job has a member snapshot), keeps the
 * requested types that pass their `_typeFilter`s, de-identifies them when asked, keeps their
 * `_elements` (tagged SUBSETTED), and writes them as NDJSON files split by type and size; what could not be converted goes
 * to OperationOutcome files. Answers the manifest's file lists once every file is on disk.
 * @example const files = await runExport({ db, dir, request, facility: '01001', transactionTime, signal });
 */
export async function runExport(options: RunExportOptions): Promise<JobOutput> {
  const { request, signal } = options;
  const types = request.types;
  const filters = new Map<ExportType, TypeFilter[]>(
    types.map((t) => [t, (request.typeFilters[t] ?? []).map((raw) => parseTypeFilter(raw, types).filter)]),
  );
  if (request.deidentify && !options.deidentify)
    throw new LienThongError({
      code: 'BULK_DEIDENTIFIER_MISSING',
      message: 'This export asks for de-identification, and the hub has no de-identifier configured.',
      messageVi: 'Lệnh xuất này yêu cầu khử định danh nhưng sàn chưa cấu hình chức năng khử định danh.',
    });
  const until =
    request.until !== undefined && request.until < options.transactionTime
      ? request.until
      : options.transactionTime;
  const scope: SourceScope = {
    facility: options.facility,
    since: request.since,
    until,
    ...(options.membersOf !== undefined ? { membersOf: options.membersOf } : {}),
  };
  const elements = elementsByType(request.elements, types);
  const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
  const sources: AsyncGenerator<ExportItem>[] = [];
  if (types.includes('Patient')) sources.push(patientItems(options.db, scope, signal, pageSize));
  if (types.some((t) => LAB_TYPES.includes(t)))
    sources.push(labReportItems(options.db, scope, signal, pageSize));
  if (types.includes('ImagingStudy') || types.includes('DiagnosticReport'))
    sources.push(imagingItems(options.db, scope, signal, pageSize));
  if (types.some((t) => VISIT_TYPES.includes(t)))
    sources.push(visitItems(options.db, scope, signal, options.disclose ?? ((v) => v), pageSize));

  const writer = createNdjsonWriter(options.dir, options.limits);
  let written = 0;
  try {
    for (const source of sources)
      for await (const item of source) {
        let resource: Resource | undefined = item.resource;
        if (item.type !== 'OperationOutcome') {
          if (!types.includes(item.type) || !passesFilters(filters.get(item.type), item.facts)) continue;
          if (request.deidentify) {
            try {
              resource = await options.deidentify!(resource);
            } catch (cause) {
              // Left out, never written as it was: the error file says so, without the resource.
              await writer.write(leftOut(item.type, cause));
              continue;
            }
          }
          if (!resource) continue;
          // After de-identification, which sees the whole resource.
          if (elements) resource = subset(resource, elements.get(item.type));
        }
        await writer.write(resource);
        if (++written % pageSize === 0) {
          signal.throwIfAborted();
          options.onProgress?.(written);
        }
      }
    signal.throwIfAborted();
    // Listed in the export's type order (a visit's Conditions are written before its Encounter).
    const rank = (type: string) => {
      const at = (EXPORT_TYPES as readonly string[]).indexOf(type);
      return at < 0 ? EXPORT_TYPES.length : at;
    };
    const files = (await writer.finish()).sort((a, b) => rank(a.type) - rank(b.type));
    options.onProgress?.(written);
    const entry = (f: { type: string; name: string; count: number }) => ({
      type: f.type,
      name: f.name,
      count: f.count,
    });
    return {
      output: files.filter((f) => f.type !== 'OperationOutcome').map(entry),
      error: files.filter((f) => f.type === 'OperationOutcome').map(entry),
    };
  } catch (error) {
    await writer.abort();
    throw error;
  }
}
