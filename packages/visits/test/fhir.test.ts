import { readFileSync } from 'node:fs';
import { loadIcd10 } from '@lienthong/catalogue/icd10';
import { indexFhirR4, validateFhir } from '@lienthong/conformance/fhir';
import {
  type Bundle,
  type Condition,
  type Encounter,
  type MedicationStatement,
  type Resource,
  VN_CORE_PROFILES,
} from '@lienthong/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { fhirValidator } from '../../result-exchange/test/fhir-schema.js';
import {
  decodeFhirVisitBundle,
  encodeFhirVisitBundle,
  safeDecodeFhirVisitBundle,
  XML130_EXTENSIONS,
} from '../src/fhir/index.js';
import { decodeXml130, encodeXml130 } from '../src/xml130/index.js';
import { syntheticFileSet, syntheticVisits } from './fixtures/synthetic-file-set.js';

const FIXTURE = readFileSync(new URL('./fixtures/synthetic-xml130-file-set.xml', import.meta.url), 'utf8');
const fileSet = () => decodeXml130(FIXTURE).value;
const resources = (bundle: Bundle) => (bundle.entry ?? []).map((e) => e.resource!);
const ofType = <T extends Resource>(bundle: Bundle, type: T['resourceType']) =>
  resources(bundle).filter((r): r is T => r.resourceType === type);

describe('visits ⇄ FHIR R4', () => {
  beforeAll(() => indexFhirR4());

  it('the synthetic file set becomes a transaction Bundle that Medplum and the official schema accept', {
    timeout: 60_000,
  }, () => {
    const { value: bundle, warnings } = encodeFhirVisitBundle(fileSet());
    expect(warnings).toEqual([]);
    expect(bundle.type).toBe('transaction');
    // The schema's Bundle checks every entry's resource against its own definition.
    const bundleSchema = fhirValidator('Bundle');
    expect(bundleSchema(bundle), JSON.stringify(bundleSchema.errors)).toBe(true);
    validateFhir(bundle);
    for (const r of resources(bundle)) validateFhir(r);
    const types = new Set(resources(bundle).map((r) => r.resourceType));
    for (const t of [
      'Patient',
      'Encounter',
      'Condition',
      'Procedure',
      'MedicationStatement',
      'ClinicalImpression',
      'DiagnosticReport',
      'Observation',
      'Provenance',
    ])
      expect(types, t).toContain(t);
  });

  it('back to XML 130 with every field equal, money and other tables included', () => {
    const original = fileSet();
    const { value: bundle } = encodeFhirVisitBundle(original);
    const { value: back, warnings } = decodeFhirVisitBundle(JSON.parse(JSON.stringify(bundle)));
    expect(warnings).toEqual([]);
    expect(back).toEqual(original);
    expect(encodeXml130(back).value).toBe(encodeXml130(original).value);
  });

  it('maps the visit: MA_LK, period, class, diagnoses with role and rank, patient by identifier', () => {
    const { value: bundle } = encodeFhirVisitBundle(fileSet(), { type: 'collection' });
    expect(bundle.entry!.every((e) => e.request === undefined)).toBe(true);
    const [first] = ofType<Encounter>(bundle, 'Encounter');
    expect(first!.meta?.profile).toEqual([VN_CORE_PROFILES.encounter]);
    expect(first!.identifier![0]!.value).toBe('SYN-LK-0001');
    expect(first!.period).toEqual({ start: '2025-01-10T10:00:00+07:00', end: '2025-01-15T10:30:00+07:00' });
    expect(first!.class.code).toBe('IMP');
    expect(first!.classHistory![0]!.period!.start).toBe('2025-01-10T10:30:00+07:00');
    expect(first!.serviceProvider!.identifier!.value).toBe('01001');
    expect(first!.diagnosis!.map((d) => [d.use!.coding![0]!.code, d.rank])).toEqual([
      ['DD', 1],
      ['AD', undefined],
      ['CM', 2],
      ['CM', 3],
    ]);
    const conditions = ofType<Condition>(bundle, 'Condition');
    expect(conditions[0]!.code).toEqual({
      coding: [{ system: 'http://hl7.org/fhir/sid/icd-10', code: 'J18.9' }],
      text: 'Viêm phổi; tăng huyết áp; đái tháo đường típ 2',
    });
    expect(conditions[0]!.subject).toEqual(first!.subject);
    expect(first!.subject!.identifier!.value).toBe('001085012345');
    const meds = ofType<MedicationStatement>(bundle, 'MedicationStatement');
    expect(meds[0]!.medicationCodeableConcept!.text).toBe('Ceftriaxon');
    expect(meds[0]!.context!.identifier!.value).toBe('SYN-LK-0001');
    // Money stays with its row, in the row extension.
    const row = first!.extension!.find((e) => e.url === XML130_EXTENSIONS.row)!;
    expect(row.extension!.find((e) => e.url === 'T_TONGCHI_BV')!.valueString).toBe('1250000.50');
  });

  it('one Patient per patient; conditional creates make a re-sent Bundle idempotent', () => {
    const { value: bundle } = encodeFhirVisitBundle(fileSet());
    const patients = bundle.entry!.filter((e) => e.resource!.resourceType === 'Patient');
    const ids = patients.map((p) => JSON.stringify(p.resource));
    expect(new Set(ids).size).toBe(ids.length);
    // Observations and Specimens go with their DiagnosticReport (result-exchange); the Provenance records each sending.
    const own = bundle.entry!.filter(
      (e) => !['Observation', 'Specimen', 'Provenance'].includes(e.resource!.resourceType),
    );
    expect(own.length).toBeGreaterThan(20);
    for (const e of own) expect(e.request!.ifNoneExist, e.resource!.resourceType).toMatch(/^identifier=/);
  });

  it('writes the Vietnamese ICD-10 names as displays when ICD-10 is given', async () => {
    const icd10 = await loadIcd10();
    const { value: bundle } = encodeFhirVisitBundle(fileSet(), { icd10 });
    const main = ofType<Condition>(bundle, 'Condition')[0]!;
    expect(main.code!.coding![0]!.display).toBe(icd10.lookup('J18.9')!.display);
    expect(decodeFhirVisitBundle(bundle).value).toEqual(fileSet());
  });

  it('an inner birth time, a bad date and an empty field survive the trip through the row extension', () => {
    const visits = syntheticVisits();
    Object.assign(visits[0]!.xml1, {
      NGAY_SINH: '198501010815',
      NGAY_VAO_NOI_TRU: '2025-01-10',
      DU_PHONG: '',
    });
    const original = decodeXml130(syntheticFileSet(visits), { lenient: true }).value;
    const { value: bundle } = encodeFhirVisitBundle(original);
    const patient = ofType(bundle, 'Patient')[0] as { birthDate?: string };
    expect(patient.birthDate).toBe('1985-01-01');
    for (const r of resources(bundle)) validateFhir(r);
    expect(decodeFhirVisitBundle(bundle).value).toEqual(original);
  });

  it('supplies, traditional diagnoses, lab rows the reports cannot give back and file-level leftovers come back too', () => {
    const original = fileSet();
    const [v1, v2] = original.visits;
    v1!.services.push({
      supplyCode: 'SYN-VT-01',
      supplyName: 'Bơm tiêm (synthetic)',
      quantity: '2',
      performedAt: '2025-01-11T08:00:00+07:00',
      procedures: [],
      diagnoses: [],
      source: { MA_LK: 'SYN-LK-0001', STT: '9', T_BHTT: '4000' },
    });
    v2!.traditionalDiagnoses.push('SYN-YHCT-1');
    v2!.labRows.push({ MA_LK: v2!.id, STT: '1', DU_PHONG: 'kept as a row' });
    original.unlinked.push({ table: 'XML2', rows: [{ MA_LK: 'SYN-LK-9999', STT: '1', TEN_THUOC: 'x' }] });
    original.otherTables.push({ type: 'XML11', base64: '@@not base64@@' }, { type: 'XML14', content: '' });
    const { value: bundle } = encodeFhirVisitBundle(original);
    for (const r of resources(bundle)) validateFhir(r);
    expect(ofType(bundle, 'ChargeItem')).toHaveLength(1);
    expect(ofType(bundle, 'Provenance')).toHaveLength(1);
    expect(decodeFhirVisitBundle(bundle).value).toEqual(original);
  });

  it('reads a bundle from elsewhere: unknown resources and unlinked reports are warnings, not losses of the rest', () => {
    const { value: bundle } = encodeFhirVisitBundle(fileSet(), { type: 'collection' });
    bundle.entry!.push({ resource: { resourceType: 'Basic', code: { text: 'x' } } as Resource });
    const r = decodeFhirVisitBundle(bundle);
    expect(r.value.visits).toHaveLength(3);
    expect(r.warnings.map((w) => w.code)).toEqual(['VISIT_FHIR_RESOURCE_IGNORED']);
    expect(r.warnings[0]!.path).toBe(`Bundle.entry[${bundle.entry!.length - 1}].resource`);
  });

  it('answers input that is not a Bundle, and a date without time, with a typed error and its place', () => {
    for (const [bad, code] of [
      [null, 'VISIT_FHIR_BUNDLE_INVALID'],
      ['{"resourceType": "Bundle", ', 'VISIT_FHIR_JSON_INVALID'],
      [{ resourceType: 'Patient' }, 'VISIT_FHIR_BUNDLE_INVALID'],
      [{ resourceType: 'Bundle', entry: {} }, 'VISIT_FHIR_BUNDLE_INVALID'],
    ] as const) {
      const r = safeDecodeFhirVisitBundle(bad);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.code).toBe(code);
    }
    const wrongType = encodeFhirVisitBundle(fileSet(), { type: 'collection' }).value;
    const enc = wrongType.entry!.findIndex((e) => e.resource!.resourceType === 'Encounter');
    (wrongType.entry![enc]!.resource as unknown as { diagnosis: unknown[] }).diagnosis[1] = { rank: 'first' };
    const typed = safeDecodeFhirVisitBundle(wrongType);
    expect(typed.ok || typed.error.path).toBe(`Bundle.entry[${enc}].resource.diagnosis[1].rank`);
    const bundle = JSON.parse(JSON.stringify(encodeFhirVisitBundle(fileSet()).value)) as Bundle;
    expect(decodeFhirVisitBundle(new TextEncoder().encode(JSON.stringify(bundle))).value).toEqual(fileSet());
    const at = bundle.entry!.findIndex((e) => e.resource!.resourceType === 'Encounter');
    (bundle.entry![at]!.resource as Encounter).period!.start = '2025-01-10';
    const r = safeDecodeFhirVisitBundle(bundle);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('VISIT_FHIR_DATE_INVALID');
      expect(r.error.path).toBe(`Bundle.entry[${at}].resource.period.start`);
      expect(r.error.messageVi).toContain('period.start');
    }
  });
});
