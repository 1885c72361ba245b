import type { CapabilityStatement } from '@medplum/fhirtypes';
import { afterEach, describe, expect, it } from 'vitest';
import { sendJson, startLoopbackServer } from '../../test/loopback-server.js';
import { createTransport } from '../transport/create-transport.js';
import { patientSearchParams, readServerCapabilities, serverCapabilities } from './capabilities.js';

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

  it('says which types it lists search parameters for (a type listed without any says nothing)', () => {
    const c = readServerCapabilities({
      ...statement,
      rest: [{ mode: 'server', resource: [...statement.rest![1]!.resource!, { type: 'Encounter' }] }],
    });
    expect(c.declaresSearches('DiagnosticReport')).toBe(true);
    expect(c.declaresSearches('Encounter')).toBe(false);
    expect(c.declaresSearches('Condition')).toBe(false);
    expect(readServerCapabilities(undefined).declaresSearches('DiagnosticReport')).toBe(false);
  });
});

/** A server statement declaring `names` as the search parameters of `type`. */
const declaring = (type: string, names: string[]): CapabilityStatement => ({
  ...statement,
  rest: [
    {
      mode: 'server',
      resource: [{ type: type as 'Patient', searchParam: names.map((name) => ({ name, type: 'token' })) }],
    },
  ],
});

describe('patientSearchParams', () => {
  const patient = { system: 'http://fhir.ehealth.gov.vn/core/sid/national_id', value: '001203012345' };
  const plan = (type: string, ...names: string[]) =>
    patientSearchParams(readServerCapabilities(declaring(type, names)), type, patient);

  it('searches by the subject’s identifier when the type declares the modifier (finds resources without a Patient resource)', () => {
    // The current URI and the community VN Core one: a server holding either answers.
    const token = `${patient.system}|${patient.value},http://fhir.hl7.org.vn/core/sid/cccd|${patient.value}`;
    expect(plan('DiagnosticReport', 'subject', 'subject:identifier', 'subject.identifier')).toEqual({
      'subject:identifier': token,
    });
    expect(plan('Encounter', 'patient', 'patient:identifier')).toEqual({ 'patient:identifier': token });
    // Declared for another type only: not for this one.
    expect(
      patientSearchParams(
        readServerCapabilities(declaring('Encounter', ['subject:identifier'])),
        'DiagnosticReport',
        patient,
      ),
    ).toBeUndefined();
  });

  it('uses a declared chain when no modifier is declared (one request instead of two)', () => {
    expect(plan('DiagnosticReport', 'subject', 'patient.identifier')).toEqual({
      'patient.identifier': `${patient.system}|${patient.value},http://fhir.hl7.org.vn/core/sid/cccd|${patient.value}`,
    });
  });

  it('leaves the portable way (Patient first) when neither is declared, or nothing is', () => {
    // `subject` alone says nothing of its modifiers: some servers answer them with an empty Bundle.
    expect(plan('DiagnosticReport', 'subject', 'patient', 'identifier')).toBeUndefined();
    expect(
      patientSearchParams(readServerCapabilities(undefined), 'DiagnosticReport', patient),
    ).toBeUndefined();
  });

  it('escapes the identifier as a FHIR token', () => {
    const odd = { system: 'urn:example:mrn', value: 'A|1,2' };
    expect(
      patientSearchParams(
        readServerCapabilities(declaring('DiagnosticReport', ['subject:identifier'])),
        'DiagnosticReport',
        odd,
      ),
    ).toEqual({ 'subject:identifier': 'urn:example:mrn|A\\|1\\,2' });
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
