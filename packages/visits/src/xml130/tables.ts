import {
  DEFAULT_IDENTIFIER_SYSTEMS,
  formatNationalDateTime,
  type IdentifierValue,
  identifierSystemName,
  safeParseNationalDate,
} from '@lienthong/core';
import { isCitizenId } from '@lienthong/patient-id';
import {
  type Coding,
  type CourseNote,
  ICD9CM_SYSTEM,
  ICD10_SYSTEM,
  type Medication,
  type Service,
  type Visit,
} from '../model.js';
import { dateTimeOf, tableFields } from './problems.js';
import type { Row } from './xml.js';

/** How a model field is written in a table: as text, or as a `yyyymmddHHMM` date-time. */
type Mapping = readonly (readonly [key: string, field: string, kind: 'text' | 'dateTime'])[];

const XML1_SCALARS: Mapping = [
  ['id', 'MA_LK', 'text'],
  ['facility', 'MA_CSKCB', 'text'],
  ['visitType', 'MA_LOAI_KCB', 'text'],
  ['admittedAt', 'NGAY_VAO', 'dateTime'],
  ['inpatientAt', 'NGAY_VAO_NOI_TRU', 'dateTime'],
  ['dischargedAt', 'NGAY_RA', 'dateTime'],
  ['department', 'MA_KHOA', 'text'],
  ['reason', 'LY_DO_VV', 'text'],
  ['admissionDiagnosis', 'CHAN_DOAN_VAO', 'text'],
  ['dischargeDiagnosis', 'CHAN_DOAN_RV', 'text'],
  ['outcome', 'KET_QUA_DTRI', 'text'],
  ['dischargeType', 'MA_LOAI_RV', 'text'],
  ['referralFrom', 'MA_NOI_DI', 'text'],
  ['referralTo', 'MA_NOI_DEN', 'text'],
  ['medicalRecordNumber', 'MA_HSBA', 'text'],
];
const PATIENT: Mapping = [
  ['localId', 'MA_BN', 'text'],
  ['name', 'HO_TEN', 'text'],
  ['birth', 'NGAY_SINH', 'dateTime'],
];
const XML2: Mapping = [
  ['code', 'MA_THUOC', 'text'],
  ['name', 'TEN_THUOC', 'text'],
  ['unit', 'DON_VI_TINH', 'text'],
  ['strength', 'HAM_LUONG', 'text'],
  ['route', 'DUONG_DUNG', 'text'],
  ['dose', 'LIEU_DUNG', 'text'],
  ['directions', 'CACH_DUNG', 'text'],
  ['quantity', 'SO_LUONG', 'text'],
  ['orderedAt', 'NGAY_YL', 'dateTime'],
  ['administeredAt', 'NGAY_TH_YL', 'dateTime'],
  ['prescriber', 'MA_BAC_SI', 'text'],
  ['department', 'MA_KHOA', 'text'],
];
const XML3: Mapping = [
  ['code', 'MA_DICH_VU', 'text'],
  ['supplyCode', 'MA_VAT_TU', 'text'],
  ['name', 'TEN_DICH_VU', 'text'],
  ['supplyName', 'TEN_VAT_TU', 'text'],
  ['unit', 'DON_VI_TINH', 'text'],
  ['quantity', 'SO_LUONG', 'text'],
  ['orderedAt', 'NGAY_YL', 'dateTime'],
  ['performedAt', 'NGAY_TH_YL', 'dateTime'],
  ['resultAt', 'NGAY_KQ', 'dateTime'],
  ['orderer', 'MA_BAC_SI', 'text'],
  ['performer', 'NGUOI_THUC_HIEN', 'text'],
  ['department', 'MA_KHOA', 'text'],
];
const XML5: Mapping = [
  ['text', 'DIEN_BIEN_LS', 'text'],
  ['stage', 'GIAI_DOAN_BENH', 'text'],
  ['consultation', 'HOI_CHAN', 'text'],
  ['surgery', 'PHAU_THUAT', 'text'],
  ['at', 'THOI_DIEM_DBLS', 'dateTime'],
  ['author', 'NGUOI_THUC_HIEN', 'text'],
];

/** Fields each table maps into the model (the rest stay in `source`). */
export const MAPPED_FIELDS: Readonly<Record<'XML1' | 'XML2' | 'XML3' | 'XML5', readonly string[]>> = {
  XML1: [
    ...XML1_SCALARS.map((m) => m[1]),
    ...PATIENT.map((m) => m[1]),
    'GIOI_TINH',
    'SO_CCCD',
    'MA_THE_BHYT',
    'MA_BENH_CHINH',
    'MA_BENH_KT',
    'MA_BENH_YHCT',
    'MA_PTTT_QT',
    'NGAY_TAI_KHAM',
  ],
  XML2: XML2.map((m) => m[1]),
  XML3: [...XML3.map((m) => m[1]), 'MA_PTTT_QT', 'MA_BENH'],
  XML5: XML5.map((m) => m[1]),
};

/** Reads the mapped scalars; takes them out of `rest` (a bad date stays in `rest`, as written). */
function readScalars(rest: Row, mapping: Mapping): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, field, kind] of mapping) {
    const value = rest[field];
    if (value === undefined) continue;
    if (kind === 'dateTime') {
      const iso = dateTimeOf(value);
      if (iso === undefined) continue;
      out[key] = iso;
    } else out[key] = value;
    delete rest[field];
  }
  return out;
}

function writeScalars(row: Row, value: Record<string, unknown>, mapping: Mapping): void {
  for (const [key, field, kind] of mapping) {
    const v = value[key];
    if (typeof v !== 'string') continue;
    row[field] = kind === 'dateTime' ? formatNationalDateTime(v) : v;
  }
}

const splitList = (text: string): string[] =>
  text
    .split(';')
    .map((s) => s.trim())
    .filter((s) => s !== '');

/** A ";"-separated list taken out of `rest` when it holds at least one item. */
function takeList(rest: Row, field: string): string[] {
  const value = rest[field];
  if (value === undefined) return [];
  const items = splitList(value);
  if (items.length > 0) delete rest[field];
  return items;
}

const codings = (codes: string[], system: string): Coding[] => codes.map((code) => ({ system, code }));
const SEX = { '1': 'male', '2': 'female', '3': 'unknown' } as const;
const SEX_CODE = { male: '1', female: '2', unknown: '3' } as const;

/** The row in table order; fields not in the table's specs follow, in their own order. */
export function orderRow(table: string, row: Row): Row {
  const known = tableFields(table);
  const out: Row = {};
  for (const f of known) if (row[f] !== undefined) out[f] = row[f];
  for (const [f, v] of Object.entries(row)) if (out[f] === undefined) out[f] = v;
  return out;
}

/**
 * A copy of `rest`: taking fields out with `delete` leaves an object in V8's slow dictionary mode,
 * a copy has compact properties again — the model holds thousands of these `source` rows.
 */
const compact = (rest: Row): Row => ({ ...rest });

/** An XML1 row as a visit (without its other tables). */
export function visitFromXml1(row: Row): Visit {
  const rest: Row = { ...row };
  const scalars = readScalars(rest, XML1_SCALARS);
  const patient = readScalars(rest, PATIENT);
  const identifiers: IdentifierValue[] = [];
  if (rest.SO_CCCD !== undefined && isCitizenId(rest.SO_CCCD)) {
    identifiers.push({ system: DEFAULT_IDENTIFIER_SYSTEMS.cccd, value: rest.SO_CCCD });
    delete rest.SO_CCCD;
  }
  for (const card of takeList(rest, 'MA_THE_BHYT'))
    identifiers.push({ system: DEFAULT_IDENTIFIER_SYSTEMS.bhyt, value: card });
  const sex = rest.GIOI_TINH !== undefined ? SEX[rest.GIOI_TINH as keyof typeof SEX] : undefined;
  if (sex) delete rest.GIOI_TINH;
  const main = rest.MA_BENH_CHINH?.trim();
  if (main) delete rest.MA_BENH_CHINH;
  let followUpDates: string[] = [];
  if (rest.NGAY_TAI_KHAM !== undefined) {
    const dates = splitList(rest.NGAY_TAI_KHAM).map((d) => safeParseNationalDate(d));
    if (dates.length > 0 && dates.every((d) => d.ok)) {
      followUpDates = dates.map((d) => (d.ok ? d.value : ''));
      delete rest.NGAY_TAI_KHAM;
    }
  }
  return {
    id: '',
    ...scalars,
    patient: { ...patient, ...(sex ? { sex } : {}), identifiers },
    ...(main ? { mainDiagnosis: { system: ICD10_SYSTEM, code: main } } : {}),
    secondaryDiagnoses: codings(takeList(rest, 'MA_BENH_KT'), ICD10_SYSTEM),
    traditionalDiagnoses: takeList(rest, 'MA_BENH_YHCT'),
    procedures: codings(takeList(rest, 'MA_PTTT_QT'), ICD9CM_SYSTEM),
    followUpDates,
    medications: [],
    services: [],
    notes: [],
    labReports: [],
    labRows: [],
    otherTables: [],
    source: compact(rest),
  };
}

/** A visit as its XML1 row. */
export function visitToXml1(visit: Visit): Row {
  const row: Row = { ...visit.source };
  writeScalars(row, visit as unknown as Record<string, unknown>, XML1_SCALARS);
  writeScalars(row, visit.patient, PATIENT);
  if (visit.patient.sex) row.GIOI_TINH = SEX_CODE[visit.patient.sex];
  // By name: a visit built with an older URI (`…hl7.org.vn/core/sid/cccd`) still fills the columns.
  const cccd = visit.patient.identifiers.find((i) => identifierSystemName(i.system) === 'cccd');
  if (cccd) row.SO_CCCD = cccd.value;
  const cards = visit.patient.identifiers.filter((i) => identifierSystemName(i.system) === 'bhyt');
  if (cards.length > 0) row.MA_THE_BHYT = cards.map((c) => c.value).join(';');
  if (visit.mainDiagnosis) row.MA_BENH_CHINH = visit.mainDiagnosis.code;
  if (visit.secondaryDiagnoses.length > 0)
    row.MA_BENH_KT = visit.secondaryDiagnoses.map((c) => c.code).join(';');
  if (visit.traditionalDiagnoses.length > 0) row.MA_BENH_YHCT = visit.traditionalDiagnoses.join(';');
  if (visit.procedures.length > 0) row.MA_PTTT_QT = visit.procedures.map((c) => c.code).join(';');
  if (visit.followUpDates.length > 0)
    row.NGAY_TAI_KHAM = visit.followUpDates.map((d) => d.replace(/-/g, '')).join(';');
  return orderRow('XML1', row);
}

export function medicationFromXml2(row: Row): Medication {
  const rest: Row = { ...row };
  return { ...readScalars(rest, XML2), source: compact(rest) };
}

export function medicationToXml2(m: Medication, visitId: string): Row {
  const row: Row = { MA_LK: visitId, ...m.source };
  writeScalars(row, m as unknown as Record<string, unknown>, XML2);
  return orderRow('XML2', row);
}

export function serviceFromXml3(row: Row): Service {
  const rest: Row = { ...row };
  const scalars = readScalars(rest, XML3);
  return {
    ...scalars,
    procedures: codings(takeList(rest, 'MA_PTTT_QT'), ICD9CM_SYSTEM),
    diagnoses: codings(takeList(rest, 'MA_BENH'), ICD10_SYSTEM),
    source: compact(rest),
  };
}

export function serviceToXml3(s: Service, visitId: string): Row {
  const row: Row = { MA_LK: visitId, ...s.source };
  writeScalars(row, s as unknown as Record<string, unknown>, XML3);
  if (s.procedures.length > 0) row.MA_PTTT_QT = s.procedures.map((c) => c.code).join(';');
  if (s.diagnoses.length > 0) row.MA_BENH = s.diagnoses.map((c) => c.code).join(';');
  return orderRow('XML3', row);
}

export function noteFromXml5(row: Row): CourseNote {
  const rest: Row = { ...row };
  return { ...readScalars(rest, XML5), source: compact(rest) };
}

export function noteToXml5(n: CourseNote, visitId: string): Row {
  const row: Row = { MA_LK: visitId, ...n.source };
  writeScalars(row, n as unknown as Record<string, unknown>, XML5);
  return orderRow('XML5', row);
}
