import { indexFhirR4, validateFhir } from '@lienthong/conformance/fhir';
import { type Bundle, isLienThongError } from '@lienthong/core';
import { encodeFhirVisitBundle } from '@lienthong/visits/fhir';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  allInputs,
  birthDates,
  deidentifyAll,
  directoryPatient,
  facadeResources,
  fileSet,
  imaging,
  leaks,
  personalStrings,
  SECRET,
  xml130Personal,
} from '../../test/deidentify-inputs.js';
import { imagingReportResource, imagingStudyResource } from '../http/fhir/resources.js';
import { many, organizationReference, primitive } from './deidentify/datatypes.js';
import { DEFAULT_POLICY, type Policy } from './deidentify/engine.js';
import { buildDeidentifier } from './deidentify/factory.js';
import { createDeidentifier, PSEUDONYM_SYSTEM } from './deidentify.js';

describe('de-identified output: what must never leave', () => {
  beforeAll(() => indexFhirR4());

  const inputs = allInputs();
  const secrets = new Set<string>();
  for (const { resource } of inputs) personalStrings(resource, secrets);
  xml130Personal(secrets);

  it('the inputs do carry the personal data (the check below is not vacuous)', () => {
    const text = JSON.stringify(inputs);
    for (const s of [
      'Nguyễn Văn Thử',
      '001085012345',
      'DN4010123456789',
      'SYN-BN-01',
      '0912345678',
      'Số 12 ngõ Thử Nghiệm',
      'SYN-HSBA-01',
      '1985-01-01',
      'Heuvel',
    ])
      expect(text).toContain(s);
    for (const s of ['CCHN-0002', 'KTV Trần Văn B', 'BS Phạm Văn Ký', 'SYN-BS-02', '198501010830'])
      expect(secrets.has(s), s).toBe(true);
    expect(secrets.size).toBeGreaterThan(80);
    expect(inputs.length).toBeGreaterThan(60);
  });

  it('no name, CCCD, BHYT, CMND, passport, MA_BN, MA_HSBA, address, phone or exact birth date in the whole output', () => {
    const { out, refused } = deidentifyAll(createDeidentifier({ secret: SECRET }), inputs);
    expect(out.length + refused.length).toBe(inputs.length);
    expect(leaks(out, secrets)).toEqual([]);
    const dates = birthDates(out);
    expect(dates.length).toBeGreaterThan(5);
    for (const d of dates) expect(d).toMatch(/^\d{4}$/);
    // No base64 attachment (a report's text) and no source XML travels either.
    const json = JSON.stringify(out);
    for (const s of [
      'presentedForm',
      'xml130-row',
      'xml130-table',
      'xml130-file-set',
      '"note"',
      '"conclusion"',
      '"display":"BS',
    ])
      expect(json).not.toContain(s);
  });

  it('every de-identified resource is valid FHIR R4 (Medplum validator)', { timeout: 60_000 }, () => {
    const { out } = deidentifyAll(createDeidentifier({ secret: SECRET }), inputs);
    const problems: string[] = [];
    for (const [i, r] of out.entries()) {
      try {
        validateFhir(r);
      } catch (error) {
        problems.push(
          `${i} ${r.resourceType}: ${JSON.stringify((error as { outcome?: unknown }).outcome ?? String(error)).slice(0, 300)}`,
        );
      }
    }
    expect(problems).toEqual([]);
  });

  /** The same pipeline with one rule of the policy weakened: the leak check must catch it. */
  const weakened = (policy: Policy) =>
    deidentifyAll(buildDeidentifier({ secret: SECRET }, policy), inputs).out;

  it('fails when the xml130-row extension is kept (one rule disabled)', () => {
    const keepRows: Policy = {
      ...DEFAULT_POLICY,
      extension: (value, ctx) => {
        const kept = (DEFAULT_POLICY.extension(value, ctx) as unknown[] | undefined) ?? [];
        const rows = Array.isArray(value)
          ? value.filter((e) => e.url === 'urn:lienthong:fhir:ext:xml130-row')
          : [];
        return kept.length + rows.length > 0 ? [...kept, ...rows] : undefined;
      },
    };
    const found = leaks(weakened(keepRows), secrets);
    expect(found).toEqual(
      expect.arrayContaining(['Số 12 ngõ Thử Nghiệm, phường Mẫu Sơn, Hà Nội', '0912345678', '198501010830']),
    );
  });

  it('fails when Patient.name is kept (one rule disabled)', () => {
    const keepNames: Policy = {
      ...DEFAULT_POLICY,
      resources: {
        ...DEFAULT_POLICY.resources,
        Patient: { ...DEFAULT_POLICY.resources.Patient, name: (v) => v },
      },
    };
    expect(leaks(weakened(keepNames), secrets)).toEqual(
      expect.arrayContaining(['Nguyễn Văn Thử', 'van de Heuvel']),
    );
  });

  it('fails when a performer without a declared type is read as an Organization (one rule disabled)', () => {
    const lenient: Policy = {
      ...DEFAULT_POLICY,
      resources: {
        ...DEFAULT_POLICY.resources,
        DiagnosticReport: {
          ...DEFAULT_POLICY.resources.DiagnosticReport,
          performer: many(organizationReference),
        },
      },
    };
    expect(leaks(weakened(lenient), secrets)).toContain('CCHN-0002');
  });

  it('fails when the report conclusion is kept (one rule disabled)', () => {
    const keepConclusion: Policy = {
      ...DEFAULT_POLICY,
      resources: {
        ...DEFAULT_POLICY.resources,
        DiagnosticReport: { ...DEFAULT_POLICY.resources.DiagnosticReport, conclusion: primitive },
      },
    };
    const found = leaks(weakened(keepConclusion), [...secrets, 'Người bệnh Nguyễn Văn Thử']);
    expect(found).toContain('Người bệnh Nguyễn Văn Thử');
  });
});

describe('pseudonyms', () => {
  const cccd = (system: string) => ({ system, value: '001085012345' });
  const NEW = 'http://fhir.ehealth.gov.vn/core/sid/national_id';
  const OLD = 'http://fhir.hl7.org.vn/core/sid/cccd';

  it('the same patient gets the same pseudonym in two exports (two instances, one secret), across system aliases', () => {
    const a = createDeidentifier({ secret: SECRET });
    const b = createDeidentifier({ secret: new TextEncoder().encode(SECRET) });
    expect(a.pseudonymOf(cccd(NEW))).toBe(b.pseudonymOf(cccd(OLD)));
    expect(a.pseudonymOf(cccd(NEW))).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // A BHYT card of either form, and the bare BHXH number, are one social-insurance number.
    const full = a.pseudonymOf({ system: 'http://fhir.hl7.org.vn/core/sid/bhyt', value: 'DN4010123456789' });
    expect(
      b.pseudonymOf({
        system: 'http://fhir.ehealth.gov.vn/core/sid/insurance_number',
        value: 'HT3010123456789',
      }),
    ).toBe(full);
    expect(b.pseudonymOf({ system: 'urn:lienthong:sid:bhxh', value: '0123456789' })).toBe(full);
    // Several identifiers: the CCCD decides, whatever the order.
    expect(a.pseudonymOf([{ system: 'urn:lienthong:sid:mrn:01001', value: 'SYN-BN-01' }, cccd(OLD)])).toBe(
      a.pseudonymOf(cccd(NEW)),
    );
  });

  it('no identifier value, no pseudonym', () => {
    const de = createDeidentifier({ secret: SECRET });
    expect(de.pseudonymOf([])).toBeUndefined();
    expect(de.pseudonymOf({ system: NEW, value: '  ' })).toBeUndefined();
    expect(de.pseudonymOf(undefined as never)).toBeUndefined();
  });

  it('a different secret gives a different pseudonym', () => {
    const other = createDeidentifier({ secret: `${SECRET}, rotated` });
    expect(other.pseudonymOf(cccd(NEW))).not.toBe(
      createDeidentifier({ secret: SECRET }).pseudonymOf(cccd(NEW)),
    );
  });

  it('a report, its observations and the directory Patient name the patient by one pseudonym', () => {
    const de = createDeidentifier({ secret: SECRET });
    const expected = de.pseudonymOf(cccd(NEW));
    const patient = de.deidentify(directoryPatient());
    expect(patient.identifier).toEqual([{ system: PSEUDONYM_SYSTEM, value: expected }]);
    expect(patient.birthDate).toBe('1985');
    expect(patient.gender).toBe('male');
    expect(patient.deceasedBoolean).toBe(false);
    expect(Object.keys(patient).sort()).toEqual([
      'birthDate',
      'deceasedBoolean',
      'gender',
      'id',
      'identifier',
      'meta',
      'resourceType',
    ]);
    // Every facade resource of the CCCD holder (visit, lab reports by contained Patient or by identifier).
    const ofHolder = facadeResources().filter((r) => JSON.stringify(r).includes('001085012345'));
    const subjects = ofHolder.map(
      (r) => (de.deidentify(r) as { subject?: { identifier?: { value?: string } } }).subject,
    );
    expect(subjects.length).toBeGreaterThan(10);
    expect(new Set(subjects.map((s) => s?.identifier?.value))).toEqual(new Set([expected]));
    // Across exports, ids and record identifiers are keyed the same way too.
    const again = createDeidentifier({ secret: SECRET }).deidentify(directoryPatient());
    expect(again).toEqual(patient);
  });

  it('linkedIdentifiers makes a report named by BHYT only point at the CCCD holder', () => {
    const directory = directoryPatient().identifier!;
    const de = createDeidentifier({
      secret: SECRET,
      linkedIdentifiers: (ids) =>
        ids.some((i) => directory.some((d) => d.value === i.value)) ? directory : undefined,
    });
    const observation = de.deidentify({
      resourceType: 'Observation',
      status: 'final',
      code: { text: 'Glucose' },
      subject: {
        type: 'Patient',
        identifier: { system: 'http://fhir.hl7.org.vn/core/sid/bhyt', value: 'DN4010123456789' },
        display: 'Nguyễn Văn Thử',
      },
    });
    expect(observation.subject).toEqual({
      type: 'Patient',
      identifier: { system: PSEUDONYM_SYSTEM, value: de.pseudonymOf(cccd(NEW)) },
    });
  });

  it('never modifies its input', () => {
    const de = createDeidentifier({ secret: SECRET });
    for (const { resource } of allInputs()) {
      const before = JSON.stringify(resource);
      try {
        de.deidentify(resource);
      } catch {
        // refused inputs are checked elsewhere; they must not be modified either
      }
      expect(JSON.stringify(resource)).toBe(before);
    }
  });
});

describe('records, references and dates', () => {
  const de = createDeidentifier({ secret: SECRET });
  const set = fileSet();
  const bundle = de.deidentify(encodeFhirVisitBundle(set).value) as Bundle;
  const of = (type: string) =>
    (bundle.entry ?? []).map((e) => e.resource!).filter((r) => r.resourceType === type);

  it('a transaction bundle leaves as a collection without requests, links between entries kept', () => {
    expect(bundle.type).toBe('collection');
    expect(JSON.stringify(bundle)).not.toContain('ifNoneExist');
    const fullUrls = new Set((bundle.entry ?? []).map((e) => e.fullUrl));
    const condition = of('Condition')[0] as {
      encounter?: { reference?: string };
      subject?: { reference?: string };
    };
    expect(fullUrls.has(condition.encounter!.reference)).toBe(true);
    expect(fullUrls.has(condition.subject!.reference)).toBe(true);
    // Whatever identifier a reference carries, it names the patient by its Patient entry's pseudonym.
    const pseudonymAt = new Map(
      (bundle.entry ?? [])
        .filter((e) => e.resource?.resourceType === 'Patient')
        .map((e) => [e.fullUrl, (e.resource as { identifier: { value: string }[] }).identifier[0]!.value]),
    );
    expect(pseudonymAt.size).toBe(3);
    const subjects = (bundle.entry ?? []).flatMap((e) => {
      const subject = (e.resource as { subject?: { reference?: string; identifier?: { value?: string } } })
        .subject;
      return subject ? [subject] : [];
    });
    expect(subjects.length).toBeGreaterThan(10);
    for (const subject of subjects)
      expect(subject.identifier?.value).toBe(pseudonymAt.get(subject.reference));
  });

  it('visit keys and record numbers are keyed alike in the Encounter and in what points at it; dates kept', () => {
    const encounter = of('Encounter')[0] as {
      identifier: { system: string; value: string }[];
      period: unknown;
    };
    expect(encounter.period).toEqual({
      start: '2025-01-10T10:00:00+07:00',
      end: '2025-01-15T10:30:00+07:00',
    });
    const malk = encounter.identifier.find((i) => i.system === 'urn:lienthong:sid:ma-lk')!;
    expect(malk.value).not.toContain('SYN-LK');
    const report = of('DiagnosticReport')[0] as { encounter?: { identifier?: { value?: string } } };
    expect(report.encounter?.identifier?.value).toBe(malk.value);
  });

  it('the facade ids are keyed FHIR ids, references follow them; DICOM UIDs stay UIDs', () => {
    const resources = facadeResources().map((r) => de.deidentify(r));
    const ids = new Set(resources.map((r) => `${r.resourceType}/${r.id}`));
    for (const r of resources) expect(r.id).toMatch(/^[0-9a-f]{40}$/);
    const report = resources.find((r) => r.resourceType === 'DiagnosticReport') as {
      result: { reference: string }[];
    };
    for (const ref of report.result) expect(ids.has(ref.reference)).toBe(true);
    const study = de.deidentify(imagingStudyResource(imaging)) as unknown as {
      identifier: { value: string }[];
      series: { uid: string }[];
      contained?: unknown[];
    };
    expect(study.identifier[0]!.value).toMatch(/^urn:oid:2\.25\.\d{1,39}$/);
    expect(study.series[0]!.uid).toMatch(/^2\.25\.\d{1,39}$/);
    const dr = de.deidentify(imagingReportResource(imaging)!) as {
      identifier?: { value: string }[];
      issued?: string;
    };
    expect(dr.issued).toBe('2025-03-14T10:15:00+07:00');
    expect(JSON.stringify(study)).not.toContain('pacs.example.vn');
  });
});

describe('typed errors', () => {
  const codeOf = (f: () => unknown) => {
    try {
      f();
    } catch (error) {
      if (isLienThongError(error))
        return { code: error.code, path: error.path, vi: error.messageVi, en: error.message };
      throw error;
    }
    throw new Error('no error');
  };

  it('refuses a short or missing secret', () => {
    for (const secret of ['short', new Uint8Array(31), undefined, 42]) {
      const e = codeOf(() => createDeidentifier({ secret } as never));
      expect(e).toMatchObject({ code: 'DEIDENTIFY_SECRET_TOO_SHORT', path: 'secret' });
      expect(e.vi).toContain('Khoá bí mật');
    }
    expect(() => createDeidentifier({ secret: new Uint8Array(32) })).not.toThrow();
  });

  it('refuses what is not a resource, a type without rules and a modifier extension', () => {
    const de = createDeidentifier({ secret: SECRET });
    expect(codeOf(() => de.deidentify(null as never))).toMatchObject({
      code: 'DEIDENTIFY_NOT_A_RESOURCE',
      path: '',
    });
    expect(codeOf(() => de.deidentify({ name: 'x' } as never))).toMatchObject({
      code: 'DEIDENTIFY_NOT_A_RESOURCE',
      path: 'resourceType',
    });
    const endpoint = codeOf(() => de.deidentify({ resourceType: 'Endpoint' } as never));
    expect(endpoint).toMatchObject({ code: 'DEIDENTIFY_RESOURCE_TYPE_UNSUPPORTED', path: 'resourceType' });
    expect(endpoint.vi).toContain('Endpoint');
    const modifier = codeOf(() =>
      de.deidentify({
        resourceType: 'Observation',
        status: 'final',
        code: {},
        component: [{ modifierExtension: [{ url: 'x' }] }],
      } as never),
    );
    expect(modifier).toMatchObject({
      code: 'DEIDENTIFY_MODIFIER_EXTENSION',
      path: 'component[0].modifierExtension',
    });
    // A message never quotes the input's values.
    const bad = codeOf(() => de.deidentify({ resourceType: '001085012345' } as never));
    expect(JSON.stringify(bad)).not.toContain('001085012345');
  });
});
