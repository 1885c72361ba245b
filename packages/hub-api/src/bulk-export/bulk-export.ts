import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type Resource, type Transport, ValidationError } from '@lienthong/core';
import { throwIfAborted } from '@lienthong/core/contract';
import { clientOf, type HubProviderOptions } from '../providers/options.js';
import { type BulkFile, type BulkManifest, protocolError, readManifest } from './manifest.js';
import { ndjsonValues } from './ndjson-lines.js';

/** What an export asks for (FHIR Bulk Data v2 kick-off parameters). */
export interface BulkExportRequest {
  /**
   * `system` (`$export`, default), `patient` (`Patient/$export`) or a Group: a facility code on the
   * hub, or the id of a saved cohort ({@link createCohort}).
   */
  level?: 'system' | 'patient' | { group: string };
  /** Resource types (`_type`); none: every type the hub exports. */
  types?: readonly string[];
  /** Only resources stored after this instant (`_since`, with its time zone). */
  since?: string;
  /** Only resources stored up to this instant (`_until`). */
  until?: string;
  /** Searches narrowing a type (`_typeFilter`, e.g. `Observation?code=http://loinc.org|2345-7`). */
  typeFilters?: readonly string[];
  /** A de-identified export (`_deidentify=true`); a key with only the `export-deidentified` scope always gets one. */
  deidentify?: boolean;
  /**
   * Only these patients (the `patient` parameter): ids of the hub's FHIR Patient resources, at
   * `patient` or Group level. The kick-off is then POSTed (a `Parameters` resource), as Bulk Data v2 requires.
   */
  patients?: readonly string[];
  /**
   * Only these elements of each resource (`_elements`: `birthDate`, or of one type,
   * `Observation.valueQuantity`); the mandatory ones are kept, and the resources are tagged SUBSETTED.
   */
  elements?: readonly string[];
  signal?: AbortSignal;
}

/** Where a download stands, for a progress bar. */
export interface DownloadProgress {
  file: string;
  /** 1-based index of the file among `files`. */
  index: number;
  files: number;
  /** Bytes of this file written so far, and its size when the hub said it. */
  bytes: number;
  size?: number;
}

/** A file a download wrote (or found written by an earlier run). */
export interface DownloadedFile extends BulkFile {
  path: string;
  /** False when an earlier, interrupted run had already written it whole. */
  downloaded: boolean;
}

/** A running export on the hub: poll it, cancel it, read or download its files. */
export interface BulkExportJob {
  /** The status URL (`Content-Location` of the kick-off): keep it to resume after a restart. */
  readonly statusUrl: string;
  /** One poll: still running (the hub's `X-Progress`, and when to ask again), or the manifest. */
  status(options?: {
    signal?: AbortSignal;
  }): Promise<
    | { state: 'running'; progress?: string; retryAfterMs: number }
    | { state: 'complete'; manifest: BulkManifest }
  >;
  /** Polls, waiting as `Retry-After` says, until the manifest (a failed export throws its error). */
  wait(options?: {
    signal?: AbortSignal;
    onProgress?: (progress: string | undefined) => void;
  }): Promise<BulkManifest>;
  /** Cancels the export: the hub deletes its files (`DELETE` on the status URL). */
  cancel(options?: { signal?: AbortSignal }): Promise<void>;
  /** The resources of the manifest's output files (of `type` only, when given), streamed line by line. */
  resources<K extends Resource['resourceType']>(
    manifest: BulkManifest,
    options?: { type?: K; signal?: AbortSignal },
  ): AsyncGenerator<Extract<Resource, { resourceType: K }>, void, undefined>;
  /**
   * Writes every file of the manifest (output and error) into `dir`, each through a `.part` file
   * renamed once whole — so a run interrupted and started again skips what it wrote whole — and
   * writes `manifest.json` last.
   */
  download(
    manifest: BulkManifest,
    dir: string,
    options?: { signal?: AbortSignal; onProgress?: (p: DownloadProgress) => void },
  ): Promise<DownloadedFile[]>;
}

const NDJSON = 'application/fhir+ndjson';
/** Bounds on the wait a `Retry-After` asks (a hub saying 0 or a day is not obeyed blindly). */
const MIN_WAIT_MS = 200;
const MAX_WAIT_MS = 120_000;

/** The kick-off path of a level. */
function kickOffPath(level: BulkExportRequest['level']): string {
  if (level === undefined || level === 'system') return 'fhir/$export';
  if (level === 'patient') return 'fhir/Patient/$export';
  return `fhir/Group/${encodeURIComponent(level.group)}/$export`;
}

/** The kick-off query of a request (a query string: `_typeFilter` repeats). */
export function kickOffQuery(request: BulkExportRequest): string {
  const q = new URLSearchParams({ _outputFormat: NDJSON });
  if (request.types?.length) q.set('_type', request.types.join(','));
  if (request.since) q.set('_since', request.since);
  if (request.until) q.set('_until', request.until);
  for (const f of request.typeFilters ?? []) q.append('_typeFilter', f);
  if (request.deidentify) q.set('_deidentify', 'true');
  if (request.elements?.length) q.set('_elements', request.elements.join(','));
  return q.toString();
}

/**
 * The kick-off as a FHIR `Parameters` resource (what a POSTed kick-off carries): the parameters of
 * {@link kickOffQuery}, and each of `patients` as a `patient` reference.
 * @example kickOffParameters({ patients: ['p-1'] }).parameter.at(-1) // { name: 'patient', valueReference: { reference: 'Patient/p-1' } }
 */
export function kickOffParameters(request: BulkExportRequest): {
  resourceType: 'Parameters';
  parameter: ({ name: string } & Record<string, unknown>)[];
} {
  const parameter: ({ name: string } & Record<string, unknown>)[] = [
    ...[...new URLSearchParams(kickOffQuery(request))].map(([name, value]) =>
      name === '_since' || name === '_until'
        ? { name, valueInstant: value }
        : name === '_deidentify'
          ? { name, valueBoolean: value === 'true' }
          : { name, valueString: value },
    ),
    ...(request.patients ?? []).map((id) => ({
      name: 'patient',
      valueReference: { reference: `Patient/${id}` },
    })),
  ];
  return { resourceType: 'Parameters', parameter };
}

/** Milliseconds a `Retry-After` (seconds or an HTTP date) asks, within bounds; 1 s without one. */
export function retryAfterMs(header: string | null, now = Date.now()): number {
  const seconds = header === null ? Number.NaN : Number(header.trim());
  const ms = Number.isFinite(seconds) ? seconds * 1000 : header ? Date.parse(header) - now : 1000;
  return Math.min(MAX_WAIT_MS, Math.max(MIN_WAIT_MS, Number.isFinite(ms) ? ms : 1000));
}

/** Waits `ms`, or rejects with `OPERATION_ABORTED` as soon as `signal` is (or was) aborted. */
async function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  throwIfAborted(signal);
  let onAbort = () => {};
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    onAbort = () => {
      clearTimeout(timer);
      resolve();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
  signal?.removeEventListener('abort', onAbort);
  throwIfAborted(signal);
}

/** A resource line of a file of `type`, checked. */
function resourceOf(value: unknown, file: BulkFile, line: number): Resource {
  const resourceType = (value as { resourceType?: unknown } | null)?.resourceType;
  if (typeof resourceType !== 'string' || (file.type !== 'OperationOutcome' && resourceType !== file.type))
    throw new ValidationError({
      code: 'BULK_NDJSON_INVALID',
      message: `${basename(file.url)}, line ${line}: not a ${file.type} resource.`,
      messageVi: `${basename(file.url)}, dòng ${line}: không phải tài nguyên ${file.type}.`,
      path: `${basename(file.url)}:${line}`,
    });
  return value as Resource;
}

function jobOn(transport: Transport, statusUrl: string): BulkExportJob {
  const get = (url: string, signal?: AbortSignal, accept = 'application/fhir+json') =>
    transport.fetchResponse('GET', url, { accept, ...(signal ? { signal } : {}), timeoutMs: false });

  const job: BulkExportJob = {
    statusUrl,

    async status(options = {}) {
      const response = await get(statusUrl, options.signal);
      if (response.status === 202) {
        await response.body?.cancel();
        const progress = response.headers.get('x-progress') ?? undefined;
        return {
          state: 'running',
          ...(progress ? { progress } : {}),
          retryAfterMs: retryAfterMs(response.headers.get('retry-after')),
        };
      }
      return { state: 'complete', manifest: readManifest(statusUrl, await response.json()) };
    },

    async wait(options = {}) {
      for (;;) {
        throwIfAborted(options.signal);
        const now = await job.status(options);
        if (now.state === 'complete') return now.manifest;
        options.onProgress?.(now.progress);
        await sleep(now.retryAfterMs, options.signal);
      }
    },

    async cancel(options = {}) {
      await transport.request('DELETE', statusUrl, options.signal ? { signal: options.signal } : {});
    },

    async *resources<K extends Resource['resourceType']>(
      manifest: BulkManifest,
      options: { type?: K; signal?: AbortSignal } = {},
    ) {
      for (const file of manifest.output) {
        if (options.type !== undefined && file.type !== options.type) continue;
        const response = await get(file.url, options.signal, NDJSON);
        if (!response.body) continue;
        let line = 0;
        for await (const value of ndjsonValues(
          Readable.fromWeb(response.body as never) as AsyncIterable<Uint8Array>,
          basename(file.url),
        ))
          yield resourceOf(value, file, ++line) as Extract<Resource, { resourceType: K }>;
      }
    },

    async download(manifest, dir, options = {}) {
      await mkdir(dir, { recursive: true });
      const files = [...manifest.output, ...manifest.error];
      const written: DownloadedFile[] = [];
      for (const [i, file] of files.entries()) {
        throwIfAborted(options.signal);
        const name = basename(new URL(file.url).pathname);
        if (!/^[A-Za-z0-9._-]{1,200}$/.test(name) || name.startsWith('.'))
          throw protocolError(
            file.url,
            'a file name in the manifest is not a plain name.',
            'tên tệp trong bản kê không phải tên đơn giản.',
          );
        const path = join(dir, name);
        if (await stat(path).catch(() => undefined)) {
          written.push({ ...file, path, downloaded: false });
          continue;
        }
        const part = `${path}.part`;
        const response = await get(file.url, options.signal, NDJSON);
        const size = Number(response.headers.get('content-length') ?? Number.NaN);
        let bytes = 0;
        const report = () =>
          options.onProgress?.({
            file: name,
            index: i + 1,
            files: files.length,
            bytes,
            ...(size >= 0 ? { size } : {}),
          });
        const body = Readable.fromWeb(response.body as never);
        body.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
          report();
        });
        try {
          await pipeline(body, createWriteStream(part), options.signal ? { signal: options.signal } : {});
        } catch (error) {
          await rm(part, { force: true });
          throw error;
        }
        await rename(part, path);
        report();
        written.push({ ...file, path, downloaded: true });
      }
      await writeFile(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
      return written;
    },
  };
  return job;
}

/**
 * Starts a FHIR Bulk Data export on the hub (`Prefer: respond-async`; the key needs the `export`
 * scope) and answers the job: poll it (`wait`, honouring `Retry-After`), then stream its resources
 * or download its files. A malformed request is refused by the hub with its error (400, the
 * parameter at fault); the job's status URL lets another process resume it ({@link resumeBulkExport}).
 * @example
 * const job = await bulkExport({ baseUrl: 'https://hub.so-y-te.example.vn', apiKey, types: ['Observation'] });
 * const manifest = await job.wait({ onProgress: (p) => console.log(p) });
 * for await (const observation of job.resources(manifest, { type: 'Observation' })) count++;
 */
export async function bulkExport(options: HubProviderOptions & BulkExportRequest): Promise<BulkExportJob> {
  const { transport } = clientOf(options);
  const signal = options.signal ? { signal: options.signal } : {};
  // With patients the kick-off is POSTed (Bulk Data v2 takes `patient` in a Parameters body only).
  const response = options.patients?.length
    ? await transport.fetchResponse('POST', kickOffPath(options.level), {
        accept: 'application/fhir+json',
        headers: { prefer: 'respond-async', 'content-type': 'application/fhir+json' },
        body: JSON.stringify(kickOffParameters(options)),
        ...signal,
      })
    : await transport.fetchResponse('GET', `${kickOffPath(options.level)}?${kickOffQuery(options)}`, {
        accept: 'application/fhir+json',
        headers: { prefer: 'respond-async' },
        ...signal,
      });
  await response.body?.cancel();
  const statusUrl = response.headers.get('content-location');
  if (response.status !== 202 || !statusUrl)
    throw protocolError(
      kickOffPath(options.level),
      'the kick-off was not answered 202 with a Content-Location.',
      'lệnh khởi động không được trả 202 kèm Content-Location.',
    );
  return jobOn(transport, statusUrl);
}

/** The job behind a status URL an earlier {@link bulkExport} answered (to resume polling or download). */
export function resumeBulkExport(options: HubProviderOptions, statusUrl: string): BulkExportJob {
  return jobOn(clientOf(options).transport, statusUrl);
}
