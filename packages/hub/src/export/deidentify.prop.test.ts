import type { Observation, Patient } from '@lienthong/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createDeidentifier, PSEUDONYM_SYSTEM } from './deidentify.js';

/** SYNTHETIC random patients: every name carries a Vietnamese letter, every value is random. */
const letters = 'abcdeghiklmnopqrstuvxy'.split('');
const word = fc
  .tuple(
    fc.string({ unit: fc.constantFrom(...letters), minLength: 2, maxLength: 8 }),
    fc.constantFrom('ă', 'â', 'đ', 'ê', 'ô', 'ơ', 'ư', 'ễ', 'ứ', 'ạ'),
    fc.string({ unit: fc.constantFrom(...letters), maxLength: 4 }),
  )
  .map(([a, b, c]) => `${a[0]!.toUpperCase()}${a.slice(1)}${b}${c}`);
const fullName = fc.array(word, { minLength: 2, maxLength: 4 }).map((w) => w.join(' '));

const identifier = fc.oneof(
  fc.record({
    system: fc.constantFrom(
      'http://fhir.ehealth.gov.vn/core/sid/national_id',
      'http://fhir.hl7.org.vn/core/sid/cccd',
    ),
    value: fc.stringMatching(/^\d{12}$/),
  }),
  fc.record({
    system: fc.constantFrom(
      'http://fhir.ehealth.gov.vn/core/sid/insurance_number',
      'http://fhir.hl7.org.vn/core/sid/bhyt',
    ),
    value: fc.stringMatching(/^(DN|HT|TE|GD)[1-5](01|79|48)\d{10}$/),
  }),
  fc.record({
    system: fc.constant('http://fhir.ehealth.gov.vn/core/sid/citizen_id'),
    value: fc.stringMatching(/^\d{9}$/),
  }),
  fc.record({
    system: fc.constant('http://fhir.ehealth.gov.vn/core/sid/passport_number'),
    value: fc.stringMatching(/^[A-Z]\d{7}$/),
  }),
  fc.record({
    system: fc.constant('urn:lienthong:sid:mrn:01001'),
    value: fc.stringMatching(/^BN-[A-Z0-9]{6,12}$/),
  }),
);

const patient = fc.record({
  names: fc.array(fullName, { minLength: 1, maxLength: 3 }),
  identifiers: fc.array(identifier, { minLength: 1, maxLength: 5 }),
  phone: fc.stringMatching(/^0\d{9}$/),
  street: fullName,
  birthDate: fc.date({ min: new Date('1900-01-01'), max: new Date('2025-12-31'), noInvalidDate: true }),
  contactName: fullName,
});

type Random = typeof patient extends fc.Arbitrary<infer T> ? T : never;

function resources(p: Random): { patient: Patient; observation: Observation; personal: string[] } {
  const birthDate = p.birthDate.toISOString().slice(0, 10);
  const resource: Patient = {
    resourceType: 'Patient',
    id: 'random',
    text: { status: 'generated', div: `<div xmlns="http://www.w3.org/1999/xhtml">${p.names[0]}</div>` },
    extension: [{ url: 'urn:x:nickname', valueString: p.names[0]! }],
    identifier: p.identifiers,
    name: p.names.map((text) => ({ text, family: text.split(' ')[0]! })),
    telecom: [{ system: 'phone', value: p.phone }],
    address: [{ line: [p.street], text: p.street }],
    birthDate,
    contact: [{ name: { text: p.contactName }, telecom: [{ system: 'phone', value: p.phone }] }],
  };
  const observation: Observation = {
    resourceType: 'Observation',
    status: 'final',
    code: { text: 'Glucose' },
    subject: { type: 'Patient', identifier: p.identifiers[0], display: p.names[0] },
    performer: [{ type: 'Practitioner', display: p.contactName }],
    note: [{ text: `${p.names[0]} ${p.phone}` }],
  };
  const personal = [
    ...p.names,
    p.contactName,
    p.street,
    p.phone,
    birthDate,
    ...p.identifiers.map((i) => i.value),
  ];
  return { patient: resource, observation, personal };
}

describe('de-identification of random patients (property)', () => {
  const de = createDeidentifier({ secret: 'SYNTHETIC property-test secret of 32+ bytes' });

  it('no input name, identifier, phone, address or birth date appears in the output; one pseudonym for both', () => {
    fc.assert(
      fc.property(patient, (p) => {
        const { patient: input, observation, personal } = resources(p);
        const before = JSON.stringify([input, observation]);
        const out = [de.deidentify(input), de.deidentify(observation)] as const;
        const json = JSON.stringify(out);
        for (const value of personal) expect(json).not.toContain(value);
        expect(out[0].birthDate).toBe(p.birthDate.toISOString().slice(0, 4));
        const pseudonym = out[0].identifier?.[0];
        expect(out[0].identifier).toHaveLength(1);
        expect(pseudonym?.system).toBe(PSEUDONYM_SYSTEM);
        // The Observation names the patient by one of its identifiers; the Patient by its best one.
        expect(out[1].subject?.identifier?.value).toBe(de.pseudonymOf(p.identifiers[0]!));
        if (de.pseudonymOf(p.identifiers[0]!) === de.pseudonymOf(p.identifiers))
          expect(out[1].subject?.identifier).toEqual(pseudonym);
        expect(JSON.stringify([input, observation])).toBe(before);
      }),
      { numRuns: 200 },
    );
  });

  it('the pseudonym does not depend on the order of the identifiers', () => {
    fc.assert(
      fc.property(fc.array(identifier, { minLength: 1, maxLength: 5 }), (ids) => {
        expect(de.pseudonymOf([...ids].reverse())).toBe(de.pseudonymOf(ids));
      }),
    );
  });
});
