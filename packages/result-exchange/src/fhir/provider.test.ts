import { describeResultExchangeConformance } from '@lienthong/conformance';
import { type FhirTestServer, startFhirTestServer } from '@lienthong/conformance/fhir';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFhirResultExchange } from './provider.js';

// A real FHIR R4 server (@medplum/fhir-router over a MemoryRepository) behind node:http.
let server: FhirTestServer;
beforeAll(async () => {
  server = await startFhirTestServer();
});
afterAll(async () => {
  await server.close();
});

describeResultExchangeConformance('fhir (medplum fhir-router over HTTP)', () =>
  createFhirResultExchange({ baseUrl: server.baseUrl, transportOptions: { retry: 0 } }),
);

describe('fhir provider', () => {
  it('needs a base URL or a transport', () => {
    expect(() => createFhirResultExchange({})).toThrow(
      expect.objectContaining({ code: 'FHIR_BASE_URL_MISSING' }),
    );
  });
});
