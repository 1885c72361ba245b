/**
 * The conformance suite of the `visit-history/v1` contract: what every VisitHistory provider
 * (memory, FHIR server, hub, a vendor's own) must do. All data here is SYNTHETIC (identifiers
 * prefixed `SYN`, facilities `SYN01`/`SYN02`); the diagnoses are real ICD-10 codes of the Vietnamese
 * list (J18.9 pneumonia, I10 hypertension, E11.9 type 2 diabetes, K29.7 gastritis) and the
 * procedure a real ICD-9-CM code (96.04, endotracheal intubation).
 *
 * Writable providers publish the data of each case themselves. Read-only providers must already
 * hold {@link visitHistoryFixtures}: store `fixtures.publish` in order through another channel, then
 * pass the same object as `options.seed`; the write cases are then reported not applicable.
 */
import { DEFAULT_IDENTIFIER_SYSTEMS, type IdentifierValue } from '@lienthong/core';
import { newVisit, type Visit, type VisitHistory, type VisitQuery } from '@lienthong/visits';
import { visitKey } from '@lienthong/visits/provider-kit';
import { expect } from 'vitest';
import {
  type CaseContext,
  defineContractSuite,
  type RunOptions,
  runContractSuite,
  seedOf,
} from './contract-suite.js';
import { collect, sharedCases } from './shared-cases.js';

const ICD10 = 'http://hl7.org/fhir/sid/icd-10';
const ICD9CM = 'http://hl7.org/fhir/sid/icd-9-cm';

let seq = 0;
const nextKey = (runId: string) => `${runId}-${++seq}`;

/** A 12-digit synthetic CCCD-shaped number unique to `key` (the `SYN` marker is in the card and MA_LK). */
function cccdOf(key: string): string {
  let h = 0;
  for (const c of key) h = (h * 31 + c.charCodeAt(0)) % 1e9;
  return `099${String(h).padStart(9, '0')}`;
}

function visit(key: string, overrides: Partial<Visit> = {}): Visit {
  return newVisit({
    id: `SYN-LK-${key}`,
    facility: 'SYN01',
    patient: {
      name: 'Bệnh nhân tổng hợp',
      sex: 'male',
      birth: '1985-01-01T00:00:00+07:00',
      identifiers: [
        { system: DEFAULT_IDENTIFIER_SYSTEMS.cccd, value: cccdOf(key) },
        { system: DEFAULT_IDENTIFIER_SYSTEMS.bhyt, value: `SYN${cccdOf(key)}` },
      ],
    },
    visitType: '03',
    admittedAt: '2026-03-01T08:00:00+07:00',
    dischargedAt: '2026-03-05T10:00:00+07:00',
    mainDiagnosis: { system: ICD10, code: 'J18.9' },
    secondaryDiagnoses: [{ system: ICD10, code: 'I10' }],
    procedures: [{ system: ICD9CM, code: '96.04' }],
    medications: [
      {
        code: 'SYN-THUOC-1',
        name: 'Ceftriaxon',
        dose: '1 lọ x 2 lần/ngày',
        administeredAt: '2026-03-02T09:00:00+07:00',
        source: {},
      },
    ],
    notes: [{ text: 'Sốt giảm (synthetic)', at: '2026-03-03T08:00:00+07:00', source: {} }],
    ...overrides,
  });
}

/** The correction of a visit: the discharge diagnosis text and a secondary diagnosis added. */
const correctionOf = (v: Visit): Visit => ({
  ...v,
  dischargeDiagnosis: 'Viêm phổi; tăng huyết áp; đái tháo đường típ 2 (synthetic)',
  secondaryDiagnoses: [...v.secondaryDiagnoses, { system: ICD10, code: 'E11.9' }],
});

/** One patient's visits at two facilities, and another patient's visit. */
function querySet(key: string) {
  const a = visit(`${key}-a`);
  const patient = a.patient.identifiers[0]!;
  const same = { patient: a.patient };
  return {
    patient,
    card: a.patient.identifiers[1]!,
    /** Newest: an outpatient gastritis visit at SYN02, open (no discharge yet). */
    recent: visit(`${key}-b`, {
      ...same,
      facility: 'SYN02',
      visitType: '01',
      admittedAt: '2026-06-10T09:00:00+07:00',
      dischargedAt: undefined,
      mainDiagnosis: { system: ICD10, code: 'K297' },
      secondaryDiagnoses: [{ system: ICD10, code: 'I10' }],
      procedures: [],
      medications: [{ name: 'Omeprazol', orderedAt: '2026-06-10T09:30:00+07:00', source: {} }],
    }),
    /** Older: the inpatient pneumonia at SYN01 (J18.9 written with its dot). */
    inpatient: a,
    /** Oldest: pneumonia again at SYN02 a year before, written without the dot. */
    old: visit(`${key}-c`, {
      ...same,
      facility: 'SYN02',
      admittedAt: '2025-01-10T08:00:00+07:00',
      dischargedAt: '2025-01-15T08:00:00+07:00',
      mainDiagnosis: { system: ICD10, code: 'J189' },
      secondaryDiagnoses: [],
      medications: [{ name: 'Amoxicillin', administeredAt: '2025-01-11T08:00:00+07:00', source: {} }],
    }),
    other: visit(`${key}-o`),
  };
}

/** Five visits of one patient on consecutive days, oldest first. */
function pagingSet(key: string) {
  const first = visit(`${key}-1`);
  const visits = [1, 2, 3, 4, 5].map((day) =>
    visit(`${key}-${day}`, {
      patient: first.patient,
      admittedAt: `2026-01-0${day}T08:00:00+07:00`,
      dischargedAt: `2026-01-0${day}T10:00:00+07:00`,
    }),
  );
  return { patient: first.patient.identifiers[0]!, visits };
}

/** The visits the read cases rely on (see {@link visitHistoryFixtures}). */
export interface VisitHistoryFixtures {
  /** Every visit version to store, in this order (a correction after its original). */
  publish: Visit[];
  single: Visit;
  corrected: { original: Visit; correction: Visit };
  query: ReturnType<typeof querySet>;
  paging: ReturnType<typeof pagingSet>;
}

/** SYNTHETIC visits a read-only provider's backend must hold for the suite, unique to `runId`. */
export function visitHistoryFixtures(runId: string): VisitHistoryFixtures {
  const single = visit(`${runId}-single`);
  const original = visit(`${runId}-corrected`);
  const query = querySet(`${runId}-query`);
  const paging = pagingSet(`${runId}-paging`);
  return {
    publish: [
      single,
      original,
      correctionOf(original),
      query.old,
      query.inpatient,
      query.recent,
      query.other,
      ...paging.visits,
    ],
    single,
    corrected: { original, correction: correctionOf(original) },
    query,
    paging,
  };
}

/** Options of the suite. */
export interface VisitHistoryConformanceOptions {
  /** For read-only providers: the fixtures their backend holds. */
  seed?: VisitHistoryFixtures;
}

function seeded(ctx: CaseContext): VisitHistoryFixtures {
  return seedOf<VisitHistoryFixtures>(ctx, {
    en: 'the visitHistoryFixtures its backend holds',
    vi: 'visitHistoryFixtures mà hệ thống của nó đang giữ',
  });
}

const writable = (x: VisitHistory) => x.capabilities.write;

/** The query set, published now by a writable provider, else the one its backend holds. */
async function storedQuerySet(x: VisitHistory, ctx: CaseContext): Promise<ReturnType<typeof querySet>> {
  if (!writable(x)) return seeded(ctx).query;
  const set = querySet(nextKey(ctx.runId));
  for (const v of [set.old, set.inpatient, set.recent, set.other]) await x.publish(v);
  return set;
}
const keys = async (x: VisitHistory, q: VisitQuery) => (await collect(x.query(q))).map(visitKey);

/** The suite (data: run it with {@link describeVisitHistoryConformance} or `runContractSuite`). */
export const visitHistorySuite = defineContractSuite<VisitHistory>({
  contract: 'visit-history/v1',
  cases: [
    ...sharedCases<VisitHistory, Visit>({
      writes: ['publish'],
      fresh: (ctx) => visit(nextKey(ctx.runId)),
      change: correctionOf,
      write: (x, v) => x.publish(v),
      read: (x, v) => x.get(visitKey(v)),
      idOf: visitKey,
      calls: {
        publish: (x, v, signal) => x.publish(v, { signal }),
        get: (x, v, signal) => x.get(visitKey(v), { signal }),
        query: (x, v, signal) => collect(x.query({ patient: v.patient.identifiers[0]! }, { signal })),
        history: (x, v, signal) => x.history(visitKey(v), { signal }),
        summary: (x, v, signal) => x.summary(v.patient.identifiers[0]!, { signal }),
      },
      queryWindow: (x, window) =>
        collect(
          x.query({ patient: { system: DEFAULT_IDENTIFIER_SYSTEMS.cccd, value: '099000000000' }, ...window }),
        ),
    }),
    {
      name: 'a stored visit reads back unchanged by its key <facility>:<MA_LK>',
      async run(x, ctx) {
        let v: Visit;
        if (writable(x)) {
          v = visit(nextKey(ctx.runId));
          expect((await x.publish(v)).id).toBe(`SYN01:${v.id}`);
        } else v = seeded(ctx).single;
        expect(await x.get(visitKey(v))).toEqual(v);
        if (x.capabilities.history) expect(await x.history(visitKey(v))).toEqual([v]);
      },
    },
    {
      name: 'get of an unknown key is undefined; its history is empty',
      async run(x, ctx) {
        expect(await x.get(`SYN01:SYN-unknown-${ctx.runId}`)).toBeUndefined();
        expect(await x.history(`SYN01:SYN-unknown-${ctx.runId}`)).toEqual([]);
      },
    },
    {
      name: 'the same MA_LK at two facilities is two visits',
      requires: ['write'],
      async run(x, ctx) {
        const a = visit(nextKey(ctx.runId));
        const b = { ...a, facility: 'SYN02' };
        await x.publish(a);
        expect((await x.publish(b)).outcome).toBe('created');
        expect(await keys(x, { patient: a.patient.identifiers[0]! })).toEqual(
          [visitKey(a), visitKey(b)].sort(),
        );
      },
    },
    {
      name: 'an idempotency key replays its receipt and refuses another visit',
      requires: ['write'],
      async run(x, ctx) {
        const v = visit(nextKey(ctx.runId));
        const key = `SYN-key-${nextKey(ctx.runId)}`;
        const first = await x.publish(v, { idempotencyKey: key });
        expect(await x.publish(v, { idempotencyKey: key })).toMatchObject({ id: first.id, version: 1 });
        await expect(x.publish(visit(nextKey(ctx.runId)), { idempotencyKey: key })).rejects.toMatchObject({
          code: 'IDEMPOTENCY_KEY_REUSED',
        });
      },
    },
    {
      name: 'a corrected visit is a new version; history keeps the old one',
      requires: ['history'],
      async run(x, ctx) {
        let pair: VisitHistoryFixtures['corrected'];
        if (writable(x)) {
          const original = visit(nextKey(ctx.runId));
          pair = { original, correction: correctionOf(original) };
          await x.publish(pair.original);
          expect((await x.publish(pair.correction)).outcome).toBe('updated');
        } else pair = seeded(ctx).corrected;
        expect(await x.get(visitKey(pair.original))).toEqual(pair.correction);
        expect(await x.history(visitKey(pair.original))).toEqual([pair.original, pair.correction]);
      },
    },
    {
      name: 'a visit without facility, MA_LK or patient identifier is refused with its place; nothing stored',
      requires: ['write'],
      async run(x, ctx) {
        const base = visit(nextKey(ctx.runId));
        await expect(
          x.publish({ ...base, patient: { ...base.patient, identifiers: [] } }),
        ).rejects.toMatchObject({
          code: 'VISIT_NOT_PUBLISHABLE',
          path: 'patient.identifiers',
        });
        await expect(x.publish({ ...base, facility: undefined })).rejects.toMatchObject({ path: 'facility' });
        await expect(x.publish({ ...base, admittedAt: 42 } as unknown as Visit)).rejects.toMatchObject({
          code: 'VISIT_INVALID',
          path: 'admittedAt',
        });
        expect(await x.get(visitKey(base))).toBeUndefined();
      },
    },
    {
      name: 'query by any identifier filters by facility, visit type, diagnosis and period, newest first',
      async run(x, ctx) {
        const set = await storedQuerySet(x, ctx);
        const { patient, card, recent, inpatient, old } = set;
        const all = [recent, inpatient, old].map(visitKey);
        expect(await keys(x, { patient })).toEqual(all);
        expect(await keys(x, { patient: card })).toEqual(all);
        expect(await keys(x, { patient, facility: 'SYN02' })).toEqual([visitKey(recent), visitKey(old)]);
        expect(await keys(x, { patient, visitType: '01' })).toEqual([visitKey(recent)]);
        expect(await keys(x, { patient, visitType: ['01', '03'] })).toEqual(all);
        // J18.9 and J189 are one code; a category and a chapter range match their codes.
        expect(await keys(x, { patient, diagnosis: 'J18.9' })).toEqual([visitKey(inpatient), visitKey(old)]);
        expect(await keys(x, { patient, diagnosis: 'J18' })).toEqual([visitKey(inpatient), visitKey(old)]);
        expect(await keys(x, { patient, diagnosis: 'K00-K93' })).toEqual([visitKey(recent)]);
        expect(await keys(x, { patient, diagnosis: 'I10' })).toEqual([visitKey(recent), visitKey(inpatient)]);
        // A period overlapping the stay matches it; an open visit runs to now.
        expect(await keys(x, { patient, since: '2026-03-03', until: '2026-03-03' })).toEqual([
          visitKey(inpatient),
        ]);
        expect(await keys(x, { patient, since: '2026-07-01' })).toEqual([visitKey(recent)]);
        expect(await keys(x, { patient, until: '2025-12-31' })).toEqual([visitKey(old)]);
        expect(await collect(x.query({ patient }))).toEqual([recent, inpatient, old]);
      },
    },
    {
      name: 'a query or summary that names no patient is refused (VISIT_QUERY_PATIENT_MISSING)',
      async run(x) {
        await expect(collect(x.query({} as VisitQuery))).rejects.toMatchObject({
          code: 'VISIT_QUERY_PATIENT_MISSING',
        });
        await expect(x.summary({} as IdentifierValue)).rejects.toMatchObject({
          code: 'VISIT_QUERY_PATIENT_MISSING',
        });
      },
    },
    {
      name: 'query pages through every match exactly once, lazily',
      async run(x, ctx) {
        let set: ReturnType<typeof pagingSet>;
        if (writable(x)) {
          set = pagingSet(nextKey(ctx.runId));
          for (const v of set.visits) await x.publish(v);
        } else set = seeded(ctx).paging;
        const found = (await collect(x.query({ patient: set.patient }, { pageSize: 2 }))).map(visitKey);
        expect(found).toEqual(set.visits.map(visitKey).reverse());
        for await (const first of x.query({ patient: set.patient }, { pageSize: 2 })) {
          expect(visitKey(first)).toBe(visitKey(set.visits.at(-1)!));
          break;
        }
      },
    },
    {
      name: 'the summary: problems across facilities, current and recent medications, procedures, encounters',
      async run(x, ctx) {
        const set = await storedQuerySet(x, ctx);
        const { patient, card, recent, inpatient, old } = set;
        const s = await x.summary(card, { asOf: '2026-06-20T12:00:00+07:00' });
        expect(s.asOf).toBe('2026-06-20T12:00:00+07:00');
        expect(s.patient.identifiers).toEqual(expect.arrayContaining([patient, card]));
        expect(s.patient).toMatchObject({ name: recent.patient.name, sex: 'male' });
        expect(
          s.problems.map((p) => [p.code.code, p.main, p.facilities, p.visits, p.firstSeen, p.lastSeen]),
        ).toEqual([
          ['I10', false, ['SYN02', 'SYN01'], 2, inpatient.admittedAt, recent.admittedAt],
          ['K29.7', true, ['SYN02'], 1, recent.admittedAt, recent.admittedAt],
          ['J18.9', true, ['SYN01', 'SYN02'], 2, old.admittedAt, inpatient.admittedAt],
        ]);
        // The open visit's medication is current; March's is recent; January 2025's is older than a year.
        expect(s.medications.map((m) => [m.name, m.status, m.visit])).toEqual([
          ['Omeprazol', 'current', visitKey(recent)],
          ['Ceftriaxon', 'recent', visitKey(inpatient)],
        ]);
        expect(s.procedures.map((p) => [p.code.code, p.visit])).toEqual([
          ['96.04', visitKey(inpatient)],
          ['96.04', visitKey(old)],
        ]);
        expect(s.encounters.map((e) => [e.visit, e.facility, e.admittedAt, e.dischargedAt])).toEqual([
          [visitKey(recent), 'SYN02', recent.admittedAt, undefined],
          [visitKey(inpatient), 'SYN01', inpatient.admittedAt, inpatient.dischargedAt],
          [visitKey(old), 'SYN02', old.admittedAt, old.dischargedAt],
        ]);
        expect(s.withheld).toBe(0);
        // Asked by another of the patient's identifiers: the same summary.
        expect(await x.summary(patient, { asOf: s.asOf })).toEqual(s);
      },
    },
  ],
});

/** Registers the suite against a provider factory (a fresh provider per case). */
export function describeVisitHistoryConformance(
  name: string,
  factory: () => VisitHistory | Promise<VisitHistory>,
  options: Omit<RunOptions<VisitHistory>, 'options'> & { options?: VisitHistoryConformanceOptions } = {},
): void {
  const { options: suiteOptions, ...rest } = options;
  runContractSuite(visitHistorySuite, name, factory, {
    ...rest,
    ...(suiteOptions ? { options: suiteOptions as Readonly<Record<string, unknown>> } : {}),
  });
}
