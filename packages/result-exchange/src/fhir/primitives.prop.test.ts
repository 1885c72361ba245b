import { readdirSync, readFileSync } from 'node:fs';
import { isValidationError, type ValidationIssue } from '@lienthong/core';
import type { Observation } from '@medplum/fhirtypes';
import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fhirValidator } from '../../test/fhir-schema.js';
import { type JsonPath, jsonPaths, mutateAt } from '../../test/json-mutation.js';
import { decodeFhirObservation, readFhirObservation } from './decode-observation.js';

/** ajv 8 on the official R4 schema, compiled once for the file (a second or two). */
const validate = fhirValidator('Observation');

const dir = new URL('../../../../fixtures/real-world/fhir-r4/', import.meta.url);
const accepted = (o: unknown) => {
  try {
    decodeFhirObservation(o);
    return true;
  } catch {
    return false;
  }
};
/** The real Observation examples that both ajv and our decoder accept as they are. */
const BASES = readdirSync(dir)
  .filter((f) => /^Observation-.*\.json$/.test(f))
  .map((f) => JSON.parse(readFileSync(new URL(f, dir), 'utf8')) as Observation)
  .filter((o) => validate(o) && accepted(o));

type Kind = 'instant' | 'dateTime' | 'id' | 'uri' | 'decimal';

/**
 * The primitive elements the decoder reads, by the shape of their path (`[]` for any index), and
 * their FHIR type. value[x] is read as the first one present (each example has one at most).
 */
const READ: Record<string, Kind> = {
  id: 'id',
  'meta.lastUpdated': 'instant',
  issued: 'instant',
  effectiveDateTime: 'dateTime',
  'effectivePeriod.start': 'dateTime',
  'effectivePeriod.end': 'dateTime',
  effectiveInstant: 'instant',
  'code.coding[].system': 'uri',
  'valueQuantity.value': 'decimal',
  'valueQuantity.system': 'uri',
  'valueCodeableConcept.coding[].system': 'uri',
  'valueRatio.numerator.value': 'decimal',
  'valueRatio.numerator.system': 'uri',
  'valueRatio.denominator.value': 'decimal',
  'valueRatio.denominator.system': 'uri',
  'valueRange.low.value': 'decimal',
  'valueRange.low.system': 'uri',
  'valueRange.high.value': 'decimal',
  'valueRange.high.system': 'uri',
  'referenceRange[].low.value': 'decimal',
  'referenceRange[].high.value': 'decimal',
};
/** Elements the decoder reads that a mutation may add where the example has none. */
const ADDABLE: JsonPath[] = [
  ['id'],
  ['meta', 'lastUpdated'],
  ['issued'],
  ['effectiveDateTime'],
  ['effectivePeriod', 'end'],
  ['effectiveInstant'],
];
const shape = (path: JsonPath) =>
  path
    .map((k) => (typeof k === 'number' ? '[]' : `.${k}`))
    .join('')
    .slice(1);
const kindOf = (path: JsonPath): Kind => READ[shape(path)]!;

/** Each example with the paths of the primitive elements the decoder reads, present or addable. */
const TARGETS = BASES.map((base) => ({
  base,
  paths: [
    ...jsonPaths(base).filter((p) => READ[shape(p)] !== undefined),
    ...ADDABLE.filter((a) => !jsonPaths(base).some((p) => p.join('/') === a.join('/'))),
  ],
}));

/** Values of another JSON type (`null` is left out: the decoders read it as an absent element). */
const wrongType = fc.constantFrom<unknown>(20130403, true, {}, [], ['2013-04-03'], { value: 6.3 });

/** A valid value cut short, with a character replaced, or with one inserted. */
const edited = (valid: fc.Arbitrary<string>, chars: string[]) =>
  fc
    .tuple(valid, fc.nat(), fc.constantFrom('keep', 'cut', 'replace', 'insert'), fc.constantFrom(...chars))
    .map(([v, at, how, ch]) => {
      const i = at % (v.length + 1);
      if (how === 'keep') return v;
      if (how === 'cut') return v.slice(0, i);
      return `${v.slice(0, i)}${ch}${v.slice(how === 'replace' ? i + 1 : i)}`;
    });
const DATE_CHARS = [' ', '0', '1', '3', '9', '-', 'T', 't', ':', 'Z', 'z', '+', '.', '/', '\u00a0'];
const instants = fc
  .tuple(
    fc.date({ min: new Date('0001-01-01'), max: new Date('9999-12-31'), noInvalidDate: true }),
    fc.constantFrom('Z', '+07:00', '-05:00', '+14:00', '-13:59', '.5Z', '.123456+01:00'),
  )
  .map(([d, zone]) => `${d.toISOString().slice(0, 19)}${zone}`);
const dateTimes = fc.oneof(
  instants,
  instants.map((v) => v.slice(0, 10)),
  instants.map((v) => v.slice(0, 7)),
  instants.map((v) => v.slice(0, 4)),
);
const DATE_EDGES = [
  '2013-04-03',
  '2013-04-03T15:30:10',
  '2013-04-03T15:30+01:00',
  '2013-04-03T15:30:10+1:00',
  '2013-04-03T15:30:10+14:30',
  '2013-04-03T24:00:00Z',
  '2013-04-03T15:30:60Z',
  '2013-04-03 15:30:10Z',
  '2013-02-30',
  '2013-13',
  '0000',
  '',
  ' 2013-04-03',
];

const VALUES: Record<Kind, fc.Arbitrary<unknown>> = {
  instant: fc.oneof(instants, edited(instants, DATE_CHARS), fc.constantFrom(...DATE_EDGES), wrongType),
  dateTime: fc.oneof(dateTimes, edited(dateTimes, DATE_CHARS), fc.constantFrom(...DATE_EDGES), wrongType),
  id: fc.oneof(
    fc.stringMatching(/^[A-Za-z0-9\-.]{1,64}$/),
    fc.string({ unit: fc.constantFrom('a', 'Z', '0', '-', '.', '_', ' ', '/', 'é', '#'), maxLength: 8 }),
    fc.constantFrom('x'.repeat(64), 'x'.repeat(65), 'f001 ', ''),
    wrongType,
  ),
  uri: fc.oneof(
    fc.webUrl(),
    edited(fc.constantFrom('http://loinc.org', 'urn:oid:2.16.840.1.113883.6.1'), [
      ' ',
      '\t',
      '\n',
      '\u00a0',
      '\u2028',
      'x',
    ]),
    fc.constantFrom('', 'x', 'http://loinc.org ', 'http://unitsofmeasure .org'),
    wrongType,
  ),
  decimal: fc.oneof(
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.integer(),
    fc.constantFrom<unknown>('6.3', '1e3', '', '0x10', 'NaN'),
    wrongType.filter((v) => typeof v !== 'number'),
  ),
};

/** An example, one primitive element it reads (present or added) and a new value for it. */
const arbMutation = fc
  .constantFrom(...TARGETS)
  .chain(({ base, paths }) =>
    fc.constantFrom(...paths).chain((path) => VALUES[kindOf(path)].map((value) => ({ base, path, value }))),
  );

/** The problems our strict decoder finds, as `path`s (never another exception than a typed one). */
function strictProblems(input: unknown): string[] {
  try {
    decodeFhirObservation(input);
    return [];
  } catch (error) {
    expect(isValidationError(error)).toBe(true);
    return ((error as { issues?: ValidationIssue[] }).issues ?? []).map((i) => i.path ?? '');
  }
}

describe('our FHIR primitive checks against ajv on the official schema', () => {
  it('keeps real examples to compare on', () => {
    expect(BASES.length).toBeGreaterThanOrEqual(30);
  });

  it('issued "2013-04-03": ajv and the decoder both reject it, at Observation.issued', () => {
    const o = { ...BASES.find((b) => b.id === 'f001')!, issued: '2013-04-03' };
    expect(validate(o)).toBe(false);
    expect(validate.errors?.[0]?.instancePath).toBe('/issued');
    expect(strictProblems(o)).toEqual(['Observation.issued']);
  });

  it('rejects a mutated primitive element exactly when ajv does, strictly and (as a warning) leniently', () => {
    const seen = { rejected: 0, accepted: 0, kinds: new Set<string>() };
    fc.assert(
      fc.property(arbMutation, ({ base, path, value }) => {
        const input = mutateAt(base, path, value) as Observation;
        const at = `Observation${path.map((k) => (typeof k === 'number' ? `[${k}]` : `.${k}`)).join('')}`;
        const ajvAccepts = validate(input);
        // The example was valid: when ajv rejects, it is for the mutated element.
        if (!ajvAccepts) expect(validate.errors?.[0]?.instancePath).toBe(`/${path.join('/')}`);
        expect(strictProblems(input).includes(at), `${at} = ${JSON.stringify(value)}`).toBe(!ajvAccepts);
        const warnings: ValidationIssue[] = [];
        readFhirObservation(input, {}, warnings);
        expect(warnings.some((w) => w.path === at)).toBe(!ajvAccepts);
        seen[ajvAccepts ? 'accepted' : 'rejected']++;
        seen.kinds.add(`${kindOf(path)} ${ajvAccepts}`);
      }),
      { numRuns: 4000 },
    );
    // Both verdicts, for every kind of primitive.
    expect(seen.accepted).toBeGreaterThan(800);
    expect(seen.rejected).toBeGreaterThan(800);
    expect(seen.kinds.size).toBe(10);
  });
});
