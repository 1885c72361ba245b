import type { Bundle, ExtractResource, Parameters, Resource, ResourceType } from '@medplum/fhirtypes';
import { ConflictError, TransportError } from '../../errors/lienthong-error.js';
import { redactUrl } from '../../privacy/mask.js';
import { createTransport, type Transport, type TransportOptions } from '../../transport/create-transport.js';
import { resolveUrl, type SearchParamsInit, toSearchParams } from '../../transport/url.js';
import { type ServerCapabilities, serverCapabilities } from '../capabilities.js';
import { FHIR_JSON } from '../media-type.js';
import { bundleMatches, isBundle, isResource } from '../resources.js';
import { type PageRequest, walkPages } from './pages.js';

/** What every request of a {@link FhirClient} takes. */
export interface FhirRequestOptions {
  signal?: AbortSignal;
}

/** Options of {@link FhirClient.searchAll} and {@link FhirClient.history}. */
export interface FhirPagesOptions extends FhirRequestOptions {
  /** Stop after this many pages (guards against servers whose paging never ends). Default 10 000. */
  maxPages?: number;
}

/** Options of {@link FhirClient.create}. */
export interface FhirCreateOptions extends FhirRequestOptions {
  /**
   * Conditional create (`If-None-Exist`): the search that finds a copy already stored
   * (`{ identifier: 'system|value' }`). When it matches one, the server creates nothing and
   * answers with that copy, so a retried create never duplicates.
   */
  ifNoneExist?: SearchParamsInit;
}

/** Options of {@link FhirClient.update}. */
export interface FhirUpdateOptions extends FhirRequestOptions {
  /**
   * Version-aware update (`If-Match`): the version the server must still hold — a `meta.versionId`
   * (`3`) or its ETag (`W/"3"`). A resource changed since is not overwritten: the server answers
   * 409 or 412, thrown as a `ConflictError`.
   */
  ifMatch?: string;
}

/** Options of {@link FhirClient.transaction}. */
export interface FhirTransactionOptions extends FhirRequestOptions {
  /** Makes the POST safe to retry on transient failures (sent as `Idempotency-Key`). */
  idempotencyKey?: string;
}

/** Options of {@link FhirClient.operation}. */
export interface FhirOperationOptions extends FhirRequestOptions {
  /** The input, sent with POST; without it the operation is called with GET. */
  parameters?: Parameters;
  /** Query parameters (the input of a GET operation). */
  searchParams?: SearchParamsInit;
}

/**
 * A small FHIR R4 REST client over a {@link Transport}: every request asks for and sends FHIR JSON,
 * every answer is checked to be the resource expected before it is typed as one, and every failure
 * is an error of the family — HTTP errors as the transport maps them (an `OperationOutcome` body
 * keeps the server's codes and paths; 404 → `NotFoundError`, 409/412 → `ConflictError`), and an
 * answer of the wrong kind as a `TransportError` (`FHIR_SEARCH_NOT_A_BUNDLE`,
 * `FHIR_TRANSACTION_FAILED`, `FHIR_ANSWER_UNEXPECTED`). Resources are checked by `resourceType`
 * only: their content is for the codec that reads them.
 */
export interface FhirClient {
  /**
   * Reads a resource by type and id (`GET [type]/[id]`); a missing one throws `NotFoundError`.
   * @example const patient = await fhir.read('Patient', 'p1', { signal });
   */
  read<K extends ResourceType>(
    type: K,
    id: string,
    options?: FhirRequestOptions,
  ): Promise<ExtractResource<K>>;
  /**
   * One page of a search (`GET [type]?params`). Pick its matches with `bundleMatches`; the rest of
   * the Bundle holds `_include`d resources, `total` and paging links.
   * @example const page = await fhir.search('DiagnosticReport', { identifier: formatTokenParam(system, id), _include: 'DiagnosticReport:result' });
   */
  search(type: ResourceType, params?: SearchParamsInit, options?: FhirRequestOptions): Promise<Bundle>;
  /**
   * The one match of a search, or undefined; more than one throws `ConflictError`
   * `FHIR_SEARCH_NOT_UNIQUE` (asks `_count=2`: enough to tell).
   * @example const study = await fhir.searchOne('ImagingStudy', { identifier: `urn:dicom:uid|${urn}` });
   */
  searchOne<K extends ResourceType>(
    type: K,
    params?: SearchParamsInit,
    options?: FhirRequestOptions,
  ): Promise<ExtractResource<K> | undefined>;
  /**
   * Every page of a search, each fetched when the consumer asks for it. `next` links are followed;
   * a server that pages without links is asked for the same search at the following `_offset`
   * while a page is not the last (fewer matches so far than `total`, or, with no total, a full page
   * of `_count`), and left when it answers an `_offset` with the page before again.
   * @example
   * for await (const page of fhir.searchAll('Patient', { family: 'Nguyễn', _count: 50 }, { signal }))
   *   for (const patient of bundleMatches(page, 'Patient')) …
   */
  searchAll(
    type: ResourceType,
    params?: SearchParamsInit,
    options?: FhirPagesOptions,
  ): AsyncGenerator<Bundle, void, undefined>;
  /**
   * Every page of a resource's history (`GET [type]/[id]/_history`), following `next` links.
   * @example for await (const page of fhir.history('DiagnosticReport', id)) versions.push(...(page.entry ?? []));
   */
  history(
    type: ResourceType,
    id: string,
    options?: FhirPagesOptions,
  ): AsyncGenerator<Bundle, void, undefined>;
  /**
   * Creates a resource (`POST [type]`), conditionally with `ifNoneExist`; answers with the
   * resource as stored (its server id and version).
   * @example const stored = await fhir.create(patient, { ifNoneExist: { identifier: formatTokenParam(cccd, value) } });
   */
  create<T extends Resource>(resource: T, options?: FhirCreateOptions): Promise<T>;
  /**
   * Replaces a resource (`PUT [type]/[id]`), version-aware with `ifMatch`; answers with it as stored.
   * @example await fhir.update({ ...report, id }, { ifMatch: report.meta?.versionId });
   */
  update<T extends Resource & { id: string }>(resource: T, options?: FhirUpdateOptions): Promise<T>;
  /** Deletes a resource (`DELETE [type]/[id]`). */
  delete(type: ResourceType, id: string, options?: FhirRequestOptions): Promise<void>;
  /**
   * Sends a `transaction` (or `batch`) Bundle to the base URL and answers with the response Bundle
   * — one entry per request entry, in order, each with its `response.status`.
   * @example const answer = await fhir.transaction({ resourceType: 'Bundle', type: 'transaction', entry }, { idempotencyKey });
   */
  transaction(bundle: Bundle, options?: FhirTransactionOptions): Promise<Bundle>;
  /**
   * Calls an operation (`Patient/$match`, `$ihe-pix`…): POST with `parameters`, else GET. Answers
   * with whatever resource the operation returns (narrow it with `isResource`), undefined for none.
   * @example const answer = await fhir.operation('Patient/$match', { parameters });
   */
  operation(path: string, options?: FhirOperationOptions): Promise<Resource | undefined>;
  /** What the server's CapabilityStatement declares, read once (see `serverCapabilities`). */
  capabilities(): Promise<ServerCapabilities>;
}

const PAGE_LIMIT = 10_000;
const ACCEPT = { accept: FHIR_JSON };
const BODY = { ...ACCEPT, 'content-type': FHIR_JSON };
/** A create or update answers with the resource as stored, not an empty body. */
const WRITE = { ...BODY, prefer: 'return=representation' };

/** An answer of the wrong kind; `url` is redacted. */
function unexpected(code: string, method: string, url: string, expected: string): TransportError {
  return new TransportError({
    code,
    message: `The FHIR server did not answer ${method} ${url} with ${expected}.`,
    messageVi: `Máy chủ FHIR không trả lời ${method} ${url} bằng ${expected}.`,
    method,
    url,
    retryable: false,
  });
}

/** The answer to a write of `sent`: the same type, as stored (the server adds id and version). */
const isStored = <T extends Resource>(answer: unknown, sent: T): answer is T =>
  isResource(answer, sent.resourceType);

/** An ETag for `If-Match`: a bare `meta.versionId` becomes the weak ETag FHIR servers expect. */
const etag = (version: string) => (/^(W\/)?"/.test(version) ? version : `W/"${version}"`);

/**
 * Creates a {@link FhirClient} on a transport (`{ transport }`) or on transport options (base URL,
 * auth, retries…). Provider authors use it instead of the transport for everything FHIR.
 * @example
 * const fhir = createFhirClient({ baseUrl: 'https://fhir.benhvien.example.vn/fhir', auth: bearerAuth(token) });
 * const report = await fhir.read('DiagnosticReport', 'dr-1');
 */
export function createFhirClient(options: TransportOptions | { transport: Transport }): FhirClient {
  const transport = 'transport' in options ? options.transport : createTransport(options);
  /** The URL of a request for errors, every query value masked (they hold identifiers and names). */
  const where = (path: string, searchParams?: URLSearchParams) =>
    redactUrl(resolveUrl(transport.baseUrl, path, searchParams).href);

  async function page(path: string, searchParams: URLSearchParams | undefined, signal?: AbortSignal) {
    const answer = await transport.get(path, { searchParams, headers: ACCEPT, signal });
    if (!isBundle(answer))
      throw unexpected('FHIR_SEARCH_NOT_A_BUNDLE', 'GET', where(path, searchParams), 'a Bundle');
    return answer;
  }

  async function write<T extends Resource>(
    method: 'POST' | 'PUT',
    path: string,
    resource: T,
    headers: Record<string, string>,
    signal?: AbortSignal,
  ): Promise<T> {
    const request = { json: resource, headers: { ...WRITE, ...headers }, signal };
    const answer = await (method === 'POST' ? transport.post(path, request) : transport.put(path, request));
    if (!isStored(answer, resource))
      throw unexpected('FHIR_ANSWER_UNEXPECTED', method, where(path), `a ${resource.resourceType}`);
    return answer;
  }

  const client: FhirClient = {
    async read(type, id, options = {}) {
      const path = `${type}/${encodeURIComponent(id)}`;
      const answer = await transport.get(path, { headers: ACCEPT, signal: options.signal });
      if (!isResource(answer, type))
        throw unexpected('FHIR_ANSWER_UNEXPECTED', 'GET', where(path), `a ${type}`);
      return answer;
    },

    search: (type, params, options = {}) => page(type, toSearchParams(params), options.signal),

    async searchOne(type, params, options = {}) {
      const query = toSearchParams(params);
      query.set('_count', '2');
      const found = await page(type, query, options.signal);
      const matches = bundleMatches(found, type);
      if (matches.length > 1 || (found.total ?? 0) > 1) {
        throw new ConflictError({
          code: 'FHIR_SEARCH_NOT_UNIQUE',
          message: `The FHIR search for one ${type} found several.`,
          messageVi: `Tìm kiếm FHIR một ${type} tìm thấy nhiều kết quả.`,
          details: { url: where(type, query) },
        });
      }
      return matches[0];
    },

    searchAll(type, params, options = {}) {
      const query = toSearchParams(params);
      const count = query.has('_count') ? Number(query.get('_count')) : undefined;
      const fetch = (request: PageRequest) => {
        if ('link' in request) return page(request.link, undefined, options.signal);
        const at = toSearchParams(query);
        if (request.offset > 0) at.set('_offset', String(request.offset));
        return page(type, at, options.signal);
      };
      return walkPages(fetch, { type, count }, options.maxPages ?? PAGE_LIMIT);
    },

    history(type, id, options = {}) {
      const path = `${type}/${encodeURIComponent(id)}/_history`;
      const fetch = (request: PageRequest) =>
        page('link' in request ? request.link : path, undefined, options.signal);
      return walkPages(fetch, undefined, options.maxPages ?? PAGE_LIMIT);
    },

    create: (resource, options = {}) =>
      write(
        'POST',
        resource.resourceType,
        resource,
        options.ifNoneExist ? { 'if-none-exist': toSearchParams(options.ifNoneExist).toString() } : {},
        options.signal,
      ),

    update: (resource, options = {}) =>
      write(
        'PUT',
        `${resource.resourceType}/${encodeURIComponent(resource.id)}`,
        resource,
        options.ifMatch ? { 'if-match': etag(options.ifMatch) } : {},
        options.signal,
      ),

    async delete(type, id, options = {}) {
      await transport.delete(`${type}/${encodeURIComponent(id)}`, {
        headers: ACCEPT,
        signal: options.signal,
      });
    },

    async transaction(bundle, options = {}) {
      const answer = await transport.post('', {
        json: bundle,
        headers: BODY,
        idempotencyKey: options.idempotencyKey,
        signal: options.signal,
      });
      if (!isBundle(answer))
        throw unexpected('FHIR_TRANSACTION_FAILED', 'POST', where(''), `a ${bundle.type} Bundle`);
      return answer;
    },

    async operation(path, options = {}) {
      const answer = options.parameters
        ? await transport.post(path, {
            json: options.parameters,
            searchParams: options.searchParams,
            headers: BODY,
            signal: options.signal,
          })
        : await transport.get(path, {
            searchParams: options.searchParams,
            headers: ACCEPT,
            signal: options.signal,
          });
      if (answer === undefined || isResource(answer)) return answer;
      throw unexpected(
        'FHIR_ANSWER_UNEXPECTED',
        options.parameters ? 'POST' : 'GET',
        where(path, toSearchParams(options.searchParams)),
        'a resource',
      );
    },

    capabilities: serverCapabilities(transport),
  };
  return client;
}
