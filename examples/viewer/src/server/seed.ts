/**
 * Node-only: seeds a hub with one SYNTHETIC patient's shared history, for the Chromium test and for
 * `npm run dev -w viewer`. Nothing here is a real person or a real facility.
 *
 * - The patient, the facilities (codes `SYN-…`) and their values are made up and say so.
 * - Synthetic reports use only published insurance service codes (docs/en/guide/domain.md): `23.0075.1494`
 *   glucose, `23.0051.1494` creatinine, `22.0120.1370` blood count; the blood count's analytes use
 *   the LOINC codes and names of the real fixture below.
 * - SYNTHETIC visits (XML 130 as the SDK models it) at district hospital A and provincial hospital B,
 *   with real ICD-10 codes (E11.9, I10, J18.9, K29.7, F32.9) and ICD-9-CM 87.44; F32.9 is what the
 *   stack's disclosure policy withholds from B, so the history view shows "withheld: 1".
 * - Real fixtures, read in place and re-keyed to the synthetic patient: the HL7 v2 ORU^R01
 *   `LAB-ORU-1.hl7` (a 2014 hemogram and differential, decoded by `decodeOru`), and two DICOM files
 *   (`CR1_6154.dcm`, `CT_small.dcm`) turned into imaging references by the SDK's scanner.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_IDENTIFIER_SYSTEMS } from '@lienthong/core';
import {
  createHubClient,
  createHubImagingRegistry,
  createHubPatientDirectory,
  createHubResultExchange,
  createHubVisitHistory,
} from '@lienthong/hub-api';
import { scanFolderToReferences } from '@lienthong/imaging/scanner';
import type { PatientRecord } from '@lienthong/patient-id';
import { DEFAULT_LAB_SYSTEMS, type LabObservation, type LabReport } from '@lienthong/result-exchange';
import { decodeOru } from '@lienthong/result-exchange/hl7';
import { type Medication, newVisit, type Visit } from '@lienthong/visits';

/** The repository's real-world fixtures (fixtures/real-world, read in place). */
export const FIXTURES = fileURLToPath(new URL('../../../../fixtures/real-world/', import.meta.url));

const S = DEFAULT_IDENTIFIER_SYSTEMS;
const SERVICE = DEFAULT_LAB_SYSTEMS.serviceCode;
const LOINC = DEFAULT_LAB_SYSTEMS.loinc;

/** SYNTHETIC patient: made-up name, personal ID and insurance card (valid in shape only). */
export const SYNTHETIC_PATIENT: PatientRecord = {
  identifiers: [
    { system: S.cccd, value: '079185001234', kind: 'cccd' },
    { system: S.bhyt, value: 'GD4797912345678', kind: 'bhyt' },
  ],
  name: { family: 'Trần', middle: 'Thị', given: 'Bình' },
  birthDate: '1985-07-12',
  sex: 'female',
};

/** SYNTHETIC facilities (not real codes: the `SYN-` prefix is outside every national code list). */
export const SYNTHETIC_FACILITIES = {
  district: { code: 'SYN-HUYEN-A', name: 'Bệnh viện huyện A (tổng hợp)', qualityLevel: 2 },
  province: { code: 'SYN-TINH-B', name: 'Bệnh viện tỉnh B (tổng hợp)', qualityLevel: 3 },
  lab: { code: 'SYN-PXN-C', name: 'Phòng xét nghiệm C (tổng hợp)', qualityLevel: 4 },
} as const;
type FacilityKey = keyof typeof SYNTHETIC_FACILITIES;

const GLUCOSE = { system: SERVICE, code: '23.0075.1494' };
const CREATININE = { system: SERVICE, code: '23.0051.1494' };
const BLOOD_COUNT = { system: SERVICE, code: '22.0120.1370' };

/** An instant as Vietnam local time with its offset (`2026-11-20T08:15:00+07:00`). */
export function vnTime(d: Date): string {
  const v = new Date(d.getTime() + 7 * 3_600_000);
  return `${v.toISOString().slice(0, 19)}+07:00`;
}
const daysBefore = (now: Date, days: number, hour = 7) => {
  const d = new Date(now.getTime() - days * 86_400_000);
  d.setUTCHours(hour - 7, 15, 0, 0); // morning sample, Vietnam time
  return vnTime(d);
};

const quantity = (
  code: { system: string; code: string },
  name: string,
  value: number,
  unit: string,
  range: [number, number],
  at: string,
): LabObservation => ({
  codes: [code],
  name,
  status: 'final',
  value: { kind: 'quantity', value, unit },
  referenceRange: [{ low: range[0], high: range[1], unit }],
  performedAt: at,
});

function synthetic(
  id: string,
  facility: FacilityKey,
  code: { system: string; code: string },
  name: string,
  at: string,
  observations: LabObservation[],
  status: LabReport['status'] = 'final',
): LabReport {
  const f = SYNTHETIC_FACILITIES[facility];
  return {
    id,
    patient: { identifiers: SYNTHETIC_PATIENT.identifiers.map(({ system, value }) => ({ system, value })) },
    codes: [code],
    name,
    status,
    performingFacility: { code: f.code, name: f.name },
    lab: { code: f.code, name: f.name, qualityLevel: f.qualityLevel },
    specimen: { collectedAt: at },
    issuedAt: at,
    observations: observations.map((o) => ({ ...o, status: status === 'final' ? 'final' : o.status })),
    note: 'SYNTHETIC test data',
  } as LabReport;
}

/** The SYNTHETIC reports, dated relative to `now` so that reuse answers stay the same every day. */
export function syntheticReports(now: Date): { facility: FacilityKey; report: LabReport }[] {
  const glu = 'Định lượng Glucose';
  const cre = 'Định lượng Creatinin';
  const at = (d: number) => daysBefore(now, d);
  return [
    // District hospital A: mmol/L and µmol/L.
    {
      facility: 'district',
      report: synthetic('SYN-A-GLU-1', 'district', GLUCOSE, glu, at(200), [
        quantity(GLUCOSE, 'Glucose', 7.2, 'mmol/L', [3.9, 6.4], at(200)),
      ]),
    },
    {
      facility: 'district',
      report: synthetic('SYN-A-GLU-2', 'district', GLUCOSE, glu, at(110), [
        quantity(GLUCOSE, 'Glucose', 6.8, 'mmol/L', [3.9, 6.4], at(110)),
      ]),
    },
    {
      facility: 'district',
      report: synthetic('SYN-A-CRE-1', 'district', CREATININE, cre, at(110), [
        quantity(CREATININE, 'Creatinin', 71, 'umol/L', [44, 80], at(110)),
      ]),
    },
    // Provincial hospital B: mg/dL, so the chart converts.
    {
      facility: 'province',
      report: synthetic('SYN-B-GLU-1', 'province', GLUCOSE, glu, at(45), [
        quantity(GLUCOSE, 'Glucose', 124, 'mg/dL', [70, 110], at(45)),
      ]),
    },
    {
      facility: 'province',
      report: synthetic('SYN-B-GLU-2', 'province', GLUCOSE, glu, at(2), [
        quantity(GLUCOSE, 'Glucose', 101, 'mg/dL', [70, 110], at(2)),
      ]),
    },
    {
      facility: 'province',
      report: synthetic('SYN-B-CRE-1', 'province', CREATININE, cre, at(2), [
        quantity(CREATININE, 'Creatinin', 0.92, 'mg/dL', [0.5, 1.1], at(2)),
      ]),
    },
    {
      facility: 'province',
      report: synthetic('SYN-B-CBC-1', 'province', BLOOD_COUNT, 'Tổng phân tích tế bào máu', at(12), [
        quantity({ system: LOINC, code: '11273-0' }, 'ERYTHROCYTES', 4.3, '10*12/L', [3.8, 5.1], at(12)),
        quantity({ system: LOINC, code: '20570-8' }, 'HEMATOCRIT', 39, '%', [35, 45], at(12)),
        quantity({ system: LOINC, code: '11125-2' }, 'PLATELETS', 245, '10*9/L', [150, 400], at(12)),
      ]),
    },
    // Private lab C: a preliminary glucose (not reusable until final).
    {
      facility: 'lab',
      report: synthetic(
        'SYN-C-GLU-1',
        'lab',
        GLUCOSE,
        glu,
        at(1),
        [{ ...quantity(GLUCOSE, 'Glucose', 5.9, 'mmol/L', [3.9, 6.1], at(1)), status: 'preliminary' }],
        'preliminary',
      ),
    },
  ];
}

const ICD10 = 'http://hl7.org/fhir/sid/icd-10';
const ICD9CM = 'http://hl7.org/fhir/sid/icd-9-cm';
const icd = (code: string) => ({ system: ICD10, code });

/**
 * A drug as an XML2 row, given `days` before `now` at 8 in the morning. No MA_THUOC: the synthetic
 * rows name the active ingredient only rather than make up a code from the national drug list.
 */
const drug = (now: Date, days: number, name: string, strength: string, dose: string): Medication => ({
  name,
  strength,
  dose,
  administeredAt: daysBefore(now, days, 8),
  source: {},
});

function visit(
  id: string,
  facility: FacilityKey,
  parts: Partial<Visit> & Pick<Visit, 'visitType' | 'admittedAt' | 'mainDiagnosis'>,
): Visit {
  const { name, birthDate, sex } = SYNTHETIC_PATIENT;
  return newVisit({
    id,
    facility: SYNTHETIC_FACILITIES[facility].code,
    patient: {
      name: `${name.family} ${name.middle} ${name.given}`,
      ...(birthDate ? { birth: birthDate } : {}),
      ...(sex === 'female' ? { sex } : {}),
      identifiers: SYNTHETIC_PATIENT.identifiers.map(({ system, value }) => ({ system, value })),
    },
    source: { GHI_CHU: 'SYNTHETIC test data' },
    ...parts,
  });
}

/**
 * The SYNTHETIC visits, dated relative to `now`: an outpatient visit at A (200 days ago), a closed
 * inpatient stay at B (48 → 41 days ago) and an open one at A (admitted 3 days ago, ongoing).
 * Visit type codes (MA_LOAI_KCB): 1 outpatient, 3 inpatient.
 */
export function syntheticVisits(now: Date): { facility: FacilityKey; visit: Visit }[] {
  const at = (d: number, hour = 7) => daysBefore(now, d, hour);
  const metformin = (d: number) => drug(now, d, 'Metformin', '500mg', '1 viên x 2 lần/ngày');
  const amlodipin = (d: number) => drug(now, d, 'Amlodipin', '5mg', '1 viên/ngày');
  return [
    {
      facility: 'district',
      visit: visit('SYN-A-V1', 'district', {
        visitType: '1',
        admittedAt: at(200),
        dischargedAt: at(200, 10),
        mainDiagnosis: icd('E11.9'),
        secondaryDiagnoses: [icd('I10')],
        medications: [metformin(200), amlodipin(200)],
      }),
    },
    {
      facility: 'province',
      visit: visit('SYN-B-V1', 'province', {
        visitType: '3',
        admittedAt: at(48),
        inpatientAt: at(48, 9),
        dischargedAt: at(41, 10),
        mainDiagnosis: icd('J18.9'),
        secondaryDiagnoses: [icd('E11.9'), icd('I10')],
        procedures: [{ system: ICD9CM, code: '87.44' }],
        services: [
          {
            name: 'Chụp X-quang ngực thẳng',
            procedures: [{ system: ICD9CM, code: '87.44' }],
            performedAt: at(48, 10),
            diagnoses: [icd('J18.9')],
            source: {},
          },
        ],
        medications: [
          drug(now, 47, 'Ceftriaxon', '1g', '1 lọ x 2 lần/ngày, tiêm tĩnh mạch'),
          drug(now, 42, 'Ceftriaxon', '1g', '1 lọ x 2 lần/ngày, tiêm tĩnh mạch'),
          metformin(42),
        ],
      }),
    },
    {
      facility: 'district',
      visit: visit('SYN-A-V2', 'district', {
        visitType: '3',
        admittedAt: at(3),
        inpatientAt: at(3, 9),
        mainDiagnosis: icd('K29.7'),
        secondaryDiagnoses: [icd('I10'), icd('F32.9')],
        medications: [drug(now, 1, 'Omeprazol', '20mg', '1 viên/ngày trước ăn sáng'), amlodipin(1)],
      }),
    },
  ];
}

/**
 * The stack's disclosure policy: depressive episodes (F32–F33) stay with the facility that recorded
 * them unless the reader treats an emergency (`ETREAT`).
 */
export const SYNTHETIC_DISCLOSURE_POLICY = {
  rules: [{ name: 'mental-health', diagnoses: ['F32-F33'], allowPurposes: ['ETREAT'] }],
};

/** The real HL7 v2 fixture `LAB-ORU-1.hl7` decoded, re-keyed to the synthetic patient, as district hospital A's. */
export async function fixtureReports(): Promise<LabReport[]> {
  const text = await readFile(join(FIXTURES, 'hl7v2/LAB-ORU-1.hl7'), 'utf8');
  const f = SYNTHETIC_FACILITIES.district;
  return decodeOru(text).value.map((r) => ({
    ...r,
    id: `SYN-A-HL7-${r.id}`,
    patient: { identifiers: SYNTHETIC_PATIENT.identifiers.map(({ system, value }) => ({ system, value })) },
    performingFacility: { code: f.code, name: f.name },
    lab: { code: f.code, name: f.name, qualityLevel: f.qualityLevel },
    note: 'Real HL7 v2 fixture (LAB-ORU-1.hl7) re-keyed to a SYNTHETIC patient',
  }));
}

/** The DICOM fixtures the seed references (and uploads to a PACS when one is given). */
export const DICOM_FIXTURES = [
  { file: 'CR1_6154.dcm', facility: 'district' },
  { file: 'CT_small.dcm', facility: 'province' },
] as const satisfies readonly { file: string; facility: FacilityKey }[];

export interface SeedOptions {
  hubUrl: string;
  adminKey: string;
  now?: Date;
  /** The folder holding the DICOM fixtures (default the repository's `fixtures/real-world/dicom`). */
  dicomFolder?: string;
  /** The DICOMweb root the studies can be fetched from (set as the references' WADO-RS/QIDO-RS endpoints). */
  dicomwebUrl?: string;
}

export interface Seeded {
  patient: PatientRecord;
  /** What to type in the search box (the personal ID). */
  searchId: string;
  /** API key of provincial hospital B, which the viewer reads as. */
  viewerKey: string;
  keys: Record<FacilityKey, string>;
  reports: number;
  studies: number;
  visits: number;
}

/** Registers the synthetic facilities and publishes the patient, the reports and the imaging references. */
export async function seedHub(options: SeedOptions): Promise<Seeded> {
  const now = options.now ?? new Date();
  const admin = createHubClient({ baseUrl: options.hubUrl, apiKey: options.adminKey });
  const keys = {} as Record<FacilityKey, string>;
  for (const [k, f] of Object.entries(SYNTHETIC_FACILITIES) as [
    FacilityKey,
    (typeof SYNTHETIC_FACILITIES)[FacilityKey],
  ][]) {
    const { credential } = await admin.POST('/v1/facilities', { body: { code: f.code, name: f.name } });
    keys[k] = credential.apiKey;
  }
  const as = (k: FacilityKey) => ({ baseUrl: options.hubUrl, apiKey: keys[k] });
  await createHubPatientDirectory(as('district')).upsert(SYNTHETIC_PATIENT);

  let reports = 0;
  for (const report of await fixtureReports()) {
    await createHubResultExchange(as('district')).publish(report);
    reports++;
  }
  for (const { facility, report } of syntheticReports(now)) {
    await createHubResultExchange(as(facility)).publish(report);
    reports++;
  }

  let visits = 0;
  for (const { facility, visit } of syntheticVisits(now)) {
    await createHubVisitHistory(as(facility)).publish(visit);
    visits++;
  }

  let studies = 0;
  for (const { file, facility } of DICOM_FIXTURES) {
    const f = SYNTHETIC_FACILITIES[facility];
    const scan = await scanFolderToReferences(options.dicomFolder ?? join(FIXTURES, 'dicom'), {
      filter: (name) => name === file,
      facility: f.code,
      facilityName: f.name,
      ...(options.dicomwebUrl ? { wadoRsBase: options.dicomwebUrl, qidoRsBase: options.dicomwebUrl } : {}),
    });
    for (const ref of scan.references) {
      await createHubImagingRegistry(as(facility)).publish({
        ...ref,
        patient: {
          identifiers: SYNTHETIC_PATIENT.identifiers.map(({ system, value }) => ({ system, value })),
        },
      });
      studies++;
    }
  }
  return {
    patient: SYNTHETIC_PATIENT,
    searchId: SYNTHETIC_PATIENT.identifiers[0]!.value,
    viewerKey: keys.province,
    keys,
    reports,
    studies,
    visits,
  };
}

/** Uploads the DICOM fixtures to an Orthanc (`POST /instances`), so its DICOMweb answers for them. */
export async function uploadDicomFixtures(
  orthancUrl: string,
  dicomFolder = join(FIXTURES, 'dicom'),
): Promise<void> {
  for (const { file } of DICOM_FIXTURES) {
    const bytes = await readFile(join(dicomFolder, file));
    const r = await fetch(`${orthancUrl.replace(/\/+$/, '')}/instances`, {
      method: 'POST',
      headers: { 'content-type': 'application/dicom' },
      body: bytes,
    });
    if (!r.ok) throw new Error(`Orthanc refused ${file}: HTTP ${r.status}`);
  }
}
