import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bulkExport,
  kickOffParameters,
  kickOffQuery,
  resumeBulkExport,
  retryAfterMs,
} from './bulk-export.js';
import { createCohort, deleteCohort } from './cohorts.js';

/*
 * The client's logic against a small Bulk Data server on loopback (the protocol as the IG writes
 * it). The whole cycle against a real hub is in the CLI's `hub export` tests.
 */

const SYNTHETIC = [
  { resourceType: 'Observation', id: 'o1', status: 'final', code: { text: 'SYNTHETIC' } },
  { resourceType: 'Observation', id: 'o2', status: 'final', code: { text: 'SYNTHETIC' } },
];
let server: Server;
let base: string;
let polls = 0;
let manifestBody: unknown;
const seen: string[] = [];
/** Bodies POSTed to the server, by path. */
const posted: { path: string; type: string; body: unknown }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url} ${req.headers.authorization ?? ''} ${req.headers.prefer ?? ''}`);
    const url = req.url ?? '';
    const path = url.split('?')[0];
    if (req.method === 'POST') {
      let text = '';
      req.on('data', (chunk: Buffer) => {
        text += chunk.toString('utf8');
      });
      req.on('end', () => {
        posted.push({ path: path ?? '', type: req.headers['content-type'] ?? '', body: JSON.parse(text) });
        if (path === '/fhir/Group')
          res
            .writeHead(201, { 'content-type': 'application/fhir+json' })
            .end(JSON.stringify({ resourceType: 'Group', id: 'c-1', name: 'SYNTHETIC', quantity: 2 }));
        else res.writeHead(202, { 'content-location': `${base}/fhir/$export-status/j1` }).end();
      });
      return;
    }
    if (path === '/fhir/Group/c-1' && req.method === 'DELETE') {
      res.writeHead(204).end();
    } else if (path === '/fhir/$export' || path?.startsWith('/fhir/Group/')) {
      res.writeHead(202, { 'content-location': `${base}/fhir/$export-status/j1` }).end();
    } else if (url === '/fhir/Patient/$export?_outputFormat=application%2Ffhir%2Bndjson') {
      res.writeHead(200, { 'content-type': 'application/fhir+json' }).end('{}');
    } else if (url === '/fhir/$export-status/j1' && req.method === 'DELETE') {
      res
        .writeHead(202, { 'content-type': 'application/fhir+json' })
        .end('{"resourceType":"OperationOutcome","issue":[]}');
    } else if (url === '/fhir/$export-status/j1') {
      if (++polls < 3) res.writeHead(202, { 'retry-after': '0', 'x-progress': `${polls * 40}%` }).end();
      else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(manifestBody));
    } else if (url === '/fhir/$export-output/j1/Observation.1.ndjson') {
      res.writeHead(200, { 'content-type': 'application/fhir+ndjson' });
      res.end(`${SYNTHETIC.map((r) => JSON.stringify(r)).join('\n')}\n`);
    } else if (url === '/fhir/$export-output/j1/Patient.1.ndjson') {
      res
        .writeHead(200, { 'content-type': 'application/fhir+ndjson' })
        .end('{"resourceType":"Observation"}\n');
    } else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  manifestBody = {
    transactionTime: '2026-12-03T00:00:00Z',
    request: `${base}/fhir/$export`,
    requiresAccessToken: true,
    output: [{ type: 'Observation', url: `${base}/fhir/$export-output/j1/Observation.1.ndjson`, count: 2 }],
    error: [],
  };
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const options = () => ({ baseUrl: base, apiKey: 'lthub_test', retry: 0 });

describe('bulkExport', () => {
  it('kicks off with respond-async and the key, polls as Retry-After says, streams typed resources', async () => {
    polls = 0;
    const job = await bulkExport({
      ...options(),
      types: ['Observation'],
      since: '2026-01-01T00:00:00+07:00',
    });
    expect(job.statusUrl).toBe(`${base}/fhir/$export-status/j1`);
    const progress: (string | undefined)[] = [];
    const manifest = await job.wait({ onProgress: (p) => progress.push(p) });
    expect(progress).toEqual(['40%', '80%']);
    const ids: string[] = [];
    for await (const o of job.resources(manifest, { type: 'Observation' })) ids.push(o.id!);
    expect(ids).toEqual(['o1', 'o2']);
    expect(seen.find((s) => s.startsWith('GET /fhir/$export?'))).toMatch(/Bearer lthub_test respond-async$/);
  });

  it('downloads every file through a .part file, skips what an earlier run wrote whole, writes the manifest last', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lienthong-bulk-'));
    try {
      const job = resumeBulkExport(options(), `${base}/fhir/$export-status/j1`);
      polls = 10;
      const manifest = await job.wait();
      writeFileSync(join(dir, 'Observation.1.ndjson.part'), '{"half":'); // an interrupted run
      const progress: number[] = [];
      const first = await job.download(manifest, dir, { onProgress: (p) => progress.push(p.bytes) });
      expect(first.map((f) => f.downloaded)).toEqual([true]);
      expect(readdirSync(dir).sort()).toEqual(['Observation.1.ndjson', 'manifest.json']);
      expect(readFileSync(join(dir, 'Observation.1.ndjson'), 'utf8').trim().split('\n')).toHaveLength(2);
      expect(progress.at(-1)).toBeGreaterThan(0);
      const again = await job.download(manifest, dir);
      expect(again.map((f) => f.downloaded)).toEqual([false]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses protocol breaks: no 202 kick-off, a malformed manifest, a file name that is a path, a line of another type', async () => {
    await expect(bulkExport({ ...options(), level: 'patient' })).rejects.toMatchObject({
      code: 'BULK_PROTOCOL_ERROR',
    });
    const job = resumeBulkExport(options(), `${base}/fhir/$export-status/j1`);
    polls = 10;
    manifestBody = { ...(manifestBody as object), output: 'nope' };
    await expect(job.wait()).rejects.toMatchObject({ code: 'BULK_PROTOCOL_ERROR' });
    const manifest = {
      transactionTime: '2026-12-03T00:00:00Z',
      request: `${base}/fhir/$export`,
      requiresAccessToken: true,
      output: [{ type: 'Patient', url: `${base}/fhir/$export-output/j1/Patient.1.ndjson` }],
      error: [],
    };
    const lines = async () => {
      for await (const _ of job.resources(manifest)) void _;
    };
    await expect(lines()).rejects.toMatchObject({ code: 'BULK_NDJSON_INVALID', path: 'Patient.1.ndjson:1' });
    const dir = mkdtempSync(join(tmpdir(), 'lienthong-bulk-'));
    try {
      const evil = { ...manifest, output: [{ type: 'Patient', url: `${base}/fhir/x/.hidden` }] };
      await expect(job.download(evil, dir)).rejects.toMatchObject({ code: 'BULK_PROTOCOL_ERROR' });
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('cancels with DELETE on the status URL, and stops waiting when the signal aborts', async () => {
    const job = resumeBulkExport(options(), `${base}/fhir/$export-status/j1`);
    await job.cancel();
    expect(seen.some((s) => s.startsWith('DELETE /fhir/$export-status/j1'))).toBe(true);
    polls = 0;
    const controller = new AbortController();
    const waiting = job.wait({ signal: controller.signal, onProgress: () => controller.abort() });
    await expect(waiting).rejects.toMatchObject({ code: 'OPERATION_ABORTED' });
  });
});

describe('patients, elements and cohorts', () => {
  it('POSTs the kick-off as a Parameters resource when it names patients', async () => {
    posted.length = 0;
    const job = await bulkExport({
      ...options(),
      level: { group: 'c-1' },
      types: ['Patient'],
      since: '2026-01-01T00:00:00+07:00',
      elements: ['birthDate'],
      patients: ['p-1', 'p-2'],
    });
    expect(job.statusUrl).toBe(`${base}/fhir/$export-status/j1`);
    expect(posted).toEqual([
      {
        path: '/fhir/Group/c-1/$export',
        type: 'application/fhir+json',
        body: {
          resourceType: 'Parameters',
          parameter: [
            { name: '_outputFormat', valueString: 'application/fhir+ndjson' },
            { name: '_type', valueString: 'Patient' },
            { name: '_since', valueInstant: '2026-01-01T00:00:00+07:00' },
            { name: '_elements', valueString: 'birthDate' },
            { name: 'patient', valueReference: { reference: 'Patient/p-1' } },
            { name: 'patient', valueReference: { reference: 'Patient/p-2' } },
          ],
        },
      },
    ]);
    expect(seen.at(-1)).toMatch(/^POST \/fhir\/Group\/c-1\/\$export Bearer lthub_test respond-async$/);
  });

  it('writes _elements in a GET kick-off, _deidentify as a boolean in Parameters', () => {
    expect(kickOffQuery({ elements: ['birthDate', 'Observation.valueQuantity'] })).toBe(
      '_outputFormat=application%2Ffhir%2Bndjson&_elements=birthDate%2CObservation.valueQuantity',
    );
    expect(kickOffParameters({ deidentify: true }).parameter).toContainEqual({
      name: '_deidentify',
      valueBoolean: true,
    });
  });

  it('creates a cohort as a FHIR Group of Patient references and identifiers, and deletes it', async () => {
    posted.length = 0;
    const cohort = await createCohort({
      ...options(),
      name: 'SYNTHETIC',
      patients: ['p-1'],
      identifiers: [{ system: 'http://fhir.ehealth.gov.vn/core/sid/national_id', value: '001203012345' }],
    });
    expect(cohort).toEqual({ id: 'c-1', name: 'SYNTHETIC', quantity: 2 });
    expect(posted[0]?.body).toEqual({
      resourceType: 'Group',
      type: 'person',
      actual: true,
      name: 'SYNTHETIC',
      member: [
        { entity: { reference: 'Patient/p-1' } },
        {
          entity: {
            identifier: { system: 'http://fhir.ehealth.gov.vn/core/sid/national_id', value: '001203012345' },
          },
        },
      ],
    });
    await deleteCohort({ ...options(), id: 'c-1' });
    expect(seen.at(-1)).toMatch(/^DELETE \/fhir\/Group\/c-1 Bearer lthub_test/);
  });
});

describe('kickOffQuery and retryAfterMs', () => {
  it('writes the kick-off parameters, _typeFilter repeated', () => {
    expect(
      kickOffQuery({
        types: ['Observation', 'DiagnosticReport'],
        until: '2026-12-01T00:00:00+07:00',
        typeFilters: ['Observation?code=http://loinc.org|2345-7', 'DiagnosticReport?status=final'],
        deidentify: true,
      }),
    ).toBe(
      '_outputFormat=application%2Ffhir%2Bndjson&_type=Observation%2CDiagnosticReport&_until=2026-12-01T00%3A00%3A00%2B07%3A00&_typeFilter=Observation%3Fcode%3Dhttp%3A%2F%2Floinc.org%7C2345-7&_typeFilter=DiagnosticReport%3Fstatus%3Dfinal&_deidentify=true',
    );
  });

  it('reads seconds or an HTTP date, within 0.2–120 s, 1 s without a header', () => {
    const now = Date.parse('2026-12-03T00:00:00Z');
    expect(retryAfterMs('5', now)).toBe(5000);
    expect(retryAfterMs('0', now)).toBe(200);
    expect(retryAfterMs('86400', now)).toBe(120_000);
    expect(retryAfterMs('Thu, 03 Dec 2026 00:00:10 GMT', now)).toBe(10_000);
    expect(retryAfterMs(null, now)).toBe(1000);
    expect(retryAfterMs('soon', now)).toBe(1000);
  });
});
