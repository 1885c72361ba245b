import {
  createTransport,
  isLienThongError,
  isNotFoundError,
  isTransportError,
  type Transport,
  TransportError,
  type TransportOptions,
  ValidationError,
} from '@lienthong/core';
import { type DicomJsonDataset, DicomJsonDatasetSchema } from '../dicom-json.js';

/**
 * A DICOMweb client (PS3.18) over the core transport: fetch-based (Node and browsers, no
 * XMLHttpRequest), with retries, auth and every failure mapped to the Liên Thông error family.
 */

/** A date or an inclusive date range; ISO (`2025-03-14`) or DICOM (`20250314`) dates. */
export type QidoDateRange = string | { from?: string; to?: string };

/** Standard QIDO-RS matching keys (PS3.18 10.6.1.2) plus any other attribute by keyword or tag. */
export interface QidoQuery {
  PatientID?: string;
  StudyInstanceUID?: string | readonly string[];
  SeriesInstanceUID?: string | readonly string[];
  SOPInstanceUID?: string | readonly string[];
  AccessionNumber?: string;
  StudyDate?: QidoDateRange;
  /** Study level: matches studies containing a series of this modality. */
  ModalitiesInStudy?: string;
  /** Series level. */
  Modality?: string;
  PatientName?: string;
  StudyDescription?: string;
  /** Extra attributes to return: keywords or tags, or `'all'`. */
  includefield?: readonly string[] | 'all';
  limit?: number;
  offset?: number;
  /** Ask the server for fuzzy (person name) matching. */
  fuzzymatching?: boolean;
  /** Any other matching key, by keyword or tag. */
  [key: string]: string | number | boolean | readonly string[] | QidoDateRange | undefined;
}

/** Options of one request. */
export interface DicomwebRequestOptions {
  signal?: AbortSignal;
}

/** Which study/series/instance a retrieve targets. */
export interface DicomwebTarget {
  studyInstanceUid: string;
  seriesInstanceUid?: string;
  sopInstanceUid?: string;
  /** A frame number (instance level only). */
  frame?: number;
}

/** An image answer (rendered or thumbnail). */
export interface DicomwebImage {
  contentType: string;
  bytes: Uint8Array;
  /** True when the thumbnail was produced by falling back to `/rendered?viewport=`. */
  fallback?: boolean;
}

/** Options of {@link createDicomwebClient}. */
export interface DicomwebClientOptions extends Omit<TransportOptions, 'baseUrl'> {
  /** DICOMweb root, e.g. `https://pacs.example.vn/dicom-web` (QIDO, WADO and STOW under it). */
  baseUrl: string;
  /** A ready transport (its base URL must be the DICOMweb root); overrides the other options. */
  transport?: Transport;
}

/** The DICOMweb client. */
export interface DicomwebClient {
  readonly baseUrl: string;
  searchStudies(query?: QidoQuery, options?: DicomwebRequestOptions): Promise<DicomJsonDataset[]>;
  searchSeries(
    studyInstanceUid?: string,
    query?: QidoQuery,
    options?: DicomwebRequestOptions,
  ): Promise<DicomJsonDataset[]>;
  searchInstances(
    studyInstanceUid?: string,
    seriesInstanceUid?: string,
    query?: QidoQuery,
    options?: DicomwebRequestOptions,
  ): Promise<DicomJsonDataset[]>;
  /** WADO-RS metadata of a study, series or instance. */
  retrieveMetadata(target: DicomwebTarget, options?: DicomwebRequestOptions): Promise<DicomJsonDataset[]>;
  /** WADO-RS rendered image (`image/jpeg` by default; `image/png`, `image/gif` per `accept`). */
  retrieveRendered(
    target: DicomwebTarget,
    options?: DicomwebRequestOptions & { accept?: string; viewport?: { width: number; height: number } },
  ): Promise<DicomwebImage>;
  /**
   * WADO-RS thumbnail; when the server has no `/thumbnail` (Orthanc answers 404) it falls back to
   * `/rendered?viewport=W,H`.
   */
  retrieveThumbnail(
    target: DicomwebTarget,
    options?: DicomwebRequestOptions & { accept?: string; viewport?: { width: number; height: number } },
  ): Promise<DicomwebImage>;
  /** STOW-RS: stores Part-10 files (multipart/related); returns the server's DICOM JSON answer. */
  store(
    files: readonly Uint8Array[],
    options?: DicomwebRequestOptions & { studyInstanceUid?: string },
  ): Promise<DicomJsonDataset>;
}

const DICOM_JSON = 'application/dicom+json';

function dicomDate(value: string): string {
  return value.replace(/-/g, '');
}

/** QIDO-RS query parameters of a {@link QidoQuery}. */
export function qidoSearchParams(query: QidoQuery = {}): URLSearchParams {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    if (key === 'includefield') {
      if (value === 'all') params.append('includefield', 'all');
      else for (const field of value as readonly string[]) params.append('includefield', field);
    } else if (key === 'fuzzymatching') {
      params.append('fuzzymatching', value ? 'true' : 'false');
    } else if (key === 'StudyDate' || (typeof value === 'object' && !Array.isArray(value))) {
      const range = value as QidoDateRange;
      params.append(
        key,
        typeof range === 'string'
          ? dicomDate(range)
          : `${range.from ? dicomDate(range.from) : ''}-${range.to ? dicomDate(range.to) : ''}`,
      );
    } else if (Array.isArray(value)) {
      params.append(key, value.join(','));
    } else {
      params.append(key, String(value));
    }
  }
  return params;
}

/**
 * A query string that keeps `,` literal: DICOMweb lists (`viewport=128,128`, UID lists) are comma
 * separated and some servers (Orthanc) do not decode `%2C`.
 */
function queryString(params: URLSearchParams | Record<string, string>): string {
  const entries = params instanceof URLSearchParams ? [...params] : Object.entries(params);
  if (entries.length === 0) return '';
  const enc = (v: string) => encodeURIComponent(v).replace(/%2C/gi, ',');
  return `?${entries.map(([k, v]) => `${enc(k)}=${enc(v)}`).join('&')}`;
}

function datasets(body: unknown, what: string, url: string): DicomJsonDataset[] {
  if (body === undefined || body === null) return [];
  const list = Array.isArray(body) ? body : undefined;
  const parsed = list?.map((item) => DicomJsonDatasetSchema.safeParse(item));
  if (!parsed || parsed.some((p) => !p.success)) {
    throw new TransportError({
      code: 'DICOMWEB_RESPONSE_INVALID',
      message: `The ${what} answer from ${url} is not a DICOM JSON array.`,
      messageVi: `Câu trả lời ${what} từ ${url} không phải mảng DICOM JSON.`,
      method: 'GET',
      url,
      retryable: false,
    });
  }
  return parsed.map((p) => p.data!);
}

function path(target: DicomwebTarget): string {
  let p = `studies/${encodeURIComponent(target.studyInstanceUid)}`;
  if (target.seriesInstanceUid) p += `/series/${encodeURIComponent(target.seriesInstanceUid)}`;
  if (target.sopInstanceUid) p += `/instances/${encodeURIComponent(target.sopInstanceUid)}`;
  if (target.frame !== undefined) p += `/frames/${target.frame}`;
  return p;
}

function boundary(): string {
  const random = globalThis.crypto.randomUUID().replace(/-/g, '');
  return `lienthong-${random}`;
}

/** Builds a `multipart/related; type="application/dicom"` body (STOW-RS). */
export function multipartRelated(
  files: readonly Uint8Array[],
  mark = boundary(),
): {
  body: Uint8Array;
  contentType: string;
} {
  const encoder = new TextEncoder();
  const head = encoder.encode(`--${mark}\r\nContent-Type: application/dicom\r\n\r\n`);
  const between = encoder.encode('\r\n');
  const tail = encoder.encode(`--${mark}--\r\n`);
  const size = files.reduce((n, f) => n + head.length + f.length + between.length, tail.length);
  const body = new Uint8Array(size);
  let at = 0;
  for (const file of files) {
    body.set(head, at);
    at += head.length;
    body.set(file, at);
    at += file.length;
    body.set(between, at);
    at += between.length;
  }
  body.set(tail, at);
  return { body, contentType: `multipart/related; type="application/dicom"; boundary=${mark}` };
}

/**
 * Creates a DICOMweb client.
 * @example
 * const pacs = createDicomwebClient({ baseUrl: 'https://pacs.example.vn/dicom-web' });
 * const studies = await pacs.searchStudies({ PatientID: 'BN-42', StudyDate: { from: '2025-01-01' }, limit: 20 });
 */
export function createDicomwebClient(options: DicomwebClientOptions): DicomwebClient {
  const { transport: given, ...rest } = options;
  if (!given && !URL.canParse(rest.baseUrl)) {
    throw new ValidationError({
      code: 'DICOMWEB_BASE_URL_INVALID',
      message: 'The DICOMweb base URL is not a valid URL.',
      messageVi: 'Địa chỉ gốc DICOMweb không phải URL hợp lệ.',
      path: 'baseUrl',
    });
  }
  const transport = given ?? createTransport(rest);

  async function search(p: string, query: QidoQuery | undefined, o: DicomwebRequestOptions = {}) {
    const body = await transport.get(`${p}${queryString(qidoSearchParams(query))}`, {
      headers: { accept: DICOM_JSON },
      ...(o.signal ? { signal: o.signal } : {}),
    });
    return datasets(body, 'QIDO-RS', `${transport.baseUrl}/${p}`);
  }

  async function image(
    p: string,
    accept: string,
    search: Record<string, string>,
    o: DicomwebRequestOptions,
  ): Promise<DicomwebImage> {
    const response = await transport.fetchResponse('GET', `${p}${queryString(search)}`, {
      accept,
      ...(o.signal ? { signal: o.signal } : {}),
    });
    const bytes = new Uint8Array(await response.arrayBuffer());
    return { contentType: response.headers.get('content-type') ?? accept, bytes };
  }

  return {
    baseUrl: transport.baseUrl,
    searchStudies: (query, o) => search('studies', query, o),
    searchSeries: (study, query, o) =>
      search(study ? `studies/${encodeURIComponent(study)}/series` : 'series', query, o),
    searchInstances: (study, series, query, o) =>
      search(
        study
          ? series
            ? `studies/${encodeURIComponent(study)}/series/${encodeURIComponent(series)}/instances`
            : `studies/${encodeURIComponent(study)}/instances`
          : 'instances',
        query,
        o,
      ),
    async retrieveMetadata(target, o = {}) {
      const p = `${path({ ...target, frame: undefined } as DicomwebTarget)}/metadata`;
      const body = await transport.get(p, {
        headers: { accept: DICOM_JSON },
        ...(o.signal ? { signal: o.signal } : {}),
      });
      return datasets(body, 'WADO-RS metadata', `${transport.baseUrl}/${p}`);
    },
    retrieveRendered(target, o = {}) {
      const search: Record<string, string> = o.viewport
        ? { viewport: `${o.viewport.width},${o.viewport.height}` }
        : {};
      return image(`${path(target)}/rendered`, o.accept ?? 'image/jpeg', search, o);
    },
    async retrieveThumbnail(target, o = {}) {
      const viewport = o.viewport ?? { width: 128, height: 128 };
      const accept = o.accept ?? 'image/jpeg';
      try {
        return await image(
          `${path(target)}/thumbnail`,
          accept,
          { viewport: `${viewport.width},${viewport.height}` },
          o,
        );
      } catch (error) {
        const unsupported =
          isNotFoundError(error) ||
          (isTransportError(error) && [400, 405, 406, 501].includes(error.status ?? 0)) ||
          (isLienThongError(error) && /^HTTP_40[056]/.test(error.code));
        if (!unsupported) throw error;
        const rendered = await image(
          `${path(target)}/rendered`,
          accept,
          { viewport: `${viewport.width},${viewport.height}` },
          o,
        );
        return { ...rendered, fallback: true };
      }
    },
    async store(files, o = {}) {
      const { body, contentType } = multipartRelated(files);
      const p = o.studyInstanceUid ? `studies/${encodeURIComponent(o.studyInstanceUid)}` : 'studies';
      const response = await transport.fetchResponse('POST', p, {
        body: body as unknown as BodyInit,
        headers: { 'content-type': contentType },
        accept: DICOM_JSON,
        ...(o.signal ? { signal: o.signal } : {}),
      });
      const text = await response.text();
      if (text.trim() === '') return {};
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch (cause) {
        throw new TransportError({
          code: 'DICOMWEB_RESPONSE_INVALID',
          message: 'The STOW-RS answer is not DICOM JSON.',
          messageVi: 'Câu trả lời STOW-RS không phải DICOM JSON.',
          method: 'POST',
          url: `${transport.baseUrl}/${p}`,
          retryable: false,
          cause,
        });
      }
      const parsed = DicomJsonDatasetSchema.safeParse(Array.isArray(json) ? json[0] : json);
      return parsed.success ? parsed.data : {};
    },
  };
}
