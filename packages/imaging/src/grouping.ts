import { facilityRecordSystem } from '@lienthong/core';
import type { ImagingReference, ImagingSeries } from './model.js';
import { performingFacilityOf } from './performing-facility.js';
import { dicomDateToIso, dicomOffsetToIso, dicomTimeToIso } from './reference.js';

/** The facts of one DICOM instance an imaging reference is built from (from a file header or DICOM JSON). */
export interface InstanceFacts {
  sopClassUid?: string;
  sopInstanceUid: string;
  studyInstanceUid: string;
  seriesInstanceUid: string;
  modality?: string;
  /** DICOM DA as stored (`YYYYMMDD`); '' when the attribute is present but empty. */
  studyDate?: string;
  /** DICOM TM as stored (`HHMMSS.ffffff`). */
  studyTime?: string;
  accessionNumber?: string;
  seriesNumber?: number;
  instanceNumber?: number;
  patientId?: string;
  issuerOfPatientId?: string;
  institutionName?: string;
  bodyPartExamined?: string;
  studyDescription?: string;
  seriesDescription?: string;
  /** DICOM `±HHMM`. */
  timezoneOffsetFromUtc?: string;
}

/** Options of {@link groupIntoReferences} and {@link scanFolderToReferences}. */
export interface GroupOptions {
  /** Facility code of the performing facility (mã cơ sở KCB); also scopes PatientID as a record number. */
  facility?: string;
  /** Facility name; defaults to the DICOM Institution Name. */
  facilityName?: string;
  /** WADO-RS base URL where the studies will be retrievable (sets `endpoints.wadoRs`). */
  wadoRsBase?: string;
  /** QIDO-RS base URL (sets `endpoints.qidoRs`). */
  qidoRsBase?: string;
}

interface SeriesAcc {
  uid: string;
  modality?: string;
  number?: number;
  description?: string;
  bodyPart?: string;
  sops: Set<string>;
}

interface StudyAcc {
  first: InstanceFacts;
  series: Map<string, SeriesAcc>;
}

/**
 * Groups scanned instances into studies and series and builds one {@link ImagingReference} per
 * study. Instances are counted once per SOP Instance UID (the same image stored twice, e.g. in two
 * transfer syntaxes, counts once). Completeness is `unknown`: a folder cannot prove it holds every
 * instance.
 */
export class ReferenceGrouper {
  private readonly studies = new Map<string, StudyAcc>();
  constructor(private readonly options: GroupOptions = {}) {}

  add(instance: InstanceFacts): void {
    let study = this.studies.get(instance.studyInstanceUid);
    if (!study) {
      study = { first: instance, series: new Map() };
      this.studies.set(instance.studyInstanceUid, study);
    }
    let series = study.series.get(instance.seriesInstanceUid);
    if (!series) {
      series = { uid: instance.seriesInstanceUid, sops: new Set() };
      study.series.set(instance.seriesInstanceUid, series);
    }
    series.modality ??= instance.modality || undefined;
    series.number ??= instance.seriesNumber;
    series.description ??= instance.seriesDescription || undefined;
    series.bodyPart ??= instance.bodyPartExamined || undefined;
    series.sops.add(instance.sopInstanceUid);
  }

  get studyCount(): number {
    return this.studies.size;
  }

  references(): ImagingReference[] {
    return [...this.studies.values()].map((study) => this.build(study));
  }

  private build(study: StudyAcc): ImagingReference {
    const { first } = study;
    const o = this.options;
    const series: ImagingSeries[] = [...study.series.values()]
      .sort((a, b) => (a.number ?? 0) - (b.number ?? 0) || (a.uid < b.uid ? -1 : 1))
      .map((s) => ({
        uid: s.uid,
        modality: normaliseModality(s.modality),
        ...(s.number === undefined || s.number < 0 ? {} : { number: s.number }),
        ...(s.description ? { description: s.description } : {}),
        instanceCount: s.sops.size,
        ...(s.bodyPart ? { bodyPart: { code: s.bodyPart } } : {}),
      }));
    const patientSystem =
      o.facility !== undefined
        ? facilityRecordSystem(o.facility)
        : first.issuerOfPatientId
          ? facilityRecordSystem(first.issuerOfPatientId.replace(/\s+/g, '_'))
          : facilityRecordSystem('unknown');
    const studyDate = dicomDateToIso(first.studyDate);
    const studyTime = studyDate ? dicomTimeToIso(first.studyTime) : undefined;
    const utcOffset = studyTime ? dicomOffsetToIso(first.timezoneOffsetFromUtc) : undefined;
    const facilityName = o.facilityName ?? (first.institutionName || undefined);
    const bodyParts = [...new Set(series.map((s) => s.bodyPart?.code).filter(Boolean))];
    return {
      studyInstanceUid: first.studyInstanceUid,
      ...(first.accessionNumber ? { accessionNumber: first.accessionNumber } : {}),
      patient: {
        identifiers: first.patientId ? [{ system: patientSystem, value: first.patientId }] : [],
      },
      ...performingFacilityOf(o.facility, facilityName),
      ...(studyDate ? { studyDate } : {}),
      ...(studyTime ? { studyTime } : {}),
      ...(utcOffset ? { utcOffset } : {}),
      modalities: [...new Set(series.map((s) => s.modality))],
      ...(bodyParts.length === 1 ? { bodyPart: { code: bodyParts[0]! } } : {}),
      ...(first.studyDescription ? { description: first.studyDescription } : {}),
      series,
      instanceCount: series.reduce((n, s) => n + s.instanceCount, 0),
      endpoints: {
        ...(o.qidoRsBase ? { qidoRs: o.qidoRsBase } : {}),
        ...(o.wadoRsBase ? { wadoRs: o.wadoRsBase } : {}),
      },
      completeness: 'unknown',
    };
  }
}

function normaliseModality(value: string | undefined): string {
  const m = value?.trim().toUpperCase();
  return m && /^[A-Z0-9_]{1,16}$/.test(m) ? m : 'OT';
}
