import { capabilityStatementDeclaring } from '@lienthong/conformance/fhir';
import { readServerCapabilities } from '@lienthong/core';
import { describe, expect, it } from 'vitest';
import { patientSearchParams } from './query-plan.js';

const patient = { system: 'http://fhir.hl7.org.vn/core/sid/cccd', value: '001203012345' };

const plan = (...names: string[]) =>
  patientSearchParams(
    readServerCapabilities(capabilityStatementDeclaring('DiagnosticReport', names)),
    patient,
  );

describe('patientSearchParams', () => {
  it('searches by the subject’s identifier when the server declares the modifier (finds reports without a Patient resource)', () => {
    const token = `${patient.system}|${patient.value}`;
    expect(plan('subject', 'subject:identifier', 'subject.identifier')).toEqual({
      'subject:identifier': token,
    });
    expect(plan('patient', 'patient:identifier')).toEqual({ 'patient:identifier': token });
  });

  it('uses a declared chain when no modifier is declared (one request instead of two)', () => {
    expect(plan('subject', 'patient.identifier')).toEqual({
      'patient.identifier': `${patient.system}|${patient.value}`,
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
});
