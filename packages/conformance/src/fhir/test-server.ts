import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getStatus } from '@medplum/core';
import { FhirRouter, type HttpMethod, MemoryRepository } from '@medplum/fhir-router';
import type { Bundle, CapabilityStatement, Resource } from '@medplum/fhirtypes';
import { indexFhirR4 } from './validate.js';

/** Options of {@link startFhirTestServer}. */
export interface FhirTestServerOptions {
  /** Resource types listed in the CapabilityStatement (default Patient, DiagnosticReport, Observation, Specimen, ImagingStudy, Endpoint). */
  resourceTypes?: string[];
  /** `rest.resource.operation` entries to declare (for tests of providers that use declared operations). */
  operations?: { name: string; definition: string }[];
  /**
   * Routes answered before the router, keyed `'<METHOD> <path>'` (`'GET Patient/$ihe-pix'`): for tests
   * of servers that implement operations the router does not. They return `[status, body]`.
   */
  handlers?: Record<
    string,
    (request: { query: URLSearchParams; body: unknown; repo: MemoryRepository }) => Promise<[number, unknown]>
  >;
}

/** A running FHIR test server. */
export interface FhirTestServer {
  /** Base URL of the FHIR API, e.g. `http://127.0.0.1:40123/fhir`. */
  readonly baseUrl: string;
  /** The repository behind the server (to inspect what a provider stored). */
  readonly repo: MemoryRepository;
  /** Requests seen, as `METHOD /path?query`. */
  readonly requests: readonly string[];
  close(): Promise<void>;
}

const DEFAULT_TYPES = ['Patient', 'DiagnosticReport', 'Observation', 'Specimen', 'ImagingStudy', 'Endpoint'];

function capabilityStatement(options: FhirTestServerOptions): CapabilityStatement {
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: '2026-01-01',
    kind: 'instance',
    implementation: { description: 'Medplum FhirRouter + MemoryRepository (test server)' },
    fhirVersion: '4.0.1',
    format: ['json'],
    rest: [
      {
        mode: 'server',
        resource: (options.resourceTypes ?? DEFAULT_TYPES).map((type) => ({
          type: type as 'Patient',
          interaction: (['read', 'create', 'update', 'search-type'] as const).map((code) => ({ code })),
          ...(options.operations ? { operation: options.operations } : {}),
        })),
      },
    ],
  };
}

/**
 * `MemoryRepository` pages with `_count`/`_offset` but returns no paging links (Medplum's HTTP
 * server adds them); real servers do, so the wrapper adds `self` and `next` the same way.
 */
function addPagingLinks(bundle: Bundle, url: URL, baseUrl: string): void {
  if (bundle.link?.some((l) => l.relation === 'next')) return;
  const count = Number(url.searchParams.get('_count') ?? 20);
  const offset = Number(url.searchParams.get('_offset') ?? 0);
  const shown = bundle.entry?.length ?? 0;
  const pageUrl = (o: number) => {
    const params = new URLSearchParams(url.searchParams);
    params.set('_offset', String(o));
    params.set('_count', String(count));
    return `${baseUrl}${url.pathname.replace(/^\/fhir/, '')}?${params.toString()}`;
  };
  bundle.link = [{ relation: 'self', url: pageUrl(offset) }];
  if (typeof bundle.total === 'number' && offset + shown < bundle.total && shown > 0) {
    bundle.link.push({ relation: 'next', url: pageUrl(offset + count) });
  }
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  if (chunks.length === 0) return undefined;
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * Starts a real FHIR R4 server written by others — Medplum's `FhirRouter` over a `MemoryRepository`,
 * after indexing the R4 profiles and search parameters — behind a `node:http` listener on
 * 127.0.0.1 and a free port, with a CapabilityStatement at `/metadata`. Use it to prove a `fhir`
 * provider against real REST semantics (create, read, update, search by `identifier=system|value`,
 * paging, transactions). It implements no `$ihe-pix` or `$match` unless a test adds `handlers`:
 * providers must fall back to plain searches, as with many real servers.
 *
 * @example
 * const fhir = await startFhirTestServer();
 * const directory = createFhirPatientDirectory({ baseUrl: fhir.baseUrl });
 * // …
 * await fhir.close();
 */
export async function startFhirTestServer(options: FhirTestServerOptions = {}): Promise<FhirTestServer> {
  indexFhirR4();
  const router = new FhirRouter();
  const repo = new MemoryRepository();
  const requests: string[] = [];
  const capability = capabilityStatement(options);
  let baseUrl = '';
  const server: Server = createServer((req, res) => {
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/fhir+json', ...headers });
      res.end(JSON.stringify(body));
    };
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      requests.push(`${req.method} ${url.pathname}${url.search}`);
      if (!url.pathname.startsWith('/fhir'))
        return send(404, { resourceType: 'OperationOutcome', issue: [] });
      const path = url.pathname.slice('/fhir'.length).replace(/^\/+/, '');
      if (req.method === 'GET' && path === 'metadata') return send(200, capability);
      const body = await readBody(req);
      const extra = options.handlers?.[`${req.method} ${path}`];
      if (extra) {
        const [status, answer] = await extra({ query: url.searchParams, body, repo });
        return send(status, answer);
      }
      const query: Record<string, string | string[]> = {};
      for (const key of new Set(url.searchParams.keys())) {
        const all = url.searchParams.getAll(key);
        query[key] = all.length === 1 ? all[0]! : all;
      }
      const [outcome, resource] = await router.handleRequest(
        {
          method: (req.method ?? 'GET') as HttpMethod,
          url: `/${path}${url.search}`,
          pathname: '',
          params: {},
          query,
          body,
          headers: req.headers,
        },
        repo,
      );
      const status = getStatus(outcome);
      const answer = (resource as Resource | undefined) ?? outcome;
      if (req.method === 'GET' && answer.resourceType === 'Bundle' && (answer as Bundle).type === 'searchset')
        addPagingLinks(answer as Bundle, url, baseUrl);
      const location =
        status === 201 && resource?.id
          ? { location: `/fhir/${resource.resourceType}/${resource.id}` }
          : undefined;
      send(status, answer, location);
    })().catch((error: unknown) => {
      send(500, {
        resourceType: 'OperationOutcome',
        issue: [{ severity: 'error', code: 'exception', diagnostics: String(error) }],
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  baseUrl = `http://127.0.0.1:${port}/fhir`;
  return {
    baseUrl,
    repo,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
