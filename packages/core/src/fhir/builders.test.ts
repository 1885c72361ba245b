import { describe, expect, it } from 'vitest';
import { DEFAULT_IDENTIFIER_SYSTEMS } from '../identifier-systems.js';
import {
  codeableConcept,
  coding,
  dateParam,
  identifier,
  identifierReference,
  reference,
  searchParams,
} from './builders.js';

describe('FHIR builders', () => {
  it('builds identifiers, codings and concepts without undefined keys', () => {
    expect(identifier(DEFAULT_IDENTIFIER_SYSTEMS.cccd, '001203012345', { use: 'official' })).toEqual({
      use: 'official',
      system: 'http://fhir.ehealth.gov.vn/core/sid/national_id',
      value: '001203012345',
    });
    expect(coding('http://loinc.org', '2345-7')).toEqual({ system: 'http://loinc.org', code: '2345-7' });
    expect(coding('s', 'c', 'd', '2025')).toEqual({ system: 's', code: 'c', display: 'd', version: '2025' });
    const cc = codeableConcept([coding('a', '1'), coding('b', '2')], 'text');
    expect(cc).toEqual({
      coding: [
        { system: 'a', code: '1' },
        { system: 'b', code: '2' },
      ],
      text: 'text',
    });
    expect(codeableConcept([])).toEqual({ coding: [] });
  });

  it('builds references', () => {
    expect(reference({ resourceType: 'Patient', id: 'p1' }, 'A')).toEqual({
      reference: 'Patient/p1',
      display: 'A',
    });
    expect(reference('Specimen/s1')).toEqual({ reference: 'Specimen/s1' });
    expect(identifierReference('Organization', { system: 's', value: '01001' })).toEqual({
      type: 'Organization',
      identifier: { system: 's', value: '01001' },
    });
  });

  it('builds date and repeated parameters', () => {
    expect(dateParam('ge', '2025-01-01')).toBe('ge2025-01-01');
    expect(
      searchParams({ date: ['ge2025', 'le2026'], _count: 50, x: undefined, flag: true }).toString(),
    ).toBe('date=ge2025&date=le2026&_count=50&flag=true');
  });
});
