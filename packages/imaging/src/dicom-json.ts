import { facilityRecordSystem, ValidationError } from '@lienthong/core';
import * as z from 'zod';
import { type GroupOptions, type InstanceFacts, ReferenceGrouper } from './grouping.js';
import type { ImagingReference, ImagingSeries } from './model.js';
import { performingFacilityOf } from './performing-facility.js';
import { dicomDateToIso, dicomOffsetToIso, dicomTimeToIso, parseImagingReference } from './reference.js';
import { isDicomUid } from './uid.js';

/**
 * DICOM JSON (PS3.18 F.2), as QIDO-RS searches and WADO-RS metadata answer: an object per dataset,
 * keyed by 8-hex-digit tags, each `{ vr, Value?: [...] }`. Values may be strings or numbers
 * (servers differ for IS/DS), person names are `{ Alphabetic, Ideographic, Phonetic }` objects.
 */
const AttributeSchema = z.looseObject({
  vr: z.string().optional(),
  Value: z.array(z.unknown()).optional(),
  BulkDataURI: z.string().optional(),
  InlineBinary: z.string().optional(),
});
export const DicomJsonDatasetSchema = z.record(z.string().regex(/^[0-9A-Fa-f]{8}$/), AttributeSchema);
export type DicomJsonDataset = z.infer<typeof DicomJsonDatasetSchema>;

/** Tags used by the conversions (keyword → 8-hex-digit tag). */
export const DICOM_JSON_TAGS = {
  SpecificCharacterSet: '00080005',
  SOPClassUID: '00080016',
  SOPInstanceUID: '00080018',
  StudyDate: '00080020',
  StudyTime: '00080030',
  AccessionNumber: '00080050',
  Modality: '00080060',
  ModalitiesInStudy: '00080061',
  InstitutionName: '00080080',
  TimezoneOffsetFromUTC: '00080201',
  RetrieveURL: '00081190',
  StudyDescription: '00081030',
  SeriesDescription: '0008103E',
  PatientName: '00100010',
  PatientID: '00100020',
  IssuerOfPatientID: '00100021',
  BodyPartExamined: '00180015',
  StudyInstanceUID: '0020000D',
  SeriesInstanceUID: '0020000E',
  StudyID: '00200010',
  SeriesNumber: '00200011',
  InstanceNumber: '00200013',
  NumberOfStudyRelatedSeries: '00201206',
  NumberOfStudyRelatedInstances: '00201208',
  NumberOfSeriesRelatedInstances: '00201209',
} as const;
export type DicomJsonKeyword = keyof typeof DICOM_JSON_TAGS;

function attribute(dataset: DicomJsonDataset, keyword: DicomJsonKeyword) {
  const tag = DICOM_JSON_TAGS[keyword];
  return dataset[tag] ?? dataset[tag.toLowerCase()] ?? dataset[tag.toUpperCase()];
}

function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (value && typeof value === 'object') {
    const pn = value as { Alphabetic?: unknown };
    if (typeof pn.Alphabetic === 'string') return pn.Alphabetic.trim();
  }
  return undefined;
}

/** All values of an attribute as text (numbers and person names included), or [] when absent. */
export function dicomJsonValues(dataset: DicomJsonDataset, keyword: DicomJsonKeyword): string[] {
  return (attribute(dataset, keyword)?.Value ?? []).map(text).filter((v): v is string => v !== undefined);
}

/** The first value of an attribute as text (a PN gives its Alphabetic form), or undefined. */
export function dicomJsonValue(dataset: DicomJsonDataset, keyword: DicomJsonKeyword): string | undefined {
  const v = dicomJsonValues(dataset, keyword)[0];
  return v === '' ? undefined : v;
}

function dicomJsonInt(dataset: DicomJsonDataset, keyword: DicomJsonKeyword): number | undefined {
  const v = dicomJsonValue(dataset, keyword);
  if (v === undefined) return undefined;
  const n = Number(v);
  return Number.isInteger(n) && n >= 0 ? n : undefined;
}

function parseDatasets(input: unknown, what: string): DicomJsonDataset[] {
  const list = Array.isArray(input) ? input : [input];
  return list.map((item, i) => {
    const parsed = DicomJsonDatasetSchema.safeParse(item);
    if (!parsed.success) {
      throw new ValidationError({
        code: 'DICOM_JSON_INVALID',
        message: `Item ${i} of the ${what} is not a DICOM JSON dataset.`,
        messageVi: `Phần tử ${i} của ${what === 'QIDO-RS answer' ? 'câu trả lời QIDO-RS' : 'siêu dữ liệu WADO-RS'} không phải là tập dữ liệu DICOM JSON.`,
        path: `[${i}]`,
      });
    }
    return parsed.data;
  });
}

function required(dataset: DicomJsonDataset, keyword: DicomJsonKeyword, index: number): string {
  const value = dicomJsonValue(dataset, keyword);
  if (!isDicomUid(value)) {
    throw new ValidationError({
      code: 'DICOM_JSON_UID_MISSING',
      message: `Item ${index} has no valid ${keyword} (${DICOM_JSON_TAGS[keyword]}).`,
      messageVi: `Phần tử ${index} không có ${keyword} (${DICOM_JSON_TAGS[keyword]}) hợp lệ.`,
      path: `[${index}].${DICOM_JSON_TAGS[keyword]}`,
    });
  }
  return value;
}

/** Options of the DICOM JSON conversions. */
export interface FromDicomJsonOptions extends GroupOptions {}

function patientIdentifiers(dataset: DicomJsonDataset, options: FromDicomJsonOptions) {
  const id = dicomJsonValue(dataset, 'PatientID');
  if (!id) return [];
  const issuer = dicomJsonValue(dataset, 'IssuerOfPatientID');
  const scope = options.facility ?? (issuer ? issuer.replace(/\s+/g, '_') : 'unknown');
  return [{ system: facilityRecordSystem(scope), value: id }];
}

/**
 * One imaging reference per QIDO-RS study result (`GET /studies`): study UID, date/time,
 * accession, patient ID, modalities in study, counts, and the QIDO/WADO bases when given.
 * Series are empty (search `/studies/{uid}/series` and pass them to {@link fromDicomJsonSeries}).
 */
export function fromDicomJsonStudies(input: unknown, options: FromDicomJsonOptions = {}): ImagingReference[] {
  return parseDatasets(input, 'QIDO-RS answer').map((d, i) => {
    const studyDate = dicomDateToIso(dicomJsonValue(d, 'StudyDate'));
    const studyTime = studyDate ? dicomTimeToIso(dicomJsonValue(d, 'StudyTime')) : undefined;
    const utcOffset = studyTime ? dicomOffsetToIso(dicomJsonValue(d, 'TimezoneOffsetFromUTC')) : undefined;
    const facilityName = options.facilityName ?? dicomJsonValue(d, 'InstitutionName');
    const accession = dicomJsonValue(d, 'AccessionNumber');
    const description = dicomJsonValue(d, 'StudyDescription');
    const modalities = [
      ...new Set(
        dicomJsonValues(d, 'ModalitiesInStudy')
          .map((m) => m.toUpperCase())
          .filter((m) => /^[A-Z0-9_]{1,16}$/.test(m)),
      ),
    ];
    return parseImagingReference({
      studyInstanceUid: required(d, 'StudyInstanceUID', i),
      ...(accession ? { accessionNumber: accession } : {}),
      patient: { identifiers: patientIdentifiers(d, options) },
      ...performingFacilityOf(options.facility, facilityName),
      ...(studyDate ? { studyDate } : {}),
      ...(studyTime ? { studyTime } : {}),
      ...(utcOffset ? { utcOffset } : {}),
      modalities,
      ...(description ? { description } : {}),
      series: [],
      instanceCount: dicomJsonInt(d, 'NumberOfStudyRelatedInstances') ?? 0,
      endpoints: {
        ...(options.qidoRsBase ? { qidoRs: options.qidoRsBase } : {}),
        ...(options.wadoRsBase ? { wadoRs: options.wadoRsBase } : {}),
      },
      completeness: 'unknown',
    });
  });
}

/** Series of a QIDO-RS series search (`GET /studies/{uid}/series`). */
export function fromDicomJsonSeries(input: unknown): ImagingSeries[] {
  return parseDatasets(input, 'QIDO-RS answer').map((d, i) => {
    const number = dicomJsonInt(d, 'SeriesNumber');
    const description = dicomJsonValue(d, 'SeriesDescription');
    const bodyPart = dicomJsonValue(d, 'BodyPartExamined');
    const modality = dicomJsonValue(d, 'Modality')?.toUpperCase();
    return {
      uid: required(d, 'SeriesInstanceUID', i),
      modality: modality && /^[A-Z0-9_]{1,16}$/.test(modality) ? modality : 'OT',
      ...(number === undefined ? {} : { number }),
      ...(description ? { description } : {}),
      instanceCount: dicomJsonInt(d, 'NumberOfSeriesRelatedInstances') ?? 0,
      ...(bodyPart ? { bodyPart: { code: bodyPart } } : {}),
    };
  });
}

/** The instance facts in one DICOM JSON dataset (WADO-RS metadata or a QIDO-RS instance result). */
export function instanceFactsFromDicomJson(dataset: DicomJsonDataset, index = 0): InstanceFacts {
  const d = dataset;
  const facts: InstanceFacts = {
    studyInstanceUid: required(d, 'StudyInstanceUID', index),
    seriesInstanceUid: required(d, 'SeriesInstanceUID', index),
    sopInstanceUid: required(d, 'SOPInstanceUID', index),
  };
  const set = <K extends keyof InstanceFacts>(key: K, value: InstanceFacts[K] | undefined) => {
    if (value !== undefined) facts[key] = value;
  };
  set('sopClassUid', dicomJsonValue(d, 'SOPClassUID'));
  set('modality', dicomJsonValue(d, 'Modality'));
  set('studyDate', dicomJsonValue(d, 'StudyDate'));
  set('studyTime', dicomJsonValue(d, 'StudyTime'));
  set('accessionNumber', dicomJsonValue(d, 'AccessionNumber'));
  set('seriesNumber', dicomJsonInt(d, 'SeriesNumber'));
  set('instanceNumber', dicomJsonInt(d, 'InstanceNumber'));
  set('patientId', dicomJsonValue(d, 'PatientID'));
  set('issuerOfPatientId', dicomJsonValue(d, 'IssuerOfPatientID'));
  set('institutionName', dicomJsonValue(d, 'InstitutionName'));
  set('bodyPartExamined', dicomJsonValue(d, 'BodyPartExamined'));
  set('studyDescription', dicomJsonValue(d, 'StudyDescription'));
  set('seriesDescription', dicomJsonValue(d, 'SeriesDescription'));
  set('timezoneOffsetFromUtc', dicomJsonValue(d, 'TimezoneOffsetFromUTC'));
  return facts;
}

/**
 * References built from instance-level DICOM JSON — WADO-RS metadata (`/studies/{uid}/metadata`) or
 * QIDO-RS instance results — grouped into studies and series, one reference per study.
 */
export function fromDicomJsonInstances(
  input: unknown,
  options: FromDicomJsonOptions = {},
): ImagingReference[] {
  const grouper = new ReferenceGrouper(options);
  parseDatasets(input, 'WADO-RS metadata').forEach((d, i) => {
    grouper.add(instanceFactsFromDicomJson(d, i));
  });
  return grouper.references().map((r) => parseImagingReference(r));
}
