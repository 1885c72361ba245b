import { visitHistoryFixtures } from '@lienthong/conformance';
import { describe, expect, it } from 'vitest';
import type { Visit } from '../model.js';
import {
  DEFAULT_DISCLOSURE_POLICY,
  type DisclosurePolicy,
  discloseVisits,
  parseDisclosurePolicy,
} from './disclosure.js';
import { summarizeVisits } from './summary.js';

// SYNTHETIC visits (conformance fixtures) with real ICD-10 codes: B20 is HIV disease in the list.
const { query } = visitHistoryFixtures('SYN-disclosure');
const hiv: Visit = {
  ...query.inpatient,
  dischargeDiagnosis: 'text naming the diagnosis',
  admissionDiagnosis: 'text too',
  mainDiagnosis: { system: 'http://hl7.org/fhir/sid/icd-10', code: 'B20' },
  secondaryDiagnoses: [
    { system: 'http://hl7.org/fhir/sid/icd-10', code: 'I10' },
    { system: 'http://hl7.org/fhir/sid/icd-10', code: 'B24' },
  ],
  services: [
    {
      procedures: [],
      diagnoses: [{ system: 'http://hl7.org/fhir/sid/icd-10', code: 'B20' }],
      source: { VI_TRI_TH_DVKT: 'SYNTHETIC' },
    },
  ],
  // What may name the diagnosis in words: a note, the HIV/AIDS care table (XML6), free-text fields.
  notes: [{ text: 'SYNTHETIC course note', source: {} }],
  otherTables: [{ type: 'XML6', content: '<CHI_TIEU_HO_SO_HIV_AIDS>SYNTHETIC</CHI_TIEU_HO_SO_HIV_AIDS>' }],
  source: { PP_DIEU_TRI: 'SYNTHETIC treatment', GHI_CHU: 'SYNTHETIC' },
  medications: [{ name: 'SYNTHETIC drug', source: { DU_PHONG: 'SYNTHETIC' } }],
};
const policy: DisclosurePolicy = {
  rules: [{ name: 'hiv', diagnoses: ['B20-B24', 'Z21'], allowPurposes: ['ETREAT'] }],
};
const other = { facility: 'SYN99', purpose: 'TREAT' };

describe('sensitive diagnoses', () => {
  it('withholds a rule’s diagnoses from another facility, counts each, and drops the free texts', () => {
    const { visits, withheld } = discloseVisits([hiv, query.recent], policy, other);
    expect(withheld).toBe(3);
    expect(visits[0]!.mainDiagnosis).toBeUndefined();
    expect(visits[0]!.secondaryDiagnoses.map((c) => c.code)).toEqual(['I10']);
    expect(visits[0]!.services[0]!.diagnoses).toEqual([]);
    expect(visits[0]).not.toHaveProperty('dischargeDiagnosis');
    expect(visits[0]).not.toHaveProperty('admissionDiagnosis');
    expect(visits[0]).toMatchObject({ notes: [], otherTables: [], source: {} });
    expect(visits[0]!.services[0]!.source).toEqual({});
    expect(visits[0]!.medications).toEqual([{ name: 'SYNTHETIC drug', source: {} }]);
    expect(JSON.stringify(visits[0])).not.toMatch(/XML6|course note|treatment/);
    expect(visits[1]).toBe(query.recent);
    const summary = summarizeVisits(visits, {
      patient: query.patient,
      withheld,
      asOf: '2026-06-20T00:00:00Z',
    });
    expect(summary.withheld).toBe(3);
    expect(summary.problems.map((p) => p.code.code)).not.toContain('B20');
  });

  it('shows them whole to the recording facility and to an allowed purpose', () => {
    expect(discloseVisits([hiv], policy, { facility: hiv.facility!, purpose: 'TREAT' })).toEqual({
      visits: [hiv],
      withheld: 0,
    });
    expect(discloseVisits([hiv], policy, { facility: 'SYN99', purpose: 'ETREAT' })).toEqual({
      visits: [hiv],
      withheld: 0,
    });
  });

  it('withholds a whole visit for a visit-scoped rule, counting each of its diagnoses', () => {
    const whole: DisclosurePolicy = { rules: [{ ...policy.rules[0]!, scope: 'visit' }] };
    const { visits, withheld } = discloseVisits([hiv, query.recent], whole, other);
    expect(visits).toEqual([query.recent]);
    expect(withheld).toBe(4); // B20, I10, B24 and the service's B20
    expect(discloseVisits([hiv], whole, { facility: 'SYN99', purpose: 'ETREAT' }).visits).toEqual([hiv]);
  });

  it('withholds nothing by default', () => {
    expect(discloseVisits([hiv], DEFAULT_DISCLOSURE_POLICY, other).withheld).toBe(0);
  });

  it('reads a policy from configuration, refusing a malformed one with its path', () => {
    expect(parseDisclosurePolicy(JSON.parse(JSON.stringify(policy)))).toEqual(policy);
    expect(() =>
      parseDisclosurePolicy({ rules: [{ name: 'x', diagnoses: ['HIV'], allowPurposes: [] }] }),
    ).toThrow(expect.objectContaining({ code: 'DISCLOSURE_POLICY_INVALID', path: 'rules.0.diagnoses.0' }));
    expect(() =>
      parseDisclosurePolicy({ rules: [{ name: 'x', diagnoses: ['B20'], allowPurposes: [], scope: 'all' }] }),
    ).toThrow(expect.objectContaining({ code: 'DISCLOSURE_POLICY_INVALID', path: 'rules.0.scope' }));
    expect(() => parseDisclosurePolicy(null)).toThrow(
      expect.objectContaining({ code: 'DISCLOSURE_POLICY_INVALID' }),
    );
  });
});
