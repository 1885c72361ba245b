import type { CapabilityStatement } from '@medplum/fhirtypes';
import { afterEach, describe, expect, it } from 'vitest';
import { sendJson, startLoopbackServer } from '../../test/loopback-server.js';
import { createTransport } from '../transport/create-transport.js';
import { readServerCapabilities, serverCapabilities } from './capabilities.js';

type Server = Awaited<ReturnType<typeof startLoopbackServer>>;
const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const statement: CapabilityStatement = {
  resourceType: 'CapabilityStatement',
  status: 'active',
  date: '2026-01-01',
  kind: 'instance',
  fhirVersion: '4.0.1',
  format: ['json'],
  rest: [
    {
      mode: 'client',
      resource: [{ type: 'Patient', searchParam: [{ name: 'client-only', type: 'token' }] }],
    },
    {
      mode: 'server',
      resource: [
        {
          type: 'DiagnosticReport',
          searchParam: [
            { name: 'subject', type: 'reference' },
            { name: 'subject:identifier', type: 'token' },
          ],
        },
        { type: 'ImagingStudy', searchParam: [{ name: 'patient', type: 'reference' }] },
      ],
    },
  ],
};

describe('readServerCapabilities', () => {
  it('answers for declared parameters and for modifiers listed as entries of their own only', () => {
    const c = readServerCapabilities(statement);
    expect(c.searches('DiagnosticReport', 'subject')).toBe(true);
    expect(c.searches('DiagnosticReport', 'subject:identifier')).toBe(true);
    // Declared alone, a parameter says nothing about its modifiers.
    expect(c.searches('ImagingStudy', 'patient')).toBe(true);
    expect(c.searches('ImagingStudy', 'patient:identifier')).toBe(false);
    expect(c.searches('Observation', 'subject')).toBe(false);
    // A client-mode rest entry is not what the server serves.
    expect(c.searches('Patient', 'client-only')).toBe(false);
    expect(readServerCapabilities(undefined).searches('DiagnosticReport', 'subject')).toBe(false);
  });
});

describe('serverCapabilities', () => {
  it('asks metadata once for concurrent and later callers', async () => {
    const s = await startLoopbackServer((_req, res) => sendJson(res, 200, statement));
    servers.push(s);
    const capabilities = serverCapabilities(createTransport({ baseUrl: `${s.url}/fhir`, retry: false }));
    const [a, b] = await Promise.all([capabilities(), capabilities()]);
    const c = await capabilities();
    expect(a.searches('DiagnosticReport', 'subject:identifier')).toBe(true);
    expect(b).toBe(a);
    expect(c).toBe(a);
    expect(s.requests.map((r) => `${r.method} ${r.url}`)).toEqual(['GET /fhir/metadata']);
  });

  it('counts an unreadable statement as declaring nothing, and asks again next time', async () => {
    let up = false;
    const s = await startLoopbackServer((_req, res) =>
      up
        ? sendJson(res, 200, statement)
        : sendJson(res, 404, { resourceType: 'OperationOutcome', issue: [] }),
    );
    servers.push(s);
    const capabilities = serverCapabilities(createTransport({ baseUrl: `${s.url}/fhir`, retry: false }));
    const down = await capabilities();
    expect(down.statement).toBeUndefined();
    expect(down.searches('DiagnosticReport', 'subject')).toBe(false);
    up = true;
    expect((await capabilities()).searches('DiagnosticReport', 'subject')).toBe(true);
    expect(s.requests).toHaveLength(2);
  });

  it('counts an answer that is not a CapabilityStatement as declaring nothing', async () => {
    const s = await startLoopbackServer((_req, res) => sendJson(res, 200, { resourceType: 'Bundle' }));
    servers.push(s);
    const capabilities = serverCapabilities(createTransport({ baseUrl: `${s.url}/fhir`, retry: false }));
    expect((await capabilities()).statement).toBeUndefined();
  });
});
