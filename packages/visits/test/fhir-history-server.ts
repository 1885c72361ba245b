import { readFileSync } from 'node:fs';
import { type FhirTestServer, startFhirTestServer } from '@lienthong/conformance/fhir';
import { createTransport, type Resource, type Transport } from '@lienthong/core';
import { afterAll, beforeAll } from 'vitest';
import { createFhirVisitHistory, type FhirVisitHistoryOptions } from '../src/fhir/index.js';
import type { Visit } from '../src/model.js';
import { decodeXml130 } from '../src/xml130/index.js';

/**
 * A real FHIR R4 server (@medplum/fhir-router over a MemoryRepository) behind node:http, started
 * before the tests of the enclosing `describe` (or file) and closed after them, with visit
 * histories on it and what it holds.
 */
export function fhirHistoryServer() {
  let started: FhirTestServer | undefined;
  beforeAll(async () => {
    started = await startFhirTestServer();
  });
  afterAll(async () => {
    await started?.close();
  });
  const server = () => started!;
  return {
    get server() {
      return server();
    },
    /** A visit history on the server, without retries. */
    history: (options: Omit<FhirVisitHistoryOptions, 'baseUrl'> = {}) =>
      createFhirVisitHistory({ baseUrl: server().baseUrl, transportOptions: { retry: 0 }, ...options }),
    /** A transport to the server without retries, to wrap. */
    transport: (): Transport => createTransport({ baseUrl: server().baseUrl, retry: 0 }),
    /** Every resource of a type the server holds. */
    all: <T extends Resource>(resourceType: T['resourceType']) =>
      server().repo.searchResources<T>({ resourceType, count: 10_000 } as never),
  };
}

/** The first visit of the repository's synthetic XML 130 file set (every table: XML1–XML5). */
export function syntheticXmlVisit(): Visit {
  const xml = readFileSync(new URL('./fixtures/synthetic-xml130-file-set.xml', import.meta.url), 'utf8');
  return decodeXml130(xml).value.visits[0]!;
}
