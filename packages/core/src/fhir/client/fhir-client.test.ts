import type { Bundle, OperationOutcome, Patient } from '@medplum/fhirtypes';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type Handler,
  type SeenRequest,
  sendJson,
  startLoopbackServer,
} from '../../../test/loopback-server.js';
import { isConflictError, isNotFoundError } from '../../errors/lienthong-error.js';
import { bundleMatches } from '../resources.js';
import { createFhirClient } from './fhir-client.js';

type Server = Awaited<ReturnType<typeof startLoopbackServer>>;
const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function fhirServer(handler: Handler) {
  const s = await startLoopbackServer(handler);
  servers.push(s);
  return { s, fhir: createFhirClient({ baseUrl: `${s.url}/fhir`, retry: false }) };
}

const fhirJson = (res: Parameters<Handler>[1], status: number, body: unknown) =>
  sendJson(res, status, body, { 'content-type': 'application/fhir+json' });
const an: Patient & { id: string } = { resourceType: 'Patient', id: 'p1', meta: { versionId: '3' } };
const searchset = (...resources: Patient[]): Bundle => ({
  resourceType: 'Bundle',
  type: 'searchset',
  total: resources.length,
  entry: resources.map((resource) => ({ resource, search: { mode: 'match' } })),
});
const notFound: OperationOutcome = {
  resourceType: 'OperationOutcome',
  issue: [{ severity: 'error', code: 'not-found', details: { text: 'Not found' } }],
};
const line = (r: SeenRequest) => `${r.method} ${decodeURIComponent(r.url)}`;

describe('FhirClient reads', () => {
  it('reads a resource as FHIR JSON, and maps an OperationOutcome 404 to NotFoundError', async () => {
    const { s, fhir } = await fhirServer((req, res) =>
      req.url === '/fhir/Patient/p1' ? fhirJson(res, 200, an) : fhirJson(res, 404, notFound),
    );
    const patient = await fhir.read('Patient', 'p1');
    expect(patient.id).toBe('p1');
    expect(s.requests[0]!.headers.accept).toBe('application/fhir+json');
    const error = await fhir.read('Patient', 'gone').catch((e: unknown) => e);
    expect(isNotFoundError(error)).toBe(true);
    expect(error).toMatchObject({ code: 'FHIR_NOT_FOUND' });
  });

  it('refuses an answer of another type', async () => {
    const { fhir } = await fhirServer((_req, res) => fhirJson(res, 200, { resourceType: 'Observation' }));
    await expect(fhir.read('Patient', 'p1')).rejects.toMatchObject({ code: 'FHIR_ANSWER_UNEXPECTED' });
  });

  it('searches one page, and fails clearly when the answer is not a Bundle', async () => {
    const { s, fhir } = await fhirServer((req, res) =>
      req.url.startsWith('/fhir/Patient?')
        ? fhirJson(res, 200, searchset(an))
        : fhirJson(res, 200, { resourceType: 'Bundle', entry: 'not a list' }),
    );
    const page = await fhir.search('Patient', { identifier: 'sys|1', _include: ['A:b', 'A:c'] });
    expect(bundleMatches(page, 'Patient').map((p) => p.id)).toEqual(['p1']);
    expect(line(s.requests[0]!)).toBe('GET /fhir/Patient?identifier=sys|1&_include=A:b&_include=A:c');
    await expect(fhir.search('Observation', { 'subject:identifier': 'sys|Nguyễn' })).rejects.toMatchObject({
      code: 'FHIR_SEARCH_NOT_A_BUNDLE',
      url: `${s.url}/fhir/Observation?subject%3Aidentifier=***`, // values (identifiers, names) masked
    });
  });

  it('searchOne: none, one, or a ConflictError for several', async () => {
    const found: Record<string, Patient[]> = { none: [], one: [an], two: [an, { ...an, id: 'p2' }] };
    const { s, fhir } = await fhirServer((req, res) => {
      const name = new URL(req.url, 'http://x').searchParams.get('name')!;
      fhirJson(res, 200, searchset(...found[name]!));
    });
    expect(await fhir.searchOne('Patient', { name: 'none' })).toBeUndefined();
    expect((await fhir.searchOne('Patient', { name: 'one', _count: 50 }))?.id).toBe('p1');
    expect(line(s.requests[1]!)).toBe('GET /fhir/Patient?name=one&_count=2');
    const error = await fhir.searchOne('Patient', { name: 'two' }).catch((e: unknown) => e);
    expect(isConflictError(error)).toBe(true);
    expect(error).toMatchObject({
      code: 'FHIR_SEARCH_NOT_UNIQUE',
      details: { url: `${s.url}/fhir/Patient?name=***&_count=***` },
    });
  });

  it('searchAll follows absolute next links, and pages servers without links by _offset', async () => {
    const seven = Array.from({ length: 7 }, (_, i): Patient => ({ resourceType: 'Patient', id: `p${i}` }));
    let links = true;
    const { s, fhir } = await fhirServer((req, res) => {
      const url = new URL(req.url, s.url);
      const offset = Number(url.searchParams.get('_offset') ?? 0);
      const page = searchset(...seven.slice(offset, offset + 3));
      page.total = seven.length;
      if (links && offset + 3 < seven.length)
        page.link = [{ relation: 'next', url: `${s.url}/fhir/Patient?_count=3&_offset=${offset + 3}` }];
      fhirJson(res, 200, page);
    });
    const ids = async () => {
      const out: string[] = [];
      for await (const page of fhir.searchAll('Patient', { family: 'Nguyễn', _count: 3 }))
        out.push(...bundleMatches(page, 'Patient').map((p) => p.id!));
      return out;
    };
    expect(await ids()).toEqual(seven.map((p) => p.id));
    links = false;
    expect(await ids()).toEqual(seven.map((p) => p.id));
    expect(s.requests.slice(3).map(line)).toEqual([
      'GET /fhir/Patient?family=Nguyễn&_count=3',
      'GET /fhir/Patient?family=Nguyễn&_count=3&_offset=3',
      'GET /fhir/Patient?family=Nguyễn&_count=3&_offset=6',
    ]);
  });

  it('walks every page of a history', async () => {
    const { s, fhir } = await fhirServer((req, res) =>
      fhirJson(res, 200, {
        resourceType: 'Bundle',
        type: 'history',
        entry: [{ resource: an }],
        ...(req.url.endsWith('_history')
          ? { link: [{ relation: 'next', url: 'Patient/p1/_history?page=2' }] }
          : {}),
      }),
    );
    const pages: Bundle[] = [];
    for await (const page of fhir.history('Patient', 'p1')) pages.push(page);
    expect(pages).toHaveLength(2);
    expect(s.requests.map(line)).toEqual([
      'GET /fhir/Patient/p1/_history',
      'GET /fhir/Patient/p1/_history?page=2',
    ]);
  });
});

describe('FhirClient writes', () => {
  it('creates conditionally and updates version-aware, as FHIR JSON', async () => {
    const { s, fhir } = await fhirServer((req, res) =>
      req.headers['if-match'] === 'W/"2"'
        ? fhirJson(res, 412, {
            resourceType: 'OperationOutcome',
            issue: [{ severity: 'error', code: 'conflict' }],
          })
        : fhirJson(res, req.method === 'POST' ? 201 : 200, { ...JSON.parse(req.body), id: 'p1' }),
    );
    const created = await fhir.create(
      { resourceType: 'Patient', gender: 'female' },
      { ifNoneExist: { identifier: 'sys|1' } },
    );
    expect(created).toEqual({ resourceType: 'Patient', gender: 'female', id: 'p1' });
    expect(s.requests[0]!.headers).toMatchObject({
      'content-type': 'application/fhir+json',
      'if-none-exist': 'identifier=sys%7C1',
      prefer: 'return=representation',
    });
    await fhir.update(an, { ifMatch: '3' });
    await fhir.update(an, { ifMatch: 'W/"3"' });
    expect(s.requests.slice(1).map((r) => `${line(r)} ${r.headers['if-match']}`)).toEqual([
      'PUT /fhir/Patient/p1 W/"3"',
      'PUT /fhir/Patient/p1 W/"3"',
    ]);
    const stale = await fhir.update(an, { ifMatch: '2' }).catch((e: unknown) => e);
    expect(isConflictError(stale)).toBe(true);
  });

  it('deletes, and sends transactions to the base URL', async () => {
    const { s, fhir } = await fhirServer((req, res) =>
      req.method === 'DELETE'
        ? fhirJson(res, 200, { resourceType: 'OperationOutcome', issue: [] })
        : fhirJson(res, 200, { resourceType: 'Bundle', type: 'transaction-response', entry: [] }),
    );
    await fhir.delete('Patient', 'p1');
    const answer = await fhir.transaction(
      { resourceType: 'Bundle', type: 'transaction', entry: [] },
      { idempotencyKey: 'k1' },
    );
    expect(answer.type).toBe('transaction-response');
    expect(s.requests.map(line)).toEqual(['DELETE /fhir/Patient/p1', 'POST /fhir/']);
    expect(s.requests[1]!.headers['idempotency-key']).toBe('k1');
  });

  it('fails a transaction answered with something other than a Bundle', async () => {
    const { fhir } = await fhirServer((_req, res) =>
      fhirJson(res, 200, { resourceType: 'OperationOutcome' }),
    );
    await expect(fhir.transaction({ resourceType: 'Bundle', type: 'batch' })).rejects.toMatchObject({
      code: 'FHIR_TRANSACTION_FAILED',
    });
  });
});

describe('FhirClient operations, capabilities and cancellation', () => {
  it('calls operations with POST and parameters or with GET, answering any resource', async () => {
    const { s, fhir } = await fhirServer((req, res) => {
      if (req.url.startsWith('/fhir/Patient/$ihe-pix'))
        return fhirJson(res, 200, { resourceType: 'Parameters' });
      if (req.url.startsWith('/fhir/$empty')) return res.writeHead(200).end();
      if (req.url.startsWith('/fhir/$odd')) return fhirJson(res, 200, { odd: true });
      return fhirJson(res, 200, searchset(an));
    });
    const matched = await fhir.operation('Patient/$match', { parameters: { resourceType: 'Parameters' } });
    expect(matched?.resourceType).toBe('Bundle');
    expect(await fhir.operation('Patient/$ihe-pix', { searchParams: { sourceIdentifier: 's|1' } })).toEqual({
      resourceType: 'Parameters',
    });
    expect(await fhir.operation('$empty')).toBeUndefined();
    await expect(fhir.operation('$odd')).rejects.toMatchObject({ code: 'FHIR_ANSWER_UNEXPECTED' });
    expect(s.requests.slice(0, 2).map(line)).toEqual([
      'POST /fhir/Patient/$match',
      'GET /fhir/Patient/$ihe-pix?sourceIdentifier=s|1',
    ]);
  });

  it('reads the CapabilityStatement once', async () => {
    const { s, fhir } = await fhirServer((_req, res) =>
      fhirJson(res, 200, { resourceType: 'CapabilityStatement', rest: [] }),
    );
    await Promise.all([fhir.capabilities(), fhir.capabilities()]);
    expect((await fhir.capabilities()).statement?.resourceType).toBe('CapabilityStatement');
    expect(s.requests).toHaveLength(1);
  });

  it('sends nothing once the signal is aborted', async () => {
    const { s, fhir } = await fhirServer((_req, res) => fhirJson(res, 200, searchset(an)));
    const controller = new AbortController();
    controller.abort();
    const { signal } = controller;
    await expect(fhir.read('Patient', 'p1', { signal })).rejects.toMatchObject({ code: 'OPERATION_ABORTED' });
    await expect(fhir.searchAll('Patient', {}, { signal }).next()).rejects.toMatchObject({
      code: 'OPERATION_ABORTED',
    });
    expect(s.requests).toHaveLength(0);
  });
});
