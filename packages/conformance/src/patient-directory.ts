/**
 * The conformance suite of `PatientDirectory` v1 (`@lienthong/patient-id`). Every provider —
 * memory, FHIR, insurance gateway, a vendor's own — runs the same cases:
 *
 *   describePatientDirectoryConformance('my directory', () => createMyDirectory(...), { cleanup });
 *
 * Writable providers (`capabilities.write`) are seeded through `upsert` with the synthetic
 * records of {@link patientDirectoryFixtures}; read-only providers must already hold those records
 * (pass them as `options.seed`, load them into the backend in your test). All data here is
 * synthetic: made-up people, identifiers of valid shape only.
 */
import { DEFAULT_IDENTIFIER_SYSTEMS, facilityRecordSystem, isLienThongError } from '@lienthong/core';
import {
  fullName,
  type PatientDirectory,
  type PatientRecord,
  PatientRecordSchema,
} from '@lienthong/patient-id';
import { expect } from 'vitest';
import {
  type CaseContext,
  type ConformanceCase,
  defineContractSuite,
  type RunOptions,
  runContractSuite,
  seedOf,
} from './contract-suite.js';
import { caseKey, collect, sharedCases } from './shared-cases.js';

const S = DEFAULT_IDENTIFIER_SYSTEMS;

function digitsFrom(seed: string, n: number): string {
  let h = 2166136261;
  for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 16777619) >>> 0;
  let out = '';
  while (out.length < n) {
    h = (Math.imul(h, 1103515245) + 12345) >>> 0;
    out += String((h >>> 16) % 10);
  }
  return out;
}

/** SYNTHETIC patients for the suite, with identifiers unique to `runId` (valid shapes, no real person). */
export function patientDirectoryFixtures(runId: string): PatientRecord[] {
  const d = (i: number, n: number) => digitsFrom(`${runId}:${i}`, n);
  const person = (
    i: number,
    prefix: string,
    g: string,
    yy: string,
    card: string,
    name: PatientRecord['name'],
    birthDate: string,
    sex: 'male' | 'female',
  ): PatientRecord => {
    const bhxh = d(i, 10);
    const cardNumber = `${card}${bhxh}`;
    return {
      identifiers: [
        { system: S.cccd, value: `${prefix}${g}${yy}${d(i + 10, 6)}`, kind: 'cccd' },
        { system: S.bhyt, value: cardNumber, kind: 'bhyt' },
        { system: S.socialInsurance, value: bhxh, kind: 'socialInsurance' },
        {
          system: facilityRecordSystem('79001'),
          value: `SYN-${runId}-${i}`,
          kind: 'mrn',
          facilityCode: '79001',
        },
      ],
      name,
      birthDate,
      sex,
      addresses: [
        { use: 'home', province: 'Thành phố Hồ Chí Minh', provinceCode: '79', oldProvinceCode: '79' },
      ],
      insurance: [
        { cardNumber, validFrom: '2025-01-01', validTo: '2025-12-31', registeredFacility: '79001' },
      ],
    };
  };
  return [
    person(
      1,
      '079',
      '0',
      '85',
      'DN479',
      { family: 'Nguyễn', middle: 'Văn', given: 'An' },
      '1985-03-12',
      'male',
    ),
    person(2, '001', '1', '90', 'HT301', { family: 'Trần', middle: 'Thị', given: 'Bình' }, '1990', 'female'),
    person(
      3,
      '079',
      '1',
      '85',
      'GD479',
      { family: 'Nguyễn', middle: 'Thị', given: 'Cúc' },
      '1985-07-01',
      'female',
    ),
  ];
}

const card = (r: PatientRecord) => r.identifiers.find((i) => i.kind === 'bhyt')!;
const cccd = (r: PatientRecord) => r.identifiers.find((i) => i.kind === 'cccd')!;
const verify = (r: PatientRecord) => ({ verify: { name: fullName(r.name), birthDate: r.birthDate! } });
const holds = (records: PatientRecord[], r: PatientRecord) =>
  records.some((x) => x.identifiers.some((i) => i.system === card(r).system && i.value === card(r).value));

/** The records the provider holds for this run: upserted when writable, else `options.seed`. */
async function arrange(directory: PatientDirectory, ctx: CaseContext): Promise<PatientRecord[]> {
  if (directory.capabilities.write) {
    const records = patientDirectoryFixtures(ctx.runId);
    for (const r of records) await directory.upsert(r);
    return records;
  }
  return seedOf<PatientRecord[]>(ctx, {
    en: 'the patient records its backend holds',
    vi: 'các hồ sơ người bệnh mà hệ thống của nó đang giữ',
  });
}

function expectValid(record: PatientRecord | undefined): void {
  expect(record).toBeDefined();
  expect(PatientRecordSchema.safeParse(record).success).toBe(true);
}

/**
 * The case "`method` answers undefined for an unknown identifier": an insurance card number of no
 * fixture (`salt` sets it apart from the other cases' numbers).
 */
function unknownIdentifierCase(
  method: 'findByIdentifier' | 'crossReference',
  salt: string,
): ConformanceCase<PatientDirectory> {
  return {
    name: `${method} answers undefined for an unknown identifier`,
    async run(directory, ctx) {
      const [an] = await arrange(directory, ctx);
      const unknown = { system: S.bhyt, value: `DN479${digitsFrom(`${ctx.runId}:${salt}`, 10)}` };
      expect(await directory[method](unknown, verify(an!))).toBeUndefined();
    },
  };
}

/** The cases of `patient-directory/v1`. */
export const patientDirectorySuite = defineContractSuite<PatientDirectory>({
  contract: 'patient-directory/v1',
  cases: [
    ...sharedCases<PatientDirectory, PatientRecord>({
      writes: ['upsert'],
      fresh: (ctx) => patientDirectoryFixtures(caseKey(ctx))[0]!,
      change: (r) => ({ ...r, contacts: [{ system: 'phone', value: '0900000000' }] }),
      write: (directory, r) => directory.upsert(r),
      read: (directory, r) => directory.findByIdentifier(card(r), verify(r)),
      calls: {
        findByIdentifier: (directory, r, signal) =>
          directory.findByIdentifier(card(r), { ...verify(r), signal }),
        search: (directory, r, signal) =>
          collect(
            directory.search(
              { identifier: card(r), name: fullName(r.name), birthDate: r.birthDate! },
              { signal },
            ),
          ),
        match: (directory, r, signal) =>
          directory.match({ identifiers: [card(r)], name: r.name, birthDate: r.birthDate! }, { signal }),
        crossReference: (directory, r, signal) => directory.crossReference(card(r), { ...verify(r), signal }),
        upsert: (directory, r, signal) => directory.upsert(r, { signal }),
      },
    }),
    {
      name: 'findByIdentifier finds a patient by insurance card, as a valid PatientRecord',
      async run(directory, ctx) {
        const [an] = await arrange(directory, ctx);
        const found = await directory.findByIdentifier(card(an!), verify(an!));
        expectValid(found);
        expect(found!.name).toMatchObject({ family: 'Nguyễn', given: 'An' });
        expect(found!.birthDate).toBe(an!.birthDate);
        expect(found!.sex).toBe('male');
        expect(found!.identifiers).toContainEqual(
          expect.objectContaining({ system: card(an!).system, value: card(an!).value }),
        );
      },
    },
    {
      name: 'findByIdentifier keeps a year-only birth date',
      async run(directory, ctx) {
        const [, binh] = await arrange(directory, ctx);
        const found = await directory.findByIdentifier(card(binh!), verify(binh!));
        expect(found?.birthDate).toBe('1990');
      },
    },
    unknownIdentifierCase('findByIdentifier', 'unknown'),
    {
      name: 'findByIdentifier finds a patient by personal ID number',
      requires: ['anyIdentifier'],
      async run(directory, ctx) {
        const [an] = await arrange(directory, ctx);
        const found = await directory.findByIdentifier(cccd(an!));
        expect(found?.identifiers).toContainEqual(expect.objectContaining({ value: cccd(an!).value }));
      },
    },
    {
      name: 'search by identifier (with name and birth date) returns exactly that patient',
      async run(directory, ctx) {
        const [an] = await arrange(directory, ctx);
        const found = await collect(
          directory.search({
            identifier: card(an!),
            name: fullName(an!.name),
            birthDate: an!.birthDate!,
          }),
        );
        expect(found).toHaveLength(1);
        expectValid(found[0]);
        expect(holds(found, an!)).toBe(true);
      },
    },
    {
      name: 'search by family and birth year returns every match and only matches',
      requires: ['demographicSearch'],
      async run(directory, ctx) {
        const [an, binh, cuc] = await arrange(directory, ctx);
        const found = await collect(directory.search({ family: 'Nguyễn', birthDate: '1985' }));
        expect(holds(found, an!)).toBe(true);
        expect(holds(found, cuc!)).toBe(true);
        expect(holds(found, binh!)).toBe(false);
        for (const r of found) {
          expect(r.name.family).toBe('Nguyễn');
          expect(r.birthDate?.startsWith('1985')).toBe(true);
        }
      },
    },
    {
      name: 'search by given name and sex',
      requires: ['demographicSearch'],
      async run(directory, ctx) {
        const [an, , cuc] = await arrange(directory, ctx);
        const found = await collect(directory.search({ family: 'Nguyễn', given: 'Cúc', sex: 'female' }));
        expect(holds(found, cuc!)).toBe(true);
        expect(holds(found, an!)).toBe(false);
      },
    },
    {
      name: 'search pages lazily: a small page size still yields every match once',
      requires: ['demographicSearch'],
      async run(directory, ctx) {
        const [an, , cuc] = await arrange(directory, ctx);
        const found = await collect(
          directory.search({ family: 'Nguyễn', birthDate: '1985' }, { pageSize: 1 }),
        );
        expect(holds(found, an!) && holds(found, cuc!)).toBe(true);
        const keys = found.map((r) => r.identifiers.map((i) => `${i.system}|${i.value}`).join(','));
        expect(new Set(keys).size).toBe(keys.length);
      },
    },
    {
      name: 'match with an identifier and demographics grades the patient certain',
      async run(directory, ctx) {
        const [an] = await arrange(directory, ctx);
        const candidates = await directory.match({
          identifiers: [card(an!)],
          name: an!.name,
          birthDate: an!.birthDate!,
          sex: 'male',
        });
        expect(candidates[0]?.grade).toBe('certain');
        expect(candidates[0]?.score).toBeGreaterThanOrEqual(0.95);
        expect(holds([candidates[0]!.record], an!)).toBe(true);
        expect(candidates[0]?.agreeing).toContain(`identifier:${card(an!).system}`);
      },
    },
    {
      name: 'match on demographics alone tolerates missing diacritics and name order',
      requires: ['demographicSearch'],
      async run(directory, ctx) {
        const [an, binh] = await arrange(directory, ctx);
        const candidates = await directory.match({
          name: { text: 'An Nguyen Van' },
          birthDate: an!.birthDate!,
          sex: 'male',
        });
        const top = candidates.find((c) => holds([c.record], an!));
        expect(top).toBeDefined();
        expect(['probable', 'certain']).toContain(top!.grade);
        expect(candidates.some((c) => holds([c.record], binh!))).toBe(false);
        for (let i = 1; i < candidates.length; i++)
          expect(candidates[i - 1]!.score).toBeGreaterThanOrEqual(candidates[i]!.score);
      },
    },
    {
      name: 'crossReference returns the patient’s identifiers in other systems',
      async run(directory, ctx) {
        const [an] = await arrange(directory, ctx);
        const ids = await directory.crossReference(card(an!), verify(an!));
        expect(ids).toBeDefined();
        expect(ids).toContainEqual(
          expect.objectContaining({ system: S.socialInsurance, value: card(an!).value.slice(5) }),
        );
        expect(ids!.some((i) => i.system === card(an!).system && i.value === card(an!).value)).toBe(false);
        const only = await directory.crossReference(card(an!), {
          ...verify(an!),
          targetSystems: [S.socialInsurance],
        });
        expect(only!.every((i) => i.system === S.socialInsurance)).toBe(true);
      },
    },
    unknownIdentifierCase('crossReference', 'nobody'),
    {
      name: 'upsert is idempotent on identifiers, updates the record and answers it with its id',
      requires: ['write'],
      async run(directory, ctx) {
        const [an] = await arrange(directory, ctx);
        const again = await directory.upsert({
          ...an!,
          contacts: [{ system: 'phone', value: '0900000000' }],
        });
        expect(again.id).toBe(again.record.id);
        expectValid(again.record);
        expect(again.record.contacts).toEqual([{ system: 'phone', value: '0900000000' }]);
        const found = await directory.findByIdentifier(card(an!), verify(an!));
        expect(found?.contacts).toEqual([{ system: 'phone', value: '0900000000' }]);
        expect(found?.id).toBe(again.id);
      },
    },
    {
      name: 'upsert rejects an invalid record with a ValidationError and stores nothing',
      requires: ['write'],
      async run(directory, ctx) {
        const [an] = await arrange(directory, ctx);
        const bad = { ...an!, identifiers: [] } as PatientRecord;
        const error = await directory.upsert(bad).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(isLienThongError(error) && (error as { kind: string }).kind).toBe('validation');
        const still = await directory.findByIdentifier(card(an!), verify(an!));
        expect(still?.name.given).toBe('An');
      },
    },
  ],
});

/** Registers the suite for a provider: `describePatientDirectoryConformance('fhir', () => createFhirPatientDirectory(...))`. */
export function describePatientDirectoryConformance(
  name: string,
  factory: () => PatientDirectory | Promise<PatientDirectory>,
  options: RunOptions<PatientDirectory> = {},
): void {
  runContractSuite(patientDirectorySuite, name, factory, options);
}
