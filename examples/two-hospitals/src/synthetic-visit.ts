/**
 * SYNTHETIC demo data: the inpatient stay hospital A's HIS reports when it discharges the demo's
 * patient, as the visit model of `@lienthong/visits` (encoded to an XML 130 file set by the demo).
 * Real: the field table (data/xml130/qd4750_fields.csv, through XML130_FIELD_SPECS), the ICD-10
 * codes of QĐ 4469 (J18.9, I10, E11.9), the insurance service codes of the lab story, the XML 130
 * value codes (MA_LOAI_KCB 03 inpatient, KET_QUA_DTRI 2 improved, MA_LOAI_RV 2 referred).
 * Invented: the stay, the drug, department and staff codes, the address and every amount (0).
 */
import { ICD10_SYSTEM, type Visit, type VisitFileSet } from '@lienthong/visits';
import { MAPPED_FIELDS, XML130_FIELD_SPECS } from '@lienthong/visits/xml130';
import { HOSPITAL_A, HOSPITAL_B, PATIENT } from './synthetic-data.js';

type Row = Record<string, string>;
const DAY = 86_400_000;

/** ISO date-time in Vietnam time (UTC+07:00), to the minute, as XML 130 dates decode. */
function vietnamTime(d: Date): string {
  return `${new Date(d.getTime() + 7 * 3600_000).toISOString().slice(0, 16)}:00+07:00`;
}

/**
 * The `source` row of a table: `given`, then every other mandatory field the model does not map —
 * numbers (the payment amounts, which the story does not tell) as 0. A mandatory text field left out
 * is a mistake of this file, said at once rather than as the hub's XML130_FIELD_MISSING.
 */
function sourceRow(table: keyof typeof MAPPED_FIELDS, given: Row): Row {
  const mapped = new Set([...MAPPED_FIELDS[table], 'MA_LK']); // MA_LK is written from the visit's id
  const row: Row = {};
  for (const spec of XML130_FIELD_SPECS[table]!) {
    if (spec.mandatory !== 'yes' || mapped.has(spec.name) || spec.name in given) continue;
    if (spec.type !== 'number') throw new Error(`synthetic ${table} needs a value for ${spec.name}`);
    row[spec.name] = '0';
  }
  return { ...row, ...given };
}

/**
 * Hospital A's XML 130 file set for the patient's stay: admitted 9 days before `now` with
 * community-acquired pneumonia on top of hypertension and type 2 diabetes, discharged improved
 * 2 days before `now` and referred to hospital B.
 */
export function dischargeFileSet(now: Date): VisitFileSet {
  const at = (daysAgo: number, hour: number) => {
    const d = new Date(now.getTime() - daysAgo * DAY);
    d.setUTCHours(hour - 7, 0, 0, 0); // `hour` in Vietnam time
    return vietnamTime(d);
  };
  const admitted = at(9, 8);
  const discharged = at(2, 9);
  const id = 'SYN-A-LK-0001';
  const icd10 = (code: string) => ({ system: ICD10_SYSTEM, code });
  const drug = (stt: number, fields: Partial<Visit['medications'][number]>) => ({
    unit: 'Viên',
    route: '1.01', // oral
    orderedAt: admitted,
    prescriber: 'SYN-BS-01',
    department: 'K02',
    ...fields,
    source: sourceRow('XML2', { STT: String(stt) }),
  });
  const visit: Visit = {
    id,
    facility: HOSPITAL_A.code,
    patient: {
      localId: 'SYN-BN-0001',
      name: `${PATIENT.name.family} ${PATIENT.name.middle} ${PATIENT.name.given}`,
      birth: `${PATIENT.birthDate}T00:00:00+07:00`,
      sex: 'male',
      identifiers: PATIENT.identifiers.map(({ system, value }) => ({ system, value })),
    },
    visitType: '03',
    admittedAt: admitted,
    inpatientAt: admitted,
    dischargedAt: discharged,
    department: 'K02',
    reason: 'Sốt, ho có đờm 4 ngày',
    admissionDiagnosis: 'Viêm phổi',
    dischargeDiagnosis: 'Viêm phổi; tăng huyết áp; đái tháo đường típ 2',
    mainDiagnosis: icd10('J18.9'),
    secondaryDiagnoses: [icd10('I10'), icd10('E11.9')],
    traditionalDiagnoses: [],
    procedures: [],
    outcome: '2',
    dischargeType: '2',
    referralTo: HOSPITAL_B.code,
    followUpDates: [],
    medicalRecordNumber: 'SYN-HSBA-0001',
    medications: [
      drug(1, {
        code: 'SYN-T-01',
        name: 'Ceftriaxon',
        unit: 'Lọ',
        strength: '1g',
        route: '2.15', // intravenous
        dose: '1 lọ x 2 lần/ngày',
        quantity: '14',
        administeredAt: at(3, 8),
      }),
      drug(2, {
        code: 'SYN-T-02',
        name: 'Amlodipin',
        strength: '5mg',
        dose: '1 viên/ngày',
        quantity: '7',
      }),
      drug(3, {
        code: 'SYN-T-03',
        name: 'Metformin',
        strength: '500mg',
        dose: '1 viên x 2 lần/ngày',
        quantity: '14',
      }),
    ],
    services: [
      {
        code: '22.0120.1370',
        name: 'Tổng phân tích tế bào máu ngoại vi',
        unit: 'Lần',
        quantity: '1',
        orderedAt: admitted,
        orderer: 'SYN-BS-01',
        department: 'K02',
        procedures: [],
        diagnoses: [icd10('J18.9')],
        source: sourceRow('XML3', { STT: '1' }),
      },
    ],
    notes: [
      {
        text: 'Sốt 38.9 độ, ran nổ đáy phổi phải; bắt đầu kháng sinh',
        at: admitted,
        author: 'SYN-BS-01',
        source: sourceRow('XML5', { STT: '1' }),
      },
    ],
    labReports: [],
    labRows: [],
    otherTables: [],
    source: sourceRow('XML1', {
      STT: '1',
      MA_QUOCTICH: '000',
      MA_DANTOC: '01',
      MA_NGHE_NGHIEP: '00000',
      DIA_CHI: 'Số 1, phường A, Hà Nội (synthetic)',
      MATINH_CU_TRU: '01',
      MAHUYEN_CU_TRU: '001',
      MAXA_CU_TRU: '00001',
      MA_DOITUONG_KCB: '1',
      CAN_NANG: '62.00',
      SO_NGAY_DTRI: '8', // discharge day − admission day + 1, as QĐ 4750 counts an inpatient stay
      NAM_QT: discharged.slice(0, 4),
      THANG_QT: String(Number(discharged.slice(5, 7))),
    }),
  };
  return {
    facility: HOSPITAL_A.code,
    createdOn: discharged.slice(0, 10).replace(/-/g, ''),
    visits: [visit],
    unlinked: [],
    otherTables: [],
  };
}
