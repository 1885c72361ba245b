/**
 * fast-check arbitraries of lab reports for the property tests. Everything generated here is
 * SYNTHETIC test data: identifiers are prefixed `SYN`, local codes `SYN-`. National QĐ 1227 codes
 * come from the 32 real published rows in data/qd1227 (imaging rows), insurance service
 * codes are the four published examples of docs/en/guide/domain.md, LOINC codes are real LOINC codes found in
 * the real-world fixtures.
 */
import { readFileSync } from 'node:fs';
import { DEFAULT_IDENTIFIER_SYSTEMS, formatNationalDateTime, parseNationalDateTime } from '@lienthong/core';
import * as fc from 'fast-check';
import type { LabCoding, LabObservation, LabReport, LabValue } from '../src/model.js';
import { DEFAULT_LAB_SYSTEMS as S } from '../src/systems.js';

const qd1227Csv = readFileSync(
  new URL('../../../data/qd1227/qd1227_pl05_rows1177-1208_atomic_fields.csv', import.meta.url),
  'utf8',
);
/** The 32 real QĐ 1227 codes shipped in data/qd1227 (imaging indicators). */
export const REAL_QD1227_CODES = qd1227Csv
  .split('\n')
  .slice(1)
  .filter(Boolean)
  .map((l) => l.split(',')[1]!);
/** Published insurance service code examples (docs/en/guide/domain.md). */
export const PUBLISHED_SERVICE_CODES = ['23.0075.1494', '23.0051.1494', '22.0120.1370', '24.0003.1715'];
/** Real LOINC codes taken from the real-world HL7 v2 fixtures. */
export const FIXTURE_LOINC_CODES = [
  '11273-0',
  '20570-8',
  '11125-2',
  '23761-0',
  '26450-7',
  '24317-0',
  '8867-4',
];

export const arbDateTime = fc
  .integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2030, 0, 1) })
  .map((ms) => parseNationalDateTime(formatNationalDateTime(new Date(ms))));

const chars = [...'abcxyzABCXYZ0129 áàảãạăâđêôơưỆ.,;:-/()<>&"\'|^~\\#%*'];
/** Free text including HL7 delimiters, XML specials and Vietnamese letters; never only whitespace. */
export const arbText = (max = 30) =>
  fc
    .array(fc.constantFrom(...chars, '\n'), { minLength: 1, maxLength: max })
    .map((a) => a.join(''))
    .filter((s) => /[^\s]/.test(s));
/** Text without surrounding whitespace or line breaks (names, ids). */
export const arbToken = (max = 20) =>
  fc
    .array(fc.constantFrom(...chars), { minLength: 1, maxLength: max })
    .map((a) => a.join('').trim())
    .filter((s) => s.length > 0);
export const arbId = fc.stringMatching(/^SYN[A-Z0-9]{1,10}$/);

export const arbCoding: fc.Arbitrary<LabCoding> = fc
  .oneof(
    fc.record({ system: fc.constant(S.national), code: fc.constantFrom(...REAL_QD1227_CODES) }),
    fc.record({ system: fc.constant(S.loinc), code: fc.constantFrom(...FIXTURE_LOINC_CODES) }),
    fc.record({ system: fc.constant(S.serviceCode), code: fc.constantFrom(...PUBLISHED_SERVICE_CODES) }),
    fc.record({ system: fc.constant(S.local), code: fc.stringMatching(/^SYN-[A-Z0-9]{1,6}$/) }),
  )
  .chain((c) =>
    fc.record(
      {
        system: fc.constant(c.system),
        code: fc.constant(c.code),
        display: arbToken(),
        version: fc.constantFrom('2025', '2.76'),
      },
      { requiredKeys: ['system', 'code'] },
    ),
  );

const num = fc.integer({ min: -1_000_000, max: 1_000_000 }).map((n) => n / 100 + 0);
const unitPair = fc.constantFrom(
  { unit: 'mmol/L' },
  { unit: 'mg/dL', originalUnit: 'mg/dl' },
  { unit: '10*9/L', originalUnit: 'G/L' },
  { unit: '%', originalUnit: '%' },
  {},
);
const qty = fc.tuple(num, unitPair).map(([value, u]) => ({ value, ...u }));

export const arbValue: fc.Arbitrary<LabValue> = fc.oneof(
  fc
    .tuple(qty, fc.option(fc.constantFrom('<', '<=', '>=', '>') as fc.Arbitrary<'<'>, { nil: undefined }))
    .map(([q, comparator]) => ({
      kind: 'quantity' as const,
      ...q,
      ...(comparator ? { comparator } : {}),
    })),
  fc.record(
    {
      kind: fc.constant('coded' as const),
      codings: fc.array(arbCoding, { minLength: 1, maxLength: 2 }),
      text: arbToken(),
    },
    { requiredKeys: ['kind', 'codings'] },
  ),
  fc.record({ kind: fc.constant('text' as const), text: arbText(60) }),
  fc.tuple(qty, num).map(([n, d]) => ({ kind: 'ratio' as const, numerator: n, denominator: { value: d } })),
  fc.tuple(num, num, unitPair).map(([a, b, u]) => ({
    kind: 'range' as const,
    low: { value: Math.min(a, b), ...u },
    high: { value: Math.max(a, b), ...u },
  })),
);

const statuses = ['registered', 'preliminary', 'final', 'amended', 'corrected', 'cancelled'] as const;

export const arbObservation: fc.Arbitrary<LabObservation> = fc.record(
  {
    codes: fc.array(arbCoding, { maxLength: 2 }),
    name: arbToken(),
    status: fc.constantFrom(...statuses, 'entered-in-error'),
    value: arbValue,
    referenceRange: fc.oneof(
      fc.tuple(num, num).map(([a, b]) => [{ low: Math.min(a, b), high: Math.max(a, b) }]),
      fc.stringMatching(/^[A-Za-zđ][A-Za-zđ ]{0,10}[A-Za-z]$/).map((text) => [{ text }]),
    ),
    interpretation: fc.uniqueArray(fc.constantFrom('N', 'H', 'L', 'A', 'HH', 'LL', 'POS', 'NEG'), {
      minLength: 1,
      maxLength: 2,
    }),
    method: arbToken(),
    performedAt: arbDateTime,
    note: arbText(),
  },
  { requiredKeys: ['codes', 'status'] },
);

const facility = fc
  .record({ code: fc.stringMatching(/^SYN\d{5}$/), name: arbToken() }, { requiredKeys: [] })
  .filter((f) => Object.keys(f).length > 0);

export const arbIdentifiers = fc.uniqueArray(
  fc.record({
    system: fc.constantFrom(
      DEFAULT_IDENTIFIER_SYSTEMS.cccd,
      DEFAULT_IDENTIFIER_SYSTEMS.bhyt,
      'urn:lienthong:sid:mrn:SYN01',
    ),
    value: arbId,
  }),
  { minLength: 1, maxLength: 2, selector: (i) => i.system },
);

export const arbReport = (
  identifiers: fc.Arbitrary<LabReport['patient']['identifiers']> = arbIdentifiers,
): fc.Arbitrary<LabReport> =>
  fc.record(
    {
      id: arbId,
      idSystem: fc.constantFrom('urn:lienthong:sid:lab-report:SYN01001'),
      supersedes: arbId,
      patient: identifiers.map((ids) => ({ identifiers: ids })),
      encounterId: arbId,
      orderId: arbId,
      codes: fc.array(arbCoding, { maxLength: 2 }),
      name: arbToken(),
      status: fc.constantFrom(...statuses),
      orderingFacility: facility,
      performingFacility: facility,
      lab: fc.record(
        {
          code: fc.stringMatching(/^SYN\d{5}$/),
          name: arbToken(),
          qualityLevel: fc.integer({ min: 1, max: 5 }),
          accreditation: fc.array(fc.constantFrom('ISO 15189:2022', 'ISO 15189:2012'), {
            minLength: 1,
            maxLength: 2,
          }),
        },
        { requiredKeys: [] },
      ),
      specimen: fc.record(
        {
          id: arbId,
          type: fc.record({
            system: fc.constant('http://terminology.hl7.org/CodeSystem/v2-0487'),
            code: fc.constantFrom('BLD', 'SER', 'UR'),
          }),
          typeText: arbToken(),
          collectedAt: arbDateTime,
          receivedAt: arbDateTime,
        },
        { requiredKeys: [] },
      ),
      effectiveAt: arbDateTime,
      issuedAt: arbDateTime,
      signer: fc.record({ id: arbId, name: arbToken() }, { requiredKeys: [] }),
      conclusion: arbText(),
      note: arbText(),
      observations: fc.array(arbObservation, { minLength: 1, maxLength: 4 }),
    },
    { requiredKeys: ['id', 'patient', 'codes', 'status', 'observations'] },
  ) as fc.Arbitrary<LabReport>;

/** Removes `unrecognised` flags (recomputed by every decoder). */
export function stripFlags<T>(value: T): T {
  return JSON.parse(JSON.stringify(value, (k, v) => (k === 'unrecognised' ? undefined : v)));
}

/** Drops empty objects left by optional records, so `{}` facilities compare as absent. */
export function clean<T>(value: T): T {
  return JSON.parse(
    JSON.stringify(value, (_k, v) =>
      v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0 ? undefined : v,
    ),
  );
}
