import {
  IdentifierValueSchema,
  parseWith,
  type Result,
  safeParseWith,
  type ValidationError,
} from '@lienthong/core';
import { LabReportSchema } from '@lienthong/result-exchange';
import { z } from 'zod';

/** The system of ICD-10 codes (as VN Core writes it). */
export const ICD10_SYSTEM = 'http://hl7.org/fhir/sid/icd-10';
/** The system of ICD-9-CM procedure codes (`MA_PTTT_QT`); no list is bundled, the codes are kept as given. */
export const ICD9CM_SYSTEM = 'http://hl7.org/fhir/sid/icd-9-cm';

const text = z.string();
/** An ISO 8601 date-time with its offset, read from `yyyymmddHHMM` (Vietnam time). */
const dateTime = z.string();
/**
 * The source fields of a row the clinical model does not map (money fields, STT, payment codes…),
 * and a mapped field whose value could not be read (a bad date stays here as written): never lost.
 */
export const SourceFieldsSchema = z.record(z.string(), z.string());

/** A code with its system. */
export const CodingSchema = z.object({ system: z.string(), code: z.string().min(1) });
export type Coding = z.infer<typeof CodingSchema>;

/** One XML2 row: a medication given or prescribed. */
export const MedicationSchema = z.object({
  code: text.optional(), // MA_THUOC
  name: text.optional(), // TEN_THUOC
  unit: text.optional(), // DON_VI_TINH
  strength: text.optional(), // HAM_LUONG
  route: text.optional(), // DUONG_DUNG (route code, kept as given)
  dose: text.optional(), // LIEU_DUNG
  directions: text.optional(), // CACH_DUNG
  quantity: text.optional(), // SO_LUONG (decimal text, as written)
  orderedAt: dateTime.optional(), // NGAY_YL
  administeredAt: dateTime.optional(), // NGAY_TH_YL
  prescriber: text.optional(), // MA_BAC_SI
  department: text.optional(), // MA_KHOA
  source: SourceFieldsSchema,
});
export type Medication = z.infer<typeof MedicationSchema>;

/** One XML3 row: a service, procedure or supply. */
export const ServiceSchema = z.object({
  code: text.optional(), // MA_DICH_VU
  procedures: z.array(CodingSchema), // MA_PTTT_QT (ICD-9-CM, ";"-separated)
  supplyCode: text.optional(), // MA_VAT_TU
  name: text.optional(), // TEN_DICH_VU
  supplyName: text.optional(), // TEN_VAT_TU
  unit: text.optional(), // DON_VI_TINH
  quantity: text.optional(), // SO_LUONG
  orderedAt: dateTime.optional(), // NGAY_YL
  performedAt: dateTime.optional(), // NGAY_TH_YL
  resultAt: dateTime.optional(), // NGAY_KQ
  orderer: text.optional(), // MA_BAC_SI
  performer: text.optional(), // NGUOI_THUC_HIEN
  department: text.optional(), // MA_KHOA
  diagnoses: z.array(CodingSchema), // MA_BENH (ICD-10, ";"-separated)
  source: SourceFieldsSchema,
});
export type Service = z.infer<typeof ServiceSchema>;

/** One XML5 row: a clinical-course note. */
export const CourseNoteSchema = z.object({
  text: text.optional(), // DIEN_BIEN_LS
  stage: text.optional(), // GIAI_DOAN_BENH
  consultation: text.optional(), // HOI_CHAN
  surgery: text.optional(), // PHAU_THUAT
  at: dateTime.optional(), // THOI_DIEM_DBLS
  author: text.optional(), // NGUOI_THUC_HIEN
  source: SourceFieldsSchema,
});
export type CourseNote = z.infer<typeof CourseNoteSchema>;

/** A table of the file set the codec does not map (XML6…XML15, CHECKIN), kept verbatim. */
export const RawTableSchema = z.object({
  /** `LOAIHOSO` as written (`XML7`). */
  type: z.string(),
  /** The table's XML as decoded from base64; absent when the base64 could not be read. */
  content: z.string().optional(),
  /** `NOIDUNGFILE` as written, kept only when it is not readable base64. */
  base64: z.string().optional(),
});
export type RawTable = z.infer<typeof RawTableSchema>;

/** One visit (one `HOSO`): XML1 with its XML2, XML3, XML4 and XML5 rows. */
export const VisitSchema = z.object({
  id: z.string(), // MA_LK
  facility: text.optional(), // MA_CSKCB
  patient: z.object({
    localId: text.optional(), // MA_BN
    name: text.optional(), // HO_TEN
    birth: dateTime.optional(), // NGAY_SINH
    /** GIOI_TINH: 1 male, 2 female, 3 unknown (docs/en/guide/domain.md). */
    sex: z.enum(['male', 'female', 'unknown']).optional(),
    /** SO_CCCD (12 digits) and the MA_THE_BHYT cards, with the registry's systems. */
    identifiers: z.array(IdentifierValueSchema),
  }),
  visitType: text.optional(), // MA_LOAI_KCB (code kept as given)
  admittedAt: dateTime.optional(), // NGAY_VAO
  inpatientAt: dateTime.optional(), // NGAY_VAO_NOI_TRU
  dischargedAt: dateTime.optional(), // NGAY_RA
  department: text.optional(), // MA_KHOA
  reason: text.optional(), // LY_DO_VV
  admissionDiagnosis: text.optional(), // CHAN_DOAN_VAO
  dischargeDiagnosis: text.optional(), // CHAN_DOAN_RV
  mainDiagnosis: CodingSchema.optional(), // MA_BENH_CHINH
  secondaryDiagnoses: z.array(CodingSchema), // MA_BENH_KT (at most 12 allowed; more are reported, kept)
  traditionalDiagnoses: z.array(z.string()), // MA_BENH_YHCT (codes kept as given)
  procedures: z.array(CodingSchema), // MA_PTTT_QT (ICD-9-CM)
  outcome: text.optional(), // KET_QUA_DTRI (code kept as given)
  dischargeType: text.optional(), // MA_LOAI_RV (code kept as given)
  referralFrom: text.optional(), // MA_NOI_DI
  referralTo: text.optional(), // MA_NOI_DEN
  followUpDates: z.array(z.string()), // NGAY_TAI_KHAM (yyyy-mm-dd)
  medicalRecordNumber: text.optional(), // MA_HSBA
  medications: z.array(MedicationSchema),
  services: z.array(ServiceSchema),
  notes: z.array(CourseNoteSchema),
  labReports: z.array(LabReportSchema),
  /** The XML4 rows as read (the reports are derived from them; encoding writes them back). */
  labRows: z.array(SourceFieldsSchema),
  /** Other tables of the same HOSO, verbatim. */
  otherTables: z.array(RawTableSchema),
  source: SourceFieldsSchema,
});
export type Visit = z.infer<typeof VisitSchema>;

/** A decoded file set: the envelope's facts, the visits, and whatever could not be tied to a visit. */
export const VisitFileSetSchema = z.object({
  /** `THONGTINDONVI/MACSKCB`; absent for a bare table. */
  facility: text.optional(),
  /** `THONGTINHOSO/NGAYLAP`, as written. */
  createdOn: text.optional(),
  visits: z.array(VisitSchema),
  /** Rows whose MA_LK has no XML1 (reported), by table, and tables of a HOSO without XML1. */
  unlinked: z.array(z.object({ table: z.string(), rows: z.array(SourceFieldsSchema) })),
  otherTables: z.array(RawTableSchema),
});
export type VisitFileSet = z.infer<typeof VisitFileSetSchema>;

const VISIT_PARSE = { code: 'VISIT_INVALID', subject: { en: 'visit', vi: 'lượt khám' } };
const FILE_SET_PARSE = { code: 'VISIT_FILE_SET_INVALID', subject: { en: 'visit file set', vi: 'bộ hồ sơ' } };

/** Validates a visit; throws a `ValidationError` (`VISIT_INVALID`) with every issue's path. */
export const parseVisit = (value: unknown): Visit => parseWith(VisitSchema, value, VISIT_PARSE);
/** {@link parseVisit}, answering a `Result`. */
export const safeParseVisit = (value: unknown): Result<Visit, ValidationError> =>
  safeParseWith(VisitSchema, value, VISIT_PARSE);
/** Validates a file set; throws a `ValidationError` (`VISIT_FILE_SET_INVALID`). */
export const parseVisitFileSet = (value: unknown): VisitFileSet =>
  parseWith(VisitFileSetSchema, value, FILE_SET_PARSE);
/** {@link parseVisitFileSet}, answering a `Result`. */
export const safeParseVisitFileSet = (value: unknown): Result<VisitFileSet, ValidationError> =>
  safeParseWith(VisitFileSetSchema, value, FILE_SET_PARSE);

/**
 * A visit built by hand: `id`, `facility` and `patient` with everything else of the model empty
 * unless given — the lists a visit read from XML 130 always has, so a visit an application builds
 * has the same shape (and publishes, compares and round-trips the same way).
 * @example const visit = newVisit({ id: 'LK-1', facility: '01001', patient: { identifiers: [cccd] }, mainDiagnosis });
 */
export function newVisit(fields: Pick<Visit, 'id' | 'patient'> & Partial<Visit>): Visit {
  return {
    secondaryDiagnoses: [],
    traditionalDiagnoses: [],
    procedures: [],
    followUpDates: [],
    medications: [],
    services: [],
    notes: [],
    labReports: [],
    labRows: [],
    otherTables: [],
    source: {},
    ...fields,
  };
}
