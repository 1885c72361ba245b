import { capabilityStatementDeclaring } from '@lienthong/conformance/fhir';
import { readServerCapabilities } from '@lienthong/core';
import { describe, expect, it } from 'vitest';
import { patientIdentifierToken, patientSearchParams } from './query-plan.js';

const patient = { system: 'http://fhir.ehealth.gov.vn/core/sid/national_id', value: '001203012345' };

const plan = (...names: string[]) =>
  patientSearchParams(
    readServerCapabilities(capabilityStatementDeclaring('DiagnosticReport', names)),
    patient,
  );

describe('patientSearchParams', () => {
  it('searches by the subject’s identifier when the server declares the modifier (finds reports without a Patient resource)', () => {
    // The current URI and the community VN Core one: a server holding either answers.
    const token = `${patient.system}|${patient.value},http://fhir.hl7.org.vn/core/sid/cccd|${patient.value}`;
    expect(plan('subject', 'subject:identifier', 'subject.identifier')).toEqual({
      'subject:identifier': token,
    });
    expect(plan('patient', 'patient:identifier')).toEqual({ 'patient:identifier': token });
  });

  it('uses a declared chain when no modifier is declared (one request instead of two)', () => {
    expect(plan('subject', 'patient.identifier')).toEqual({
      'patient.identifier': patientIdentifierToken(patient),
    });
  });

  it('leaves the portable way (Patient first) when neither is declared, or nothing is', () => {
    // `subject` alone says nothing of its modifiers: some servers answer them with an empty Bundle.
    expect(plan('subject', 'patient', 'identifier')).toBeUndefined();
    expect(patientSearchParams(readServerCapabilities(undefined), patient)).toBeUndefined();
  });

  it('escapes the identifier as a FHIR token', () => {
    const odd = { system: 'urn:example:mrn', value: 'A|1,2' };
    expect(
      patientSearchParams(
        readServerCapabilities(capabilityStatementDeclaring('DiagnosticReport', ['subject:identifier'])),
        odd,
      ),
    ).toEqual({
      'subject:identifier': 'urn:example:mrn|A\\|1\\,2',
    });
  });

  it('asks for an old-URI identifier under the current URI too, and a system without aliases alone', () => {
    expect(
      patientIdentifierToken({ system: 'http://fhir.hl7.org.vn/core/sid/bhyt', value: 'DN4790000000001' }),
    ).toBe(
      'http://fhir.ehealth.gov.vn/core/sid/insurance_number|DN4790000000001,http://fhir.hl7.org.vn/core/sid/bhyt|DN4790000000001',
    );
    expect(patientIdentifierToken({ system: 'urn:lienthong:sid:mrn:79001', value: 'BN-1' })).toBe(
      'urn:lienthong:sid:mrn:79001|BN-1',
    );
  });
});
