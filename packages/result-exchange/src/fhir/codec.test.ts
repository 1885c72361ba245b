import { readdirSync, readFileSync } from 'node:fs';
import { indexFhirR4, validateFhir } from '@lienthong/conformance/fhir';
import { isLienThongError, type ValidationIssue } from '@lienthong/core';
import type { Bundle, DiagnosticReport, Observation, Resource } from '@medplum/fhirtypes';
import * as fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { arbReport, clean, stripFlags } from '../../test/arbitraries.js';
import { thrown } from '../../test/thrown.js';
import { decodeOru } from '../hl7/decode-oru.js';
import type { LabQuantity, LabReport, LabValue } from '../model.js';
import { DEFAULT_LAB_SYSTEMS } from '../systems.js';
import { readFhirObservation } from './decode-observation.js';
import { decodeFhirBundle, decodeFhirObservation, encodeFhirBundle, safeDecodeFhirBundle } from './index.js';

const dir = new URL('../../../../fixtures/real-world/fhir-r4/', import.meta.url);
const json = <T>(name: string): T => JSON.parse(readFileSync(new URL(name, dir), 'utf8')) as T;
const hl7 = (name: string) => readFileSync(new URL(`../hl7v2/${name}`, dir), 'utf8');

beforeAll(() => indexFhirR4());

describe('real FHIR lab resources decode', () => {
  it('Bundle-lipids: one report, four observations with LOINC codes, units and ranges', () => {
    const { value: reports, warnings } = decodeFhirBundle(json<Bundle>('Bundle-lipids.json'));
    expect(reports).toHaveLength(1);
    const r = reports[0]!;
    expect(r.status).toBe('final');
    expect(r.observations).toHaveLength(4);
    const chol = r.observations[0]!;
    expect(chol.codes[0]).toMatchObject({ system: 'http://loinc.org', code: '35200-5' });
    expect(chol.value).toMatchObject({ kind: 'quantity', unit: 'mmol/L' });
    expect(chol.referenceRange?.[0]?.high).toBeTypeOf('number');
    // The patient (Patient/pat2) is not in the bundle: reported, not invented.
    expect(warnings.map((w) => w.code)).toContain('FHIR_PATIENT_UNRESOLVED');
  });

  it('every DiagnosticReport and Bundle fixture decodes or fails with a typed error', () => {
    const files = readdirSync(dir).filter((f) => /^(Bundle|DiagnosticReport)-.*\.json$/.test(f));
    let decoded = 0;
    for (const f of files) {
      const r = safeDecodeFhirBundle(json(f));
      if (r.ok) decoded += r.value.value.length;
      else expect(isLienThongError(r.error)).toBe(true);
    }
    expect(decoded).toBeGreaterThanOrEqual(6);
  });

  it('lab Observations with valueQuantity decode with UCUM units (Observation-f001, glucose)', () => {
    const o = readFhirObservation(json<Observation>('Observation-f001.json'));
    expect(o.codes[0]).toMatchObject({ system: 'http://loinc.org', code: '15074-8' });
    expect(o.value).toEqual({ kind: 'quantity', value: 6.3, unit: 'mmol/L', originalUnit: 'mmol/l' });
    expect(o.interpretation).toEqual(['H']);
    expect(o.referenceRange?.[0]).toMatchObject({ low: 3.1, high: 6.2 });
  });

  it('FHIR → model → FHIR → model keeps every covered field of the fixtures', () => {
    for (const f of ['Bundle-lipids.json', 'Bundle-101.json', 'Bundle-f001.json']) {
      const { value: reports } = decodeFhirBundle(json<Bundle>(f));
      for (const type of ['transaction', 'collection'] as const) {
        const again = decodeFhirBundle(encodeFhirBundle(reports, { type }).value).value;
        expect(again.map(fhirView)).toEqual(reports.map(fhirView));
      }
    }
  });
});

describe('decodeFhirObservation: decode + validate one lab Observation', () => {
  const f001 = () => json<Observation>('Observation-f001.json');
  const rejects = (input: unknown, code: string, path: string) => {
    const error = thrown(() => decodeFhirObservation(input));
    expect(error.issues?.map((i) => `${i.code} ${i.path}`)).toContain(`${code} ${path}`);
  };

  it('decodes Observation-f001 (glucose) to the model, without warnings', () => {
    expect(decodeFhirObservation(f001()).warnings).toEqual([]);
    expect(decodeFhirObservation(f001()).value).toEqual({
      codes: [{ system: 'http://loinc.org', code: '15074-8', display: 'Glucose [Moles/volume] in Blood' }],
      status: 'final',
      value: { kind: 'quantity', value: 6.3, unit: 'mmol/L', originalUnit: 'mmol/l' },
      referenceRange: [{ low: 3.1, high: 6.2 }],
      interpretation: ['H'],
      performedAt: '2013-04-02T09:30:10+01:00',
    });
  });

  it('accepts every Observation of the real fixtures, as the bundle decoder reads it', () => {
    const files = readdirSync(dir).filter((f) => /^Observation-.*\.json$/.test(f));
    for (const f of files) {
      const warnings: ValidationIssue[] = [];
      const read = readFhirObservation(json(f), {}, warnings);
      expect(decodeFhirObservation(json(f)), f).toEqual({ value: read, warnings });
    }
  });

  it("rejects a status outside the value set (the bench's WRONG object), a missing code, another resource", () => {
    rejects({ ...f001(), status: 'bogus' }, 'FHIR_STATUS_INVALID', 'Observation.status');
    rejects({ ...f001(), status: undefined }, 'FHIR_STATUS_INVALID', 'Observation.status');
    rejects({ ...f001(), code: undefined }, 'FHIR_CODE_MISSING', 'Observation.code');
    expect(() => decodeFhirObservation({ resourceType: 'Patient' })).toThrow(
      expect.objectContaining({ code: 'FHIR_RESOURCE_TYPE_UNSUPPORTED' }),
    );
    expect(() => decodeFhirObservation('{"resourceType":"Observation"}')).toThrow(
      expect.objectContaining({ code: 'FHIR_RESOURCE_TYPE_UNSUPPORTED' }),
    );
  });

  it('rejects elements it reads with the wrong FHIR type or format, and models it cannot hold', () => {
    const o = f001();
    rejects(
      { ...o, valueQuantity: { ...o.valueQuantity, value: '6.3' } },
      'FHIR_ELEMENT_INVALID',
      'Observation.valueQuantity.value',
    );
    rejects(
      { ...o, valueQuantity: { ...o.valueQuantity, comparator: '~' } },
      'FHIR_ELEMENT_INVALID',
      'Observation.valueQuantity.comparator',
    );
    rejects({ ...o, code: { coding: { code: 'x' } } }, 'FHIR_ELEMENT_INVALID', 'Observation.code.coding');
    rejects(
      { ...o, effectivePeriod: { start: '2013-04-02T09:30+01:00' } },
      'FHIR_DATE_TIME_INVALID',
      'Observation.effectivePeriod.start',
    );
    rejects({ ...o, note: [{ text: 5 }] }, 'FHIR_ELEMENT_INVALID', 'Observation.note[0].text');
    // Well-typed FHIR, but not a lab observation the model can hold.
    rejects(
      { ...o, code: { coding: [{ system: 'http://loinc.org', code: '15074-8 ' }] } },
      'FHIR_OBSERVATION_INVALID',
      'Observation',
    );
    rejects({ ...o, effectivePeriod: { start: '2013-02-30' } }, 'FHIR_OBSERVATION_INVALID', 'Observation');
  });

  it('reads the status unknown as preliminary, with a warning', () => {
    const { value, warnings } = decodeFhirObservation({ ...f001(), status: 'unknown' });
    expect(value.status).toBe('preliminary');
    expect(warnings.map((w) => w.code)).toEqual(['FHIR_STATUS_UNKNOWN']);
  });
});

describe('independent validation (@medplum/core validateResource)', () => {
  it('rejects a broken resource, so the checks below can fail', () => {
    expect(() =>
      validateFhir({ resourceType: 'Observation', code: { text: 'x' } } as unknown as Resource),
    ).toThrow();
    expect(() =>
      validateFhir({
        resourceType: 'DiagnosticReport',
        status: 'final',
        code: { text: 'x' },
        issued: '2025-01-01',
      } as Resource),
    ).toThrow();
  });

  it('HL7 v2 → FHIR output is valid R4 and carries the LOINC codes and UCUM units of the source', () => {
    for (const file of ['LAB-ORU-1.hl7', 'ORU-R01-01.hl7', 'ORU-multiline-short.hl7']) {
      const { value: reports } = decodeOru(hl7(file));
      const { value: bundle, warnings } = encodeFhirBundle(reports);
      expect(warnings).toEqual([]);
      validateFhir(bundle);
      for (const e of bundle.entry ?? []) validateFhir(e.resource!);
      if (file === 'LAB-ORU-1.hl7') {
        const obs = bundle
          .entry!.map((e) => e.resource!)
          .filter((r): r is Observation => r.resourceType === 'Observation');
        expect(obs.map((o) => o.code.coding?.[0]?.code)).toContain('11273-0');
        const rbc = obs.find((o) => o.code.coding?.[0]?.code === '11273-0')!;
        expect(rbc.code.coding?.[0]?.system).toBe('http://loinc.org');
        expect(rbc.valueQuantity).toEqual({
          value: 4.06,
          unit: 'tera.l-1',
          system: 'http://unitsofmeasure.org',
          code: '10*12/L',
        });
        const dr = bundle
          .entry!.map((e) => e.resource!)
          .find((r): r is DiagnosticReport => r.resourceType === 'DiagnosticReport')!;
        expect(dr.code.coding?.[0]).toMatchObject({ system: 'http://loinc.org', code: '24317-0' });
      }
    }
  });

  it('generated reports encode to valid R4 with national and LOINC codings side by side', () => {
    fc.assert(
      fc.property(arbReport(), (report) => {
        const bundle = encodeFhirBundle(report, { type: 'collection' }).value;
        for (const e of bundle.entry ?? []) validateFhir(e.resource!);
      }),
      { numRuns: 60 },
    );
    const { value: bundle } = encodeFhirBundle({
      id: 'SYN-1',
      patient: { identifiers: [{ system: 'urn:lienthong:sid:mrn:SYN01', value: 'SYN1' }] },
      codes: [],
      status: 'final',
      observations: [
        {
          codes: [
            { system: DEFAULT_LAB_SYSTEMS.national, code: '1071177' }, // real QĐ 1227 row (imaging)
            { system: 'http://loinc.org', code: '83039-8' }, // its reference LOINC column
          ],
          status: 'final',
        },
      ],
    });
    const obs = bundle.entry!.find((e) => e.resource?.resourceType === 'Observation')!
      .resource as Observation;
    expect(obs.code.coding?.map((c) => c.system)).toEqual([DEFAULT_LAB_SYSTEMS.national, 'http://loinc.org']);
  });
});

// What FHIR carries: everything but the provider-assigned version; flags are recomputed, a
// unit-less quantity's original unit is its UCUM unit, a reference range's unit defaults to the value's.
const q = (x: LabQuantity | undefined) =>
  x && { value: x.value, unit: x.unit, originalUnit: x.originalUnit ?? x.unit };
const value = (v: LabValue | undefined) =>
  !v
    ? undefined
    : v.kind === 'quantity'
      ? { ...v, ...q(v) }
      : v.kind === 'ratio'
        ? { ...v, numerator: q(v.numerator), denominator: q(v.denominator) }
        : v.kind === 'range'
          ? { ...v, low: q(v.low), high: q(v.high) }
          : v;
function fhirView(r: LabReport) {
  const { version: _v, ...rest } = r;
  return clean(
    stripFlags({
      ...rest,
      idSystem: r.idSystem ?? DEFAULT_LAB_SYSTEMS.reportId,
      name: r.name ?? r.codes[0]?.display,
      observations: r.observations.map((o) => ({
        ...o,
        name: o.name ?? o.codes[0]?.display,
        value: value(o.value),
      })),
    }),
  );
}

describe('encodeFhirBundle ∘ decodeFhirBundle round trip', () => {
  it('every field of the model survives (transaction and collection bundles)', () => {
    fc.assert(
      fc.property(
        arbReport(),
        fc.constantFrom('transaction', 'collection') as fc.Arbitrary<'collection'>,
        (report, type) => {
          const bundle = JSON.parse(JSON.stringify(encodeFhirBundle(report, { type }).value));
          const { value: reports } = decodeFhirBundle(bundle);
          expect(reports.map(fhirView)).toEqual([fhirView(report)]);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("keeps a facility code's system when it is not the facility-code system", () => {
    const report: LabReport = {
      id: 'SYN-F1',
      patient: { identifiers: [{ system: 'urn:lienthong:sid:mrn:SYN01', value: 'SYN1' }] },
      codes: [],
      status: 'final',
      orderingFacility: { code: 'SYN-ORD', system: 'urn:synthetic:facility', name: 'Synthetic clinic' },
      performingFacility: { code: '01001', system: DEFAULT_LAB_SYSTEMS.facility, name: 'Synthetic lab' },
      lab: { code: 'SYN-LAB', system: 'urn:synthetic:lab', qualityLevel: 2 },
      observations: [],
    };
    const { value: bundle } = encodeFhirBundle(report, { type: 'collection' });
    const dr = bundle.entry!.find((e) => e.resource?.resourceType === 'DiagnosticReport')!
      .resource as DiagnosticReport;
    expect(dr.performer?.[0]?.identifier).toEqual({ system: DEFAULT_LAB_SYSTEMS.facility, value: '01001' });
    const [back] = decodeFhirBundle(bundle).value;
    expect(back!.orderingFacility).toEqual(report.orderingFacility);
    // The facility-code system is what a code without one means: not repeated.
    expect(back!.performingFacility).toEqual({ code: '01001', name: 'Synthetic lab' });
    expect(back!.lab).toEqual(report.lab);
  });

  it('any input gives reports or a typed error with a path, never another exception', () => {
    const anyJson = fc.jsonValue({ maxDepth: 4 });
    const bundleish = fc.record(
      {
        resourceType: fc.constantFrom('Bundle', 'DiagnosticReport', 'Observation'),
        entry: fc.array(
          fc.record(
            {
              fullUrl: fc.string(),
              resource: fc.oneof(
                anyJson,
                fc.record({
                  resourceType: fc.constantFrom('DiagnosticReport', 'Observation', 'Patient'),
                  status: anyJson,
                  code: anyJson,
                  result: anyJson,
                  subject: anyJson,
                  identifier: anyJson,
                  valueQuantity: anyJson,
                }),
              ),
            },
            { requiredKeys: [] },
          ),
          { maxLength: 4 },
        ),
        status: anyJson,
        identifier: anyJson,
        code: anyJson,
      },
      { requiredKeys: ['resourceType'] },
    );
    fc.assert(
      fc.property(fc.oneof(anyJson, bundleish), (input) => {
        const r = safeDecodeFhirBundle(input);
        if (!r.ok) {
          expect(isLienThongError(r.error)).toBe(true);
          expect(r.error.path).toBeTruthy();
        }
      }),
      { numRuns: 500 },
    );
  });
});
