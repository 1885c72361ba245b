import {
  type AuthProvider,
  bearerAuth,
  createTransport,
  type Transport,
  type TransportOptions,
} from '@lienthong/core';
import type { paths } from './generated/openapi.js';

/** HTTP methods the contract uses. */
type Method = 'get' | 'post' | 'put' | 'delete';
type Operation<P extends keyof paths, M extends Method> = NonNullable<paths[P][M]>;
/** Paths of the contract that support method `M`. */
export type PathsWith<M extends Method> = {
  [P in keyof paths]: paths[P][M] extends undefined | never ? never : P;
}[keyof paths];

type JsonOf<T> = T extends { content: { 'application/json': infer B } } ? B : never;
type Params<O> = O extends { parameters: infer X } ? X : never;
type PathParams<O> =
  Params<O> extends { path: infer X } ? (X extends never | undefined ? undefined : X) : undefined;
type QueryParams<O> = Params<O> extends { query?: infer X } ? X : undefined;
type RequestBody<O> = O extends { requestBody?: infer R } ? JsonOf<NonNullable<R>> : never;
/** The JSON answer of an operation's 2xx response. */
export type SuccessBody<O> = O extends { responses: infer R }
  ? { [S in keyof R]: S extends 200 | 201 ? JsonOf<R[S]> : never }[keyof R]
  : never;

/** Per-call options of {@link HubClient} methods, typed from the contract. */
export type CallOptions<O> = {
  query?: QueryParams<O>;
  body?: RequestBody<O>;
  idempotencyKey?: string;
  signal?: AbortSignal;
} & (PathParams<O> extends undefined ? { path?: undefined } : { path: PathParams<O> });

/** A call of method `M`: a path of the contract, its options (required when the path has parameters), its answer. */
type Call<M extends Method> = <P extends PathsWith<M>>(
  path: P,
  ...options: OptionalArgs<Operation<P, M>>
) => Promise<SuccessBody<Operation<P, M>>>;
type OptionalArgs<O> =
  PathParams<O> extends undefined ? [options?: CallOptions<O>] : [options: CallOptions<O>];

/** A typed client of the hub API: paths, parameters, bodies and answers come from `openapi.yaml`. */
export interface HubClient {
  readonly transport: Transport;
  GET: Call<'get'>;
  POST: Call<'post'>;
  PUT: Call<'put'>;
  DELETE: Call<'delete'>;
}

/** Options of {@link createHubClient}. */
export interface HubClientOptions extends Omit<TransportOptions, 'baseUrl' | 'auth'> {
  /** The hub's base URL (without `/v1`). */
  baseUrl: string;
  /** The facility's API key (`lthub_…`), or any {@link AuthProvider}. */
  apiKey?: string;
  auth?: AuthProvider;
  /** End user the calling system acts for, recorded in the hub's audit trail (`X-User`). */
  user?: string;
  /** Purpose of use recorded in the audit trail (`X-Purpose-Of-Use`, default `TREAT`). */
  purpose?: string;
}

function fillPath(template: string, params: Record<string, unknown> | undefined): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) =>
    encodeURIComponent(String(params?.[name] ?? '')),
  );
}

/**
 * Creates a typed hub client on `@lienthong/core`'s transport (retries, auth, error mapping: a
 * problem answer from the hub becomes the same error class, code and path the server raised).
 * @example
 * const hub = createHubClient({ baseUrl: 'https://hub.so-y-te.example.vn', apiKey: process.env.HUB_KEY });
 * const { items } = await hub.GET('/v1/facilities');
 */
export function createHubClient(options: HubClientOptions): HubClient {
  const { apiKey, auth, user, purpose, baseUrl, ...rest } = options;
  const transport = createTransport({
    ...rest,
    baseUrl,
    ...(auth ? { auth } : apiKey ? { auth: bearerAuth(apiKey) } : {}),
    headers: {
      ...rest.headers,
      ...(user ? { 'x-user': user } : {}),
      ...(purpose ? { 'x-purpose-of-use': purpose } : {}),
    },
  });
  const call =
    (method: 'GET' | 'POST' | 'PUT' | 'DELETE') =>
    (
      path: string,
      options: {
        path?: Record<string, unknown>;
        query?: Record<string, unknown>;
        body?: unknown;
        idempotencyKey?: string;
        signal?: AbortSignal;
      } = {},
    ) =>
      transport.request(method, fillPath(path, options.path), {
        ...(options.query ? { searchParams: options.query as Record<string, string> } : {}),
        ...(options.body === undefined ? {} : { json: options.body }),
        ...(options.idempotencyKey ? { idempotencyKey: options.idempotencyKey } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      });
  return {
    transport,
    GET: call('GET') as HubClient['GET'],
    POST: call('POST') as HubClient['POST'],
    PUT: call('PUT') as HubClient['PUT'],
    DELETE: call('DELETE') as HubClient['DELETE'],
  };
}
