import type { Resource } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { QD1227_FIXTURE_MAPPING, QD1227_PATH, readText } from '../../test/data.js';
import { validateWithMedplum, validateWithSchema } from '../../test/fhir-validate.js';
import { loadBundledRelease } from '../bundled.js';
import { createCatalogue } from '../catalogue.js';
import { importQd1227 } from '../import/index.js';
import type { Release } from '../model.js';
import {
  fromFhirConceptMap,
  lookupOperation,
  toFhirCodeSystem,
  toFhirConceptMap,
  toFhirValueSet,
  translateOperation,
  validateCodeOperation,
} from './index.js';

const pl01 = await loadBundledRelease('tt23-pl01');
const pl02 = await loadBundledRelease('tt23-pl02');
const catalogue = createCatalogue([pl01, pl02]);
const qd = importQd1227(readText(QD1227_PATH), { mapping: QD1227_FIXTURE_MAPPING, appendixBase: 1070000 });
// The 32 verified QĐ 1227 rows are a fixture, not a release: fine for checking the FHIR shape.
const qdRelease: Release = qd.release;

const slice = (r: Release, n: number): Release => ({ ...r, concepts: r.concepts.slice(0, n) });

function expectValid(resource: Resource) {
  expect(() => validateWithMedplum(resource)).not.toThrow();
  const schema = validateWithSchema(resource);
  expect(schema.errors).toBeNull();
  expect(schema.valid).toBe(true);
}

describe('FHIR export passes @medplum/core validateResource and the official R4 JSON schema', () => {
  it('CodeSystem of PL01 (first 300 techniques, and the full release against the schema)', () => {
    expectValid(toFhirCodeSystem(slice(pl01, 300)));
    const full = toFhirCodeSystem(pl01);
    expect(full.count).toBe(19438);
    expect(validateWithSchema(full).valid).toBe(true);
  });

  it('CodeSystem of PL02 with link properties, and of the QĐ 1227 fixture with LOINC properties', () => {
    const cs = toFhirCodeSystem(slice(pl02, 300));
    expect(cs.concept?.[0]?.property).toContainEqual({ code: 'link', valueString: '10.7' });
    expectValid(cs);
    const q = toFhirCodeSystem(qdRelease);
    expect(q.concept?.[0]?.property).toContainEqual({ code: 'loinc', valueString: '83039-8' });
    expectValid(q);
  });

  it('ValueSet and ConceptMap (PL02 → PL01 links), and the ConceptMap reads back', () => {
    expectValid(toFhirValueSet(pl01));
    const map = catalogue.conceptMaps().find((m) => m.sourceSystem === pl02.system.uri)!;
    const small = { ...map, elements: map.elements.slice(0, 200) };
    const fhir = toFhirConceptMap(small);
    expectValid(fhir);
    expect(fromFhirConceptMap(fhir).elements).toEqual(
      small.elements.map(({ source, sourceDisplay, target, equivalence }) => ({
        source,
        ...(sourceDisplay ? { sourceDisplay } : {}),
        target,
        equivalence,
      })),
    );
    expect(() => fromFhirConceptMap({ resourceType: 'Patient' })).toThrow(/ConceptMap/);
  });
});

describe('the validators are live', () => {
  it('reject a broken CodeSystem', () => {
    const cs = toFhirCodeSystem(slice(pl01, 3)) as unknown as Record<string, unknown>;
    const { status: _s, ...noStatus } = cs;
    expect(() => validateWithMedplum(noStatus as unknown as Resource)).toThrow();
    expect(validateWithSchema({ ...cs, content: 'bogus' } as unknown as Resource).valid).toBe(false);
  });
});

describe('terminology operations', () => {
  it('$lookup', () => {
    const p = lookupOperation(catalogue, { system: 'urn:lienthong:cs:tt23-pl01', code: '23.75' });
    expectValid(p);
    expect(p.parameter).toContainEqual({ name: 'display', valueString: 'Định lượng Glucose [Máu]' });
    expect(() => lookupOperation(catalogue, { system: 'tt23-pl01', code: 'nope' })).toThrow(
      expect.objectContaining({ code: 'CATALOGUE_CODE_NOT_FOUND' }),
    );
  });

  it('$validate-code', () => {
    const yes = validateCodeOperation(catalogue, { system: 'tt23-pl01', code: '22.120' });
    expectValid(yes);
    expect(yes.parameter?.[0]).toEqual({ name: 'result', valueBoolean: true });
    const wrongDisplay = validateCodeOperation(catalogue, {
      system: 'tt23-pl01',
      code: '23.75',
      display: 'x',
    });
    expect(wrongDisplay.parameter?.[0]).toEqual({ name: 'result', valueBoolean: false });
    expect(
      validateCodeOperation(catalogue, { system: 'tt23-pl01', code: '18.800' }).parameter?.[0]?.valueBoolean,
    ).toBe(false);
  });

  it('$translate', () => {
    const p = translateOperation(catalogue, { system: 'tt23-pl02', code: '1', targetsystem: 'tt23-pl01' });
    expectValid(p);
    expect(p.parameter?.[0]).toEqual({ name: 'result', valueBoolean: true });
    expect(p.parameter?.[1]?.part?.[1]?.valueCoding?.code).toBe('10.7');
    const none = translateOperation(catalogue, { system: 'tt23-pl02', code: 'x', targetsystem: 'tt23-pl01' });
    expect(none.parameter?.[0]).toEqual({ name: 'result', valueBoolean: false });
  });
});
