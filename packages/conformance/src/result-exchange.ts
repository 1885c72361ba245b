/**
 * The conformance suite of the `result-exchange/v1` contract: what every ResultExchange provider
 * (memory, FHIR server, hub, a vendor's own) must do. All data here is SYNTHETIC (identifiers
 * prefixed `SYN`); the lab codes are the published examples of DOMAIN.md (`23.0075.1494` glucose,
 * `22.0120.1370` blood count) and real LOINC codes.
 */
import type { LabReport, ResultExchange } from '@lienthong/result-exchange';
import { expect } from 'vitest';
import {
  type CaseContext,
  defineContractSuite,
  type RunOptions,
  runContractSuite,
} from './contract-suite.js';

const SERVICE = 'urn:lienthong:cs:service-code';
const LOINC = 'http://loinc.org';
const MRN = 'urn:lienthong:sid:mrn:SYN01';

let seq = 0;
function report(ctx: CaseContext, overrides: Partial<LabReport> = {}): LabReport {
  seq++;
  return {
    id: `SYN-${ctx.runId}-${seq}`,
    patient: { identifiers: [{ system: MRN, value: `SYN-P-${ctx.runId}` }] },
    codes: [{ system: SERVICE, code: '23.0075.1494', display: 'Glucose' }],
    status: 'final',
    performingFacility: { code: 'SYN01', name: 'Synthetic lab' },
    specimen: { collectedAt: '2026-03-01T08:00:00+07:00' },
    effectiveAt: '2026-03-01T08:00:00+07:00',
    issuedAt: '2026-03-01T10:30:00+07:00',
    observations: [
      {
        codes: [{ system: LOINC, code: '15074-8', display: 'Glucose [Moles/volume] in Blood' }],
        status: 'final',
        value: { kind: 'quantity', value: 5.6, unit: 'mmol/L', originalUnit: 'mmol/L' },
        referenceRange: [{ low: 3.9, high: 6.4 }],
        interpretation: ['N'],
      },
    ],
    ...overrides,
  };
}

async function collect(it: AsyncIterable<LabReport>): Promise<LabReport[]> {
  const out: LabReport[] = [];
  for await (const r of it) out.push(r);
  return out;
}

const strip = ({ version: _v, ...r }: LabReport) => r;

/** The suite (data: run it with {@link describeResultExchangeConformance} or `runContractSuite`). */
export const resultExchangeSuite = defineContractSuite<ResultExchange>({
  contract: 'result-exchange/v1',
  cases: [
    {
      name: 'publish then get returns the same report as version 1',
      requires: ['write'],
      async run(x, ctx) {
        const r = report(ctx);
        const receipt = await x.publish(r);
        expect(receipt).toEqual({ id: r.id, version: 1, outcome: 'created' });
        const back = await x.get(r.id);
        expect(back && strip(back)).toEqual(r);
        expect(back?.version).toBe(1);
      },
    },
    {
      name: 'get of an unknown id is undefined; its history is empty',
      async run(x, ctx) {
        expect(await x.get(`SYN-unknown-${ctx.runId}`)).toBeUndefined();
        expect(await x.history(`SYN-unknown-${ctx.runId}`)).toEqual([]);
      },
    },
    {
      name: 'a retry with the same content never duplicates',
      requires: ['write'],
      async run(x, ctx) {
        const r = report(ctx);
        await x.publish(r);
        expect(await x.publish(r)).toEqual({ id: r.id, version: 1, outcome: 'unchanged' });
        const found = await collect(x.query({ patient: r.patient.identifiers[0]! }));
        expect(found.filter((f) => f.id === r.id)).toHaveLength(1);
        expect(await x.history(r.id)).toHaveLength(1);
      },
    },
    {
      name: 'an idempotency key replays its receipt and refuses other content',
      requires: ['write'],
      async run(x, ctx) {
        const r = report(ctx);
        const key = `SYN-key-${ctx.runId}-${seq}`;
        const first = await x.publish(r, { idempotencyKey: key });
        expect(await x.publish(r, { idempotencyKey: key })).toMatchObject({
          id: r.id,
          version: first.version,
        });
        await expect(x.publish(report(ctx), { idempotencyKey: key })).rejects.toMatchObject({
          code: 'IDEMPOTENCY_KEY_REUSED',
        });
      },
    },
    {
      name: 'a correction supersedes and never overwrites: history keeps the old version',
      requires: ['write', 'history'],
      async run(x, ctx) {
        const r = report(ctx);
        await x.publish(r);
        const corrected: LabReport = {
          ...r,
          status: 'corrected',
          observations: [
            {
              ...r.observations[0]!,
              status: 'corrected',
              value: { kind: 'quantity', value: 7.1, unit: 'mmol/L', originalUnit: 'mmol/L' },
              interpretation: ['H'],
            },
          ],
        };
        expect(await x.publish(corrected)).toEqual({ id: r.id, version: 2, outcome: 'superseded' });
        const now = await x.get(r.id);
        expect(now?.status).toBe('corrected');
        expect(now?.observations[0]?.value).toMatchObject({ value: 7.1 });
        const history = await x.history(r.id);
        expect(history.map((h) => h.version)).toEqual([1, 2]);
        expect(strip(history[0]!)).toEqual(r);
        expect(strip(history[1]!)).toEqual(corrected);
      },
    },
    {
      name: 'a changed final report without correction status is refused (REPORT_CONFLICT)',
      requires: ['write'],
      async run(x, ctx) {
        const r = report(ctx);
        await x.publish(r);
        await expect(x.publish({ ...r, conclusion: 'changed silently' })).rejects.toMatchObject({
          code: 'REPORT_CONFLICT',
        });
        expect((await x.get(r.id))?.conclusion).toBeUndefined();
      },
    },
    {
      name: 'invalid reports are refused with a typed error and nothing is stored',
      requires: ['write'],
      async run(x, ctx) {
        const noPatient = report(ctx, { patient: { identifiers: [] } });
        await expect(x.publish(noPatient)).rejects.toMatchObject({
          code: 'REPORT_PATIENT_MISSING',
          path: 'patient.identifiers',
        });
        const bad = { ...report(ctx), status: 'bogus' } as unknown as LabReport;
        await expect(x.publish(bad)).rejects.toMatchObject({ code: 'LAB_REPORT_INVALID', path: 'status' });
        expect(await x.get(noPatient.id)).toBeUndefined();
        expect(await x.get(bad.id)).toBeUndefined();
      },
    },
    {
      name: 'query filters by patient, codes, time window, facility and status',
      requires: ['write'],
      async run(x, ctx) {
        const patient = { system: MRN, value: `SYN-Q-${ctx.runId}-${seq}` };
        const base = { patient: { identifiers: [patient] } };
        const glucose = report(ctx, { ...base });
        const cbc = report(ctx, {
          ...base,
          codes: [{ system: SERVICE, code: '22.0120.1370' }],
          specimen: { collectedAt: '2026-02-01T08:00:00+07:00' },
          effectiveAt: '2026-02-01T08:00:00+07:00',
          performingFacility: { code: 'SYN02' },
          status: 'preliminary',
        });
        const other = report(ctx); // another patient
        for (const r of [glucose, cbc, other]) await x.publish(r);
        const ids = async (q: Parameters<ResultExchange['query']>[0]) =>
          (await collect(x.query(q))).map((r) => r.id);
        expect(await ids({ patient })).toEqual([glucose.id, cbc.id]); // newest first
        expect(await ids({ patient, codes: [{ system: SERVICE, code: '22.0120.1370' }] })).toEqual([cbc.id]);
        expect(await ids({ patient, codes: [{ system: LOINC, code: '15074-8' }] })).toEqual([
          glucose.id,
          cbc.id,
        ]);
        expect(await ids({ patient, since: '2026-02-15T00:00:00+07:00' })).toEqual([glucose.id]);
        expect(await ids({ patient, until: '2026-02-15T00:00:00+07:00' })).toEqual([cbc.id]);
        expect(await ids({ patient, facility: 'SYN02' })).toEqual([cbc.id]);
        expect(await ids({ patient, status: 'final' })).toEqual([glucose.id]);
        expect(await ids({ patient, status: ['final', 'preliminary'] })).toEqual([glucose.id, cbc.id]);
      },
    },
    {
      name: 'query pages through every match exactly once',
      requires: ['write'],
      async run(x, ctx) {
        const patient = { system: MRN, value: `SYN-PG-${ctx.runId}-${seq}` };
        const published: string[] = [];
        for (let day = 1; day <= 5; day++) {
          const at = `2026-01-0${day}T08:00:00+07:00`;
          const r = report(ctx, {
            patient: { identifiers: [patient] },
            specimen: { collectedAt: at },
            effectiveAt: at,
          });
          await x.publish(r);
          published.push(r.id);
        }
        const found = (await collect(x.query({ patient }, { pageSize: 2 }))).map((r) => r.id);
        expect(found).toEqual([...published].reverse());
      },
    },
    {
      name: 'an aborted signal stops publish and get',
      requires: ['write'],
      async run(x, ctx) {
        const controller = new AbortController();
        controller.abort();
        const r = report(ctx);
        await expect(x.publish(r, { signal: controller.signal })).rejects.toMatchObject({
          code: expect.any(String),
        });
        await expect(x.get(r.id, { signal: controller.signal })).rejects.toMatchObject({
          code: expect.any(String),
        });
      },
    },
  ],
});

/** Registers the suite against a provider factory (a fresh provider per case). */
export function describeResultExchangeConformance(
  name: string,
  factory: () => ResultExchange | Promise<ResultExchange>,
  options: RunOptions<ResultExchange> = {},
): void {
  runContractSuite(resultExchangeSuite, name, factory, options);
}
