/**
 * The conformance suite of the `result-exchange/v1` contract: what every ResultExchange provider
 * (memory, FHIR server, hub, a vendor's own) must do. All data here is SYNTHETIC (identifiers
 * prefixed `SYN`); the lab codes are the published examples of docs/en/guide/domain.md (`23.0075.1494` glucose,
 * `22.0120.1370` blood count) and real LOINC codes.
 *
 * Writable providers (`capabilities.write`) publish the data of each case themselves. Read-only
 * providers (`capabilities.write: false`, e.g. a FHIR facade) must already hold the reports of
 * {@link resultExchangeFixtures}: store `fixtures.publish` in order through another channel, then
 * pass the same object as `options.seed`; the write cases are then reported not applicable.
 */
import type { IdentifierValue } from '@lienthong/core';
import type { LabReport, ResultExchange } from '@lienthong/result-exchange';
import { expect } from 'vitest';
import {
  type CaseContext,
  defineContractSuite,
  type RunOptions,
  runContractSuite,
  seedOf,
} from './contract-suite.js';
import { collect, sharedCases } from './shared-cases.js';

const SERVICE = 'urn:lienthong:cs:service-code';
const LOINC = 'http://loinc.org';
const MRN = 'urn:lienthong:sid:mrn:SYN01';

let seq = 0;
/** A key unique to one use within a run (providers may share storage across cases and runs). */
const nextKey = (runId: string) => `${runId}-${++seq}`;

function report(key: string, overrides: Partial<LabReport> = {}): LabReport {
  return {
    id: `SYN-${key}`,
    patient: { identifiers: [{ system: MRN, value: `SYN-P-${key}` }] },
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

/** The correction of a report made by {@link report}: a second version. */
function correctionOf(original: LabReport): LabReport {
  return {
    ...original,
    status: 'corrected',
    observations: [
      {
        ...original.observations[0]!,
        status: 'corrected',
        value: { kind: 'quantity', value: 7.1, unit: 'mmol/L', originalUnit: 'mmol/L' },
        interpretation: ['H'],
      },
    ],
  };
}

/** A report and its correction (published in this order: two versions). */
function correctedPair(key: string): { original: LabReport; correction: LabReport } {
  const original = report(key);
  return { original, correction: correctionOf(original) };
}

/** Two reports of one patient (a newer final glucose, an older preliminary blood count at SYN02) and one of another patient. */
function querySet(key: string): ResultExchangeFixtures['query'] {
  const patient = { system: MRN, value: `SYN-Q-${key}` };
  const base = { patient: { identifiers: [patient] } };
  return {
    patient,
    glucose: report(`${key}-g`, { ...base }),
    cbc: report(`${key}-c`, {
      ...base,
      codes: [{ system: SERVICE, code: '22.0120.1370' }],
      specimen: { collectedAt: '2026-02-01T08:00:00+07:00' },
      effectiveAt: '2026-02-01T08:00:00+07:00',
      performingFacility: { code: 'SYN02' },
      status: 'preliminary',
    }),
    other: report(`${key}-o`),
  };
}

/** Five reports of one patient on consecutive days, oldest first. */
function pagingSet(key: string): ResultExchangeFixtures['paging'] {
  const patient = { system: MRN, value: `SYN-PG-${key}` };
  const reports: LabReport[] = [];
  for (let day = 1; day <= 5; day++) {
    const at = `2026-01-0${day}T08:00:00+07:00`;
    reports.push(
      report(`${key}-${day}`, {
        patient: { identifiers: [patient] },
        specimen: { collectedAt: at },
        effectiveAt: at,
      }),
    );
  }
  return { patient, reports };
}

/** The reports the read-cases of the suite rely on (see {@link resultExchangeFixtures}). */
export interface ResultExchangeFixtures {
  /** Every report version to store, in this order (a correction after its original). */
  publish: LabReport[];
  /** A report stored once. */
  single: LabReport;
  /** A report stored, then its correction: two versions. */
  corrected: { original: LabReport; correction: LabReport };
  /** Query filters: two reports of `patient` and one of another patient. */
  query: { patient: IdentifierValue; glucose: LabReport; cbc: LabReport; other: LabReport };
  /** Paging: five reports of `patient`, oldest first. */
  paging: { patient: IdentifierValue; reports: LabReport[] };
}

/**
 * SYNTHETIC reports a read-only provider's backend must hold for the suite, unique to `runId`:
 * store `publish` in order (e.g. through the hub API), then pass the object as `options.seed`.
 */
export function resultExchangeFixtures(runId: string): ResultExchangeFixtures {
  const single = report(`${runId}-single`);
  const corrected = correctedPair(`${runId}-corrected`);
  const query = querySet(`${runId}-query`);
  const paging = pagingSet(`${runId}-paging`);
  return {
    publish: [
      single,
      corrected.original,
      corrected.correction,
      query.glucose,
      query.cbc,
      query.other,
      ...paging.reports,
    ],
    single,
    corrected,
    query,
    paging,
  };
}

/** Options of the suite (`options` of {@link describeResultExchangeConformance}). */
export interface ResultExchangeConformanceOptions {
  /** For read-only providers: the fixtures their backend holds (see {@link resultExchangeFixtures}). */
  seed?: ResultExchangeFixtures;
}

/** The fixtures of a read-only provider (its backend holds them already). */
function seeded(ctx: CaseContext): ResultExchangeFixtures {
  return seedOf<ResultExchangeFixtures>(ctx, {
    en: 'the resultExchangeFixtures its backend holds',
    vi: 'resultExchangeFixtures mà hệ thống của nó đang giữ',
  });
}

const writable = (x: ResultExchange) => x.capabilities.write;

const strip = ({ version: _v, ...r }: LabReport) => r;

/** The suite (data: run it with {@link describeResultExchangeConformance} or `runContractSuite`). */
export const resultExchangeSuite = defineContractSuite<ResultExchange>({
  contract: 'result-exchange/v1',
  cases: [
    ...sharedCases<ResultExchange, LabReport>({
      writes: ['publish'],
      fresh: (ctx) => report(nextKey(ctx.runId)),
      change: correctionOf,
      write: (x, r) => x.publish(r),
      read: (x, r) => x.get(r.id),
      idOf: (r) => r.id,
      calls: {
        publish: (x, r, signal) => x.publish(r, { signal }),
        get: (x, r, signal) => x.get(r.id, { signal }),
        query: (x, r, signal) => collect(x.query({ patient: r.patient.identifiers[0]! }, { signal })),
        history: (x, r, signal) => x.history(r.id, { signal }),
      },
      queryWindow: (x, window) =>
        collect(x.query({ patient: { system: MRN, value: 'SYN-P-window' }, ...window })),
    }),
    {
      name: 'a stored report reads back unchanged as version 1',
      async run(x, ctx) {
        let r: LabReport;
        if (writable(x)) {
          r = report(nextKey(ctx.runId));
          await x.publish(r);
        } else {
          r = seeded(ctx).single;
        }
        const back = await x.get(r.id);
        expect(back && strip(back)).toEqual(r);
        expect(back?.version).toBe(1);
        if (x.capabilities.history) expect((await x.history(r.id)).map(strip)).toEqual([r]);
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
        const r = report(nextKey(ctx.runId));
        await x.publish(r);
        await x.publish(r);
        const found = await collect(x.query({ patient: r.patient.identifiers[0]! }));
        expect(found.filter((f) => f.id === r.id)).toHaveLength(1);
        expect(await x.history(r.id)).toHaveLength(1);
      },
    },
    {
      name: 'an idempotency key replays its receipt and refuses other content',
      requires: ['write'],
      async run(x, ctx) {
        const r = report(nextKey(ctx.runId));
        const key = `SYN-key-${nextKey(ctx.runId)}`;
        const first = await x.publish(r, { idempotencyKey: key });
        expect(await x.publish(r, { idempotencyKey: key })).toMatchObject({
          id: r.id,
          version: first.version,
        });
        await expect(x.publish(report(nextKey(ctx.runId)), { idempotencyKey: key })).rejects.toMatchObject({
          code: 'IDEMPOTENCY_KEY_REUSED',
        });
      },
    },
    {
      name: 'a correction is a new version and never overwrites: history keeps the old version',
      requires: ['history'],
      async run(x, ctx) {
        let r: LabReport;
        let corrected: LabReport;
        if (writable(x)) {
          ({ original: r, correction: corrected } = correctedPair(nextKey(ctx.runId)));
          await x.publish(r);
          await x.publish(corrected);
        } else {
          ({ original: r, correction: corrected } = seeded(ctx).corrected);
        }
        const now = await x.get(r.id);
        expect(now?.status).toBe('corrected');
        expect(now?.observations[0]?.value).toMatchObject({ value: 7.1 });
        expect(now?.version).toBe(2);
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
        const r = report(nextKey(ctx.runId));
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
        const noPatient = report(nextKey(ctx.runId), { patient: { identifiers: [] } });
        await expect(x.publish(noPatient)).rejects.toMatchObject({
          code: 'REPORT_PATIENT_MISSING',
          path: 'patient.identifiers',
        });
        const bad = { ...report(nextKey(ctx.runId)), status: 'bogus' } as unknown as LabReport;
        await expect(x.publish(bad)).rejects.toMatchObject({ code: 'LAB_REPORT_INVALID', path: 'status' });
        expect(await x.get(noPatient.id)).toBeUndefined();
        expect(await x.get(bad.id)).toBeUndefined();
      },
    },
    {
      name: 'query filters by patient, codes, time window, facility and status',
      async run(x, ctx) {
        let set: ResultExchangeFixtures['query'];
        if (writable(x)) {
          set = querySet(nextKey(ctx.runId));
          for (const r of [set.glucose, set.cbc, set.other]) await x.publish(r);
        } else {
          set = seeded(ctx).query;
        }
        const { patient, glucose, cbc } = set;
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
        // A date-only bound is a whole day in Vietnam time: the 08:00 report of 2026-02-01 is within it.
        expect(await ids({ patient, since: '2026-02-01', until: '2026-02-01' })).toEqual([cbc.id]);
        expect(await ids({ patient, facility: 'SYN02' })).toEqual([cbc.id]);
        expect(await ids({ patient, status: 'final' })).toEqual([glucose.id]);
        expect(await ids({ patient, status: ['final', 'preliminary'] })).toEqual([glucose.id, cbc.id]);
        // The shape is kept: what comes back is what was stored.
        const found = await collect(x.query({ patient }));
        expect(found.map(strip)).toEqual([glucose, cbc]);
      },
    },
    {
      name: 'query pages through every match exactly once',
      async run(x, ctx) {
        let set: ResultExchangeFixtures['paging'];
        if (writable(x)) {
          set = pagingSet(nextKey(ctx.runId));
          for (const r of set.reports) await x.publish(r);
        } else {
          set = seeded(ctx).paging;
        }
        const found = (await collect(x.query({ patient: set.patient }, { pageSize: 2 }))).map((r) => r.id);
        expect(found).toEqual(set.reports.map((r) => r.id).reverse());
        // Stopping after the first match must work (lazy iteration).
        for await (const first of x.query({ patient: set.patient }, { pageSize: 2 })) {
          expect(first.id).toBe(set.reports.at(-1)!.id);
          break;
        }
      },
    },
  ],
});

/** Registers the suite against a provider factory (a fresh provider per case). */
export function describeResultExchangeConformance(
  name: string,
  factory: () => ResultExchange | Promise<ResultExchange>,
  options: Omit<RunOptions<ResultExchange>, 'options'> & { options?: ResultExchangeConformanceOptions } = {},
): void {
  const { options: suiteOptions, ...rest } = options;
  runContractSuite(resultExchangeSuite, name, factory, {
    ...rest,
    ...(suiteOptions ? { options: suiteOptions as Readonly<Record<string, unknown>> } : {}),
  });
}
