import { isLienThongError } from '@lienthong/core';
import { newVisit } from '@lienthong/visits';
import { describe, expect, it } from 'vitest';
import { parametersOf, parseExportRequest } from './bulk-request.js';
import { EXPORT_TYPES, meetsFilter, parseTypeFilter, passesFilters } from './bulk-type-filter.js';

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return isLienThongError(error) ? error.code : String(error);
  }
  return 'no error';
};

describe('parseExportRequest', () => {
  it('defaults to every type, no window, identified output', () => {
    expect(parseExportRequest([], { level: 'system' })).toEqual({
      level: 'system',
      types: [...EXPORT_TYPES],
      typeFilters: {},
      deidentify: false,
    });
  });

  it('reads _type lists in the export order, instants as UTC, filters by type', () => {
    const request = parseExportRequest(
      [
        ['_type', 'Observation,Patient'],
        ['_since', '2026-11-01T07:00:00+07:00'],
        ['_until', '2026-11-30T00:00:00Z'],
        ['_outputFormat', 'application/fhir+ndjson'],
        [
          '_typeFilter',
          'Observation?code=http://loinc.org|2345-7,http://loinc.org|2339-0,Observation?date=ge2026-11-10',
        ],
        ['_deidentify', 'true'],
      ],
      { level: 'group', groupId: '01001' },
    );
    expect(request).toEqual({
      level: 'group',
      groupId: '01001',
      types: ['Patient', 'Observation'],
      since: '2026-11-01T00:00:00.000Z',
      until: '2026-11-30T00:00:00.000Z',
      typeFilters: {
        Observation: [
          'Observation?code=http://loinc.org|2345-7,http://loinc.org|2339-0',
          'Observation?date=ge2026-11-10',
        ],
      },
      deidentify: true,
    });
  });

  const refusals: [[string, string][], string][] = [
    [[['_outputFormat', 'text/csv']], 'FHIR_PARAMETER_INVALID'],
    [[['_type', 'Medication']], 'FHIR_PARAMETER_INVALID'],
    [[['_since', '2026-11-01']], 'FHIR_PARAMETER_INVALID'],
    [[['_since', '2026-13-01T00:00:00Z']], 'FHIR_PARAMETER_INVALID'],
    [
      [
        ['_since', 'a'],
        ['_since', 'b'],
      ],
      'FHIR_PARAMETER_INVALID',
    ],
    [
      [
        ['_since', '2026-11-02T00:00:00Z'],
        ['_until', '2026-11-01T00:00:00Z'],
      ],
      'FHIR_PARAMETER_INVALID',
    ],
    // `patient` narrows a Patient or Group export only.
    [[['patient', 'Patient/1']], 'FHIR_PARAMETER_INVALID'],
    [[['includeAssociatedData', 'LatestProvenanceResources']], 'FHIR_PARAMETER_UNSUPPORTED'],
    [[['_elements', '']], 'FHIR_PARAMETER_INVALID'],
    [[['_elements', 'name.given']], 'FHIR_PARAMETER_INVALID'],
    [[['_elements', 'Medication.code']], 'FHIR_PARAMETER_INVALID'],
    [[['_elements', 'Observation.']], 'FHIR_PARAMETER_INVALID'],
    [[['_elements', 'value[x]']], 'FHIR_PARAMETER_INVALID'],
    [[['_elements', Array.from({ length: 101 }, (_, i) => `e${i}`).join(',')]], 'FHIR_PARAMETER_INVALID'],
    [[['_typeFilter', 'Patient?name=An']], 'FHIR_PARAMETER_UNSUPPORTED'],
    [[['_typeFilter', 'DiagnosticReport?_count=5']], 'FHIR_PARAMETER_UNSUPPORTED'],
    [[['_typeFilter', 'DiagnosticReport']], 'FHIR_PARAMETER_INVALID'],
    [[['_typeFilter', 'DiagnosticReport?status=done']], 'FHIR_PARAMETER_INVALID'],
    [[['_typeFilter', 'Observation?date=2026-02-30']], 'FHIR_PARAMETER_INVALID'],
    [[['_typeFilter', 'Encounter?code=http://hl7.org/fhir/sid/icd-10|J18.9']], 'FHIR_PARAMETER_UNSUPPORTED'],
    [[['_typeFilter', 'Condition?date=ge2026-01-01']], 'FHIR_PARAMETER_UNSUPPORTED'],
    [[['_typeFilter', 'MedicationStatement?date=ge2026-01-01']], 'FHIR_PARAMETER_UNSUPPORTED'],
    [[['_typeFilter', 'Condition?encounter=Encounter/x']], 'FHIR_PARAMETER_UNSUPPORTED'],
    [[['_typeFilter', 'ClinicalImpression?code=a|b']], 'FHIR_PARAMETER_UNSUPPORTED'],
    [[['_typeFilter', 'Procedure?date=2026-13-01']], 'FHIR_PARAMETER_INVALID'],
    [
      [
        ['_type', 'Patient'],
        ['_typeFilter', 'Observation?code=a|b'],
      ],
      'FHIR_PARAMETER_INVALID',
    ],
    [[['_deidentify', 'yes']], 'FHIR_PARAMETER_INVALID'],
  ];
  it.each(refusals)('refuses %j with %s', (pairs, code) => {
    expect(codeOf(() => parseExportRequest(pairs, { level: 'system' }))).toBe(code);
  });

  it('reads _elements: names alone or of an exported type, each once', () => {
    const request = parseExportRequest(
      [
        ['_elements', 'status,Observation.valueQuantity'],
        ['_elements', 'status,Patient.birthDate'],
      ],
      { level: 'system' },
    );
    expect(request.elements).toEqual(['status', 'Observation.valueQuantity', 'Patient.birthDate']);
  });

  it('reads patient references at Patient and Group level, POSTed only', () => {
    const pairs: [string, string][] = [
      ['patient', 'Patient/p-1'],
      ['patient', 'Patient/p-2'],
      ['patient', 'Patient/p-1'],
    ];
    expect(parseExportRequest(pairs, { level: 'patient' }).patients).toEqual(['p-1', 'p-2']);
    expect(parseExportRequest(pairs, { level: 'group', groupId: '01001' }).patients).toEqual(['p-1', 'p-2']);
    const refused = (p: [string, string][], options: Parameters<typeof parseExportRequest>[1]) => {
      try {
        parseExportRequest(p, options);
      } catch (error) {
        return isLienThongError(error) ? `${error.code} ${error.path}` : String(error);
      }
      return 'no error';
    };
    expect(refused(pairs, { level: 'patient', queryNames: ['patient'] })).toBe(
      'FHIR_PARAMETER_INVALID query.patient',
    );
    expect(refused(pairs, { level: 'system' })).toBe('FHIR_PARAMETER_INVALID parameter.patient');
    expect(refused([...pairs, ['patient', 'Observation/x']], { level: 'patient' })).toBe(
      'FHIR_PARAMETER_INVALID parameter.patient[3]',
    );
    expect(refused([['patient', 'Patient/a b']], { level: 'patient' })).toBe(
      'FHIR_PARAMETER_INVALID parameter.patient[0]',
    );
    const many = Array.from({ length: 10_001 }, (_, i): [string, string] => ['patient', `Patient/p${i}`]);
    expect(refused(many, { level: 'patient' })).toBe('BULK_COHORT_TOO_LARGE parameter.patient');
  });

  it('leaves unknown parameters out under lenient handling', () => {
    const request = parseExportRequest(
      [
        ['includeAssociatedData', 'LatestProvenanceResources'],
        ['_type', 'Patient'],
      ],
      { level: 'patient', lenient: true },
    );
    expect(request.types).toEqual(['Patient']);
  });
});

describe('parametersOf', () => {
  it('reads the primitive values of a Parameters resource', () => {
    expect(
      parametersOf({
        resourceType: 'Parameters',
        parameter: [
          { name: '_type', valueString: 'Patient' },
          { name: '_since', valueInstant: '2026-11-01T00:00:00Z' },
          { name: '_deidentify', valueBoolean: true },
        ],
      }),
    ).toEqual([
      ['_type', 'Patient'],
      ['_since', '2026-11-01T00:00:00Z'],
      ['_deidentify', 'true'],
    ]);
    expect(parametersOf(undefined)).toEqual([]);
  });

  it('reads a patient valueReference as its reference', () => {
    expect(
      parametersOf({
        resourceType: 'Parameters',
        parameter: [
          { name: 'patient', valueReference: { reference: 'Patient/p-1' } },
          { name: '_elements', valueString: 'id,status' },
        ],
      }),
    ).toEqual([
      ['patient', 'Patient/p-1'],
      ['_elements', 'id,status'],
    ]);
  });

  it.each([
    { resourceType: 'Patient' },
    { resourceType: 'Parameters', parameter: {} },
    { resourceType: 'Parameters', parameter: [{ valueString: 'x' }] },
    { resourceType: 'Parameters', parameter: [{ name: '_type', valueString: 'a', valueCode: 'b' }] },
    { resourceType: 'Parameters', parameter: [{ name: '_type', valueReference: { reference: 'x' } }] },
    { resourceType: 'Parameters', parameter: [{ name: 'patient', valueString: 'Patient/p-1' }] },
    { resourceType: 'Parameters', parameter: [{ name: 'patient', valueReference: null }] },
    { resourceType: 'Parameters', parameter: [{ name: 'patient', valueReference: { reference: 5 } }] },
    { resourceType: 'Parameters', parameter: [{ name: 'patient', valueReference: 'Patient/p-1' }] },
    'text',
  ])('refuses %j with 400', (body) => {
    expect(codeOf(() => parametersOf(body))).toBe('FHIR_PARAMETERS_INVALID');
  });
});

describe('type filters', () => {
  const lab = { system: 'urn:synthetic:service', code: 'X1' };
  it('match codes, statuses and clinical time; an unknown time meets no date condition', () => {
    const { filter } = parseTypeFilter(
      'DiagnosticReport?code=urn:synthetic:service|X1&status=final,amended&date=ge2026-11-10',
      ['DiagnosticReport'],
    );
    const facts = { codes: [lab], status: 'final', time: '2026-11-10T00:00:00.000Z' };
    expect(meetsFilter(filter, facts)).toBe(true);
    expect(meetsFilter(filter, { ...facts, status: 'preliminary' })).toBe(false);
    expect(meetsFilter(filter, { ...facts, codes: [{ ...lab, code: 'X2' }] })).toBe(false);
    // 2026-11-10 starts at 00:00 Vietnam time, 17:00 UTC the day before.
    expect(meetsFilter(filter, { ...facts, time: '2026-11-09T16:59:59.999Z' })).toBe(false);
    expect(meetsFilter(filter, { ...facts, time: '' })).toBe(false);
  });

  it('match study modalities and days; several filters of a type are any of them', () => {
    const ct = parseTypeFilter('ImagingStudy?modality=CT', ['ImagingStudy']).filter;
    const day = parseTypeFilter('ImagingStudy?started=le2026-01-31', ['ImagingStudy']).filter;
    expect(passesFilters([ct, day], { modalities: ['MR'], day: '2026-01-05' })).toBe(true);
    expect(passesFilters([ct, day], { modalities: ['MR'], day: '2026-02-05' })).toBe(false);
    expect(passesFilters([ct, day], { modalities: ['CT'], day: null })).toBe(true);
    expect(passesFilters(undefined, {})).toBe(true);
  });
  it('match visit resources as their searches do: the visit period, ICD-10 codes with or without the dot', () => {
    const ICD10 = 'http://hl7.org/fhir/sid/icd-10';
    /** A SYNTHETIC visit: admitted 2026-11-03, discharged 2026-11-05 (Vietnam time). */
    const visit = newVisit({
      id: 'SYN-LK-1',
      facility: '01001',
      patient: { identifiers: [{ system: 'urn:synthetic:patient-id', value: 'P1' }] },
      admittedAt: '2026-11-03T08:00:00+07:00',
      dischargedAt: '2026-11-05T10:00:00+07:00',
    });
    const condition = (q: string) => parseTypeFilter(`Condition?${q}`, ['Condition']).filter;
    const facts = { codes: [{ system: ICD10, code: 'J18.9' }], visit };
    expect(meetsFilter(condition(`code=${ICD10}|J189`), facts)).toBe(true);
    expect(meetsFilter(condition(`code=${ICD10}|J18.9,${ICD10}|I10`), facts)).toBe(true);
    expect(meetsFilter(condition(`code=${ICD10}|J18.0`), facts)).toBe(false);
    expect(meetsFilter(condition('code=urn:other|J18.9'), facts)).toBe(false);
    const encounter = (q: string) => parseTypeFilter(`Encounter?${q}`, ['Encounter']).filter;
    // The period overlaps the window: a stay that began before it still counts.
    expect(meetsFilter(encounter('date=ge2026-11-04'), { visit })).toBe(true);
    expect(meetsFilter(encounter('date=le2026-11-03'), { visit })).toBe(true);
    expect(meetsFilter(encounter('date=ge2026-11-06'), { visit })).toBe(false);
    expect(meetsFilter(encounter('date=le2026-11-02'), { visit })).toBe(false);
    const medication = parseTypeFilter('MedicationStatement?effective=ge2026-12-01', ['MedicationStatement']);
    expect(meetsFilter(medication.filter, { codes: [], visit })).toBe(false);
    const procedure = parseTypeFilter('Procedure?code=urn:lienthong:cs:tt23-pl01|10.979&date=le2026-11-30', [
      'Procedure',
    ]);
    expect(
      meetsFilter(procedure.filter, {
        codes: [{ system: 'urn:lienthong:cs:tt23-pl01', code: '10.979' }],
        visit,
      }),
    ).toBe(true);
  });
});
