// SYNTHETIC records only.
import { validateFhir } from '@lienthong/conformance/fhir';
import { DEFAULT_IDENTIFIER_SYSTEMS, facilityRecordSystem } from '@lienthong/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromFhirPatient, toFhirPatient } from './fhir-patient.js';
import {
  type PatientRecord,
  PatientRecordSchema,
  safeParsePatientRecord,
  splitVietnameseName,
} from './patient-record.js';

const word = fc.constantFrom(
  'Nguyễn',
  'Trần',
  'Lê',
  'Phạm',
  'Văn',
  'Thị',
  'Thu',
  'An',
  'Bình',
  'Cúc',
  'Đức',
  'Hà',
);
const digits = (n: number) => fc.stringMatching(new RegExp(`^\\d{${n}}$`));
const isoDay = fc
  .date({ min: new Date('1900-01-01'), max: new Date('2025-12-31'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));
const record: fc.Arbitrary<PatientRecord> = fc
  .record({
    cccd: digits(9).map((d) => `079${d}`),
    mrn: fc.stringMatching(/^[A-Z0-9-]{1,12}$/),
    family: word,
    middle: fc.option(
      fc.array(word, { minLength: 1, maxLength: 2 }).map((w) => w.join(' ')),
      { nil: undefined },
    ),
    given: word,
    birthDate: fc.option(
      fc.oneof(
        isoDay,
        isoDay.map((d) => d.slice(0, 4)),
        isoDay.map((d) => d.slice(0, 7)),
      ),
      {
        nil: undefined,
      },
    ),
    sex: fc.option(
      fc.constantFrom('male', 'female', 'other', 'unknown') as fc.Arbitrary<PatientRecord['sex']>,
      {
        nil: undefined,
      },
    ),
    card: fc.option(
      digits(10).map((d) => `DN479${d}`),
      { nil: undefined },
    ),
    validTo: fc.option(isoDay, { nil: undefined }),
    provinceCode: fc.option(fc.constantFrom('01', '79', '48'), { nil: undefined }),
    phone: fc.option(
      digits(9).map((d) => `0${d}`),
      { nil: undefined },
    ),
  })
  .map((r) =>
    PatientRecordSchema.parse({
      identifiers: [
        { system: DEFAULT_IDENTIFIER_SYSTEMS.cccd, value: r.cccd, kind: 'cccd' },
        { system: facilityRecordSystem('79001'), value: r.mrn, kind: 'mrn', facilityCode: '79001' },
        ...(r.card ? [{ system: DEFAULT_IDENTIFIER_SYSTEMS.bhyt, value: r.card, kind: 'bhyt' }] : []),
      ],
      name: { family: r.family, ...(r.middle ? { middle: r.middle } : {}), given: r.given },
      ...(r.birthDate ? { birthDate: r.birthDate } : {}),
      ...(r.sex ? { sex: r.sex } : {}),
      ...(r.provinceCode
        ? {
            addresses: [
              {
                use: 'home',
                line: ['Số 1'],
                commune: 'Phường X',
                province: 'P',
                provinceCode: r.provinceCode,
                oldProvinceCode: r.provinceCode,
              },
            ],
          }
        : {}),
      ...(r.phone ? { contacts: [{ system: 'phone', value: r.phone, use: 'mobile' }] } : {}),
      ...(r.card
        ? {
            insurance: [
              {
                cardNumber: r.card,
                validFrom: '2025-01-01',
                ...(r.validTo ? { validTo: r.validTo } : {}),
                registeredFacility: '79001',
              },
            ],
          }
        : {}),
    }),
  );

describe('PatientRecord ⇄ FHIR Patient', () => {
  it('round-trips every field the model covers', () => {
    fc.assert(
      fc.property(record, (r) => {
        const patient = toFhirPatient(r);
        expect(() => validateFhir(patient)).not.toThrow(); // independent validator (Medplum, base R4 profiles)
        expect(fromFhirPatient(patient)).toEqual(r);
      }),
      { numRuns: 200 },
    );
  });

  it('writes Vietnamese names as family + given [middle, given], with text', () => {
    const p = toFhirPatient({
      identifiers: [{ system: DEFAULT_IDENTIFIER_SYSTEMS.cccd, value: '079085000001' }],
      name: { family: 'Nguyễn', middle: 'Thị Thu', given: 'Hà' },
      birthDate: '1985',
    });
    expect(p.name).toEqual([
      { use: 'official', family: 'Nguyễn', given: ['Thị Thu', 'Hà'], text: 'Nguyễn Thị Thu Hà' },
    ]);
    expect(p.birthDate).toBe('1985');
  });

  it('rejects a FHIR Patient that does not fit the model with a typed error', () => {
    expect(() => fromFhirPatient({ resourceType: 'Patient' })).toThrow(
      expect.objectContaining({ code: 'FHIR_PATIENT_INVALID' }),
    );
    const r = safeParsePatientRecord({ identifiers: [], name: {} });
    expect(!r.ok && r.error.issues[0]?.path).toBe('identifiers');
  });

  it('splits full names family-first', () => {
    expect(splitVietnameseName('Nguyễn Thị Thu Hà')).toEqual({
      family: 'Nguyễn',
      middle: 'Thị Thu',
      given: 'Hà',
    });
    expect(splitVietnameseName('Lê An')).toEqual({ family: 'Lê', given: 'An' });
  });
});
