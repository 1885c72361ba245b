import { describeResultExchangeConformance } from '@lienthong/conformance';
import { type FhirTestServer, startFhirTestServer } from '@lienthong/conformance/fhir';
import { createTransport, type Transport } from '@lienthong/core';
import type { DiagnosticReport, Observation } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LabReport } from '../model.js';
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

describe('fhir provider: two publishes of one report race', () => {
  // A server of its own: every Observation on it belongs to the reports of these tests.
  let fhir: FhirTestServer;
  beforeAll(async () => {
    fhir = await startFhirTestServer();
  });
  afterAll(async () => {
    await fhir.close();
  });

  /** Holds each provider's write until all `n` have read the server: both see "no report yet". */
  function barrier(n: number) {
    const waiting: (() => void)[] = [];
    return () =>
      new Promise<void>((resolve) => {
        waiting.push(resolve);
        if (waiting.length === n) for (const go of waiting) go();
      });
  }
  /** A provider whose first write (the transaction) waits at `gate`. */
  function racer(gate: () => Promise<void>) {
    const base = createTransport({ baseUrl: fhir.baseUrl, retry: 0 });
    let first = true;
    const transport: Transport = {
      ...base,
      async post(path, options) {
        if (path === '' && first) {
          first = false;
          await gate();
        }
        return base.post(path, options);
      },
    };
    return createFhirResultExchange({ transport });
  }
  const report = (id: string, value: number, status: LabReport['status'] = 'final'): LabReport => ({
    id,
    patient: { identifiers: [{ system: 'urn:lienthong:sid:mrn:SYN01', value: `SYN-${id}` }] },
    codes: [{ system: 'http://loinc.org', code: '24317-0' }],
    status,
    effectiveAt: '2025-03-01T08:00:00+07:00',
    observations: [
      {
        codes: [{ system: 'http://loinc.org', code: '11273-0' }],
        status,
        value: { kind: 'quantity', value, unit: '10*12/L' },
      },
      {
        codes: [{ system: 'http://loinc.org', code: '20570-8' }],
        status,
        value: { kind: 'quantity', value: 40.1, unit: '%' },
      },
    ],
  });

  /** Observations no version of any DiagnosticReport points to. */
  async function orphans(): Promise<string[]> {
    const referenced = new Set<string>();
    const reports = await fhir.repo.searchResources<DiagnosticReport>({
      resourceType: 'DiagnosticReport',
      count: 1000,
    });
    for (const dr of reports) {
      const versions = await fhir.repo.readHistory<DiagnosticReport>('DiagnosticReport', dr.id);
      for (const v of versions.entry ?? [])
        for (const r of v.resource?.result ?? []) referenced.add(r.reference!);
    }
    const observations = await fhir.repo.searchResources<Observation>({
      resourceType: 'Observation',
      count: 1000,
    });
    expect(observations.length).toBeGreaterThan(0);
    return observations.map((o) => `Observation/${o.id}`).filter((ref) => !referenced.has(ref));
  }
  const reportsWithId = async (id: string) =>
    (
      await fhir.repo.searchResources<DiagnosticReport>({ resourceType: 'DiagnosticReport', count: 1000 })
    ).filter((dr) => dr.identifier?.some((i) => i.value === id));

  it('the same report twice: one creates it, the other finds it unchanged, no Observation is left behind', async () => {
    const gate = barrier(2);
    const r = report('SYN-RACE-1', 4.06);
    const receipts = await Promise.all([racer(gate).publish(r), racer(gate).publish(r)]);
    expect(receipts.map((x) => x.outcome).sort()).toEqual(['created', 'unchanged']);
    expect(receipts.map((x) => x.version)).toEqual([1, 1]);
    expect(await reportsWithId('SYN-RACE-1')).toHaveLength(1);
    expect(await orphans()).toEqual([]);
  });

  it('two versions of a preliminary report: one creates it, the other supersedes it, no Observation is left behind', async () => {
    const gate = barrier(2);
    const receipts = await Promise.all([
      racer(gate).publish(report('SYN-RACE-2', 4.06, 'preliminary')),
      racer(gate).publish(report('SYN-RACE-2', 4.11, 'preliminary')),
    ]);
    expect(receipts.map((x) => `${x.outcome} ${x.version}`).sort()).toEqual(['created 1', 'superseded 2']);
    const exchange = createFhirResultExchange({ baseUrl: fhir.baseUrl, transportOptions: { retry: 0 } });
    expect((await exchange.history('SYN-RACE-2')).map((v) => v.version)).toEqual([1, 2]);
    expect(await reportsWithId('SYN-RACE-2')).toHaveLength(1);
    expect(await orphans()).toEqual([]);
  });
  it('two corrections of one report at once: each becomes its own version (version-aware update), no Observation is left behind', async () => {
    const exchange = createFhirResultExchange({ baseUrl: fhir.baseUrl, transportOptions: { retry: 0 } });
    await exchange.publish(report('SYN-RACE-3', 4.06, 'preliminary'));
    const gate = barrier(2);
    const receipts = await Promise.all([
      racer(gate).publish(report('SYN-RACE-3', 4.11, 'preliminary')),
      racer(gate).publish(report('SYN-RACE-3', 4.16, 'preliminary')),
    ]);
    expect(receipts.map((x) => `${x.outcome} ${x.version}`).sort()).toEqual(['superseded 2', 'superseded 3']);
    expect((await exchange.history('SYN-RACE-3')).map((v) => v.version)).toEqual([1, 2, 3]);
    expect(await orphans()).toEqual([]);
  });
});
