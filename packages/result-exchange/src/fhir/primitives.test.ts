import { readFileSync } from 'node:fs';
import { isValidationError, type ValidationIssue } from '@lienthong/core';
import type { Bundle, Observation } from '@medplum/fhirtypes';
import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fhirSchema } from '../../test/fhir-schema.js';
import { thrown } from '../../test/thrown.js';
import { decodeFhirObservation, readFhirObservation } from './decode-observation.js';
import { decodeFhirBundle } from './decode-report.js';
import {
  FHIR_CODE,
  FHIR_DATE,
  FHIR_DATE_TIME,
  FHIR_DECIMAL,
  FHIR_ID,
  FHIR_INSTANT,
  FHIR_STRING,
  FHIR_URI,
  isFhirDecimal,
} from './primitives.js';

const PATTERNS = {
  instant: FHIR_INSTANT,
  dateTime: FHIR_DATE_TIME,
  date: FHIR_DATE,
  decimal: FHIR_DECIMAL,
  id: FHIR_ID,
  uri: FHIR_URI,
  code: FHIR_CODE,
  string: FHIR_STRING,
};

const fixture = <T>(name: string): T =>
  JSON.parse(
    readFileSync(new URL(`../../../../fixtures/real-world/fhir-r4/${name}`, import.meta.url), 'utf8'),
  ) as T;
const f001 = () => fixture<Observation>('Observation-f001.json');

describe('FHIR R4 primitive patterns', () => {
  it.each(Object.entries(PATTERNS))(
    '%s is the pattern of the official JSON schema, groups non-capturing',
    (type, re) => {
      expect(re.source.replaceAll('(?:', '(')).toBe(fhirSchema.definitions[type]?.pattern);
      expect(re.flags).toBe('');
    },
  );

  it('match the examples of the R4 datatypes page', () => {
    const cases: [keyof typeof PATTERNS, string, boolean][] = [
      ['instant', '2015-02-07T13:28:17.239+02:00', true],
      ['instant', '2017-01-01T00:00:00Z', true],
      ['instant', '2013-04-03', false],
      ['instant', '2013-04-03T15:30:10', false],
      ['instant', '2013-04-03T15:30+01:00', false],
      ['dateTime', '2018', true],
      ['dateTime', '1973-06', true],
      ['dateTime', '1905-08-23', true],
      ['dateTime', '2015-02-07T13:28:17-05:00', true],
      ['dateTime', '2017-01-01T00:00:00.000Z', true],
      ['dateTime', '2015-02-07T13:28:17', false],
      ['dateTime', '0000', false],
      ['date', '2018', true],
      ['date', '1905-08-23', true],
      ['date', '1905-08-23T10:00:00Z', false],
      ['decimal', '-0.5e10', true],
      ['decimal', '01', false],
      ['id', 'f001', true],
      ['id', 'a'.repeat(64), true],
      ['id', 'a'.repeat(65), false],
      ['id', 'a_b', false],
      ['id', '', false],
      ['uri', 'http://loinc.org', true],
      ['uri', '', true],
      ['uri', 'http://a b', false],
      ['code', 'mmol/L', true],
      ['code', 'a  b', false],
      ['code', ' a', false],
      ['string', 'Glucose\n6.3', true],
      ['string', '', false],
      ['string', 'a\u00a0b', false],
    ];
    for (const [type, value, valid] of cases)
      expect(PATTERNS[type].test(value), `${type} ${value}`).toBe(valid);
  });

  it('match the same strings as the schema patterns compiled the way ajv compiles them (u flag)', () => {
    const schema = Object.fromEntries(
      Object.keys(PATTERNS).map((type) => [type, new RegExp(fhirSchema.definitions[type]!.pattern!, 'u')]),
    );
    const valid = fc.oneof(
      fc
        .tuple(
          fc.date({ min: new Date('0001-01-01'), max: new Date('9999-12-31'), noInvalidDate: true }),
          fc.constantFrom('Z', '+07:00', '-14:00', '+14:00', '+13:59'),
          fc.nat(23),
        )
        .map(([d, zone, cut]) => `${d.toISOString().slice(0, -1)}${zone}`.slice(0, [4, 7, 10, 99][cut % 4])),
      fc.constantFrom('2013-04-03T15:30:60+01:00', '-1.5e+10', '0.25', 'f001', 'mmol/L', 'a b'),
    );
    // Valid values as they are, cut short, with a character replaced or inserted; any text.
    const anyText = fc.oneof(
      fc
        .tuple(
          valid,
          fc.nat(),
          fc.constantFrom('keep', 'cut', 'replace', 'insert'),
          fc.constantFrom(' ', '0', '9', '-', 'T', ':', 'Z', 'z', '+', '.', 'e', '\u00a0'),
        )
        .map(([v, at, how, ch]) => {
          const i = at % (v.length + 1);
          if (how === 'keep') return v;
          if (how === 'cut') return v.slice(0, i);
          return `${v.slice(0, i)}${ch}${v.slice(how === 'replace' ? i + 1 : i)}`;
        }),
      fc.string({ unit: 'binary' }),
      fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)) }),
      fc.string({ unit: fc.constantFrom(' ', '\t', '\n', '\u00a0', '\ud83d', '\ude00', 'a', '-', '.', '1') }),
    );
    fc.assert(
      fc.property(anyText, (s) => {
        for (const [type, re] of Object.entries(PATTERNS))
          expect(re.test(s), `${type} ${s}`).toBe(schema[type]!.test(s));
      }),
      { numRuns: 5000 },
    );
  });

  it('isFhirDecimal agrees with the decimal pattern on the JSON text of any number', () => {
    fc.assert(
      fc.property(fc.oneof(fc.double(), fc.integer(), fc.constantFrom(-0, 1e21, 5e-324, 1e-7)), (n) => {
        expect(isFhirDecimal(n)).toBe(FHIR_DECIMAL.test(JSON.stringify(n)));
        if (Number.isFinite(n)) expect(FHIR_DECIMAL.test(String(n))).toBe(true);
      }),
      { numRuns: 5000 },
    );
    for (const v of ['6.3', null, undefined, true, {}, [1]]) expect(isFhirDecimal(v)).toBe(false);
  });
});

/** The issues of a rejected Observation, as `code path`. */
function rejected(input: unknown): string[] {
  return (thrown(() => decodeFhirObservation(input)).issues ?? []).map((i) => `${i.code} ${i.path}`);
}

describe('decodeFhirObservation checks the primitives it reads', () => {
  it('rejects issued "2013-04-03" (a date, not an instant) with a typed error naming Observation.issued', () => {
    let error: unknown;
    try {
      decodeFhirObservation({ ...f001(), issued: '2013-04-03' });
    } catch (e) {
      error = e;
    }
    expect(isValidationError(error)).toBe(true);
    expect(error).toMatchObject({ code: 'FHIR_DATE_TIME_INVALID', path: 'Observation.issued' });
    const e = error as { message: string; messageVi: string; issues: ValidationIssue[] };
    expect(e.message).toContain('Not a FHIR instant');
    expect(e.messageVi).toContain('Sai định dạng instant của FHIR');
    expect(e.issues).toHaveLength(1);
  });

  it('reads issued "2013-04-03" leniently: a warning, no throw', () => {
    const warnings: ValidationIssue[] = [];
    expect(readFhirObservation({ ...f001(), issued: '2013-04-03' }, {}, warnings).performedAt).toBe(
      '2013-04-02T09:30:10+01:00',
    );
    expect(warnings.map((w) => `${w.code} ${w.path}`)).toEqual(['FHIR_DATE_TIME_INVALID Observation.issued']);
  });

  it('checks id, meta.lastUpdated, issued, every effective[x], coding and quantity systems, decimals', () => {
    const o = f001();
    expect(rejected({ ...o, id: 'f 001' })).toEqual(['FHIR_ID_INVALID Observation.id']);
    expect(rejected({ ...o, id: 'x'.repeat(65) })).toEqual(['FHIR_ID_INVALID Observation.id']);
    expect(rejected({ ...o, id: 1 })).toEqual(['FHIR_ELEMENT_INVALID Observation.id']);
    expect(rejected({ ...o, meta: { lastUpdated: '2013-04-03T15:30:10' } })).toEqual([
      'FHIR_DATE_TIME_INVALID Observation.meta.lastUpdated',
    ]);
    expect(rejected({ ...o, meta: 'x' })).toEqual(['FHIR_ELEMENT_INVALID Observation.meta']);
    expect(
      rejected({ ...o, effectivePeriod: { start: '2013-04-02T09:30:10+01:00', end: '2013-04-02T10' } }),
    ).toEqual(['FHIR_DATE_TIME_INVALID Observation.effectivePeriod.end']);
    // Every effective[x] present is checked, not only the one kept.
    expect(rejected({ ...o, effectiveDateTime: '2013-04-02', effectiveInstant: '2013-04-02' })).toEqual([
      'FHIR_DATE_TIME_INVALID Observation.effectiveInstant',
    ]);
    expect(rejected({ ...o, code: { coding: [{ system: 'http://loinc.org ', code: '15074-8' }] } })).toEqual([
      'FHIR_URI_INVALID Observation.code.coding[0].system',
    ]);
    expect(
      rejected({ ...o, valueQuantity: { ...o.valueQuantity, system: 'http://unitsofmeasure .org' } }),
    ).toEqual(['FHIR_URI_INVALID Observation.valueQuantity.system']);
    // A decimal is a JSON number: Infinity and NaN are not (JSON.parse never makes them).
    expect(
      rejected({ ...o, valueQuantity: { ...o.valueQuantity, value: Number.POSITIVE_INFINITY } }),
    ).toEqual(['FHIR_ELEMENT_INVALID Observation.valueQuantity.value']);
    expect(
      rejected({ ...o, referenceRange: [{ low: { value: Number.NaN }, high: { value: '6.2' } }] }),
    ).toEqual([
      'FHIR_ELEMENT_INVALID Observation.referenceRange[0].low.value',
      'FHIR_ELEMENT_INVALID Observation.referenceRange[0].high.value',
    ]);
  });

  it('accepts the valid edges of each format', () => {
    const o = f001();
    for (const input of [
      { ...o, id: 'a-B.9'.repeat(12).slice(0, 64) },
      { ...o, meta: { lastUpdated: '2013-04-03T15:30:60.123-14:00' } },
      { ...o, issued: '2013-04-03T15:30:10+14:00' },
      { ...o, effectivePeriod: { start: '2013-04-02T09:30:10+01:00', end: '2013' } },
      { ...o, valueQuantity: { ...o.valueQuantity, value: -1e-7 } },
    ])
      expect(decodeFhirObservation(input).value.codes).toHaveLength(1);
  });

  it('lenient reading leaves a malformed coding system out (read as no system), with a warning', () => {
    const warnings: ValidationIssue[] = [];
    const read = readFhirObservation(
      { ...f001(), code: { coding: [{ system: 'http://loinc .org', code: '15074-8' }] } },
      {},
      warnings,
    );
    expect(read.codes[0]?.system).toBe('urn:lienthong:fhir-cs:none');
    expect(warnings.map((w) => w.code)).toEqual(['FHIR_URI_INVALID']);
  });
});

describe('decodeFhirBundle checks the dates it reads, as warnings', () => {
  it('leaves malformed issued, effective and specimen dates out, and names them', () => {
    const bundle = fixture<Bundle>('Bundle-f001.json');
    const { value: reports } = decodeFhirBundle(bundle);
    const entry = bundle.entry!.findIndex((e) => e.resource?.resourceType === 'DiagnosticReport');
    const dr = bundle.entry![entry]!.resource as { issued?: string; effectiveDateTime?: string };
    dr.issued = '2013-05-15';
    dr.effectiveDateTime = '2013-05-15T19:32';
    const specimen = {
      resourceType: 'Specimen',
      id: 'sp1',
      collection: { collectedDateTime: '2013-05-15T19:32+01:00' },
      receivedTime: '2013-05-16',
    } as const;
    (dr as { specimen?: unknown }).specimen = [{ reference: 'Specimen/sp1' }];
    bundle.entry!.push({ resource: specimen });
    const again = decodeFhirBundle(bundle);
    const at = `Bundle.entry[${entry}].resource`;
    expect(again.warnings.map((w) => `${w.code} ${w.path}`)).toEqual(
      expect.arrayContaining([
        `FHIR_DATE_TIME_INVALID ${at}.issued`,
        `FHIR_DATE_TIME_INVALID ${at}.effectiveDateTime`,
        `FHIR_DATE_TIME_INVALID ${at}.specimen[0].collection.collectedDateTime`,
        `FHIR_DATE_TIME_INVALID ${at}.specimen[0].receivedTime`,
      ]),
    );
    expect(again.value[0]?.issuedAt).toBeUndefined();
    expect(again.value[0]?.effectiveAt).toBeUndefined();
    expect(again.value[0]?.specimen?.collectedAt).toBeUndefined();
    expect(reports[0]?.issuedAt).toBeDefined();
  });
});
