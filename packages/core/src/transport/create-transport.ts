import ky, { type Hooks, HTTPError, TimeoutError } from 'ky';
import type * as z from 'zod';
import { OPERATION_ABORTED } from '../contract/abort.js';
import { isLienThongError, type LienThongError, TransportError } from '../errors/lienthong-error.js';
import { validationErrorFromZod } from '../errors/zod-issues.js';
import { redactUrl } from '../privacy/mask.js';
import type { AuthProvider } from './auth.js';
import { errorFromHttpResponse, RETRYABLE_STATUS } from './http-errors.js';
import { resolveUrl, type SearchParamsInit } from './url.js';

/** Retry behaviour for transient failures (408, 429, 5xx, network errors). */
export interface RetryOptions {
  /** Retries after the first attempt (default 2). */
  limit?: number;
  /** First backoff delay in ms, doubled each retry (default 300). */
  backoffMs?: number;
  /** Upper bound of one backoff delay in ms (default 10 000). */
  backoffLimitMs?: number;
  /** Longest `Retry-After` wait honoured, in ms (default: the timeout). */
  maxRetryAfterMs?: number;
}

/** What a transport reports to `onEvent` — URLs are redacted, no headers or bodies. */
export type TransportEvent =
  | { type: 'request'; requestId: string; method: string; url: string }
  | { type: 'retry'; requestId: string; method: string; url: string; attempt: number; reason: string }
  | { type: 'response'; requestId: string; method: string; url: string; status: number; durationMs: number }
  | { type: 'error'; requestId: string; method: string; url: string; code: string; durationMs: number };

/** Options of {@link createTransport}. */
export interface TransportOptions {
  /** Base URL every relative path resolves against (`https://hub.example.vn/api/v1`). */
  baseUrl: string;
  /** Authorization; sent only to the base URL's origin, never to links elsewhere. */
  auth?: AuthProvider;
  /** Timeout of one attempt in ms (default 30 000); `false` for none. */
  timeoutMs?: number | false;
  /** Retry settings, a retry count, or `false` for none. */
  retry?: RetryOptions | number | false;
  /** A fetch implementation (Node's global fetch by default; pass one for browsers, tests, proxies). */
  fetch?: typeof globalThis.fetch;
  /** Headers sent with every request. */
  headers?: Record<string, string>;
  /** ky hooks, run after the transport's own (request ID, auth). */
  hooks?: Hooks;
  /** Structured, redacted events for logging and metrics. */
  onEvent?: (event: TransportEvent) => void;
  /** Request-ID generator (default `crypto.randomUUID`). */
  requestId?: () => string;
}

/** Options of one request. */
export interface RequestOptions<S extends z.ZodType | undefined = undefined> {
  searchParams?: SearchParamsInit;
  /** A JSON body (serialised, `content-type: application/json` unless overridden). */
  json?: unknown;
  /** A raw body (bytes, multipart, text). */
  body?: RequestInit['body'];
  headers?: Record<string, string>;
  /** zod schema the JSON answer must satisfy; the parsed output is returned. */
  schema?: S;
  signal?: AbortSignal;
  /** Makes a POST/PATCH safe to retry: sent as `Idempotency-Key`. */
  idempotencyKey?: string;
  timeoutMs?: number | false;
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD';
type Answer<S> = S extends z.ZodType ? z.output<S> : unknown;

/** One HTTP method of a {@link Transport}: the JSON answer, parsed by `schema` when given. */
export type SendJson = <S extends z.ZodType | undefined = undefined>(
  path: string,
  options?: RequestOptions<S>,
) => Promise<Answer<S>>;

/** A small HTTP client over ky that speaks the error family. Create one with {@link createTransport}. */
export interface Transport {
  readonly baseUrl: string;
  /** Sends a request and returns its JSON answer (parsed by `schema` when given); `undefined` for an empty body. */
  request<S extends z.ZodType | undefined = undefined>(
    method: Method,
    path: string,
    options?: RequestOptions<S>,
  ): Promise<Answer<S>>;
  get: SendJson;
  post: SendJson;
  put: SendJson;
  patch: SendJson;
  delete: SendJson;
  /** Sends a request and returns the raw 2xx `Response` (images, multipart); failures still map to the error family. */
  fetchResponse(
    method: Method,
    path: string,
    options?: Omit<RequestOptions, 'schema'> & { accept?: string },
  ): Promise<Response>;
  /** A new transport with some options replaced (headers are merged). */
  extend(options: Partial<TransportOptions>): Transport;
}

const IDEMPOTENT = ['get', 'put', 'head', 'delete', 'options', 'trace'];

function normaliseRetry(retry: TransportOptions['retry'], timeoutMs: number | false) {
  const opts: RetryOptions =
    retry === false ? { limit: 0 } : typeof retry === 'number' ? { limit: retry } : (retry ?? {});
  const backoff = opts.backoffMs ?? 300;
  return {
    limit: opts.limit ?? 2,
    statusCodes: [...RETRYABLE_STATUS],
    afterStatusCodes: [413, 429, 503],
    maxRetryAfter: opts.maxRetryAfterMs ?? (timeoutMs === false ? 60_000 : timeoutMs),
    backoffLimit: opts.backoffLimitMs ?? 10_000,
    delay: (attempt: number) => backoff * 2 ** (attempt - 1),
  };
}

/**
 * Creates an HTTP transport: JSON in and out, an `X-Request-ID` on every request, bearer or OAuth2
 * auth with one retry after a 401, backoff retries of idempotent requests on 408/429/5xx that honour
 * `Retry-After`, and every failure mapped into the error family (a FHIR `OperationOutcome` or a
 * problem document becomes a readable error). Nothing it reports contains credentials or
 * unmasked identifiers.
 *
 * @example
 * const hub = createTransport({
 *   baseUrl: 'https://hub.example.vn/api/v1',
 *   auth: clientCredentialsAuth({ tokenUrl, clientId, clientSecret }),
 * });
 * const report = await hub.get(`lab-reports/${id}`, { schema: LabReportSchema });
 */
export function createTransport(options: TransportOptions): Transport {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const retry = normaliseRetry(options.retry, timeoutMs);
  const baseOrigin = new URL(options.baseUrl).origin;
  const newRequestId = options.requestId ?? (() => globalThis.crypto.randomUUID());
  const emit = options.onEvent ?? (() => {});

  async function send(
    method: Method,
    path: string,
    request: RequestOptions<z.ZodType | undefined> & { accept?: string },
  ): Promise<Response> {
    let url: URL;
    try {
      url = resolveUrl(options.baseUrl, path, request.searchParams);
    } catch (cause) {
      throw new TransportError({
        code: 'TRANSPORT_URL_INVALID',
        message: `Cannot build a URL from the base URL and path ${JSON.stringify(redactUrl(path))}.`,
        messageVi: `Không tạo được URL từ địa chỉ gốc và đường dẫn ${JSON.stringify(redactUrl(path))}.`,
        method,
        url: redactUrl(path),
        retryable: false,
        cause,
      });
    }
    const safeUrl = redactUrl(url.href);
    const requestId = newRequestId();
    const sameOrigin = url.origin === baseOrigin;
    const started = Date.now();
    emit({ type: 'request', requestId, method, url: safeUrl });

    const attempt = async (authHeader: string | undefined): Promise<Response> => {
      const headers: Record<string, string> = {
        accept: request.accept ?? 'application/json',
        ...options.headers,
        ...request.headers,
        'x-request-id': requestId,
      };
      if (authHeader) headers.authorization = authHeader;
      if (request.idempotencyKey) headers['idempotency-key'] = request.idempotencyKey;
      const methods = request.idempotencyKey ? [...IDEMPOTENT, 'post', 'patch'] : IDEMPOTENT;
      return ky(url, {
        method,
        headers,
        ...(request.json === undefined ? {} : { json: request.json }),
        ...(request.body === undefined ? {} : { body: request.body }),
        ...(request.signal ? { signal: request.signal } : {}),
        timeout: request.timeoutMs ?? timeoutMs,
        retry: { ...retry, methods },
        ...(options.fetch ? { fetch: options.fetch } : {}),
        hooks: {
          ...options.hooks,
          beforeRetry: [
            ({ retryCount, error }) => {
              const reason =
                error instanceof HTTPError ? `HTTP ${error.response.status}` : (error as Error).name;
              emit({ type: 'retry', requestId, method, url: safeUrl, attempt: retryCount, reason });
            },
            ...(options.hooks?.beforeRetry ?? []),
          ],
        },
      });
    };

    try {
      const authHeader =
        sameOrigin && options.auth ? await options.auth.authorization(request.signal) : undefined;
      let response: Response;
      try {
        response = await attempt(authHeader);
      } catch (error) {
        // Bounded 401 retry: at most one more attempt, and only if the provider can get a new credential.
        if (
          error instanceof HTTPError &&
          error.response.status === 401 &&
          authHeader &&
          options.auth?.invalidate?.(authHeader)
        ) {
          emit({
            type: 'retry',
            requestId,
            method,
            url: safeUrl,
            attempt: 1,
            reason: 'HTTP 401 (credential refreshed)',
          });
          response = await attempt(await options.auth.authorization(request.signal));
        } else {
          throw error;
        }
      }
      emit({
        type: 'response',
        requestId,
        method,
        url: safeUrl,
        status: response.status,
        durationMs: Date.now() - started,
      });
      return response;
    } catch (error) {
      const mapped = await mapFailure(error, method, safeUrl, request.signal);
      emit({
        type: 'error',
        requestId,
        method,
        url: safeUrl,
        code: mapped.code,
        durationMs: Date.now() - started,
      });
      throw mapped;
    }
  }

  async function requestJson(
    method: Method,
    path: string,
    request: RequestOptions<z.ZodType | undefined> = {},
  ) {
    const response = await send(method, path, request);
    const safeUrl = redactUrl(response.url || resolveUrl(options.baseUrl, path).href);
    const text = await response.text();
    let body: unknown;
    if (text.trim() !== '') {
      try {
        body = JSON.parse(text);
      } catch (cause) {
        throw new TransportError({
          code: 'TRANSPORT_BODY_INVALID',
          message: `The server answered ${method} ${safeUrl} with a body that is not JSON.`,
          messageVi: `Máy chủ trả lời ${method} ${safeUrl} với nội dung không phải JSON.`,
          status: response.status,
          method,
          url: safeUrl,
          retryable: false,
          cause,
        });
      }
    }
    if (!request.schema) return body;
    const parsed = request.schema.safeParse(body);
    if (parsed.success) return parsed.data;
    throw validationErrorFromZod(parsed.error, {
      code: 'TRANSPORT_RESPONSE_INVALID',
      subject: { en: `answer to ${method} ${safeUrl}`, vi: `câu trả lời cho ${method} ${safeUrl}` },
    });
  }

  const transport: Transport = {
    baseUrl: options.baseUrl,
    request: requestJson as Transport['request'],
    get: ((path, o) => requestJson('GET', path, o)) as Transport['get'],
    post: ((path, o) => requestJson('POST', path, o)) as Transport['post'],
    put: ((path, o) => requestJson('PUT', path, o)) as Transport['put'],
    patch: ((path, o) => requestJson('PATCH', path, o)) as Transport['patch'],
    delete: ((path, o) => requestJson('DELETE', path, o)) as Transport['delete'],
    fetchResponse: (method, path, o = {}) => send(method, path, o),
    extend: (overrides) =>
      createTransport({ ...options, ...overrides, headers: { ...options.headers, ...overrides.headers } }),
  };
  return transport;
}

async function mapFailure(
  error: unknown,
  method: string,
  url: string,
  signal?: AbortSignal,
): Promise<LienThongError> {
  if (isLienThongError(error)) return error;
  if (error instanceof HTTPError) {
    const text = await error.response.text().catch(() => '');
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    return errorFromHttpResponse({ status: error.response.status, method, url }, body);
  }
  if (error instanceof TimeoutError) {
    return new TransportError({
      code: 'TRANSPORT_TIMEOUT',
      message: `${method} ${url} timed out.`,
      messageVi: `${method} ${url} quá thời gian chờ.`,
      method,
      url,
      retryable: true,
      cause: error,
    });
  }
  if (signal?.aborted) {
    // The one abort code of the SDK, as every contract method rejects with it.
    return new TransportError({
      code: OPERATION_ABORTED,
      message: `${method} ${url} was cancelled by the caller.`,
      messageVi: `${method} ${url} đã bị người gọi hủy.`,
      method,
      url,
      retryable: false,
      cause: error,
    });
  }
  return new TransportError({
    code: 'TRANSPORT_NETWORK',
    message: `${method} ${url} failed: the server could not be reached.`,
    messageVi: `${method} ${url} thất bại: không kết nối được máy chủ.`,
    method,
    url,
    retryable: true,
    cause: error,
  });
}
