import { readFileSync } from 'node:fs';
import { validateFhir } from '@lienthong/conformance/fhir';
import type { Endpoint, ImagingStudy } from '@lienthong/core';
import { describe, expect, it } from 'vitest';
import type { ImagingReference } from '../model.js';
import { parseImagingReference } from '../reference.js';
import { DEFAULT_IMAGING_EXTENSION_URLS, fromFhirImagingStudy, toFhirImagingStudy } from './convert.js';

const read = <T>(name: string) =>
  JSON.parse(
    readFileSync(new URL(`../../../../fixtures/real-world/fhir-r4/${name}`, import.meta.url), 'utf8'),
  ) as T;

/** Synthetic reference (made up for tests; UIDs generated under 2.25). */
const synthetic: ImagingReference = parseImagingReference({
  studyInstanceUid: '2.25.123456789012345678901234567890',
  accessionNumber: 'CT2025-000123',
  patient: {
    identifiers: [
      { system: 'http://fhir.ehealth.gov.vn/core/sid/national_id', value: '001203012345' },
      { system: 'urn:lienthong:sid:mrn:79001', value: 'BN-42' },
    ],
  },
  performingFacility: {
    code: '79001',
    system: 'urn:lienthong:sid:facility',
    name: 'Bệnh viện huyện (tổng hợp)',
  },
  studyDate: '2025-03-14',
  studyTime: '09:41:07',
  utcOffset: '+07:00',
  modalities: ['CT'],
  bodyPart: { code: 'HEAD' },
  description: 'CT sọ não không tiêm thuốc cản quang',
  series: [
    { uid: '2.25.1', modality: 'CT', number: 1, instanceCount: 120, bodyPart: { code: 'HEAD' } },
    {
      uid: '2.25.2',
      modality: 'CT',
      number: 2,
      description: 'Bone window',
      instanceCount: 120,
      bodyPart: { code: 'HEAD' },
    },
  ],
  instanceCount: 240,
  endpoints: {
    wadoRs: 'https://pacs.bvhuyen.example.vn/dicom-web',
    qidoRs: 'https://pacs.bvhuyen.example.vn/dicom-web',
  },
  report: {
    text: 'Không thấy tổn thương xuất huyết nội sọ.',
    conclusion: 'Bình thường',
    signers: [
      { role: 'performer', name: 'KTV Trần Văn B' },
      {
        role: 'reader',
        name: 'BS Nguyễn Thị A',
        identifier: { system: 'urn:lienthong:sid:practitioner', value: 'CCHN-0001' },
      },
    ],
    signedAt: '2025-03-14T10:15:00+07:00',
  },
  completeness: 'complete',
});

describe('FHIR ImagingStudy + Endpoint conversion', () => {
  it('produces resources that pass @medplum/core validateResource', () => {
    const out = toFhirImagingStudy(synthetic);
    validateFhir(out.imagingStudy);
    validateFhir(out.diagnosticReport!);
    expect(out.imagingStudy.identifier?.[0]).toEqual({
      system: 'urn:dicom:uid',
      value: 'urn:oid:2.25.123456789012345678901234567890',
    });
    expect(out.imagingStudy.started).toBe('2025-03-14T09:41:07+07:00');
    const separate = toFhirImagingStudy(synthetic, {
      contained: false,
      ids: { wadoRs: 'wado', qidoRs: 'qido' },
    });
    for (const e of separate.endpoints) validateFhir(e);
    expect(separate.endpoints.map((e) => e.connectionType.code)).toEqual(['dicom-wado-rs', 'dicom-qido-rs']);
    expect(separate.imagingStudy.endpoint).toEqual([
      { reference: 'Endpoint/wado' },
      { reference: 'Endpoint/qido' },
    ]);
  });

  it('round-trips a full reference (contained and separate endpoints)', () => {
    const contained = toFhirImagingStudy(synthetic);
    expect(
      fromFhirImagingStudy({
        imagingStudy: contained.imagingStudy,
        diagnosticReport: contained.diagnosticReport!,
      }),
    ).toEqual(synthetic);
    const separate = toFhirImagingStudy(synthetic, { contained: false, ids: { wadoRs: 'w', qidoRs: 'q' } });
    expect(
      fromFhirImagingStudy({
        imagingStudy: separate.imagingStudy,
        endpoints: separate.endpoints,
        diagnosticReport: separate.diagnosticReport!,
      }),
    ).toEqual(synthetic);
  });

  it('converts the HL7 fixtures ImagingStudy-example + Endpoint-example-wadors in and back', () => {
    const study = read<ImagingStudy>('ImagingStudy-example.json');
    const endpoint = read<Endpoint>('Endpoint-example-wadors.json');
    validateFhir(study);
    const ref = fromFhirImagingStudy({ imagingStudy: study, endpoints: [endpoint] });
    expect(ref.studyInstanceUid).toBe('2.16.124.113543.6003.1154777499.30246.19789.3503430045');
    expect(ref.patient.reference).toBe('Patient/dicom');
    expect(ref.studyDate).toBe('2011-01-01');
    expect(ref.utcOffset).toBe('+03:00');
    expect(ref.endpoints.wadoRs).toBe('https://pacs.hospital.org/wado-rs');

    const back = toFhirImagingStudy(ref, {
      contained: false,
      ids: { imagingStudy: 'example', wadoRs: 'example-wadors' },
    });
    validateFhir(back.imagingStudy);
    // Every field the model covers comes back as it was.
    const s = back.imagingStudy;
    expect(s.identifier).toEqual(study.identifier);
    expect(s.status).toBe(study.status);
    expect(s.subject).toEqual(study.subject);
    expect(s.started).toBe(study.started);
    expect(s.numberOfSeries).toBe(study.numberOfSeries);
    expect(s.numberOfInstances).toBe(study.numberOfInstances);
    const { instance: _instances, ...seriesWithoutInstances } = study.series![0]!;
    expect(s.series).toEqual([seriesWithoutInstances]);
    const [e] = back.endpoints;
    validateFhir(e!);
    const { text: _text, name: _name, ...endpointCovered } = endpoint;
    expect(e).toEqual(endpointCovered);
    // …and reading the output again gives the same reference.
    expect(fromFhirImagingStudy({ imagingStudy: s, endpoints: back.endpoints })).toEqual(ref);
  });

  it("writes the facility and completeness under the SDK's own urn:lienthong:fhir:ext URLs, configurable", () => {
    const urls = (study: ImagingStudy) => study.extension?.map((e) => e.url);
    expect(DEFAULT_IMAGING_EXTENSION_URLS).toEqual({
      performingFacility: 'urn:lienthong:fhir:ext:imaging-performing-facility',
      completeness: 'urn:lienthong:fhir:ext:imaging-completeness',
    });
    expect(urls(toFhirImagingStudy(synthetic).imagingStudy)).toEqual([
      DEFAULT_IMAGING_EXTENSION_URLS.performingFacility,
      DEFAULT_IMAGING_EXTENSION_URLS.completeness,
    ]);
    // A partner's URL replaces one default; the other keeps its default.
    const extensions = { completeness: 'https://fhir.example.vn/StructureDefinition/study-completeness' };
    const { imagingStudy } = toFhirImagingStudy({ ...synthetic, completeness: 'partial' }, { extensions });
    expect(urls(imagingStudy)).toEqual([
      DEFAULT_IMAGING_EXTENSION_URLS.performingFacility,
      extensions.completeness,
    ]);
    expect(fromFhirImagingStudy({ imagingStudy }, { extensions }).completeness).toBe('partial');
    // Read with the default URLs, the partner's extension is not recognised (completeness unknown).
    expect(fromFhirImagingStudy({ imagingStudy }).completeness).toBe('unknown');
  });

  it('rejects an ImagingStudy without a study UID with a typed error', () => {
    const study = read<ImagingStudy>('ImagingStudy-example.json');
    expect(() => fromFhirImagingStudy({ imagingStudy: { ...study, identifier: [] } })).toThrow(
      expect.objectContaining({ code: 'IMAGING_FHIR_INVALID' }),
    );
    expect(() => fromFhirImagingStudy({ imagingStudy: { resourceType: 'Patient' } as never })).toThrow(
      expect.objectContaining({ code: 'IMAGING_FHIR_INVALID' }),
    );
  });
});
