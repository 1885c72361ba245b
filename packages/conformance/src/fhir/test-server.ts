import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getStatus } from '@medplum/core';
import { FhirRouter, type HttpMethod, MemoryRepository } from '@medplum/fhir-router';
import type { Bundle } from '@medplum/fhirtypes';
import { indexFhirR4 } from './validate.js';

/** A running FHIR test server. */
export interface FhirTestServer {
  /** Base URL of the FHIR API, e.g. `http://127.0.0.1:40123/fhir`. */
  readonly baseUrl: string;
  /** Number of requests received (to assert paging or caching behaviour). */
  readonly requestCount: () => number;
  close(): Promise<void>;
}

/**
 * Starts a real FHIR R4 server written by others — Medplum's `FhirRouter` over a `MemoryRepository`,
 * after indexing the R4 profiles and search parameters — behind a `node:http` listener on
 * 127.0.0.1 and a free port. Use it to prove a `fhir` provider against real REST semantics
 * (create, read, search by `identifier=system|value`, paging, transactions). It implements no
 * `$ihe-pix` or `$match`: providers must fall back to plain searches, as with many real servers.
 *
 * @example
 * const fhir = await startFhirTestServer();
 * const directory = createFhirPatientDirectory({ baseUrl: fhir.baseUrl });
 * // …
 * await fhir.close();
 */
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
  if (typeof bundle.total === 'number' && offset + shown < bundle.total && shown > 0)
    bundle.link.push({ relation: 'next', url: pageUrl(offset + count) });
}

export async function startFhirTestServer(): Promise<FhirTestServer> {
  indexFhirR4();
  const router = new FhirRouter();
  const repo = new MemoryRepository();
  let requests = 0;
  const server: Server = createServer((req, res) => {
    requests++;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      try {
        const url = new URL(req.url ?? '/', 'http://127.0.0.1');
        const pathname = url.pathname.replace(/^\/fhir/, '') || '/';
        const query: Record<string, string | string[]> = {};
        for (const key of new Set(url.searchParams.keys())) {
          const all = url.searchParams.getAll(key);
          query[key] = all.length === 1 ? all[0]! : all;
        }
        const text = Buffer.concat(chunks).toString('utf8');
        const [outcome, resource] = await router.handleRequest(
          {
            method: (req.method ?? 'GET') as HttpMethod,
            url: `${pathname}${url.search}`,
            pathname: '',
            params: {},
            query,
            body: text ? JSON.parse(text) : undefined,
            headers: req.headers,
          },
          repo,
        );
        const body = (resource ?? outcome) as Bundle;
        if (req.method === 'GET' && body.resourceType === 'Bundle' && body.type === 'searchset')
          addPagingLinks(body, url, baseUrl);
        res.writeHead(getStatus(outcome), { 'content-type': 'application/fhir+json' });
        res.end(JSON.stringify(body));
      } catch (error) {
        res.writeHead(500, { 'content-type': 'application/fhir+json' });
        res.end(
          JSON.stringify({
            resourceType: 'OperationOutcome',
            issue: [{ severity: 'error', code: 'exception', diagnostics: String(error) }],
          }),
        );
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}/fhir`;
  return {
    baseUrl,
    requestCount: () => requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
